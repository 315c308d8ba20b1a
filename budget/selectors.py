"""Reads of the envelope: totals by source, theme, plan year and project, in a fixed number of queries."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from budget.models import Commitment, Disbursement, FundingSource
from chantiers.models import FUNDABLE_STATUSES, PUBLIC_STATUSES, OtherFunding

ZERO = Decimal("0.00")


# Projects whose other funding counts in the leverage: accepted, under way or done.
LEVERAGE_STATUSES = tuple({*FUNDABLE_STATUSES, *PUBLIC_STATUSES})


def leverage(other: Decimal, committed: Decimal) -> Decimal | None:
    """Dollars from elsewhere for each dollar of the envelope (effet de levier), to the cent; None without commitment."""
    if not committed:
        return None
    return (Decimal(other) / Decimal(committed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def envelope_overview(plan) -> dict:
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    commitments = Commitment.objects.filter(source__plan=plan)
    by_theme = list(  # 1 committed and paid per theme
        commitments.values("project__theme__order", "project__theme__name")
        .annotate(committed=Sum(Commitment.CURRENT), disbursed=Sum("disbursed_total"), projects=Count("project", distinct=True))
        .order_by("project__theme__order")
    )
    by_year = list(  # 1 committed and paid per plan year
        commitments.values("plan_year__number", "plan_year__start_date", "plan_year__end_date")
        .annotate(committed=Sum(Commitment.CURRENT), disbursed=Sum("disbursed_total"))
        .order_by("plan_year__number")
    )
    for row in by_year:
        row["label"] = f"{row['plan_year__start_date'].year}-{row['plan_year__end_date'].year}"
    other_by_theme = {  # 1 other sources of the accepted projects, per theme (effet de levier)
        row["project__theme__order"]: row["total"]
        for row in OtherFunding.objects.filter(project__theme__plan=plan, project__status__in=LEVERAGE_STATUSES)
        .values("project__theme__order")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    for row in by_theme:
        row["other"] = other_by_theme.get(row["project__theme__order"], ZERO)
        row["leverage"] = leverage(row["other"], row["committed"])
    other_total = sum(other_by_theme.values(), ZERO)
    envelope = sum((s.amount for s in sources), ZERO)
    committed = sum((s.committed_total for s in sources), ZERO)
    disbursed = sum((s.disbursed_total for s in sources), ZERO)
    return {
        "plan": plan,
        "sources": sources,
        "envelope": envelope,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": envelope - committed,
        "by_theme": by_theme,
        "by_year": by_year,
        "other_total": other_total,
        "leverage": leverage(other_total, committed),
    }


def commitments_page_queryset(plan):
    """Every commitment of the plan with its project, source and year (one query per page)."""
    return (
        Commitment.objects.filter(source__plan=plan)
        .select_related("project__lead", "project__theme", "source", "plan_year")
        .order_by("-decided_on", "-pk")
    )


def recent_disbursements(plan, limit=10):
    return list(
        Disbursement.objects.filter(commitment__source__plan=plan)
        .select_related("commitment__project", "commitment__source")
        .order_by("-paid_on", "-pk")[:limit]
    )


# ---- agreements

from django.utils import timezone  # noqa: E402

from budget.models import PlannedPayment  # noqa: E402


def agreement_schedule(agreement, *, today=None) -> dict:
    """An agreement's commitments, report deadlines and payment schedule, planned against actual,
    to the cent, in three queries (the agreement and its project are already loaded)."""
    today = today or timezone.localdate()
    commitments = list(  # 1 the project's commitments with their source and year
        agreement.project.commitments.select_related("source", "plan_year").order_by("decided_on", "pk")
    )
    deadlines = list(agreement.project.report_deadlines.select_related("report").order_by("due_on", "pk"))  # 1 report deadlines
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
