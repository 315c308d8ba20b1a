"""Reads of an agreement: its commitments, report deadlines and payment schedule."""

from django.utils import timezone

from budget.models import PlannedPayment
from budget.selectors._common import ZERO


def agreement_schedule(agreement, *, today=None) -> dict:
    """An agreement's commitments, report deadlines and payment schedule, planned against actual,
    to the cent, in three queries (the agreement and its project are already loaded)."""
    today = today or timezone.localdate()
    commitments = list(  # 1 the project's commitments with their source and year
        agreement.project.commitments.select_related("source", "plan_year").order_by("decided_on", "pk")
    )
    deadlines = list(
        agreement.project.report_deadlines.select_related("report").order_by("due_on", "pk")
    )  # 1 report deadlines
    for deadline in deadlines:
        deadline.state = _report_state(deadline, today)
    payments = list(  # 1 the schedule, with each payment's commitment, report and actual payment
        PlannedPayment.objects.filter(agreement=agreement)
        .select_related("commitment__source", "commitment__plan_year", "required_report__report", "disbursement")
        .order_by("due_on", "pk")
    )
    planned = planned_unpaid = paid = waiting_total = ZERO
    waiting = 0
    for payment in payments:
        payment.is_cancelled = payment.cancelled_on is not None
        payment.is_paid = payment.disbursement_id is not None
        payment.report_state = _report_state(payment.required_report, today) if payment.required_report_id else None
        payment.is_waiting = not (payment.is_cancelled or payment.is_paid) and payment.report_state in ("due", "late")
        payment.actual = payment.disbursement.current_amount if payment.is_paid else None
        if not payment.is_cancelled:
            planned += payment.amount
        if payment.is_paid:
            paid += payment.actual
        elif not payment.is_cancelled:
            planned_unpaid += payment.amount
        if payment.is_waiting:
            waiting += 1
            waiting_total += payment.amount
    committed = sum((c.current_amount for c in commitments), ZERO)
    disbursed = sum((c.disbursed_total for c in commitments), ZERO)
    return {
        "commitments": commitments,
        "deadlines": deadlines,
        "payments": payments,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": sum((c.remaining for c in commitments), ZERO),
        "planned": planned,
        "paid": paid,
        "paid_outside": disbursed - paid,
        "planned_unpaid": planned_unpaid,
        "to_schedule": committed - disbursed - planned_unpaid,
        "waiting": waiting,
        "waiting_total": waiting_total,
    }


def _report_state(deadline, today) -> str:
    """filed, late (past its date and not filed) or due."""
    if hasattr(deadline, "report"):
        return "filed"
    return "late" if deadline.due_on < today else "due"
