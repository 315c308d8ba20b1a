"""Writes of the money a closed plan hands to the next one (succession.services.plan_next_start).

A commitment's remaining amount (committed − reduced − paid) is either carried or returned, never both:

- carried: the old commitment is reduced by that amount (« Reporté au plan 2016-2019 ») and a new commitment of the
  same amount, `carried_from` the old one, is made in the new plan's source of the same funder; the payments still
  planned on the old one are cancelled and planned again on the new one. The old commitment keeps its history and
  what was paid on it; the money left is counted once, in the new plan;
- returned: what is left is cancelled (a reduction with its reason) and goes back to the old plan's source; the
  payments still planned on it are cancelled with the same reason.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budget.models import Agreement, Commitment, FundingSource, PlannedPayment
from budget.services.agreements import planned_payment_add, planned_payment_cancel
from budget.services.ledger import commitment_create, commitment_reduce
from plans.models import PlanYear
from projects.models import ActionProject, ProgressReport, ReportDeadline, Resolution


def _unpaid_planned(commitment: Commitment) -> list[PlannedPayment]:
    """The payments still planned on a commitment: not cancelled, not paid."""
    return list(
        commitment.planned_payments.filter(cancelled_on__isnull=True, disbursement__isnull=True).order_by(
            "due_on", "pk"
        )
    )


@transaction.atomic
def agreement_carry(*, agreement: Agreement, to_project: ActionProject, note: str, by=None) -> Agreement:
    """The agreement of a project's continuation in the next plan: signed when the original was, same reference,
    so the payments planned on it can move with the money."""
    carried = Agreement(
        project=to_project,
        signed_on=agreement.signed_on,
        reference=agreement.reference,
        note=note.strip(),
        created_by=by,
    )
    carried.full_clean()
    carried.save()
    return carried


@transaction.atomic
def commitment_carry(
    *,
    commitment: Commitment,
    to_project: ActionProject,
    to_source: FundingSource,
    plan_year: PlanYear,
    decided_on: datetime.date,
    reason: str,
    note: str,
    on: datetime.date,
    agreement: Agreement | None = None,
    deadlines: dict[int, ReportDeadline] | None = None,
    by=None,
    resolution: Resolution,
) -> Commitment | None:
    """Carry what is left of `commitment` to a new commitment of `to_project` (its continuation) on `to_source`.

    The old commitment is reduced by that amount on `on` with `reason`, the new one decided on `decided_on` with
    `note`; None when nothing is left. Its unpaid planned payments are cancelled and planned again on the new
    commitment, under `agreement` (the continuation's), waiting for the continuation's copy of their report
    (`deadlines`: old deadline pk -> new deadline) when that report is not filed yet. Both the reduction and the new
    commitment point to `resolution` (the board's that decides the carry, of the commitment's alliance)."""
    commitment = Commitment.objects.select_for_update().select_related("source").get(pk=commitment.pk)
    remaining = commitment.remaining
    if remaining <= 0:
        return None
    if to_source.funder.strip().casefold() != commitment.source.funder.strip().casefold():
        raise ValidationError(
            _("L'engagement de « %(source)s » ne peut être reporté que vers une source du même bailleur de fonds.")
            % {"source": commitment.source.name}
        )
    planned = _unpaid_planned(commitment)
    if planned and agreement is None:
        raise ValidationError(_("Les versements prévus ne peuvent être reportés sans la convention du projet."))
    for payment in planned:
        planned_payment_cancel(planned=payment, on=on, reason=reason, by=by)
    commitment_reduce(
        commitment=commitment, amount=remaining, reduced_on=on, reason=reason, by=by, resolution=resolution
    )
    carried = commitment_create(
        source=to_source,
        project=to_project,
        plan_year=plan_year,
        amount=remaining,
        decided_on=decided_on,
        reference=commitment.reference,
        note=note,
        by=by,
        carried_from=commitment,
        resolution=resolution,
    )
    filed = set(
        ProgressReport.objects.filter(
            deadline_id__in=[p.required_report_id for p in planned if p.required_report_id]
        ).values_list("deadline_id", flat=True)
    )
    for payment in planned:
        required = None
        if payment.required_report_id and payment.required_report_id not in filed:
            required = (deadlines or {}).get(payment.required_report_id)
        planned_payment_add(
            agreement=agreement,
            commitment=carried,
            due_on=payment.due_on,
            amount=payment.amount,
            required_report=required,
            note=payment.note,
            by=by,
        )
    return carried


@transaction.atomic
def commitment_return(
    *, commitment: Commitment, reason: str, on: datetime.date, by=None, resolution: Resolution
) -> Decimal:
    """Return what is left of `commitment` to its source: its unpaid planned payments cancelled, the rest of it
    cancelled by a reduction with `reason` and the board's `resolution`. The amount returned (0 when nothing was left)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.remaining <= 0:
        return Decimal("0.00")
    for payment in _unpaid_planned(commitment):
        planned_payment_cancel(planned=payment, on=on, reason=reason, by=by)
    return commitment_reduce(
        commitment=commitment, amount=None, reduced_on=on, reason=reason, cancel=True, by=by, resolution=resolution
    ).amount
