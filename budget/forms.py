from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from asis.forms import DateField, FreeTextField, MoneyField
from asis.templatetags.asis_format import day_date, format_money, long_date
from budget.models import BudgetTarget, Commitment, FundingSource, TargetMove
from plans.models import PlanYear, plan_date_bounds
from projects.models import ActionProject, ProjectStatus, ReportDeadline, Resolution

DATE_INPUT = {"type": "date"}
# Dates of decisions, payments, agreements and schedules fall within the plan's years, give or take a year
# (plans.models.plan_date_bounds); the history's « as at » filter takes any date of asis.forms' range.


def resolution_field() -> forms.ModelChoiceField:
    """The board's resolution an amount comes from: one of the alliance's (`with_resolutions` sets the choices);
    another alliance's answers the « not one of yours » error, as an unknown one."""
    return forms.ModelChoiceField(
        label=_("Résolution du conseil d'administration"),
        queryset=Resolution.objects.none(),
        help_text=_("La résolution qui décide ce montant. Absente de la liste ? Enregistrez-la d'abord."),
        error_messages={
            "required": _("Choisissez la résolution du conseil d'administration qui décide ce montant."),
            "invalid_choice": _("Cette résolution n'est pas une résolution de votre alliance."),
        },
    )


def with_resolutions(form, alliance_id) -> None:
    form.fields["resolution"].queryset = Resolution.objects.filter(alliance_id=alliance_id).order_by(
        "-decided_on", "-pk"
    )
    form.fields["resolution"].label_from_instance = lambda r: f"{r.number} — {day_date(r.decided_on)}"


class CommitmentForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Source de financement"), queryset=FundingSource.objects.none())
    project = forms.ModelChoiceField(label=_("Projet accepté ou en cours"), queryset=ActionProject.objects.none())
    plan_year = forms.ModelChoiceField(label=_("Année du plan"), queryset=PlanYear.objects.none())
    amount = MoneyField(label=_("Montant engagé"))
    decided_on = DateField(
        label=_("Date de la décision"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    resolution = resolution_field()
    note = FreeTextField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        with_resolutions(self, plan.alliance_id)
        self.fields["source"].queryset = FundingSource.objects.filter(plan=plan).order_by("order")
        self.fields["project"].queryset = (
            ActionProject.objects.fundable().filter(theme__plan=plan).select_related("lead").order_by("title")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.title} — {p.lead.short_name}"
        self.fields["plan_year"].queryset = plan.years.all()
        self.fields["source"].label_from_instance = lambda s: s.name

    def chosen_project(self, value) -> ActionProject | None:
        """The project `value` (its number, from the address or the form posted) names among those the form
        offers, with its board decision (what it was granted); None for anything else. One query."""
        if not (value or "").isascii() or not (value or "").isdigit():  # "²".isdigit(), but int("²") fails
            return None
        return self.fields["project"].queryset.select_related("board_decision").filter(pk=int(value)).first()


class DisbursementForm(forms.Form):
    amount = MoneyField(label=_("Montant versé"))
    paid_on = DateField(label=_("Date du versement"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100, required=False)

    def __init__(self, *args, commitment: Commitment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commitment = commitment


class CommitmentReductionForm(forms.Form):
    cancel = forms.BooleanField(
        label=_("Annuler tout ce qui reste à verser"),
        required=False,
        help_text=_("Sinon, indiquez le montant à retirer de l'engagement."),
    )
    amount = MoneyField(label=_("Montant retiré"), required=False)
    reduced_on = DateField(
        label=_("Date de la décision"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    reason = FreeTextField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))
    resolution = resolution_field()

    def __init__(self, *args, alliance_id, **kwargs):
        super().__init__(*args, **kwargs)
        with_resolutions(self, alliance_id)

    def clean(self):
        data = super().clean()
        if not data.get("cancel") and data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant à retirer, ou cochez l'annulation."))
        return data


# ---- targets


class TargetsForm(forms.Form):
    """One amount per theme and per plan year whose target is not set yet; the others are shown
    read-only by the template (a set target changes only through a move with its reason)."""

    def __init__(self, *args, plan, targets, **kwargs):
        super().__init__(*args, **kwargs)
        set_themes = {t.theme_id for t in targets if t.theme_id}
        set_years = {t.plan_year_id for t in targets if t.plan_year_id}
        self.themes = list(plan.themes.order_by("order"))
        self.years = list(plan.years.order_by("number"))
        for theme in self.themes:
            if theme.pk not in set_themes:
                self.fields[f"theme_{theme.pk}"] = MoneyField(label=theme.name, required=False, min_value=0)
        for year in self.years:
            if year.pk not in set_years:
                self.fields[f"year_{year.pk}"] = MoneyField(label=year.label, required=False, min_value=0)

    def theme_amounts(self) -> dict:
        return {
            t: self.cleaned_data[f"theme_{t.pk}"]
            for t in self.themes
            if self.cleaned_data.get(f"theme_{t.pk}") is not None
        }

    def year_amounts(self) -> dict:
        return {
            y: self.cleaned_data[f"year_{y.pk}"]
            for y in self.years
            if self.cleaned_data.get(f"year_{y.pk}") is not None
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not (self.theme_amounts() or self.year_amounts()):
            raise forms.ValidationError(_("Indiquez au moins une cible."))
        return data


class TargetMoveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=TargetMove.Kind.choices, initial=TargetMove.Kind.REALLOCATION)
    from_target = forms.ModelChoiceField(label=_("De la cible"), queryset=BudgetTarget.objects.none())
    to_target = forms.ModelChoiceField(label=_("Vers la cible"), queryset=BudgetTarget.objects.none())
    amount = MoneyField(label=_("Montant"))
    moved_on = DateField(
        label=_("Date de la décision"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    reason = FreeTextField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))
    resolution = resolution_field()

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        with_resolutions(self, plan.alliance_id)
        # Themes first, then years, on both databases (PostgreSQL sorts NULLs last, SQLite first).
        queryset = (
            BudgetTarget.objects.filter(plan=plan)
            .with_current()
            .select_related("theme", "plan_year")
            .order_by(F("plan_year__number").asc(nulls_first=True), F("theme__order").asc(nulls_first=True))
        )
        for name in ("from_target", "to_target"):
            self.fields[name].queryset = queryset
            self.fields[name].label_from_instance = self.target_label

    @staticmethod
    def target_label(target) -> str:
        kind = _("Année") if target.is_year else _("Enjeu")
        current = getattr(target, "current", None)
        suffix = f" ({format_money(current)})" if current is not None else ""
        return f"{kind} — {target.label}{suffix}"


# ---- agreements


class AgreementForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Projet accepté"), queryset=ActionProject.objects.none())
    signed_on = DateField(
        label=_("Date de signature"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    reference = forms.CharField(label=_("Référence de la convention"), max_length=100, required=False)
    note = FreeTextField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (  # the plan's accepted projects: never another alliance's
            ActionProject.objects.filter(theme__plan=plan, status=ProjectStatus.ACCEPTED, agreement__isnull=True)
            .select_related("lead")
            .order_by("title")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.title} — {p.lead.short_name}"


class ReportDeadlineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de rapport"))
    due_on = DateField(label=_("À remettre le"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)
    label = forms.CharField(
        label=_("Libellé"), max_length=120, required=False, help_text=_("Par exemple : « Rapport de mi-parcours ».")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ReportDeadline.Kind.choices


class PlannedPaymentForm(forms.Form):
    commitment = forms.ModelChoiceField(label=_("Engagement"), queryset=Commitment.objects.none())
    due_on = DateField(label=_("Prévu le"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)
    amount = MoneyField(label=_("Montant prévu"))
    required_report = forms.ModelChoiceField(
        label=_("Rapport exigé avant le versement"),
        required=False,
        queryset=None,
        empty_label=_("Aucun"),
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        commitments = self.fields["commitment"]
        commitments.queryset = agreement.project.commitments.select_related("source", "plan_year").order_by(
            "decided_on", "pk"
        )
        commitments.label_from_instance = lambda c: (
            _("%(source)s, %(year)s — reste à verser %(left)s")
            % {
                "source": c.source.name,
                "year": c.plan_year.label,
                "left": format_money(c.remaining),
            }
        )
        reports = self.fields["required_report"]
        reports.queryset = ReportDeadline.objects.filter(project_id=agreement.project_id).order_by("due_on", "pk")
        reports.label_from_instance = lambda d: " — ".join(
            part for part in (d.get_kind_display(), _("dû %(date)s") % {"date": long_date(d.due_on)}, d.label) if part
        )


class PlannedPaymentCancelForm(forms.Form):
    on = DateField(label=_("Date de l'annulation"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)
    reason = FreeTextField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))


class PlannedPaymentReleaseForm(forms.Form):
    paid_on = DateField(label=_("Date du versement"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds)
    reference = forms.CharField(label=_("Référence du paiement"), max_length=100, required=False)


# ---------------------------------------------------------------- corrections of disbursements (ledger)


class DisbursementCorrectionForm(forms.Form):
    new_amount = MoneyField(
        label=_("Montant réellement versé"),
        required=False,
        help_text=_("Le montant exact du versement; l'écart sera calculé."),
    )
    delta = MoneyField(
        label=_("Ou l'écart à corriger"),
        required=False,
        help_text=_("Positif pour ajouter, négatif pour retirer (par exemple -150,00)."),
    )
    corrected_on = DateField(
        label=_("Date de la correction"), widget=forms.DateInput(attrs=DATE_INPUT), bounds=plan_date_bounds
    )
    reason = FreeTextField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))

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

    project = forms.ModelChoiceField(
        label=_("Projet"), queryset=ActionProject.objects.none(), required=False, empty_label=_("Tous les projets")
    )
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=FundingSource.objects.none(), required=False, empty_label=_("Toutes les sources")
    )
    au = DateField(
        label=_("Soldes au"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT),
        help_text=_("Les soldes refaits à partir des écritures datées de ce jour ou avant."),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            ActionProject.objects.filter(theme__plan=plan, commitments__isnull=False).distinct().order_by("title")
        )
        self.fields["source"].queryset = FundingSource.objects.filter(plan=plan).order_by("order")
        self.fields["source"].label_from_instance = lambda s: s.name
