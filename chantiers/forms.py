"""Forms of the coordinators' workspace: they validate and normalise; services write."""

import datetime
import functools

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.models import AllianceRole
from asis.forms import (
    LONG_TEXT_MAX_LENGTH,
    DateField,
    FreeTextField,
    IdsField,
    bound_dates,
    bounded_texts,
)
from chantiers.models import AvoidedMeeting, Invitation, Meeting, ParticipationRole, Space, SpaceCitizen
from chantiers.selectors import facilitator_candidates
from organisations.forms import NewPasswordFields, check_new_password
from organisations.models import Citizen, Organisation, User
from plans.models import Theme, plan_date_bounds

DATE_INPUT = {"type": "date"}
TIME_INPUT = {"type": "time"}


class SpaceForm(forms.ModelForm):
    class Meta:
        model = Space
        formfield_callback = bounded_texts()  # the mandate: a comment's bound
        fields = ["name", "kind", "themes", "mandate", "lead_organisation", "coordinator"]
        widgets = {"themes": forms.CheckboxSelectMultiple, "mandate": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"themes": IdsField}
        help_texts = {
            "kind": _(
                "Principe 2 : miser sur les lieux de concertation déjà en place. Choisissez « Comité existant » ou "
                "« Table existante » quand l'enjeu est déjà travaillé ailleurs, plutôt que de créer un chantier."
            ),
        }

    def __init__(self, *args, plan, alliance, **kwargs):
        """`plan`: the page's plan, whose themes are offered (none without a plan); `alliance`: the page's, whose
        coordinators are offered (organisations are shared by the alliances: every approved one is)."""
        super().__init__(*args, **kwargs)
        themes = Theme.objects.none() if plan is None else plan.themes.all()
        self.fields["themes"].queryset = themes.order_by("order")
        self.fields["lead_organisation"].queryset = Organisation.objects.approved()
        coordinators = AllianceRole.objects.open().filter(alliance=alliance, role=AllianceRole.Role.COORDINATION)
        self.fields["coordinator"].queryset = User.objects.filter(
            pk__in=coordinators.values("user_id"), is_active=True
        ).order_by("last_name", "first_name")


def citizens_of(alliance):
    """The citizens a page of `alliance` may name: those who sat (or sit) in one of its spaces, and those who sit
    nowhere yet (a newcomer is seated by the first alliance that welcomes them). Two semi-joins on the seats."""
    seats = SpaceCitizen.objects.values("citizen_id")
    return Citizen.objects.filter(Q(pk__in=seats.filter(space__alliance=alliance)) | ~Q(pk__in=seats))


# A seat form offers at most this many organisations or citizens: at province scale (thousands of each)
# a <select> of all of them took over a second to render and is unusable by keyboard. The space page's
# search (`?org-q=`, `?cit-q=`) narrows the list; any approved organisation or citizen is still accepted.
SEAT_CHOICES = 50


def _offer(field: forms.ModelChoiceField, queryset, *, search: str, more_help: str) -> dict:
    """Show at most SEAT_CHOICES rows of `queryset` in `field`'s <select> (one query); the field still
    validates against its whole queryset. Returns what the page says about the list."""
    rows = list(queryset[: SEAT_CHOICES + 1])
    more = len(rows) > SEAT_CHOICES
    field.widget.choices = [("", field.empty_label)] + [
        (row.pk, field.label_from_instance(row)) for row in rows[:SEAT_CHOICES]
    ]
    if more:
        field.help_text = more_help
    elif search and not rows:
        field.help_text = _("Aucun résultat pour « %(search)s ».") % {"search": search}
    return {"search": search, "more": more, "shown": min(len(rows), SEAT_CHOICES)}


class SeatOrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Rôle"), choices=ParticipationRole.choices, initial=ParticipationRole.MEMBER)
    joined_on = DateField(label=_("Depuis le"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))

    def __init__(self, *args, space: Space, search: str = "", **kwargs):
        """Organisations are shared by the alliances: every approved one not seated yet is offered."""
        super().__init__(*args, prefix="org", **kwargs)
        seated = space.memberships.current().values("organisation_id")
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.approved().exclude(pk__in=seated)
        shown = field.queryset.order_by("name", "pk")
        search = search.strip()
        if search:
            shown = shown.filter(name__icontains=search)
        self.offer = _offer(
            field,
            shown,
            search=search,
            more_help=_(
                "Seules les %(n)s premières organisations (par ordre alphabétique) sont proposées : cherchez par nom pour trouver les autres."
            )
            % {"n": SEAT_CHOICES},
        )


class FacilitatorForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Personne"),
        queryset=User.objects.none(),
        help_text=_("Une personne membre d'une organisation qui siège à ce lieu de concertation."),
        error_messages={
            "required": _("Choisissez la personne qui animera ce lieu."),
            "invalid_choice": _("Cette personne ne peut pas animer ce lieu : choisissez-en une de la liste."),
        },
    )

    def __init__(self, *args, space: Space, **kwargs):
        """The members of the organisations seated in the space who do not run it yet (one query, with the page)."""
        super().__init__(*args, prefix="anim", **kwargs)
        self.fields["user"].queryset = facilitator_candidates(space)
        self.fields["user"].label_from_instance = lambda user: user.get_full_name() or user.username


class SeatCitizenForm(forms.Form):
    citizen = forms.ModelChoiceField(label=_("Citoyen ou citoyenne"), queryset=Citizen.objects.none())
    role = forms.ChoiceField(label=_("Rôle"), choices=ParticipationRole.choices, initial=ParticipationRole.MEMBER)
    joined_on = DateField(label=_("Depuis le"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))

    def __init__(self, *args, space: Space, search: str = "", **kwargs):
        """The citizens of the space's alliance (and the newcomers who sit nowhere yet) not seated yet: another
        alliance's citizens are not named on its pages."""
        super().__init__(*args, prefix="cit", **kwargs)
        seated = space.citizen_memberships.current().values("citizen_id")
        field = self.fields["citizen"]
        field.queryset = citizens_of(space.alliance_id).exclude(pk__in=seated)
        shown = field.queryset.order_by("last_name", "first_name", "pk")
        search = search.strip()
        for word in search.split():
            shown = shown.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
        self.offer = _offer(
            field,
            shown,
            search=search,
            more_help=_(
                "Seuls les %(n)s premiers citoyens (par ordre alphabétique) sont proposés : cherchez par nom pour trouver les autres."
            )
            % {"n": SEAT_CHOICES},
        )


class MeetingForm(forms.ModelForm):
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Meeting
        formfield_callback = bounded_texts(agenda=LONG_TEXT_MAX_LENGTH, minutes=LONG_TEXT_MAX_LENGTH)
        fields = ["date", "start_time", "end_time", "place", "video_link", "agenda"]
        widgets = {
            "date": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs=TIME_INPUT, format="%H:%M"),
            "end_time": forms.TimeInput(attrs=TIME_INPUT, format="%H:%M"),
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, plan=None, **kwargs):
        """`plan`: the page's plan, whose years bound the date (the current plan by default)."""
        super().__init__(*args, **kwargs)
        # within the plan's years, give or take a year
        bound_dates(self, "date", bounds=functools.partial(plan_date_bounds, plan))

    def clean(self):
        data = super().clean()
        if not data.get("place") and not data.get("video_link"):
            raise forms.ValidationError(_("Indiquez un lieu ou un lien de visioconférence."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        return data


class MeetingScheduleForm(MeetingForm):
    def clean_date(self):
        date = self.cleaned_data["date"]
        if date < timezone.localdate() - datetime.timedelta(days=365):
            raise forms.ValidationError(_("Cette date est passée depuis plus d'un an."))
        return date


class MeetingUpdateForm(MeetingForm):
    class Meta(MeetingForm.Meta):
        fields = [*MeetingForm.Meta.fields, "minutes"]
        widgets = {**MeetingForm.Meta.widgets, "minutes": forms.Textarea(attrs={"rows": 8})}


class AttendanceForm(forms.Form):
    users = IdsField(
        label=_("Personnes présentes (pour leur organisation)"),
        required=False,
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    citizens = IdsField(
        label=_("Citoyens et citoyennes présents"),
        required=False,
        queryset=Citizen.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = IdsField(
        label=_("Organisations représentées (sans nommer la personne)"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        space = meeting.space
        org_ids = set(meeting.invitations.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
        org_ids |= set(space.memberships.current().values_list("organisation_id", flat=True))
        citizen_ids = set(meeting.invitations.filter(citizen__isnull=False).values_list("citizen_id", flat=True))
        citizen_ids |= set(space.citizen_memberships.current().values_list("citizen_id", flat=True))
        self.fields["organisations"].queryset = Organisation.objects.filter(pk__in=org_ids).order_by("name")
        self.fields["users"].queryset = (
            User.objects.filter(
                memberships__organisation_id__in=org_ids, memberships__left_on__isnull=True, is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["citizens"].queryset = Citizen.objects.filter(pk__in=citizen_ids)
        self.fields["users"].label_from_instance = lambda user: f"{user.get_full_name() or user.username}"


class DecisionForm(forms.Form):
    text = FreeTextField(label=_("Décision"), widget=forms.Textarea(attrs={"rows": 3}))


class FollowUpForm(forms.Form):
    what = forms.CharField(label=_("Suivi : quoi"), max_length=255, required=False)
    responsible_organisation = forms.ModelChoiceField(
        label=_("Qui (organisation)"), queryset=Organisation.objects.none(), required=False
    )
    due_on = DateField(
        label=_("Pour le"), required=False, widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )

    def __init__(self, *args, organisations=None, plan=None, **kwargs):
        """`plan`: the page's plan, whose years bound the due date (the current plan by default)."""
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.approved()
        )
        bound_dates(self, "due_on", bounds=functools.partial(plan_date_bounds, plan))

    def clean(self):
        data = super().clean()
        if (data.get("responsible_organisation") or data.get("due_on")) and not data.get("what"):
            self.add_error("what", _("Décrivez le suivi à faire."))
        return data


# absolute_max: a posted TOTAL_FORMS beyond max_num builds no more forms (Django's default builds up to
# max_num + 1000 of them: one POST of project form with 99 999 took minutes of server time and 8 Mo of page).
FollowUpFormSet = forms.formset_factory(FollowUpForm, extra=2, max_num=5, absolute_max=5)


THRESHOLD_ERROR = _("Le seuil doit être un nombre entier de rencontres par mois, entre 1 et 99.")


class ThresholdForm(forms.Form):
    """The hyperconcertation threshold (principle 3): meetings a month above which someone is flagged."""

    threshold = forms.IntegerField(
        label=_("Seuil (rencontres par mois)"),
        min_value=1,
        max_value=99,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), THRESHOLD_ERROR),
    )


# ---------------------------------------------------------------- meetings avoided (principle 3)


class AvoidedMeetingForm(forms.Form):
    """Instead of a meeting: which alternative, what for, and what the meeting would have cost (its date and
    planned duration). The fields of the chosen alternative are required; the others are ignored."""

    alternative = forms.ChoiceField(
        label=_("Solution retenue"), choices=AvoidedMeeting.Alternative.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Objet (le point à traiter)"), max_length=255)
    date = DateField(label=_("Date prévue de la rencontre"))
    duration_minutes = forms.IntegerField(
        label=_("Durée prévue (minutes)"), min_value=1, max_value=24 * 60, initial=120
    )
    target_meeting = forms.TypedChoiceField(
        label=_("Rencontre qui reçoit le point"), coerce=int, required=False, widget=forms.RadioSelect
    )
    questions = FreeTextField(
        label=_("Questions de la consultation écrite (une par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_on = DateField(label=_("Réponses attendues au plus tard le"), required=False)
    representing = forms.ModelChoiceField(
        label=_("Organisation qui représente les autres"), queryset=Organisation.objects.none(), required=False
    )
    represented = IdsField(
        label=_("Organisations représentées"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, space: Space, shared=(), plan=None, **kwargs):
        """`shared`: the upcoming meetings of other spaces where most invitees sit
        (`chantiers.selectors.meetings_to_share`), the choices of the first alternative; `plan`: the page's plan,
        whose years bound the dates, as a meeting's."""
        super().__init__(*args, **kwargs)
        bound_dates(self, "date", "due_on", bounds=functools.partial(plan_date_bounds, plan))
        self.shared = {m.meeting_id: m for m in shared}
        self.fields["target_meeting"].choices = [
            (
                m.meeting_id,
                _("%(space)s, le %(date)s (%(overlap)s organisations sur %(invited)s y siègent)")
                % {"space": m.space_name, "date": m.date.isoformat(), "overlap": m.overlap, "invited": m.invited},
            )
            for m in shared
        ]
        seated = Organisation.objects.filter(
            space_memberships__space=space, space_memberships__left_on__isnull=True
        ).order_by("name")
        self.fields["representing"].queryset = seated
        self.fields["represented"].queryset = seated

    def clean(self):
        data = super().clean()
        choice = data.get("alternative")
        Alternative = AvoidedMeeting.Alternative  # noqa: N806
        if choice == Alternative.NEXT_MEETING and not data.get("target_meeting"):
            self.add_error("target_meeting", _("Choisissez la rencontre qui reçoit le point."))
        if choice == Alternative.CONSULTATION:
            if not (data.get("questions") or "").strip():
                self.add_error("questions", _("Posez au moins une question."))
            if not data.get("due_on"):
                self.add_error("due_on", _("Indiquez la date limite des réponses."))
        if choice == Alternative.REPRESENTATION:
            if not data.get("representing"):
                self.add_error("representing", _("Choisissez l'organisation qui représente les autres."))
            if not data.get("represented"):
                self.add_error("represented", _("Choisissez au moins une organisation représentée."))
        return data


class ConsultationAnswerForm(forms.Form):
    """One text per question of a written consultation (`q<pk>`), prefilled with the respondent's answers."""

    def __init__(self, *args, questions, answers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = FreeTextField(
                label=question.text,
                required=False,
                initial=answers.get(question.pk, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ConsultationDecisionForm(forms.Form):
    decision = FreeTextField(
        label=_("Décision prise sur la base des réponses"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CitizenAccountForm(forms.Form):
    """A citizen, through the link sent by Coordination, chooses their login and password and confirms their consent
    (issue 21, part 5). The password is judged against their name and address, as a partner's at sign-up."""

    username = forms.CharField(
        label=_("Nom d'utilisateur"),
        max_length=150,
        help_text=_("Lettres, chiffres et les caractères @ . + - _ seulement."),
    )
    password1 = NewPasswordFields.base_fields["password1"]
    password2 = NewPasswordFields.base_fields["password2"]
    consent = forms.BooleanField(label=_("J'accepte"), required=True)

    def __init__(self, *args, citizen: Citizen, consent_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.citizen = citizen
        self.fields["consent"].label = consent_text
        self.fields["consent"].error_messages["required"] = _("Cochez la case pour accepter d'avoir un compte.")
        if citizen.user_id:  # after a withdrawal: the same login, a new password
            self.fields["username"].initial = citizen.user.username
            self.fields["username"].disabled = True
        else:
            self.fields["username"].initial = citizen.email

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data["username"])
        taken = User.objects.filter(username__iexact=username)
        if self.citizen.user_id:
            taken = taken.exclude(pk=self.citizen.user_id)
        if taken.exists():
            raise forms.ValidationError(_("Ce nom d'utilisateur est déjà pris."))
        return username

    def clean(self):
        data = super().clean()
        person = {"first_name": self.citizen.first_name, "last_name": self.citizen.last_name}
        check_new_password(self, {**data, **person}, email=self.citizen.email)
        return data


class MeetingResponseForm(forms.Form):
    response = forms.ChoiceField(choices=Invitation.Response.choices)
