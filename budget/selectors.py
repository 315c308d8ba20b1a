"""Reads of the envelope: totals by source, theme, plan year and project, in a fixed number of queries."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from budget.models import (
    BudgetTarget,
    Commitment,
    Disbursement,
    FundingSource,
    PlannedPayment,
    TargetMove,
)
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


# ---- targets, forecast and charts (issue 5: the plan's money over three years)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def targets_of(plan) -> list[BudgetTarget]:
    """The plan's targets with their current value (`current`, `moved_in`, `moved_out`), in one query."""
    return list(BudgetTarget.objects.filter(plan=plan).with_current().select_related("theme", "plan_year"))


def target_rows(plan, *, by_theme: list[dict], by_year: list[dict], targets: list[BudgetTarget] | None = None, years=None) -> dict:
    """Target vs committed vs paid, per theme and per plan year, with the difference and the percent.

    `by_theme` and `by_year` are the committed/paid rows of `envelope_overview` (no query again);
    costs three queries: themes, years, targets with their current value."""
    targets = targets_of(plan) if targets is None else targets
    by_theme_id = {t.theme_id: t for t in targets if t.theme_id}
    by_year_id = {t.plan_year_id: t for t in targets if t.plan_year_id}
    theme_money = {row["project__theme__order"]: row for row in by_theme}
    year_money = {row["plan_year__number"]: row for row in by_year}

    def row(label, target, money):
        committed = money["committed"] if money else ZERO
        paid = money["disbursed"] if money else ZERO
        current = target.current if target else None
        return {
            "label": label,
            "target": target,
            "current": current,
            "committed": committed,
            "paid": paid,
            "difference": None if current is None else current - committed,
            "percent_committed": _percent(committed, current),
            "percent_paid": _percent(paid, current),
        }

    themes = [row(t.name, by_theme_id.get(t.pk), theme_money.get(t.order)) for t in plan.themes.order_by("order")]  # 1 themes
    plan_years = list(plan.years.order_by("number")) if years is None else years  # 1 years, unless given
    years = [row(y.label, by_year_id.get(y.pk), year_money.get(y.number)) for y in plan_years]

    def totals(rows):
        current = sum((r["current"] for r in rows if r["current"] is not None), ZERO)
        committed = sum((r["committed"] for r in rows), ZERO)
        paid = sum((r["paid"] for r in rows), ZERO)
        return {"current": current, "committed": committed, "paid": paid, "difference": current - committed,
                "percent_committed": _percent(committed, current), "percent_paid": _percent(paid, current)}

    return {"themes": themes, "years": years, "themes_total": totals(themes), "years_total": totals(years)}


def target_moves(plan) -> list[TargetMove]:
    """Carry-overs and reallocations, the latest first, with their reasons (one query)."""
    return list(
        TargetMove.objects.filter(from_target__plan=plan)
        .select_related("from_target__theme", "from_target__plan_year", "to_target__theme", "to_target__plan_year", "created_by")
        .order_by("-moved_on", "-pk")
    )


def forecast_day() -> datetime.date:
    """The day the forecast is made; tests replace it (or pass `today=`)."""
    return timezone.localdate()


FORECAST_WARNING_SHARE = Decimal("0.05")  # warn when more than 5 % of the envelope would stay unspent…
FORECAST_WARNING_DAYS = 90  # …while more than 90 days remain to act


def forecast(plan, *, envelope: Decimal, committed: Decimal, paid: Decimal, years=None, today: datetime.date | None = None) -> dict | None:
    """Project what the plan will leave uncommitted and unspent on its last day, at the pace so far.

    Method (linear, to the cent): the plan runs from the first day of its first plan year to the
    last day of its last one (D days, both ends counted). On `today`, d days have elapsed (today
    counted). The pace is what is committed (current amounts) and paid so far, divided by d; at
    that pace, the cumulated amount at the end of a plan year ending D_y days after the start is
    amount × D_y / d (rounded to the cent, half up; never more than the envelope). What is left at
    the end of the plan is the envelope less the amount so projected for D. Years already over get
    no projection (their figures are in the tables above); once the plan is over, what is left is
    simply what is left. A warning is raised when the projected unspent amount
    exceeds 5 % of the envelope while more than 90 days remain; none once the plan is over.
    Returns None before the plan starts or when it has no year.
    """
    today = today or forecast_day()
    years = list(plan.years.order_by("number")) if years is None else list(years)
    if not years:
        return None
    start, end = years[0].start_date, years[-1].end_date
    total_days = (end - start).days + 1
    elapsed = min((today - start).days + 1, total_days)
    if elapsed <= 0:
        return None
    remaining_days = max((end - today).days, 0)
    over = today > end

    def project(amount: Decimal, days: int) -> Decimal:
        value = (Decimal(amount) * days / elapsed).quantize(CENT, rounding=ROUND_HALF_UP)
        return min(value, envelope)

    rows = []
    for year in years:
        days = (year.end_date - start).days + 1
        finished = year.end_date < today
        rows.append({
            "year": year,
            "label": year.label,
            "end_date": year.end_date,
            "finished": finished,
            "committed": None if finished else project(committed, days),
            "paid": None if finished else project(paid, days),
        })
    projected_committed = committed if over else project(committed, total_days)
    projected_paid = paid if over else project(paid, total_days)
    unspent = envelope - projected_paid
    uncommitted = envelope - projected_committed
    threshold = (envelope * FORECAST_WARNING_SHARE).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "today": today,
        "start": start,
        "end": end,
        "total_days": total_days,
        "elapsed_days": elapsed,
        "remaining_days": remaining_days,
        "over": over,
        "committed_per_day": (Decimal(committed) / elapsed).quantize(CENT, rounding=ROUND_HALF_UP),
        "paid_per_day": (Decimal(paid) / elapsed).quantize(CENT, rounding=ROUND_HALF_UP),
        "rows": rows,
        "projected_committed": projected_committed,
        "projected_paid": projected_paid,
        "uncommitted": uncommitted,
        "unspent": unspent,
        "unspent_percent": _percent(unspent, envelope),
        "threshold": threshold,
        "warning": not over and remaining_days > FORECAST_WARNING_DAYS and unspent > threshold,
    }


def disbursements_by_quarter(plan, years=None) -> list[dict]:
    """Paid per fiscal quarter of the plan (T1 = April–June), corrections included, every quarter
    of the plan listed even when empty (one query)."""
    years = list(plan.years.order_by("number")) if years is None else list(years)
    totals = {
        (row["quarter"].year, row["quarter"].month): row["paid"]
        for row in Disbursement.objects.filter(commitment__source__plan=plan)
        .annotate(quarter=TruncQuarter("paid_on"))
        .values("quarter")
        .annotate(paid=Sum(Disbursement.CURRENT))
        .order_by()
    }
    quarters = []
    for year in years:
        month, y = year.start_date.month, year.start_date.year
        for number in range(1, 5):
            first = datetime.date(y, month, 1)
            quarters.append({"label": f"{year.label} T{number}", "year": year.label, "quarter": number, "start": first,
                             "paid": totals.pop((first.year, first.month), ZERO)})
            month += 3
            if month > 12:
                month, y = month - 12, y + 1
    # Payments outside the plan's years (should be none) still count, at the end.
    for (y, m), paid in sorted(totals.items()):
        quarters.append({"label": f"{y}-{m:02d}", "year": "", "quarter": None, "start": datetime.date(y, m, 1), "paid": paid})
    running = ZERO
    for q in quarters:
        running += q["paid"]
        q["cumulative"] = running
    return quarters


def plan_money(plan, *, overview: dict, today: datetime.date | None = None) -> dict:
    """What the envelope page adds for the targets, the forecast and the charts, from the rows of
    `envelope_overview` and five queries: themes, years, targets, moves, paid per quarter."""
    from budget import charts  # geometry only

    years = list(plan.years.order_by("number"))  # 1 years (used by the forecast and the quarters)
    rows = target_rows(plan, by_theme=overview["by_theme"], by_year=overview["by_year"], years=years)  # 2 themes, targets
    quarters = disbursements_by_quarter(plan, years)  # 1 paid per quarter
    return {
        "targets": rows,
        "has_targets": any(r["target"] for r in rows["themes"] + rows["years"]),
        "moves": target_moves(plan),  # 1 moves
        "forecast": forecast(
            plan, envelope=overview["envelope"], committed=overview["committed"], paid=overview["disbursed"], years=years, today=today
        ),
        "quarters": quarters,
        "charts": {
            "sources": charts.sources_chart(overview["sources"]),
            "themes": charts.themes_chart(rows["themes"]),
            "quarters": charts.quarters_chart(quarters),
        },
    }
# ---- agreements




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
