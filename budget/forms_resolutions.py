"""The form of a board's resolution (projects.Resolution), recorded on the envelope's pages: Coordination types
its number, date, object, quorum, who was present and the conflicts declared."""

from django import forms
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, FreeTextField


class ResolutionForm(forms.Form):
    number = forms.CharField(
        label=_("Numéro de la résolution"), max_length=60, help_text=_("Par exemple CA-2014-04-07.")
    )
    decided_on = DateField(label=_("Date de la résolution"))
    subject = FreeTextField(label=_("Objet"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        max_value=999,
        help_text=_("Le nombre de membres requis pour décider."),
        error_messages={"required": _("Indiquez le quorum : le nombre de membres requis, au moins un.")},
    )
    members_present = FreeTextField(
        label=_("Membres présents"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un nom par ligne."),
        error_messages={"required": _("Indiquez les membres présents, un nom par ligne.")},
    )
    citizens_present = forms.IntegerField(
        label=_("Citoyennes et citoyens présents"),
        min_value=0,
        max_value=9999,
        initial=0,
        help_text=_("Un nombre seulement : aucun nom n'est enregistré."),
    )


class ResolutionConflictForm(forms.Form):
    person = forms.CharField(label=_("Membre en conflit d'intérêts"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisme"), max_length=200, required=False)
    concerns = forms.CharField(label=_("Ce que le conflit concerne"), max_length=255, required=False)
    recused = forms.BooleanField(label=_("S'est retiré du vote"), required=False, initial=True)


ResolutionConflictFormSet = forms.formset_factory(ResolutionConflictForm, extra=2, max_num=20, absolute_max=20)
