"""Budget in the admin: every write of money goes through budget.services (the same rule as the portal)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from asis.admin import ModelAdmin, ReadOnlyAdmin
from asis.forms import MoneyField
from budget.models import (
    Agreement,
    AgreementAmendment,
    BudgetTarget,
    ChangeRequest,
    ChangeRequestMove,
    ChangeRequestTarget,
    ChangeSettings,
    Commitment,
    CommitmentReduction,
    ContributionRate,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
    ParticipationSupport,
    PlannedPayment,
    TargetMove,
)
from budget.services import ledger as ledger_services
from plans.admin import OfPlanAdmin


class FundingSourceForm(forms.ModelForm):
    amount = MoneyField(label=_("Montant"))

    class Meta:
        model = FundingSource
        fields = "__all__"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if self.instance.pk and amount < self.instance.committed_total:
            raise ValidationError(
                _("Cette source a déjà %(committed)s d'engagés : son montant ne peut pas être inférieur."),
                params={"committed": self.instance.committed_total},
            )
        return amount


@admin.register(FundingSource)
class FundingSourceAdmin(OfPlanAdmin, SimpleHistoryAdmin, ModelAdmin):
    form = FundingSourceForm
    list_display = ["name", "funder", "amount", "committed_total", "disbursed_total", "plan"]
    list_select_related = ["plan"]
    search_fields = ["name", "funder", "code"]
    readonly_fields = ["committed_total", "disbursed_total"]

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerEntryAdmin(ModelAdmin):
    """Ledger entries are entered, never edited or deleted: a correction is a new dated entry.

    The form runs the service in a savepoint that is rolled back, so every refusal
    (amount, project status, room left) shows on the form; saving runs it for real.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "amount":
            return MoneyField(label=capfirst(db_field.verbose_name))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def create(self, request, data):  # pragma: no cover - defined by subclasses
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        admin_ = self

        class ServiceCheckedForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        admin_.create(request, self.cleaned_data)
                        transaction.set_rollback(True)
                except ValidationError as error:
                    self._update_errors(error)

        return ServiceCheckedForm

    def save_model(self, request, obj, form, change):
        created = self.create(request, form.cleaned_data)
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
        obj._state.adding = False
        obj._state.db = created._state.db


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin, LedgerEntryAdmin):
    fields = ["source", "project", "plan_year", "amount", "decided_on", "resolution", "note"]
    list_display = ["project", "source", "plan_year", "amount", "disbursed_total", "decided_on", "resolution"]
    list_select_related = ["project", "source", "plan_year", "resolution"]
    list_filter = ["source", "plan_year"]
    search_fields = ["project__title", "reference", "resolution__number"]
    autocomplete_fields = ["project", "resolution"]
    date_hierarchy = "decided_on"

    def create(self, request, data):
        return ledger_services.commitment_create(
            source=data["source"],
            project=data["project"],
            plan_year=data["plan_year"],
            amount=data["amount"],
            decided_on=data["decided_on"],
            resolution=data["resolution"],
            note=data.get("note", ""),
            by=request.user,
        )


@admin.register(Disbursement)
class DisbursementAdmin(SimpleHistoryAdmin, LedgerEntryAdmin):
    fields = ["commitment", "amount", "paid_on", "reference"]
    list_display = ["commitment", "amount", "paid_on", "reference"]
    list_select_related = ["commitment__project", "commitment__source", "commitment__plan_year"]
    search_fields = ["commitment__project__title", "reference"]
    autocomplete_fields = ["commitment"]
    date_hierarchy = "paid_on"

    def create(self, request, data):
        return ledger_services.disbursement_create(
            commitment=data["commitment"],
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data.get("reference", ""),
            by=request.user,
        )


@admin.register(CommitmentReduction)
class CommitmentReductionAdmin(SimpleHistoryAdmin, LedgerEntryAdmin):
    fields = ["commitment", "amount", "reduced_on", "reason", "is_cancellation", "resolution"]
    list_display = ["commitment", "amount", "reduced_on", "is_cancellation", "resolution", "created_by"]
    list_select_related = [
        "commitment__project",
        "commitment__source",
        "commitment__plan_year",
        "resolution",
        "created_by",
    ]
    list_filter = ["is_cancellation"]
    search_fields = ["commitment__project__title", "reason", "resolution__number"]
    autocomplete_fields = ["commitment", "resolution"]
    date_hierarchy = "reduced_on"

    def create(self, request, data):
        return ledger_services.commitment_reduce(
            commitment=data["commitment"],
            amount=data.get("amount"),
            reduced_on=data["reduced_on"],
            reason=data.get("reason", ""),
            cancel=data.get("is_cancellation", False),
            resolution=data["resolution"],
            by=request.user,
        )


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["project", "signed_on", "reference", "created_by"]
    list_select_related = ["project", "created_by"]
    search_fields = ["project__title", "reference"]


@admin.register(PlannedPayment)
class PlannedPaymentAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["agreement", "due_on", "amount", "required_report", "disbursement", "cancelled_on"]
    list_select_related = ["agreement__project", "required_report__project", "disbursement__commitment__project"]
    search_fields = ["agreement__project__title", "note"]


@admin.register(BudgetTarget)
class BudgetTargetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "amount", "created_by"]
    list_select_related = ["plan", "theme", "plan_year", "created_by"]


@admin.register(TargetMove)
class TargetMoveAdmin(ReadOnlyAdmin):
    list_display = ["kind", "from_target", "to_target", "amount", "moved_on", "created_by"]
    list_select_related = [
        "from_target__theme",
        "from_target__plan_year",
        "to_target__theme",
        "to_target__plan_year",
        "created_by",
    ]
    list_filter = ["kind"]
    search_fields = ["reason"]


# ---------------------------------------------------------------- corrections of disbursements (ledger)


@admin.register(DisbursementCorrection)
class DisbursementCorrectionAdmin(SimpleHistoryAdmin, LedgerEntryAdmin):
    """A correction is entered here like in the portal: through budget.services.ledger.disbursement_correct."""

    fields = ["disbursement", "delta", "corrected_on", "reason"]
    list_display = ["disbursement", "delta", "corrected_on", "created_by"]
    list_select_related = ["disbursement__commitment__project", "created_by"]
    search_fields = ["disbursement__commitment__project__title", "reason"]
    autocomplete_fields = ["disbursement"]
    date_hierarchy = "corrected_on"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "delta":
            return MoneyField(
                label=capfirst(db_field.verbose_name), help_text=_("Positif pour ajouter, négatif pour retirer.")
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def create(self, request, data):
        return ledger_services.disbursement_correct(
            disbursement=data["disbursement"],
            delta=data["delta"],
            corrected_on=data["corrected_on"],
            reason=data.get("reason", ""),
            by=request.user,
        )


# ---------------------------------------------------------------- change requests and amendments (issue 20, part 4)
# Written by the portal's pages through budget.services.changes: read here, never edited.


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["project", "asked_at", "asked_by", "status", "decided_at", "decided_by"]
    list_select_related = ["project", "asked_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["project__title", "reason", "decision_reason"]


@admin.register(ChangeRequestMove)
class ChangeRequestMoveAdmin(ReadOnlyAdmin):
    list_display = ["change_request", "from_category", "from_year", "to_category", "to_year", "amount"]
    list_select_related = ["change_request__project", "from_category", "from_year", "to_category", "to_year"]
    search_fields = ["change_request__project__title"]


@admin.register(ChangeRequestTarget)
class ChangeRequestTargetAdmin(ReadOnlyAdmin):
    list_display = ["change_request", "indicator"]
    list_select_related = ["change_request__project", "indicator"]
    search_fields = ["change_request__project__title", "indicator__name"]


@admin.register(AgreementAmendment)
class AgreementAmendmentAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "number", "made_on", "summary"]
    list_select_related = ["agreement__project"]
    search_fields = ["agreement__project__title", "summary"]


@admin.register(ChangeSettings)
class ChangeSettingsAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["alliance", "auto_accept_percent"]
    list_select_related = ["alliance"]
    search_fields = ["alliance__name"]


# ---------------------------------------------------------------- concertation as a contribution (issue 21, part 3)
# Written by the portal's page (budget.services.contribution): read here, never edited nor deleted.


@admin.register(ContributionRate)
class ContributionRateAdmin(ReadOnlyAdmin):
    list_display = ["alliance", "valid_from", "hourly_rate", "set_by", "set_at"]
    list_select_related = ["alliance", "set_by"]
    search_fields = ["alliance__name", "note"]


@admin.register(ParticipationSupport)
class ParticipationSupportAdmin(ReadOnlyAdmin):
    list_display = ["space", "paid_on", "kind", "amount", "people", "category", "cancelled_at"]
    list_select_related = ["space", "category"]
    list_filter = ["kind"]
    search_fields = ["space__name", "cancel_reason"]
