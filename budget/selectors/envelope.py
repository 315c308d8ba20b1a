"""Reads of the envelope: totals by source, theme, plan year and project, in a fixed number of queries."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.paginator import Paginator
from django.db.models import (
    BigIntegerField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Sum,
    Value,
)
from django.utils import timezone

from asis.figures_cache import cached
from budget.models import Commitment, Disbursement, FundingSource
from budget.selectors import contribution
from budget.selectors._common import ZERO, source_ids
from budget.selectors.targets import plan_money
from chantiers.models import Attendance, Space
from figures import selectors as kept_totals
from plans.models import Theme
from plans.versions import version_of
from projects.models import FUNDABLE_STATUSES, PUBLIC_STATUSES, ActionProject

# Projects whose other funding counts in the leverage: accepted, under way or done.
LEVERAGE_STATUSES = tuple({*FUNDABLE_STATUSES, *PUBLIC_STATUSES})


def leverage(other: Decimal, committed: Decimal) -> Decimal | None:
    """Dollars from elsewhere for each dollar of the envelope (effet de levier), to the cent; None without commitment."""
    if not committed:
        return None
    return (Decimal(other) / Decimal(committed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def envelope_overview(plan) -> dict:
    """The envelope's totals by source, by theme and by plan year, to the cent, in five queries whatever
    the number of commitments (six when the plan funds a project of another plan's theme): sources, plan years, the
    kept money per theme and year (a row each, summed per theme and per year here: one plain GROUP BY, not a filtered
    sum per year and figure), themes, and their other funding (effet de levier) from the kept rows."""
    sources = list(FundingSource.objects.filter(plan=plan).order_by("order"))  # 1 sources
    # 1 plan years, each with the valued time of partner staff at the meetings it held (issue 21, part 3: an in-kind
    # contribution, folded into this query; the years do not overlap, so they add up to the plan's)
    today = timezone.localdate()
    plan_spaces = Space.objects.filter(themes__plan=plan).values("pk")
    years = list(
        plan.years.annotate(
            valued_cents=contribution.staff_cent_minutes_of(
                Attendance.objects.filter(
                    meeting__space__in=plan_spaces,
                    meeting__date__gte=OuterRef("start_date"),
                    meeting__date__lte=OuterRef("end_date"),
                    meeting__date__lt=today,
                )
            )
        ).order_by("number")
    )
    by_theme_id: dict[int, dict] = {}  # 1 committed, paid, commitments and funded projects per theme and year:
    for row in (  # the kept totals (figures) of the plan's sources, a few rows per theme, summed per theme here
        kept_totals.money_rows(plan=plan)
        .values("theme_id", "plan_year_id")
        .annotate(
            committed_sum=Sum("committed"),  # named apart from the rows' own fields (an annotation may not take
            paid_sum=Sum("paid"),  # a field's name)
            count=Sum("commitments"),
            projects_sum=Sum("projects"),  # each project counted on the row of its first commitment from the plan
        )
    ):
        theme = by_theme_id.setdefault(
            row["theme_id"], {"committed": ZERO, "disbursed": ZERO, "count": 0, "projects": 0, "years": {}}
        )
        theme["committed"] += row["committed_sum"]
        theme["disbursed"] += row["paid_sum"]
        theme["count"] += row["count"]
        theme["projects"] += row["projects_sum"]
        theme["years"][row["plan_year_id"]] = row
    by_theme_id = {pk: row for pk, row in by_theme_id.items() if row["count"] > 0}
    # 1 themes of the plan, on the index of their plan (not every theme of the instance tested)
    # (each with the valued time at the meetings held in its spaces during the plan: a space of two themes counts
    # in each)
    held = {"meeting__date__lt": today}
    if years:
        held["meeting__date__gte"] = min(y.start_date for y in years)
        held["meeting__date__lte"] = max(y.end_date for y in years)
    themes = list(
        Theme.objects.filter(plan=plan)
        .annotate(
            valued_cents=contribution.staff_cent_minutes_of(
                Attendance.objects.filter(meeting__space__themes=OuterRef("pk"), **held)
            )
        )
        .order_by("order", "pk")
    )
    # 1 other funding and partners' confirmed contributions (an unconfirmed amount is only the lead's word): the kept
    # totals (figures) of these themes, a row per status the leverage counts (on their unique index), added up here:
    # as a subquery per theme, Python took longer to compile the theme query than to add up the rows
    other_by_theme: dict[int, Decimal] = {}
    kept = kept_totals.project_rows(LEVERAGE_STATUSES, theme__in=[theme.pk for theme in themes])
    for theme_id, other, contributions in kept.values_list("theme_id", "other_funding", "contributions"):
        other_by_theme[theme_id] = other_by_theme.get(theme_id, ZERO) + other + contributions
    for theme in themes:
        theme.other_funding = other_by_theme.get(theme.pk, ZERO)
    if elsewhere := set(by_theme_id).difference(t.pk for t in themes):
        # +1 the themes of another plan whose projects this plan funds (a project carried to the next plan keeps its
        # theme): listed, with no other funding (what those projects raised counts in their own plan's leverage)
        themes = sorted(
            [*themes, *Theme.objects.filter(pk__in=elsewhere).annotate(other_funding=Value(ZERO))],
            key=lambda theme: (theme.order, theme.pk),
        )
    by_theme = []
    for theme in themes:
        theme.funded_projects = by_theme_id[theme.pk]["projects"] if theme.pk in by_theme_id else 0
        if theme.pk in by_theme_id:
            row = by_theme_id[theme.pk]
            other_funding = theme.other_funding if theme.plan_id == plan.pk else ZERO
            by_theme.append(
                {
                    "theme": theme,
                    "name": theme.name,
                    "projects": row["projects"],
                    "committed": row["committed"],
                    "disbursed": row["disbursed"],
                    "other": other_funding,
                    "leverage": leverage(other_funding, row["committed"]),
                    "valued_time": contribution.valued(getattr(theme, "valued_cents", 0)),
                }
            )
    by_year = []
    for year in years:
        rows = [row["years"][year.pk] for row in by_theme_id.values() if row["years"].get(year.pk, {}).get("count")]
        if rows:
            by_year.append(
                {
                    "year": year,
                    "label": year.label,
                    "committed": sum((row["committed_sum"] for row in rows), ZERO),
                    "disbursed": sum((row["paid_sum"] for row in rows), ZERO),
                }
            )
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
        # in kind, apart from the cash and from the leverage: never added to a money total
        "valued_time": sum((contribution.valued(y.valued_cents) for y in years), ZERO),
        "commitment_count": sum(row["count"] for row in by_theme_id.values()),
        "funded_themes": themes,  # with `funded_projects`, for `projects_page`
    }


def envelope_figures(plan, *, today: datetime.date | None = None) -> dict:
    """`envelope_overview` and `plan_money` together: what the envelope page sums over the whole plan.
    Every visitor of the page (coordination and staff) sees the same figures: they are cached under the plan's
    version (`figures_version`, plans.versions) and built again after a write to the plan. A new dict each time
    (the view adds its pages to it)."""

    def build():
        overview = envelope_overview(plan)
        overview.update(plan_money(plan, overview=overview, today=today))
        return overview

    return dict(cached("envelope", version_of(plan), (plan.pk, today), build))


def in_date_order(path: str):
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
        Commitment.objects.alias(by_date=in_date_order("source_id"))
        .filter(by_date__in=source_ids(plan, sources))
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
    funded = Commitment.objects.filter(source_id__in=source_ids(plan, sources), project=OuterRef("pk"))
    return ActionProject.objects.filter(Exists(funded)).order_by(*PROJECT_ORDER).values("pk")


def projects_money_queryset(plan, sources=None):
    """Each project that received a commitment from the plan: requested, committed now, paid and left
    to pay, to the cent (the commitments are summed by the database). Filter it to a page of
    `funded_projects_queryset` first: the sums then cost the page's commitments only."""
    return (
        ActionProject.objects.filter(commitments__source_id__in=source_ids(plan, sources))
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
    page = counted_page(
        funded_projects_queryset(plan, sources), number, count=sum(t.funded_projects for t in themes), per_page=per_page
    )
    bottom = (page.number - 1) * per_page
    top = bottom + per_page
    before, wanted, seen, spanned = None, [], 0, 0
    for _order, block in sorted(blocks.items()):
        size = sum(t.funded_projects for t in block)
        if seen + size > bottom and seen < top:
            before = seen if before is None else before
            wanted += [t.pk for t in block]
            spanned += 1
        seen += size
    if before is None:
        page.object_list = []
        return page
    ids = funded_projects_queryset(plan, sources).filter(theme_id__in=wanted)
    if spanned == 1:  # one order of themes: by title, read from the index on (theme, title), each checked funded
        ids = ids.order_by(*PROJECT_ORDER[1:])
    ids = ids[bottom - before : top - before]
    page.object_list = list(projects_money_queryset(plan, sources).filter(pk__in=ids))
    return page


def recent_disbursements(plan, limit=10, sources=None):
    """The latest payments with their commitment's project and source: one query (the ids are picked first,
    from the payments and their commitment only, by an index on the payment date)."""
    order = ("-paid_on", "-pk")
    ids = (
        Disbursement.objects.alias(by_date=in_date_order("commitment__source_id"))
        .filter(by_date__in=source_ids(plan, sources))
        .order_by(*order)
        .values("pk")[:limit]
    )
    return list(
        Disbursement.objects.filter(pk__in=ids)
        .select_related("commitment__project", "commitment__source")
        .order_by(*order)
    )
