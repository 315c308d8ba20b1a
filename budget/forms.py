from django import forms
from django.utils.translation import gettext_lazy as _

from asis.forms import MoneyField
from budget.models import Commitment, FundingSource
from chantiers.models import ActionProject, PlanYear

DATE_INPUT = {"type": "date"}


class CommitmentForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source de financement"), queryset=FundingSource.objects.none())
    project = forms.ModelChoiceField(label=_("Projet accepté ou en cours"), queryset=ActionProject.objects.none())
    plan_year = forms.ModelChoiceField(label=_("Année du plan"), queryset=PlanYear.objects.none())
    amount = MoneyField(label=_("Montant engagé"))
    decided_on = forms.DateField(label=_("Date de la décision"), widget=forms.DateInput(attrs=DATE_INPUT))
    reference = forms.CharField(label=_("Référence (résolution du conseil d'administration)"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = FundingSource.objects.filter(plan=plan).order_by("order")
        self.fields["project"].queryset = (
            ActionProject.objects.fundable().filter(theme__plan=plan).select_related("lead").order_by("title")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.title} — {p.lead.short_name}"
        self.fields["plan_year"].queryset = plan.years.all()
        self.fields["source"].label_from_instance = lambda s: s.name


class DisbursementForm(forms.Form):
    amount = MoneyField(label=_("Montant versé"))
    paid_on = forms.DateField(label=_("Date du versement"), widget=forms.DateInput(attrs=DATE_INPUT))
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100, required=False)

    def __init__(self, *args, commitment: Commitment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment


class CommitmentReductionForm(forms.Form):
    cancel = forms.BooleanField(
        label=_("Annuler tout ce qui reste à verser"), required=False,
        help_text=_("Sinon, indiquez le montant à retirer de l'engagement."),
    )
    amount = MoneyField(label=_("Montant retiré"), required=False)
    reduced_on = forms.DateField(label=_("Date de la décision"), widget=forms.DateInput(attrs=DATE_INPUT))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if not data.get("cancel") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant à retirer, ou cochez l'annulation."))
        return data


# ---------------------------------------------------------------- corrections of disbursements (ledger)


class DisbursementCorrectionForm(forms.Form):
    new_amount = MoneyField(
        label=_("Montant réellement versé"), required=False,
        help_text=_("Le montant exact du versement; l'écart sera calculé."),
    )
    delta = MoneyField(
        label=_("Ou l'écart à corriger"), required=False,
        help_text=_("Positif pour ajouter, négatif pour retirer (par exemple -150,00)."),
    )
    corrected_on = forms.DateField(label=_("Date de la correction"), widget=forms.DateInput(attrs=DATE_INPUT))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if "new_amount" in self.errors or "delta" in self.errors:
            return data
        given = [name for name in ("new_amount", "delta") if data.get(name) is not None]
        if not given:
            self.add_error("new_amount", _("Indiquez le montant réellement versé, ou l'écart à corriger."))
        elif len(given) == 2:
            self.add_error("delta", _("Indiquez le montant réellement versé ou l'écart, pas les deux."))
        return data


class HistoryFilterForm(forms.Form):
    """The history's filters (GET): one project, one source, and « as at » a date for the balances."""

    project = forms.ModelChoiceField(label=_("Projet"), queryset=ActionProject.objects.none(), required=False, empty_label=_("Tous les projets"))
    source = forms.ModelChoiceField(label=_("Source"), queryset=FundingSource.objects.none(), required=False, empty_label=_("Toutes les sources"))
    au = forms.DateField(
        label=_("Soldes au"), required=False, widget=forms.DateInput(attrs=DATE_INPUT),
        help_text=_("Les soldes refaits à partir des écritures datées de ce jour ou avant."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            ActionProject.objects.filter(theme__plan=plan, commitments__isnull=False).distinct().order_by("title")
        )
        self.fields["source"].queryset = FundingSource.objects.filter(plan=plan).order_by("order")
        self.fields["source"].label_from_instance = lambda s: s.name
