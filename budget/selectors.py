"""Reads of the envelope: totals by source, theme, plan year and project, in a fixed number of queries."""

import bisect
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.kept import kept
from budget.models import (
    MONEY,
    Agreement,
    BudgetTarget,
    Commitment,
    CommitmentReduction,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
    PlannedPayment,
    TargetMove,
)
from chantiers.models import (
    FUNDABLE_STATUSES,
    PUBLIC_STATUSES,
    ActionProject,
    OtherFunding,
    ProjectPartner,
    ProjectYearAmount,
    Theme,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# Projects whose other funding counts in the leverage: accepted, under way or done.
LEVERAGE_STATUSES = tuple({*FUNDABLE_STATUSES, *PUBLIC_STATUSES})


def leverage(other: Decimal, committed: Decimal) -> Decimal | None:
    """Dollars from elsewhere for each dollar of the envelope (effet de levier), to the cent; None without commitment."""
    if not committed:
        return None
    return (Decimal(other) / Decimal(committed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def envelope_overview(plan) -> dict:
    """The envelope's totals by source, by theme and by plan year, to the cent, in four queries whatever
    the number of commitments: sources, plan years, one pass over the commitments (per theme, split by
    year), themes with their other funding (effet de levier)."""
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    years = list(plan.years.order_by("number"))  # 1 plan years
    source_ids = [s.pk for s in sources]
    split = {}
    for year in years:  # a commitment's year is one of its source's plan (budget.services)
        in_year = Q(plan_year_id=year.pk)
        split[f"committed_{year.pk}"] = Sum(Commitment.CURRENT, filter=in_year)
        split[f"disbursed_{year.pk}"] = Sum("disbursed_total", filter=in_year)
        split[f"count_{year.pk}"] = Count("pk", filter=in_year)
    by_theme_id = {  # 1 committed, paid, commitments and funded projects per theme, and per year: one pass
        row["project__theme_id"]: row
        for row in Commitment.objects.filter(source_id__in=source_ids)
        .values("project__theme_id")
        .annotate(
            committed=Sum(Commitment.CURRENT), disbursed=Sum("disbursed_total"), count=Count("pk"),
            projects=Count("project_id", distinct=True), **split,
        )
        .order_by()
    }
    other = OtherFunding.objects.filter(project__theme=OuterRef("pk"), project__status__in=LEVERAGE_STATUSES).order_by().values("project__theme")
    # Partners' contributions count once the partner confirmed them (an unconfirmed amount is only the lead's word).
    partners = (
        ProjectPartner.objects.confirmed().filter(project__theme=OuterRef("pk"), project__status__in=LEVERAGE_STATUSES)
        .order_by().values("project__theme")
    )
    themes = list(  # 1 themes of the plan (and of any funded project, should one belong to another plan), with their other funding
        Theme.objects.filter(Q(plan=plan) | Q(pk__in=list(by_theme_id)))
        .annotate(
            other_funding=Coalesce(Subquery(other.annotate(s=Sum("amount")).values("s")), ZERO, output_field=DecimalField(**MONEY))
            + Coalesce(Subquery(partners.annotate(s=Sum("contribution_value")).values("s")), ZERO, output_field=DecimalField(**MONEY))
        )
        .order_by("order", "pk")
    )
    by_theme = []
    for theme in themes:
        theme.funded_projects = by_theme_id[theme.pk]["projects"] if theme.pk in by_theme_id else 0
        if theme.pk in by_theme_id:
            row = by_theme_id[theme.pk]
            other_funding = theme.other_funding if theme.plan_id == plan.pk else ZERO
            by_theme.append({
                "theme": theme, "name": theme.name, "projects": row["projects"], "committed": row["committed"], "disbursed": row["disbursed"],
                "other": other_funding, "leverage": leverage(other_funding, row["committed"]),
            })
    by_year = []
    for year in years:
        rows = [row for row in by_theme_id.values() if row[f"count_{year.pk}"]]
        if rows:
            by_year.append({
                "year": year, "label": year.label,
                "committed": sum((row[f"committed_{year.pk}"] for row in rows), ZERO),
                "disbursed": sum((row[f"disbursed_{year.pk}"] for row in rows), ZERO),
            })
    plan_themes = [t for t in themes if t.plan_id == plan.pk]
    other_total = sum((t.other_funding for t in plan_themes), ZERO)
    envelope = sum((s.amount for s in sources), ZERO)
    committed = sum((s.committed_total for s in sources), ZERO)
    disbursed = sum((s.disbursed_total for s in sources), ZERO)
    return {
        "plan": plan,
        "sources": sources,
        "themes": plan_themes,
        "years": years,
        "envelope": envelope,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": envelope - committed,
        "by_theme": by_theme,
        "by_year": by_year,
        "other_total": other_total,
        "leverage": leverage(other_total, committed),
        "commitment_count": sum(row["count"] for row in by_theme_id.values()),
        "funded_themes": themes,  # with `funded_projects`, for `projects_page`
    }


def envelope_figures(plan, *, today: datetime.date | None = None) -> dict:
    """`envelope_overview` and `plan_money` together: what the envelope page sums over the whole plan.
    Every visitor of the page (coordination and staff) sees the same figures: they are kept for the
    plan's `data_version` (asis.kept) and built again after any write. A new dict each time (the
    view adds its pages to it)."""

    def build():
        overview = envelope_overview(plan)
        overview.update(plan_money(plan, overview=overview, today=today))
        return overview

    return dict(kept("envelope", getattr(plan, "data_version", None), (plan.pk, today), build))


def _source_ids(plan, sources):
    return [s.pk for s in sources] if sources is not None else FundingSource.objects.filter(plan=plan).values("pk")


def _in_date_order(path: str):
    """`path` (a source id) as an expression no index serves: filtered on it, the latest rows are then read
    from the date index and their source checked, instead of all the plan's rows fetched and sorted
    (SQLite, without statistics, would otherwise pick the index on the source)."""
    return ExpressionWrapper(F(path) + 0, output_field=BigIntegerField())


def counted_page(queryset, number, *, count: int, per_page: int = 25):
    """A page of `queryset` whose length is already known (summed with the totals): no COUNT query."""
    paginator = Paginator(queryset, per_page)
    paginator.count = count  # a cached_property: once set, the database is not asked
    return paginator.get_page(number)


COMMITMENT_ORDER = ("-decided_on", "-pk")


def commitments_page(plan, number, *, count: int, sources=None, per_page: int = 25):
    """A page of the plan's commitments, the latest first, with their project, source and year: one query.
    The page's ids are picked from the commitments alone (an index on the decision date), then joined."""
    ids = (
        Commitment.objects.alias(by_date=_in_date_order("source_id"))
        .filter(by_date__in=_source_ids(plan, sources))
        .order_by(*COMMITMENT_ORDER)
        .values("pk")
    )
    page = counted_page(ids, number, count=count, per_page=per_page)
    page.object_list = list(
        Commitment.objects.filter(pk__in=page.object_list)
        .select_related("project__lead", "project__theme", "source", "plan_year")
        .order_by(*COMMITMENT_ORDER)
    )
    return page


PROJECT_ORDER = ("theme__order", "title", "pk")


def funded_projects_queryset(plan, sources=None):
    """The ids of the projects that received a commitment from the plan, in the order of the « Par projet »
    table (theme, title); no sum here: a page of them is summed by `projects_money_queryset`."""
    funded = Commitment.objects.filter(source_id__in=_source_ids(plan, sources), project=OuterRef("pk"))
    return ActionProject.objects.filter(Exists(funded)).order_by(*PROJECT_ORDER).values("pk")


def projects_money_queryset(plan, sources=None):
    """Each project that received a commitment from the plan: requested, committed now, paid and left
    to pay, to the cent (the commitments are summed by the database). Filter it to a page of
    `funded_projects_queryset` first: the sums then cost the page's commitments only."""
    return (
        ActionProject.objects.filter(commitments__source_id__in=_source_ids(plan, sources))
        .annotate(
            committed=Sum(F("commitments__amount") - F("commitments__reduced_total")),
            paid=Sum("commitments__disbursed_total"),
            left=Sum(F("commitments__amount") - F("commitments__reduced_total") - F("commitments__disbursed_total")),
        )
        .select_related("lead", "theme")
        .order_by(*PROJECT_ORDER)
    )


def projects_page(plan, number, *, themes, sources=None, per_page: int = 25):
    """A page of the « Par projet » table in one query, whatever the number of projects.

    `themes` carry `funded_projects` (see `envelope_overview`): they give the count, and the themes a
    page falls in, so the page is sorted among those themes' projects only, not among all of them."""
    blocks: dict[int, list] = {}  # themes of the same order interleave by title: one block
    for theme in themes:
        if theme.funded_projects:
            blocks.setdefault(theme.order, []).append(theme)
    page = counted_page(funded_projects_queryset(plan, sources), number, count=sum(t.funded_projects for t in themes), per_page=per_page)
    bottom = (page.number - 1) * per_page
    top = bottom + per_page
    before, wanted, seen = None, [], 0
    for _order, block in sorted(blocks.items()):
        size = sum(t.funded_projects for t in block)
        if seen + size > bottom and seen < top:
            before = seen if before is None else before
            wanted += [t.pk for t in block]
        seen += size
    if before is None:
        page.object_list = []
        return page
    ids = funded_projects_queryset(plan, sources).filter(theme_id__in=wanted)[bottom - before : top - before]
    page.object_list = list(projects_money_queryset(plan, sources).filter(pk__in=ids))
    return page


def recent_disbursements(plan, limit=10, sources=None):
    """The latest payments with their commitment's project and source: one query (the ids are picked first,
    from the payments and their commitment only, by an index on the payment date)."""
    order = ("-paid_on", "-pk")
    ids = (
        Disbursement.objects.alias(by_date=_in_date_order("commitment__source_id"))
        .filter(by_date__in=_source_ids(plan, sources))
        .order_by(*order)
        .values("pk")[:limit]
    )
    return list(Disbursement.objects.filter(pk__in=ids).select_related("commitment__project", "commitment__source").order_by(*order))


# ---- targets, forecast and charts (the plan's money over three years)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def targets_of(plan) -> list[BudgetTarget]:
    """The plan's targets with their current value (`current`, `moved_in`, `moved_out`), in one query."""
    return list(BudgetTarget.objects.filter(plan=plan).with_current().select_related("theme", "plan_year"))


def target_rows(plan, *, by_theme: list[dict], by_year: list[dict], targets: list[BudgetTarget] | None = None, themes=None, years=None) -> dict:
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
            quarters.append({"label": f"{year.label} T{number}", "year": year.label, "quarter": number, "start": first,
                             "until": datetime.date(y, month, 1)})
    return quarters


def disbursements_by_quarter(plan, years=None, sources=None) -> list[dict]:
    """Paid per fiscal quarter of the plan (T1 = April–June), corrections included, every quarter
    of the plan listed even when empty (one query: the database sums the payments of each day, at
    most one row per day of the plan whatever the number of payments; the days fall in their quarter here)."""
    years = list(plan.years.order_by("number")) if years is None else list(years)
    quarters = _plan_quarters(years)
    starts = [q["start"] for q in quarters]
    for q in quarters:
        q["paid"] = ZERO
    outside: dict[datetime.date, Decimal] = {}  # payments outside the plan's years (should be none), by calendar quarter
    paid_by_day = (
        Disbursement.objects.filter(commitment__source_id__in=_source_ids(plan, sources))
        .values("paid_on")
        .annotate(paid=Sum(Disbursement.CURRENT))
        .order_by()
        .values_list("paid_on", "paid")
    )
    for day, paid in paid_by_day:
        if quarters and starts[0] <= day < quarters[-1]["until"]:
            quarters[bisect.bisect_right(starts, day) - 1]["paid"] += paid
        else:
            start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            outside[start] = outside.get(start, ZERO) + paid
    for q in quarters:
        del q["until"]
    for start, paid in sorted(outside.items()):
        quarters.append({"label": f"{start.year}-{start.month:02d}", "year": "", "quarter": None, "start": start, "paid": paid})
    running = ZERO
    for q in quarters:
        running += q["paid"]
        q["cumulative"] = running
    return quarters


def plan_money(plan, *, overview: dict, today: datetime.date | None = None) -> dict:
    """What the envelope page adds for the targets, the forecast and the charts, from the rows of
    `envelope_overview` (themes and years included) and three queries: targets, moves, paid per quarter."""
    from budget import charts  # geometry only

    years = overview["years"]
    rows = target_rows(plan, by_theme=overview["by_theme"], by_year=overview["by_year"], themes=overview["themes"], years=years)  # 1 targets
    quarters = disbursements_by_quarter(plan, years, sources=overview["sources"])  # 1 paid per quarter
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
# ---------------------------------------------------------------- ledger: history and balances as at a date



def _sum_by_source(queryset, source_path: str, field: str) -> dict[int, Decimal]:
    return {
        source_id: (total or ZERO).quantize(CENT)
        for source_id, total in queryset.order_by().values(source_path).annotate(total=Sum(field)).values_list(source_path, "total")
    }


def balances_as_at(plan, day: datetime.date) -> dict:
    """Committed, disbursed and remaining per source, rebuilt from the entries dated on or before `day`.

    Each entry counts on its own date: a commitment on `decided_on`, a reduction or cancellation on
    `reduced_on`, a payment on `paid_on`, a correction on `corrected_on`. Five queries; Decimals to the cent.
    """
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    committed = _sum_by_source(Commitment.objects.filter(source__plan=plan, decided_on__lte=day), "source", "amount")  # 1
    reduced = _sum_by_source(  # 1
        CommitmentReduction.objects.filter(commitment__source__plan=plan, reduced_on__lte=day), "commitment__source", "amount"
    )
    paid = _sum_by_source(  # 1
        Disbursement.objects.filter(commitment__source__plan=plan, paid_on__lte=day), "commitment__source", "amount"
    )
    fixed = _sum_by_source(  # 1
        DisbursementCorrection.objects.filter(disbursement__commitment__source__plan=plan, corrected_on__lte=day),
        "disbursement__commitment__source", "delta",
    )
    rows = []
    for source in sources:
        row_committed = committed.get(source.pk, ZERO) - reduced.get(source.pk, ZERO)
        row_disbursed = paid.get(source.pk, ZERO) + fixed.get(source.pk, ZERO)
        rows.append({
            "source": source,
            "envelope": source.amount,
            "committed": row_committed,
            "disbursed": row_disbursed,
            "remaining": source.amount - row_committed,
            "to_disburse": row_committed - row_disbursed,
        })
    total = {key: sum((row[key] for row in rows), ZERO) for key in ("envelope", "committed", "disbursed", "remaining", "to_disburse")}
    return {"day": day, "sources": rows, **total}


# Each kind of ledger entry: how to find the plan's rows, the project and source paths (None: no such
# filter applies, so the kind drops out when filtering), and what to load to show a page of them.
HISTORY_KINDS = {
    "commitment": {
        "model": Commitment, "plan": "source__plan", "project": "project", "source": "source",
        "related": ["project", "source", "plan_year", "created_by"],
    },
    "reduction": {
        "model": CommitmentReduction, "plan": "commitment__source__plan", "project": "commitment__project",
        "source": "commitment__source", "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "disbursement": {
        "model": Disbursement, "plan": "commitment__source__plan", "project": "commitment__project",
        "source": "commitment__source", "related": ["commitment__project", "commitment__source", "created_by"],
    },
    "correction": {
        "model": DisbursementCorrection, "plan": "disbursement__commitment__source__plan",
        "project": "disbursement__commitment__project", "source": "disbursement__commitment__source",
        "related": ["disbursement__commitment__project", "disbursement__commitment__source", "created_by"],
    },
    "agreement": {
        "model": Agreement, "plan": "project__theme__plan", "project": "project", "source": None,
        "related": ["project", "created_by"],
    },
    "planned_payment": {
        "model": PlannedPayment, "plan": "commitment__source__plan", "project": "agreement__project",
        "source": "commitment__source", "related": ["agreement__project", "commitment__source", "created_by"],
    },
    "target": {
        "model": BudgetTarget, "plan": "plan", "project": None, "source": None,
        "related": ["theme", "plan_year", "created_by"],
    },
    "target_move": {
        "model": TargetMove, "plan": "from_target__plan", "project": None, "source": None,
        "related": ["from_target__theme", "from_target__plan_year", "to_target__theme", "to_target__plan_year", "created_by"],
    },
}


def ledger_history_queryset(plan, *, project=None, source=None):
    """Every ledger entry of the plan as (entry_kind, entry_id, at) rows, newest first: one UNION ALL query,
    so a page and its count cost one query each whatever the number of entries."""
    parts = []
    for kind, spec in HISTORY_KINDS.items():
        if (project is not None and spec["project"] is None) or (source is not None and spec["source"] is None):
            continue
        queryset = spec["model"].objects.filter(**{spec["plan"]: plan})
        if project is not None:
            queryset = queryset.filter(**{spec["project"]: project})
        if source is not None:
            queryset = queryset.filter(**{spec["source"]: source})
        parts.append(
            queryset.order_by().values(entry_kind=Value(kind, output_field=CharField()), entry_id=F("pk"), at=F("created_at"))
        )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-at", "-entry_kind", "-entry_id") if rest else first.order_by("-at", "-entry_id")


@dataclass
class HistoryEntry:
    kind: str
    label: str
    at: datetime.datetime
    by: object
    day: datetime.date | None
    what: str
    project: object
    source: object
    amount: Decimal | None
    note: str
    entry: object


def _target_label(target) -> str:
    if target.theme_id:
        return _("cible de l'enjeu « %(theme)s »") % {"theme": target.theme.name}
    return _("cible de l'année %(year)s") % {"year": target.plan_year.label}


def _describe(kind: str, obj) -> HistoryEntry:
    """One entry as the history shows it; amounts are signed as they move the balances."""
    common = {"kind": kind, "at": obj.created_at, "by": obj.created_by, "entry": obj, "project": None, "source": None}
    if kind == "commitment":
        return HistoryEntry(label=_("Engagement"), day=obj.decided_on, what=obj.plan_year.label, amount=obj.amount, note=obj.reference or obj.note,
                            **{**common, "project": obj.project, "source": obj.source})
    if kind == "reduction":
        c = obj.commitment
        return HistoryEntry(label=_("Annulation d'engagement") if obj.is_cancellation else _("Réduction d'engagement"),
                            day=obj.reduced_on, what="", amount=-obj.amount, note=obj.reason,
                            **{**common, "project": c.project, "source": c.source})
    if kind == "disbursement":
        c = obj.commitment
        return HistoryEntry(label=_("Versement"), day=obj.paid_on, what="", amount=obj.amount, note=obj.reference,
                            **{**common, "project": c.project, "source": c.source})
    if kind == "correction":
        c = obj.disbursement.commitment
        return HistoryEntry(label=_("Correction de versement"), day=obj.corrected_on,
                            what=_("versement du %(day)s") % {"day": obj.disbursement.paid_on.isoformat()},
                            amount=obj.delta, note=obj.reason, **{**common, "project": c.project, "source": c.source})
    if kind == "agreement":
        return HistoryEntry(label=_("Convention"), day=obj.signed_on, what="", amount=None,
                            note=obj.reference or obj.note, **{**common, "project": obj.project})
    if kind == "planned_payment":
        what = _("prévu le %(day)s") % {"day": obj.due_on.isoformat()}
        if obj.cancelled_on:
            what += " — " + _("annulé le %(day)s") % {"day": obj.cancelled_on.isoformat()}
        return HistoryEntry(label=_("Versement prévu"), day=obj.due_on, what=what, amount=obj.amount,
                            note=obj.cancel_reason or obj.note,
                            **{**common, "project": obj.agreement.project, "source": obj.commitment.source})
    if kind == "target":
        return HistoryEntry(label=_("Cible budgétaire"), day=None, what=_target_label(obj), amount=obj.amount, note="", **common)
    return HistoryEntry(
        label=obj.get_kind_display(), day=obj.moved_on,
        what=f"{_target_label(obj.from_target)} → {_target_label(obj.to_target)}", amount=obj.amount, note=obj.reason, **common,
    )


def history_entries(rows) -> list[HistoryEntry]:
    """Load a page of (entry_kind, entry_id, at) rows: one query per kind present on the page."""
    wanted: dict[str, list[int]] = {}
    for row in rows:
        wanted.setdefault(row["entry_kind"], []).append(row["entry_id"])
    loaded = {}
    for kind, ids in wanted.items():
        spec = HISTORY_KINDS[kind]
        for obj in spec["model"].objects.select_related(*spec["related"]).filter(pk__in=ids):
            loaded[kind, obj.pk] = obj
    return [_describe(row["entry_kind"], loaded[row["entry_kind"], row["entry_id"]]) for row in rows if (row["entry_kind"], row["entry_id"]) in loaded]


# ---------------------------------------------------------------- ledger: one project's budget


def project_budget(project) -> dict:
    """Requested vs committed vs paid for one project, by plan year and by source, to the cent,
    with its other funding, its partners' contributions and its leverage. Seven queries."""
    plan = project.theme.plan
    years = list(plan.years.order_by("number"))  # 1 plan years
    sources = {s.pk: s for s in FundingSource.objects.filter(plan=plan)}  # 1 sources
    requested = dict(  # 1 requested per year
        ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")
    )
    committed = {  # 1 committed now per (year, source)
        (row["plan_year"], row["source"]): (row["total"] or ZERO).quantize(CENT)
        for row in Commitment.objects.filter(project=project).order_by().values("plan_year", "source").annotate(total=Sum(Commitment.CURRENT))
    }
    paid = {  # 1 paid now (with corrections) per (year, source)
        (row["commitment__plan_year"], row["commitment__source"]): (row["total"] or ZERO).quantize(CENT)
        for row in Disbursement.objects.filter(commitment__project=project).order_by()
        .values("commitment__plan_year", "commitment__source").annotate(total=Sum(Disbursement.CURRENT))
    }
    other = list(OtherFunding.objects.filter(project=project).order_by("kind", "source_name"))  # 1 other funding
    partners = list(  # 1 partners and their contributions (only confirmed ones count)
        ProjectPartner.objects.filter(project=project).select_related("organisation").order_by("organisation__name")
    )

    def summed(table, *, year=None, source=None):
        return sum(
            (v for (y, s), v in table.items() if (year is None or y == year) and (source is None or s == source)), ZERO
        )

    by_year = [
        {
            "year": year,
            "requested": requested.get(year.pk, ZERO),
            "committed": summed(committed, year=year.pk),
            "paid": summed(paid, year=year.pk),
        }
        for year in years
    ]
    source_ids = sorted({s for _y, s in committed} | {s for _y, s in paid}, key=lambda pk: (sources[pk].order, pk))
    by_source = [
        {"source": sources[pk], "committed": summed(committed, source=pk), "paid": summed(paid, source=pk)} for pk in source_ids
    ]
    for row in (*by_year, *by_source):
        row["to_pay"] = row["committed"] - row["paid"]
    totals = {
        "requested": sum(requested.values(), ZERO),
        "committed": summed(committed),
        "paid": summed(paid),
    }
    totals["to_pay"] = totals["committed"] - totals["paid"]
    other_total = sum((o.amount for o in other), ZERO)
    partners_confirmed = sum((p.contribution_value or ZERO for p in partners if p.is_confirmed), ZERO)
    return {
        "project": project,
        "by_year": by_year,
        "by_source": by_source,
        "totals": totals,
        "other_funding": other,
        "other_total": other_total,
        "partners": partners,
        "partners_confirmed": partners_confirmed,
        "leverage": leverage(other_total + partners_confirmed, totals["committed"]),
    }
