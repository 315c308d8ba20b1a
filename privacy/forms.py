"""Forms of the privacy pages; the services write the rows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, FreeTextField, bound_dates, bounded_texts
from privacy.models import ConfidentialityIncident, PrivacyRequest
from privacy.policy import USER_PURPOSES


def consent_fields(purposes, *, initial=None) -> dict:
    """One unticked box per purpose, in plain words (the text is the one whose version is stored)."""
    initial = initial or set()
    return {
        f"consent_{p.purpose}": forms.BooleanField(
            label=p.text,
            required=False,
            initial=p.purpose in initial,
        )
        for p in purposes
    }


class ConsentsForm(forms.Form):
    def __init__(self, *args, purposes=(), given=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(consent_fields(purposes, initial=set(given)))

    def purposes(self) -> set[str]:
        return {name.removeprefix("consent_") for name, value in self.cleaned_data.items() if value}


class SignupConsentsForm(ConsentsForm):
    """The sign-up's step of consents: one unticked box per purpose a partner may agree to."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, purposes=USER_PURPOSES, **kwargs)


class PrivacyRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de demande"), choices=PrivacyRequest.Kind.choices)
    received_on = DateField(
        label=_("Reçue le"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("La réponse est due 30 jours plus tard."),
    )
    details = FreeTextField(
        label=_("Précisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comment la demande est arrivée, ce que la personne veut savoir ou corriger."),
    )


class PrivacyRequestCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Issue"),
        widget=forms.RadioSelect,
        choices=[("done", _("Traitée")), ("refused", _("Refusée"))],
    )
    answer = FreeTextField(
        label=_("Réponse donnée à la personne"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez la réponse donnée à la personne.")},
    )


class RectifyForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=100)
    last_name = forms.CharField(label=_("Nom"), max_length=100)
    email = forms.EmailField(label=_("Courriel"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=40, required=False)
    neighbourhood = forms.CharField(label=_("Quartier ou village"), max_length=120, required=False)
    notes = FreeTextField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    request = forms.ModelChoiceField(label=_("Pour la demande"), queryset=None, required=False)

    def __init__(self, *args, fields=(), requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields and name != "request":
                del self.fields[name]
        self.fields["request"].queryset = requests


class EraseForm(forms.Form):
    request = forms.ModelChoiceField(label=_("Pour la demande"), queryset=None, required=False)
    confirm = forms.BooleanField(
        label=_("Je comprends que le nom et les coordonnées seront effacés pour de bon."),
        error_messages={"required": _("Cochez la case pour confirmer l'effacement.")},
    )

    def __init__(self, *args, requests=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = requests


class IncidentForm(forms.ModelForm):
    class Meta:
        model = ConfidentialityIncident
        formfield_callback = bounded_texts()
        fields = [
            "information_involved",
            "circumstances",
            "occurred_on",
            "occurred_until",
            "discovered_on",
            "people_affected",
            "risk_assessment",
            "serious_risk",
            "cai_notified_on",
            "people_notified_on",
            "measures_taken",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("occurred_on", "occurred_until", "discovered_on", "cai_notified_on", "people_notified_on")
        } | {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "information_involved",
                "circumstances",
                "risk_assessment",
                "measures_taken",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every date of the register within asis.forms' range (the service refuses a date in the future);
        # year 9999 overflowed the five years the entry is kept: a 500.
        bound_dates(self)
