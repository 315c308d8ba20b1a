import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.history_records import ChangeHistory
from asis.model_fields import URLField
from organisations.neq import NEQField


class User(AbstractUser):
    """A person who logs in. Custom from the first migration (Django's advice)."""

    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    calendar_token = models.UUIDField(
        _("jeton du calendrier"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Clé secrète de l'adresse iCalendar personnelle (abonnement Outlook ou Google Agenda)."),
    )
    # The language chosen with the portal's switcher, kept for what is sent to the person (e-mails); blank: the
    # portal's (French). Set by organisations.services.user_language_set. A default in the database too: a row written
    # by code that predates the column (a migration's historical model, an older release during a deployment) is valid.
    language = models.CharField(
        _("langue"),
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text=_("La langue choisie dans le portail, celle des courriels qu'on lui envoie; vide : le français."),
    )
    anonymised_at = models.DateTimeField(
        _("anonymisé le"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Effacement à sa demande ou à la fin de la conservation (Loi 25) : le nom est remplacé, le compte fermé."
        ),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.username

    # Role predicates read the groups, memberships and alliance roles loaded once per request (no query after the
    # first). On an alliance's page (AllianceMiddleware binds the request's user to it) Coordination, Personnel and
    # the regional funder are the person's role in that alliance; elsewhere (pages of no alliance, services, the
    # admin) Coordination and Personnel are the portal-wide groups the admin's permissions hang on.
    def bind_alliance(self, alliance) -> None:
        """Answer the role predicates for `alliance` (None: a page that belongs to no alliance)."""
        self._asis_bound_alliance = alliance.pk if alliance is not None else None

    def _group_names(self) -> set[str]:
        if not hasattr(self, "_asis_group_names"):
            self._load_roles()
        return self._asis_group_names

    def alliance_role_map(self) -> dict[int, str]:
        """{alliance pk: role} of this user's open alliance roles (AllianceRole.Role values)."""
        if not hasattr(self, "_asis_alliance_roles"):
            self._load_roles()
        return self._asis_alliance_roles

    def _load_roles(self) -> None:
        """Groups, active memberships and open alliance roles in one query (a small join), cached on the user."""
        rows = (
            list(
                User.objects.filter(pk=self.pk)
                .annotate(
                    open_role=models.FilteredRelation(
                        "alliance_roles", condition=Q(alliance_roles__ended_on__isnull=True)
                    )
                )
                .values_list(
                    "groups__name",
                    "memberships__organisation_id",
                    "memberships__role",
                    "memberships__left_on",
                    "open_role__alliance_id",
                    "open_role__role",
                )
            )
            if self.pk
            else []
        )
        self._asis_group_names = {group for group, *_rest in rows if group}
        current = {(org_id, role) for _group, org_id, role, left_on, *_roles in rows if org_id and left_on is None}
        self._asis_org_ids = {org_id for org_id, _role in current}
        self._asis_responsable_ids = {org_id for org_id, role in current if role == Membership.Role.RESPONSABLE}
        self._asis_alliance_roles = {alliance_id: role for *_rest, alliance_id, role in rows if alliance_id}

    def _role_here(self) -> str | None:
        """The role held in the bound alliance; `...` when no alliance is bound (the groups answer)."""
        if getattr(self, "_asis_bound_alliance", None) is None:
            return ...
        return self.alliance_role_map().get(self._asis_bound_alliance)

    @property
    def is_coordinator(self) -> bool:
        from organisations.roles import COORDINATION

        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        role = self._role_here()
        return COORDINATION in self._group_names() if role is ... else role == "coordination"

    @property
    def is_personnel(self) -> bool:
        from organisations.roles import PERSONNEL

        if not self.is_active:
            return False
        role = self._role_here()
        return PERSONNEL in self._group_names() if role is ... else role == "personnel"

    @property
    def is_funder(self) -> bool:
        """The regional funder of the bound alliance: reads its envelope, bilans, exports and open data; writes
        nothing. On a page of no alliance: a funder of at least one alliance."""
        if not self.is_active:
            return False
        role = self._role_here()
        return "funder" in self.alliance_role_map().values() if role is ... else role == "funder"

    @property
    def runs_portal(self) -> bool:
        """The portal's operators (the Coordination group, superusers): sign-up requests, privacy registers and
        the admin, which belong to no alliance."""
        from organisations.roles import COORDINATION

        return self.is_active and (self.is_superuser or COORDINATION in self._group_names())

    @property
    def sees_everything(self) -> bool:
        """Coordination and staff read every record (staff cannot change them)."""
        return self.is_coordinator or self.is_personnel

    @property
    def reads_figures(self) -> bool:
        """Coordination, staff and the regional funder read the envelope, the bilan and their exports."""
        return self.sees_everything or self.is_funder

    def organisation_ids(self) -> set[int]:
        """Organisations this user is an active member of (the roles' query, then cached)."""
        if not hasattr(self, "_asis_org_ids"):
            self._load_roles()
        return self._asis_org_ids

    def responsable_ids(self) -> set[int]:
        """Organisations this user is an active *responsable* of (the same cached query)."""
        if not hasattr(self, "_asis_responsable_ids"):
            self._load_roles()
        return self._asis_responsable_ids

    def forget_roles(self) -> None:
        """Drop the cached groups and memberships after a change (for code that keeps the instance)."""
        for attr in ("_asis_group_names", "_asis_org_ids", "_asis_responsable_ids", "_asis_alliance_roles"):
            self.__dict__.pop(attr, None)

    def can_submit_for(self, organisation) -> bool:
        """May submit on behalf of `organisation`: it is approved and this user is an active member."""
        return organisation.can_submit and organisation.pk in self.organisation_ids()


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)

    def active(self):
        return self.exclude(status=Organisation.Status.ARCHIVED)

    def pending(self):
        return self.filter(status=Organisation.Status.PENDING)

    def visible_to(self, user):
        """Coordination and staff see every organisation; a partner sees their own."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(pk__in=user.organisation_ids())


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Organisme public")
        COMMUNITY = "community", _("Organisme communautaire")
        MUNICIPAL = "municipal", _("Municipal")
        PRIVATE = "private", _("Entreprise privée")
        CITIZENS = "citizens", _("Regroupement de citoyens")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente d'approbation")
        APPROVED = "approved", _("Approuvée")
        ARCHIVED = "archived", _("Archivée")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("secteur d'activité"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True, default="Rouyn-Noranda")
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = URLField(_("site Web"), blank=True)
    # Optional (issue 22): the grants' open data (360Giving) names a recipient by it when it is known.
    # A default in the database too: a row written by code that predates the column is valid (as User.language).
    neq = NEQField(
        _("NEQ (numéro d'entreprise du Québec)"),
        default="",
        db_default="",
        help_text=_(
            "Facultatif. Les 10 chiffres que le Registraire des entreprises du Québec attribue à l'organisation "
            "à son immatriculation : ils figurent sur son état de renseignements au Registre des entreprises "
            "(recherche par nom sur le site du Registraire) et sur ses déclarations annuelles."
        ),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField(
        _("motif du statut"), blank=True, help_text=_("Pourquoi la coordination a refusé ou archivé l'organisation.")
    )
    is_coordinating_body = models.BooleanField(
        _("organisme coordonnateur"),
        default=False,
        help_text=_("L'organisme mandaté pour coordonner l'Alliance (RNVVS)."),
    )
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    history = ChangeHistory(excluded_fields=["updated_at"])  # who, when, what changed (django-simple-history)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_coordinating_body"],
                condition=Q(is_coordinating_body=True),
                name="organisations_organisation_one_coordinating_body",
            ),
            # A NEQ names one enterprise: two organisations of the portal never share one (blank: not known yet).
            models.UniqueConstraint(
                fields=["neq"],
                condition=~Q(neq=""),
                name="organisations_organisation_unique_neq",
                violation_error_message=_("Ce NEQ est déjà celui d'une autre organisation du portail."),
                violation_error_code="neq_taken",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:organisation-detail", args=[self.pk])

    def validate_constraints(self, exclude=None):
        """As Django's, but a NEQ already taken is told beside the NEQ (a conditional unique constraint's error
        belongs to no field otherwise)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            taken = [e for e in errors.get(NON_FIELD_ERRORS, []) if getattr(e, "code", None) == "neq_taken"]
            if taken:
                errors[NON_FIELD_ERRORS] = [e for e in errors[NON_FIELD_ERRORS] if e.code != "neq_taken"]
                if not errors[NON_FIELD_ERRORS]:
                    del errors[NON_FIELD_ERRORS]
                errors.setdefault("neq", []).extend(taken)
            raise ValidationError(errors) from None

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    @property
    def can_submit(self) -> bool:
        """Members prepare drafts at any time but submit only once coordination has approved the organisation."""
        return self.status == self.Status.APPROVED

    # Permission predicates: no query once the user's groups and memberships are loaded.
    def can_edit(self, user) -> bool:
        return user.is_authenticated and (user.is_coordinator or self.pk in user.organisation_ids())

    def can_edit_identity(self, user) -> bool:
        """Name and kind: the members while the organisation is pending, coordination always."""
        return user.is_authenticated and (
            user.is_coordinator or (self.status == self.Status.PENDING and self.pk in user.organisation_ids())
        )

    def can_manage_members(self, user) -> bool:
        return user.is_authenticated and (user.is_coordinator or self.pk in user.responsable_ids())

    def can_invite_members(self, user) -> bool:
        """Responsables invite only once coordination has approved the organisation (a just-signed-up,
        pending organisation cannot pull people in); coordination may invite to any organisation not archived."""
        if not user.is_authenticated or self.status == self.Status.ARCHIVED:
            return False
        return user.is_coordinator or (self.status == self.Status.APPROVED and self.pk in user.responsable_ids())

    # Allowed status changes: pending -> approved -> archived (and back from archived).
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.ARCHIVED},
        Status.APPROVED: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.APPROVED},
    }

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    class Role(models.TextChoices):
        RESPONSABLE = "responsable", _("Responsable")
        MEMBER = "member", _("Membre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("depuis le"), default=timezone.localdate)
    left_on = models.DateField(_("jusqu'au"), null=True, blank=True)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre d'une organisation")
        verbose_name_plural = _("membres des organisations")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="organisations_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class MembershipRequest(models.Model):
    """A person asks to join an existing approved organisation; coordination decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("personne"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="membership_requests", verbose_name=_("organisation")
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status="pending"),
                name="organisations_membershiprequest_one_pending",
                violation_error_message=_("Une demande pour cette organisation est déjà en attente."),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


class MembershipInvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations still waiting for an answer and not yet expired."""
        return self.filter(status=MembershipInvitation.Status.PENDING, expires_at__gt=timezone.now())


class MembershipInvitation(models.Model):
    """A responsable invites someone by e-mail; the person joins only by accepting through the link.

    Only a hash of the link's secret is stored, so reading the table does not let anyone accept an invitation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")
        CANCELLED = "cancelled", _("Annulée")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="membership_invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("courriel invité"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invitée par")
    )
    token_hash = models.CharField(_("empreinte du lien"), max_length=64, unique=True, editable=False)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("répondue par"),
    )

    objects = MembershipInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation à joindre une organisation")
        verbose_name_plural = _("invitations à joindre une organisation")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()

    def close(self, status: str, *, by) -> None:
        """Record the answer (accepted, declined) or the withdrawal (cancelled): who, when; the link stops working.
        The services call it on a row they locked."""
        self.status, self.answered_at, self.answered_by = status, timezone.now(), by
        self.save(update_fields=["status", "answered_at", "answered_by"])

    def is_for(self, user) -> bool:
        """The signed-in account is the one invited: same e-mail address (case aside)."""
        return bool(user.is_authenticated and user.email and user.email.casefold() == self.email.casefold())


class Citizen(models.Model):
    """A person taking part on their own behalf (principle 5: the citizen at the heart)."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    neighbourhood = models.CharField(_("quartier ou village"), max_length=120, blank=True)
    # Before Law 25's consents per purpose: kept in step with the « contact » consent by the privacy app.
    consent_to_contact = models.BooleanField(_("consent à être contacté"), default=False)
    consent_given_on = models.DateField(_("date du consentement"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # A citizen stays a record kept by Coordination unless offered their own access (issue 21, part 5): their
    # account, linked once they accept the link sent by e-mail (chantiers.services_citizen). Withdrawn, the account
    # is deactivated, never deleted, and stays linked.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citizen",
        verbose_name=_("compte"),
    )
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("citoyen")
        verbose_name_plural = _("citoyens")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_contact=False) | Q(consent_given_on__isnull=False),
                name="organisations_citizen_consent_has_date",
                violation_error_message=_("Indiquez la date à laquelle le consentement a été donné."),
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
