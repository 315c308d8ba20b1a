"""Forms of concertation as a contribution (issue 21, part 3): the hourly rate, a support payment, its cancellation."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, FreeTextField, MoneyField
from budget.models import ParticipationSupport
from chantiers.models import Meeting, Space
from projects.models import ExpenseCategory


class ContributionRateForm(forms.Form):
    hourly_rate = MoneyField(
        label=_("Taux horaire"),
        max_digits=8,
        help_text=_("En dollars par heure de présence d'une personne d'un organisme partenaire, par exemple 35,50."),
    )
    valid_from = DateField(label=_("À compter du"))
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ParticipationSupportForm(forms.Form):
    """`spaces`: the spaces this person records support for (Coordination: the alliance's; a facilitator: theirs)."""

    space = forms.ModelChoiceField(label=_("Lieu de concertation"), queryset=Space.objects.none())
    meeting = forms.ModelChoiceField(
        label=_("Rencontre"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Facultatif : la rencontre à laquelle ce soutien a permis de prendre part."),
    )
    paid_on = DateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Type de soutien"), choices=ParticipationSupport.Kind.choices)
    amount = MoneyField(label=_("Montant"))
    people = forms.IntegerField(
        label=_("Nombre de personnes aidées"),
        min_value=1,
        max_value=1000,
        help_text=_("Un nombre, jamais de nom (Loi 25)."),
    )
    category = forms.ModelChoiceField(
        label=_("Payé par la catégorie de dépenses"), queryset=ExpenseCategory.objects.none(), required=False
    )

    def __init__(self, *args, alliance, spaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = spaces
        today = timezone.localdate()  # the meetings of the last year, held: the ones support is paid for
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(space__in=spaces, date__lte=today, date__gte=today - datetime.timedelta(days=365))
            .select_related("space")
            .order_by("-date", "-start_time")
        )
        self.fields["meeting"].label_from_instance = lambda m: f"{m.space} — {m.date:%Y-%m-%d}"
        self.fields["category"].queryset = ExpenseCategory.objects.for_alliance(alliance.pk).active()
        self.fields["category"].empty_label = _("Participation citoyenne (par défaut)")


class ParticipationSupportCancelForm(forms.Form):
    reason = FreeTextField(label=_("Motif de l'annulation"))
