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


# ---- agreements

from asis.templatetags.asis_format import format_money, long_date  # noqa: E402
from chantiers.models import ProjectStatus, ReportDeadline  # noqa: E402


class AgreementForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Projet accepté"), queryset=ActionProject.objects.none())
    signed_on = forms.DateField(label=_("Date de signature"), widget=forms.DateInput(attrs=DATE_INPUT))
    reference = forms.CharField(label=_("Référence de la convention"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            ActionProject.objects.filter(status=ProjectStatus.ACCEPTED, agreement__isnull=True)
            .select_related("lead")
            .order_by("title")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.title} — {p.lead.short_name}"


class ReportDeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de rapport"))
    due_on = forms.DateField(label=_("À remettre le"), widget=forms.DateInput(attrs=DATE_INPUT))
    label = forms.CharField(label=_("Libellé"), max_length=120, required=False, help_text=_("Par exemple : « Rapport de mi-parcours »."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportDeadline.Kind.choices


class PlannedPaymentForm(forms.Form):
    commitment = forms.ModelChoiceField(label=_("Engagement"), queryset=Commitment.objects.none())
    due_on = forms.DateField(label=_("Prévu le"), widget=forms.DateInput(attrs=DATE_INPUT))
    amount = MoneyField(label=_("Montant prévu"))
    required_report = forms.ModelChoiceField(
        label=_("Rapport exigé avant le versement"), required=False, queryset=None, empty_label=_("Aucun"),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        commitments = self.fields["commitment"]
        commitments.queryset = agreement.project.commitments.select_related("source", "plan_year").order_by("decided_on", "pk")
        commitments.label_from_instance = lambda c: _("%(source)s, %(year)s — reste à verser %(left)s") % {
            "source": c.source.name, "year": c.plan_year.label, "left": format_money(c.remaining, cents=True),
        }
        reports = self.fields["required_report"]
        reports.queryset = ReportDeadline.objects.filter(project_id=agreement.project_id).order_by("due_on", "pk")
        reports.label_from_instance = lambda d: " — ".join(
            part for part in (d.get_kind_display(), _("dû %(date)s") % {"date": long_date(d.due_on)}, d.label) if part
        )


class PlannedPaymentCancelForm(forms.Form):
    on = forms.DateField(label=_("Date de l'annulation"), widget=forms.DateInput(attrs=DATE_INPUT))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))


class PlannedPaymentReleaseForm(forms.Form):
    paid_on = forms.DateField(label=_("Date du versement"), widget=forms.DateInput(attrs=DATE_INPUT))
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100, required=False)
