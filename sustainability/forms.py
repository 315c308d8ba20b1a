from django import forms
from django.utils.translation import gettext_lazy as _

from sustainability.models import Practice, SustainabilityCheck


class CheckAnswerForm(forms.Form):
    continues = forms.ChoiceField(
        label=_("L'action continue-t-elle?"),
        choices=SustainabilityCheck.Continues.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites si l'action continue : oui, en partie ou non.")},
    )
    funded_by = forms.CharField(
        label=_("Qui la finance maintenant?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Les bailleurs, l'organisation elle-même, des bénévoles… Laissez vide si l'action a cessé."),
    )
    reusable = forms.CharField(
        label=_("Que pourraient en reprendre d'autres organisations?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PracticeForm(forms.ModelForm):
    publish = forms.BooleanField(
        label=_("Publier dans le registre public des pratiques"),
        required=False,
        help_text=_("Tout le monde pourra la lire. Vous pourrez la retirer du registre en tout temps."),
    )

    class Meta:
        model = Practice
        fields = ["title", "summary", "reuse", "contact_role"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "reuse": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": _("Donnez un titre à la pratique.")},
            "summary": {"required": _("Décrivez la pratique en quelques lignes.")},
            "reuse": {"required": _("Dites ce que d'autres organisations peuvent reprendre.")},
        }
