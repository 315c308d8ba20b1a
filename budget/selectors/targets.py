"""Reads of the targets, the forecast and the charts: the plan's money over its years."""

import bisect
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from budget.models import BudgetTarget, Commitment, TargetMove
from budget.selectors._common import CENT, ZERO
from figures import selectors as kept_totals

HUNDRED = Decimal("100")


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def targets_of(plan) -> list[BudgetTarget]:
    """The plan's targets with their current value (`current`, `moved_in`, `moved_out`), in one query."""
    targets = list(BudgetTarget.objects.filter(plan=plan).with_moves().select_related("theme", "plan_year"))
    for target in targets:  # as `with_current` computes it, without compiling its two subqueries twice
        target.current = target.amount + target.moved_in - target.moved_out
    return targets


def target_rows(
    plan,
    *,
    by_theme: list[dict],
    by_year: list[dict],
    targets: list[BudgetTarget] | None = None,
    themes=None,
    years=None,
) -> dict:
    """Target vs committed vs paid, per theme and per plan year, with the difference and the percent.

    `by_theme` and `by_year` are the committed/paid rows of `envelope_overview` (no query again);
    costs one query (the targets with their current value) and one for each of the themes and the
    years not given."""
    targets = targets_of(plan) if targets is None else targets
    by_theme_id = {t.theme_id: t for t in targets if t.theme_id}
    by_year_id = {t.plan_year_id: t for t in targets if t.plan_year_id}
    theme_money = {row["theme"].pk: row for row in by_theme}
    year_money = {row["year"].pk: row for row in by_year}

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

    plan_themes = list(plan.themes.order_by("order")) if themes is None else themes  # 1 themes, unless given
    plan_years = list(plan.years.order_by("number")) if years is None else years  # 1 years, unless given
    themes = [row(t.name, by_theme_id.get(t.pk), theme_money.get(t.pk)) for t in plan_themes]
    years = [row(y.label, by_year_id.get(y.pk), year_money.get(y.pk)) for y in plan_years]

    def totals(rows):
        current = sum((r["current"] for r in rows if r["current"] is not None), ZERO)
        committed = sum((r["committed"] for r in rows), ZERO)
        paid = sum((r["paid"] for r in rows), ZERO)
        return {
            "current": current,
            "committed": committed,
            "paid": paid,
            "difference": current - committed,
            "percent_committed": _percent(committed, current),
            "percent_paid": _percent(paid, current),
        }

    return {"themes": themes, "years": years, "themes_total": totals(themes), "years_total": totals(years)}


def targets_and_moves(plan, *, themes, years) -> tuple[list[BudgetTarget], list[TargetMove]]:
    """The plan's targets with their current value (as `targets_of`) and the moves out of them, the latest first (as
    `target_moves`, without who made each), in two plain queries on the targets' and the moves' own tables: no join
    and no subquery, each target given its theme or plan year from `themes` and `years` (already read), the moves
    summed here to the cent. What the envelope builds again after every write to the plan's money: scale 100, the
    targets with their subqueries and the moves joined to their two targets, themes, years and author took 8 ms."""
    by_theme, by_year = {t.pk: t for t in themes}, {y.pk: y for y in years}
    targets = list(BudgetTarget.objects.filter(plan=plan).order_by())  # 1 targets (no ordering: rows are keyed)
    by_id = {}
    for target in targets:
        if target.theme_id in by_theme:  # else (never: a target names a theme of its plan) read when shown
            target.theme = by_theme[target.theme_id]
        if target.plan_year_id in by_year:
            target.plan_year = by_year[target.plan_year_id]
        target.moved_in = target.moved_out = ZERO
        by_id[target.pk] = target
    # 1 moves out of the plan's targets, hence into them (budget.services.targets.target_move keeps both targets
    # of a move in one plan); none read without targets
    moves = list(TargetMove.objects.filter(from_target__in=list(by_id)).order_by("-moved_on", "-pk"))
    for move in moves:
        move.from_target = by_id[move.from_target_id]
        move.from_target.moved_out += move.amount
        if move.to_target_id in by_id:
            move.to_target = by_id[move.to_target_id]
            move.to_target.moved_in += move.amount
    for target in targets:
        target.current = target.amount + target.moved_in - target.moved_out
    return targets, moves


def target_moves(plan) -> list[TargetMove]:
    """Carry-overs and reallocations, the latest first, with their reasons (one query)."""
    return list(
        TargetMove.objects.filter(from_target__plan=plan)
        .select_related(
            "from_target__theme", "from_target__plan_year", "to_target__theme", "to_target__plan_year", "created_by"
        )
        .order_by("-moved_on", "-pk")
    )


def forecast_day() -> datetime.date:
    """The day the forecast is made; tests replace it (or pass `today=`)."""
    return timezone.localdate()


FORECAST_WARNING_SHARE = Decimal("0.05")  # warn when more than 5 % of the envelope would stay unspent…
FORECAST_WARNING_DAYS = 90  # …while more than 90 days remain to act


def forecast(
    plan, *, envelope: Decimal, committed: Decimal, paid: Decimal, years=None, today: datetime.date | None = None
) -> dict | None:
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
        rows.append(
            {
                "year": year,
                "label": year.label,
                "end_date": year.end_date,
                "finished": finished,
                "committed": None if finished else project(committed, days),
                "paid": None if finished else project(paid, days),
            }
        )
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


def _plan_quarters(years) -> list[dict]:
    """The fiscal quarters of the plan's years (T1 = April–June), each with its first day and the next quarter's."""
    quarters = []
    for year in years:
        month, y = year.start_date.month, year.start_date.year
        for number in range(1, 5):
            first = datetime.date(y, month, 1)
            month += 3
            if month > 12:
                month, y = month - 12, y + 1
            quarters.append(
                {
                    "label": f"{year.label} T{number}",
                    "year": year.label,
                    "quarter": number,
                    "start": first,
                    "until": datetime.date(y, month, 1),
                }
            )
    return quarters


def disbursements_by_quarter(plan, years=None) -> list[dict]:
    """Paid per fiscal quarter of the plan (T1 = April–June), corrections included, every quarter
    of the plan listed even when empty (one query: what the plan paid each day, kept by the payments and their
    corrections (figures.PlanPayments), at most one row per day whatever the number of payments; the days fall in
    their quarter here)."""
    years = list(plan.years.order_by("number")) if years is None else list(years)
    quarters = _plan_quarters(years)
    starts = [q["start"] for q in quarters]
    for q in quarters:
        q["paid"] = ZERO
    outside: dict[
        datetime.date, Decimal
    ] = {}  # payments outside the plan's years (should be none), by calendar quarter
    paid_by_day = kept_totals.payment_rows(plan=plan).values_list("date", "paid")
    for day, paid in paid_by_day:
        if quarters and starts[0] <= day < quarters[-1]["until"]:
            quarters[bisect.bisect_right(starts, day) - 1]["paid"] += paid
        else:
            start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            outside[start] = outside.get(start, ZERO) + paid
    for q in quarters:
        del q["until"]
    for start, paid in sorted(outside.items()):
        quarters.append(
            {"label": f"{start.year}-{start.month:02d}", "year": "", "quarter": None, "start": start, "paid": paid}
        )
    running = ZERO
    for q in quarters:
        running += q["paid"]
        q["cumulative"] = running
    return quarters


def plan_money(plan, *, overview: dict, today: datetime.date | None = None) -> dict:
    """What the envelope page adds for the targets, the forecast and the charts, from the rows of
    `envelope_overview` (themes and years included) and three queries: targets, moves (none without targets), paid
    per quarter."""
    from budget import charts  # geometry only

    years = overview["years"]
    targets, moves = targets_and_moves(plan, themes=overview["themes"], years=years)  # 2 targets, moves
    rows = target_rows(
        plan,
        by_theme=overview["by_theme"],
        by_year=overview["by_year"],
        targets=targets,
        themes=overview["themes"],
        years=years,
    )
    quarters = disbursements_by_quarter(plan, years)  # 1 paid per quarter
    return {
        "targets": rows,
        "has_targets": any(r["target"] for r in rows["themes"] + rows["years"]),
        "moves": moves,
        "forecast": forecast(
            plan,
            envelope=overview["envelope"],
            committed=overview["committed"],
            paid=overview["disbursed"],
            years=years,
            today=today,
        ),
        "quarters": quarters,
        "charts": {
            "sources": charts.sources_chart(overview["sources"]),
            "themes": charts.themes_chart(rows["themes"]),
            "quarters": charts.quarters_chart(quarters),
        },
    }


def target_current(target: BudgetTarget) -> Decimal:
    """The target now: its first amount, plus what was moved in, less what was moved out."""
    return BudgetTarget.objects.with_current().get(pk=target.pk).current


def year_uncommitted(target: BudgetTarget) -> Decimal:
    """What a year target leaves uncommitted: its current value less the commitments of that year."""
    committed = Commitment.objects.filter(plan_year_id=target.plan_year_id, source__plan_id=target.plan_id).aggregate(
        s=Sum(Commitment.CURRENT, default=ZERO)
    )["s"]
    return target_current(target) - committed
