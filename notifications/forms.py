from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Frequency, Kind


class PreferencesForm(forms.Form):
    """One choice of frequency per kind of notification (« Mes avis par courriel »)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choisissez une fréquence pour cette sorte d'avis."),
                    "invalid_choice": _("Choisissez une fréquence de la liste."),
                },
            )
