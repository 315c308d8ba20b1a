import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance, AllianceRole
from asis.history_records import ChangeHistory
from asis.model_fields import URLField
from organisations.models import Citizen, Organisation
from plans.models import Theme

# ---------------------------------------------------------------- concertation spaces


class SpaceQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.filter(alliance=alliance)

    def active(self):
        return self.filter(status=Space.Status.ACTIVE)

    def visible_to(self, user):
        """Coordination and staff see every space; a partner the spaces their organisation sits in."""
        if user.is_authenticated and user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        seated = SpaceMembership.objects.filter(organisation_id__in=user.organisation_ids(), left_on__isnull=True)
        return self.filter(pk__in=seated.values("space_id"))  # a semi-join: each space once, no DISTINCT


class Space(models.Model):
    """A concertation space: a chantier created for a theme, or an existing committee or table (principle 2)."""

    class Kind(models.TextChoices):
        CHANTIER = "chantier", _("Chantier")
        COMMITTEE = "comite", _("Comité existant")
        TABLE = "table", _("Table existante")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        ARCHIVED = "archived", _("Archivé")

    # A space belongs to its alliance and lives across its plans: it works on themes of the current plan.
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="spaces", verbose_name=_("alliance"))
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.CHANTIER)
    themes = models.ManyToManyField(Theme, related_name="spaces", verbose_name=_("enjeux"))
    mandate = models.TextField(_("mandat"), blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_spaces",
        verbose_name=_("organisation responsable"),
    )
    member_organisations = models.ManyToManyField(
        Organisation,
        through="SpaceMembership",
        related_name="spaces",
        blank=True,
        verbose_name=_("organisations membres"),
    )
    citizens = models.ManyToManyField(
        Citizen, through="SpaceCitizen", related_name="spaces", blank=True, verbose_name=_("citoyens")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_spaces",
        verbose_name=_("coordonnateur ou coordonnatrice"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    archived_on = models.DateField(_("archivé le"), null=True, blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    # who, when, what changed (django-simple-history)
    history = ChangeHistory(table_name="chantiers_historicalchantier")

    objects = SpaceQuerySet.as_manager()

    class Meta:
        # The table keeps the model's first name (the French « chantier »).
        db_table = "chantiers_chantier"
        verbose_name = _("lieu de concertation")
        verbose_name_plural = _("lieux de concertation")
        ordering = ["name"]
        indexes = [
            # By name across alliances: the bilan's list of a plan's spaces (its first SEAT_CHOICES by name) walks it
            # and stops, instead of testing and sorting every space of the instance (scale 100: 20 → 1 ms).
            models.Index(fields=["name", "id"], name="chantiers_space_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "name"],
                name="chantiers_space_unique_name_per_alliance",
                violation_error_message=_("Cette alliance a déjà un lieu de concertation de ce nom."),
            ),
        ]

    def __str__(self):
        return self.name


class ParticipationRole(models.TextChoices):
    LEAD = "lead", _("Responsable")
    MEMBER = "member", _("Membre")
    OBSERVER = "observer", _("Observateur")


class ParticipationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Participation(models.Model):
    """A seat in a concertation space: its role and when it was taken and left (kept after leaving)."""

    role = models.CharField(
        _("rôle"), max_length=20, choices=ParticipationRole.choices, default=ParticipationRole.MEMBER
    )
    joined_on = models.DateField(_("depuis le"), null=True, blank=True)
    left_on = models.DateField(_("jusqu'au"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self):
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("La date de départ doit suivre la date d'arrivée.")})


class SpaceMembership(Participation):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="space_memberships", verbose_name=_("organisation")
    )

    class Meta:
        db_table = "chantiers_chantiermembership"
        verbose_name = _("organisation membre")
        verbose_name_plural = _("organisations membres")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "organisation"],
                condition=Q(left_on__isnull=True),
                name="chantiers_chantiermembership_one_active_seat",
                violation_error_message=_("Cette organisation siège déjà à ce lieu de concertation."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.space}"


class SpaceCitizen(Participation):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="citizen_memberships")
    citizen = models.ForeignKey(
        Citizen, on_delete=models.PROTECT, related_name="space_memberships", verbose_name=_("citoyen")
    )

    class Meta:
        db_table = "chantiers_chantiercitizen"
        verbose_name = _("citoyen membre")
        verbose_name_plural = _("citoyens membres")
        constraints = [
            models.UniqueConstraint(
                fields=["space", "citizen"],
                condition=Q(left_on__isnull=True),
                name="chantiers_chantiercitizen_one_active_seat",
                violation_error_message=_("Ce citoyen siège déjà à ce lieu de concertation."),
            ),
        ]

    def __str__(self):
        return f"{self.citizen} — {self.space}"


class SpaceFacilitatorQuerySet(models.QuerySet):
    def current(self):
        return self.filter(until__isnull=True)


class SpaceFacilitator(models.Model):
    """A person named by Coordination to run a space's meetings (animateur, animatrice): schedule them, record
    attendance, minutes, decisions and follow-ups, for that space only. A seat is an organisation's; this is a
    person's, who must belong to an organisation seated in the space (`chantiers.services.facilitator_name`).
    Leaving sets `until` and keeps the row."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_spaces",
        verbose_name=_("personne"),
    )
    since = models.DateField(_("depuis le"), default=timezone.localdate)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nommé par"),
    )

    objects = SpaceFacilitatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("animateur ou animatrice")
        verbose_name_plural = _("animateurs et animatrices")
        ordering = ["until", "since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=Q(until__isnull=True),
                name="chantiers_spacefacilitator_one_open",
                violation_error_message=_("Cette personne anime déjà ce lieu de concertation."),
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="chantiers_spacefacilitator_until_after_since",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]
        # A person's spaces to run (every page of a facilitator reads them once).
        indexes = [models.Index(fields=["user", "space"], name="chantiers_facilitator_user_idx")]

    def __str__(self):
        return f"{self.user} — {self.space}"


def _invited_q(user, org_ids) -> Q:
    """Meetings to which the user or one of their organisations is invited: two semi-joins, each on its own
    index (one subquery with OR would scan every invitation)."""
    by_organisation = Invitation.objects.filter(organisation_id__in=org_ids).values("meeting_id")
    by_person = Invitation.objects.filter(user=user).values("meeting_id")
    return Q(pk__in=by_organisation) | Q(pk__in=by_person)


class MeetingQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.filter(space__alliance=alliance)

    def upcoming(self):
        return self.filter(date__gte=timezone.localdate()).order_by("date", "start_time")

    def past(self):
        return self.filter(date__lt=timezone.localdate()).order_by("-date", "-start_time")

    def visible_to(self, user):
        """Coordination and staff see every meeting; a partner those of the spaces their organisation sits in
        or is invited to; the public none (minutes and attendance name people)."""
        if user.is_authenticated and user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        org_ids = user.organisation_ids()
        # Semi-joins, not joins + DISTINCT: each meeting once, and lists read in index order.
        seated = SpaceMembership.objects.filter(organisation_id__in=org_ids, left_on__isnull=True).values("space_id")
        return self.filter(Q(space_id__in=seated) | _invited_q(user, org_ids))

    def for_calendar_of(self, user):
        """Meetings of every alliance that a person may see and is expected at: those of the spaces they coordinate
        in an alliance where they read every meeting (Coordination or Personnel there; a superuser everywhere),
        and those to which they or their organisation are invited."""
        org_ids = user.organisation_ids()  # loads the alliance roles with it (one query)
        coordinated = Q(space__coordinator=user)
        if not user.is_superuser:
            reading = (AllianceRole.Role.COORDINATION, AllianceRole.Role.PERSONNEL)
            alliances = [pk for pk, role in user.alliance_role_map().items() if role in reading]
            coordinated &= Q(space__alliance_id__in=alliances)
        return self.filter(coordinated | _invited_q(user, org_ids))  # semi-joins: each meeting once


class Meeting(models.Model):
    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("lieu de concertation")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("début"), null=True, blank=True)
    end_time = models.TimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    video_link = URLField(_("lien de visioconférence"), blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=0, editable=False)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")
        ordering = ["-date", "-start_time"]
        indexes = [
            models.Index(fields=["date"], name="chantiers_meeting_date_idx"),
            models.Index(fields=["space", "date"], name="chantiers_meeting_space_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="chantiers_meeting_ends_after_start",
                violation_error_message=_("L'heure de fin doit suivre l'heure de début."),
            ),
        ]

    def __str__(self):
        return f"{self.space} — {self.date:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # Kept in step with the times so hours can be summed in SQL on every database.
        self.duration_minutes = self.compute_duration_minutes()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "duration_minutes"}
        super().save(*args, **kwargs)

    def compute_duration_minutes(self) -> int:
        if not (self.start_time and self.end_time) or self.end_time <= self.start_time:
            return 0
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        return int((end - start).total_seconds() // 60)

    @property
    def is_upcoming(self) -> bool:
        return self.date >= timezone.localdate()

    def starts_at(self) -> datetime.datetime | None:
        if not self.start_time:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    def ends_at(self) -> datetime.datetime | None:
        if not self.end_time:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))


class Invitation(models.Model):
    """Who was asked to attend a meeting: an organisation, a citizen or a person. A citizen with their own access
    says whether they will come (`response`, kept with its time; changed while the meeting is upcoming)."""

    class Response(models.TextChoices):
        COMING = "coming", _("Je serai là")
        NOT_COMING = "not_coming", _("Je ne serai pas là")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    citizen = models.ForeignKey(
        Citizen, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations", verbose_name=_("citoyen")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("personne"),
    )
    invited_at = models.DateTimeField(_("invité le"), default=timezone.now)
    # a default in the database too: rows written in bulk by SQL that predates the column stay valid
    response = models.CharField(
        _("réponse"), max_length=20, choices=Response.choices, blank=True, default="", db_default=""
    )
    responded_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, citizen__isnull=True, user__isnull=True)
                    | Q(organisation__isnull=True, citizen__isnull=False, user__isnull=True)
                    | Q(organisation__isnull=True, citizen__isnull=True, user__isnull=False)
                ),
                name="chantiers_invitation_exactly_one_invitee",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(organisation__isnull=False),
                name="chantiers_invitation_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["meeting", "citizen"],
                condition=Q(citizen__isnull=False),
                name="chantiers_invitation_unique_citizen",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="chantiers_invitation_unique_user"
            ),
        ]
        # An organisation's meetings (hyperconcertation, the threshold warning) without scanning every invitation.
        indexes = [
            models.Index(fields=["organisation", "meeting"], name="chantiers_invitation_org_idx"),
            # A citizen's meetings in the same way (the hyperconcertation figures read them grouped by citizen).
            models.Index(fields=["citizen", "meeting"], name="chantiers_invitation_cit_idx"),
        ]

    def __str__(self):
        return str(self.organisation or self.citizen or self.user)


class Decision(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("rencontre")
    )
    text = models.TextField(_("décision"))
    created_at = models.DateTimeField(_("consignée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text[:80]


class FollowUpQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.filter(decision__meeting__space__alliance=alliance)

    def open(self):
        return self.filter(done=False)


class FollowUp(models.Model):
    """A follow-up action of a decision: what, who, by when, done or not (suivi)."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("décision")
    )
    what = models.CharField(_("quoi"), max_length=255)
    responsible_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("organisation responsable"),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("personne responsable"),
    )
    due_on = models.DateField(_("pour le"), null=True, blank=True)
    done = models.BooleanField(_("fait"), default=False)
    done_on = models.DateField(_("fait le"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        ordering = ["done", "due_on", "pk"]
        indexes = [models.Index(fields=["done", "due_on"], name="chantiers_followup_open_idx")]

    def __str__(self):
        return self.what

    @property
    def is_late(self) -> bool:
        return not self.done and self.due_on is not None and self.due_on < timezone.localdate()


class Attendance(models.Model):
    """Who was at a meeting: a user (for an organisation), a citizen, or an organisation alone."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("personne"),
    )
    citizen = models.ForeignKey(
        Citizen, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances", verbose_name=_("citoyen")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("pour l'organisation"),
    )
    present = models.BooleanField(_("présent"), default=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(citizen__isnull=False) | Q(organisation__isnull=False),
                name="chantiers_attendance_someone",
                violation_error_message=_("Indiquez une personne, un citoyen ou une organisation."),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(citizen__isnull=True),
                name="chantiers_attendance_user_or_citizen",
                violation_error_message=_("Une présence est celle d'une personne ou d'un citoyen, pas des deux."),
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="chantiers_attendance_unique_user"
            ),
            models.UniqueConstraint(
                fields=["meeting", "citizen"],
                condition=Q(citizen__isnull=False),
                name="chantiers_attendance_unique_citizen",
            ),
        ]
        # A person's or a citizen's meetings (hyperconcertation, participation) without scanning every row.
        indexes = [
            models.Index(fields=["user", "meeting"], name="chantiers_attend_user_idx"),
            models.Index(fields=["citizen", "meeting"], name="chantiers_attend_citizen_idx"),
        ]

    def __str__(self):
        return str(self.user or self.citizen or self.organisation)


# ---------------------------------------------------------------- hyperconcertation figures (a cache)


class MeetingLoad(models.Model):
    """What one organisation, citizen or user was asked to attend by one alliance over the last 3, 6 and 12
    months as of `MeetingLoadState.as_of`: the figures of that alliance's hyperconcertation page, computed in one
    pass over the invitations and attendance rows (hundreds of thousands at province scale) and read back by
    pages. Each alliance counts its own meetings and seats only: its page shows nothing of another alliance's.

    A cache, never written by hand, kept per alliance: `chantiers.selectors.meeting_loads_refresh` rebuilds an
    alliance's rows when its state (`MeetingLoadState`) says they are stale (another day, or a write to one of
    its invitations, attendance rows, meetings, seats or spaces since they were built: the services that write them
    call `chantiers.services.spaces_written`); a
    write in one alliance never rebuilds another's. Invitees with neither a meeting in the 12 months nor a seat
    in the alliance have no row of that alliance."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        CITIZEN = "citizen", _("citoyen")
        USER = "user", _("personne")

    # A cache: rebuilt whole, it holds nothing an alliance's deletion should keep (alliances are never deleted).
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="+", verbose_name=_("alliance"))
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    who = models.PositiveIntegerField(_("identifiant"))
    meetings_3 = models.PositiveIntegerField(default=0)
    minutes_3 = models.PositiveIntegerField(default=0)
    meetings_6 = models.PositiveIntegerField(default=0)
    minutes_6 = models.PositiveIntegerField(default=0)
    meetings_12 = models.PositiveIntegerField(default=0)
    minutes_12 = models.PositiveIntegerField(default=0)
    # Organisations and citizens: the active spaces they sit in now; users: the distinct spaces of their meetings.
    spaces = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("charge de rencontres")
        verbose_name_plural = _("charges de rencontres")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "kind", "who"], name="chantiers_meetingload_unique_who")
        ]
        # A page sorted by a column, most first, reads the alliance's highest values of that column first.
        indexes = [
            models.Index(fields=["alliance", "kind", column], name=f"chantiers_load_{column}_idx")
            for column in ("spaces", "meetings_3", "minutes_3", "meetings_6", "minutes_6", "meetings_12", "minutes_12")
        ]

    def __str__(self):
        return f"{self.alliance_id} {self.kind} {self.who}"


class MeetingLoadState(models.Model):
    """One row per alliance: for which day its rows of `MeetingLoad` were built and whether they are still true.
    Every write that may change one of its figures adds 1 to its `version` (`chantiers.services.spaces_written`), and to no
    other alliance's; a build records the version it started from (`built_version`) and the highest invitation,
    attendance and seat ids of the tables it read, every alliance's (a row of this alliance above them, added by
    `bulk_create`, which sends no signal, makes the figures stale: `chantiers.selectors._state_sql`)."""

    # A cache, like `MeetingLoad`: nothing an alliance's deletion should keep (alliances are never deleted).
    alliance = models.OneToOneField(Alliance, on_delete=models.CASCADE, related_name="+", verbose_name=_("alliance"))
    version = models.PositiveBigIntegerField(default=0)
    built_version = models.PositiveBigIntegerField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    invitations_max = models.PositiveBigIntegerField(default=0)
    attendances_max = models.PositiveBigIntegerField(default=0)
    seats_max = models.PositiveBigIntegerField(default=0)
    citizen_seats_max = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("état des charges de rencontres")
        verbose_name_plural = _("états des charges de rencontres")

    def __str__(self):
        return f"{self.alliance_id} {self.as_of} v{self.built_version}/{self.version}"


# ---------------------------------------------------------------- meetings avoided (principle 3)


class ConsultationQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.filter(space__alliance=alliance)

    def visible_to(self, user):
        """Coordination and staff see every consultation; a partner those their organisation answers, and a
        facilitator those of the spaces they run (the view checks that: `chantiers.access`)."""
        if user.is_authenticated and user.sees_everything:
            return self
        if not user.is_authenticated:
            return self.none()
        org_ids = user.organisation_ids()
        answering = ConsultationRespondent.objects.filter(organisation_id__in=org_ids)
        # a facilitator while one of their organisations still sits in the space (`chantiers.access.facilitated_spaces`)
        seated = SpaceMembership.objects.current().filter(organisation_id__in=org_ids).values("space_id")
        facilitated = SpaceFacilitator.objects.current().filter(user=user, space_id__in=seated).values("space_id")
        return self.filter(Q(pk__in=answering.values("consultation_id")) | Q(space_id__in=facilitated))


class Consultation(models.Model):
    """A written consultation: instead of a meeting, the members of a space answer a short form by a date; the
    answers are kept, read only after that date, as the basis of the decision (recorded here, like a meeting's)."""

    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("lieu de concertation")
    )
    title = models.CharField(_("objet"), max_length=200)
    due_on = models.DateField(_("réponses attendues au plus tard le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lancée par")
    )
    created_at = models.DateTimeField(_("lancée le"), auto_now_add=True)
    decision = models.TextField(_("décision"), blank=True)
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consignée par"),
    )
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation écrite")
        verbose_name_plural = _("consultations écrites")
        ordering = ["-due_on", "-pk"]
        indexes = [models.Index(fields=["space", "due_on"], name="chantiers_consult_space_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("chantiers:consultation-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Answers are taken up to the due date included, and not once the decision is recorded."""
        return self.due_on >= timezone.localdate() and not self.decided_on


class ConsultationQuestion(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["consultation", "order", "pk"]

    def __str__(self):
        return self.text


class ConsultationRespondent(models.Model):
    """Who answers a consultation: a seated organisation (its partner accounts answer for it) or, later (a citizen's
    own access), a citizen's seat in the space. Exactly one of the two."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="respondents")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_respondents",
        verbose_name=_("organisation"),
    )
    citizen_seat = models.ForeignKey(
        SpaceCitizen,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_respondents",
        verbose_name=_("citoyen membre"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réponse de"),
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("répondant")
        verbose_name_plural = _("répondants")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, citizen_seat__isnull=True)
                | Q(organisation__isnull=True, citizen_seat__isnull=False),
                name="chantiers_consultationrespondent_one_who",
            ),
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                condition=Q(organisation__isnull=False),
                name="chantiers_consultationrespondent_unique_org",
            ),
            models.UniqueConstraint(
                fields=["consultation", "citizen_seat"],
                condition=Q(citizen_seat__isnull=False),
                name="chantiers_consultationrespondent_unique_cit",
            ),
        ]
        # A partner's consultations (their list, `ConsultationQuerySet.visible_to`) without scanning every row.
        indexes = [models.Index(fields=["organisation", "consultation"], name="chantiers_respondent_org_idx")]

    def __str__(self):
        return str(self.organisation or self.citizen_seat)


class ConsultationAnswer(models.Model):
    respondent = models.ForeignKey(ConsultationRespondent, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ConsultationQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("réponse"))

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["question__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["respondent", "question"], name="chantiers_consultationanswer_unique")
        ]

    def __str__(self):
        return self.text[:80]


class AvoidedMeeting(models.Model):
    """A meeting not held (principle 3): when scheduling, Coordination or the space's facilitator chose an
    alternative. Kept with what it spared: the invitees, the planned duration and their product in person-minutes,
    and the organisations invited (the bilan counts them per theme and per organisation)."""

    class Alternative(models.TextChoices):
        NEXT_MEETING = "next_meeting", _("Point ajouté à la prochaine rencontre d'un autre lieu")
        CONSULTATION = "consultation", _("Consultation écrite")
        REPRESENTATION = "representation", _("Une organisation en représente plusieurs")

    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="avoided_meetings", verbose_name=_("lieu de concertation")
    )
    date = models.DateField(_("date prévue"))
    alternative = models.CharField(_("solution retenue"), max_length=20, choices=Alternative.choices)
    subject = models.CharField(_("objet"), max_length=255)
    invitees = models.PositiveIntegerField(_("personnes invitées"))
    duration_minutes = models.PositiveIntegerField(_("durée prévue (minutes)"))
    person_minutes = models.PositiveIntegerField(_("personnes-minutes épargnées"))
    organisations = models.ManyToManyField(
        Organisation, related_name="avoided_meetings", blank=True, verbose_name=_("organisations épargnées")
    )
    target_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="added_items",
        verbose_name=_("rencontre qui reçoit le point"),
    )
    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avoided_meeting",
        verbose_name=_("consultation écrite"),
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("choisi par")
    )
    chosen_at = models.DateTimeField(_("choisi le"), auto_now_add=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)

    class Meta:
        verbose_name = _("rencontre évitée")
        verbose_name_plural = _("rencontres évitées")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["space", "date"], name="chantiers_avoided_space_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(alternative="next_meeting", target_meeting__isnull=False)
                | Q(alternative="consultation", consultation__isnull=False)
                | Q(alternative="representation"),
                name="chantiers_avoidedmeeting_alternative_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.space} — {self.date:%Y-%m-%d}"

    @property
    def person_hours(self):
        return (Decimal(self.person_minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Representation(models.Model):
    """One organisation speaks for another instead of a meeting (an avoided meeting's third alternative)."""

    avoided = models.ForeignKey(AvoidedMeeting, on_delete=models.CASCADE, related_name="representations")
    representing = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation qui représente")
    )
    represented = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation représentée")
    )

    class Meta:
        verbose_name = _("représentation")
        verbose_name_plural = _("représentations")
        constraints = [
            models.UniqueConstraint(fields=["avoided", "represented"], name="chantiers_representation_unique"),
            models.CheckConstraint(
                condition=~Q(representing=F("represented")), name="chantiers_representation_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.representing} → {self.represented}"
