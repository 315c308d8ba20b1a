"""The region's view: alliances side by side, each on its current plan, with the totals of a region; and the open
data of every alliance of the region.

What each figure is (one name per concept, the bilan's or the envelope's definition, never a new one):

- **Envelope, committed, paid**: the sums over the current plan's funding sources of `amount`, of the running
  totals the ledger keeps, `committed_total` (commitments less their reductions) and `disbursed_total`
  (payments and their corrections). Only the current plan's sources count: a commitment carried into the next
  plan reduced the old one by the same amount (budget.services.carry), so carried money is counted once.
- **% committed per theme**: Σ (Commitment.amount − reduced_total) of the commitments on the plan's sources for
  the projects of the theme, over the plan's envelope; each alliance has its own themes.
- **Projects by status**: every project of the current plan's themes, by status.
- **People and citizens reached**: Σ over the plan's projects of the `people_reached` and `citizens_reached` of
  each project's latest report (latest `period_end`, then `submitted_at`; reports are cumulative), kept by the
  writes in figures.ThemeProjects. Unlike the bilan of the whole plan, which stops at the plan's last day, a
  report whose period runs past the plan's end counts: what a funder reads is the latest figure reported.
- **Late reports**: the report deadlines of the plan's projects that are late (`ReportDeadline.objects.late()`).
- **Leverage**: as on the envelope page (budget.selectors.envelope.leverage), the other funding of the accepted
  projects (OtherFunding) and their partners' confirmed contributions, per dollar committed; kept per theme and
  status in figures.ThemeProjects.
- **A total** sums the money and the counts of its alliances; its percents and leverage are computed again from
  those sums, never averaged.

`alliances_compared` costs a fixed number of queries whatever the number of alliances (GROUP BY plan, no query
per alliance): tests/bilan/test_comparison.py."""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.models import Alliance, AllianceRole
from bilan.selectors._common import SUM, ZERO, to_cents
from bilan.selectors.bilan import Tally
from bilan.selectors.lines import CHUNK, resolutions_of
from bilan.selectors.open_data import OpenProject, _open_project, _open_queryset
from budget.models import FundingSource
from budget.selectors.envelope import LEVERAGE_STATUSES, leverage
from figures import selectors as kept_totals
from plans.models import Plan, Theme
from projects.models import ProjectStatus, ReportDeadline

HUNDRED = Decimal(100)
PERCENT = Decimal("0.01")


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percent of `whole`, to the hundredth (half up); None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ThemeShare:
    """One theme of an alliance's current plan: what is committed to its projects, and its share of the envelope."""

    name: str
    committed: Decimal
    percent: Decimal | None  # committed / the plan's envelope × 100


@dataclass(frozen=True)
class ComparisonRow:
    """An alliance on its current plan (`alliance` set), or a total of several (`alliance` None)."""

    label: str
    alliance: Alliance | None
    plan: Plan | None  # the alliance's current plan (None: none yet; a total has none)
    alliances: int  # how many alliances the row holds (1 for an alliance)
    envelope: Decimal
    committed: Decimal
    paid: Decimal
    themes: tuple[ThemeShare, ...]  # an alliance's themes; none on a total (themes differ between alliances)
    projects_by_status: tuple[Tally, ...]  # one per status of the comparison (`Comparison.statuses`), zeros too
    people_reached: int
    citizens_reached: int
    late_reports: int
    other_funding: Decimal  # what the leverage counts

    @property
    def project_count(self) -> int:
        return sum(t.count for t in self.projects_by_status)

    @property
    def percent_committed(self) -> Decimal | None:
        return percent_of(self.committed, self.envelope)

    @property
    def percent_paid(self) -> Decimal | None:
        return percent_of(self.paid, self.envelope)

    @property
    def leverage(self) -> Decimal | None:
        return leverage(self.other_funding, self.committed)

    @property
    def is_total(self) -> bool:
        return self.alliance is None


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]  # the alliances shown one by one
    totals: tuple[ComparisonRow, ...]  # the totals shown beside them
    statuses: tuple[tuple[str, str], ...]  # (status, label) of the columns of `projects_by_status`
    generated_at: datetime.datetime = field(default_factory=timezone.localtime)

    @property
    def lines(self) -> tuple[ComparisonRow, ...]:
        """The alliances, then the totals: the lines of the comparison's tables."""
        return (*self.rows, *self.totals)


def _sums_by(queryset, group: str, **aggregates) -> dict:
    """{group value: row} of a GROUP BY."""
    return {row[group]: row for row in queryset.order_by().values(group).annotate(**aggregates)}


def alliances_compared(alliances: Iterable[Alliance] | None = None) -> list[ComparisonRow]:
    """One row per alliance (by name) with its current plan's figures; every row counts its projects under the
    same statuses (those of any of their projects). `alliances` is a queryset or a list (every alliance when None).

    Seven queries whatever the number of alliances: alliances, current plans, sources, themes, commitments per
    theme, the kept rows per status (projects, people and citizens reached, other funding, partners'
    contributions), late reports."""
    if alliances is None:
        alliances = Alliance.objects.all()
    if hasattr(alliances, "order_by"):
        alliances = list(alliances.order_by("name", "pk"))  # 1 alliances
    alliance_ids = [a.pk for a in alliances]
    plans = {  # 1 the current plans, with their last day
        plan.alliance_id: plan
        for plan in Plan.objects.filter(alliance_id__in=alliance_ids, status=Plan.Status.CURRENT).annotate(
            last_day=Max("years__end_date")
        )
    }
    plan_ids = [p.pk for p in plans.values()]
    money = _sums_by(  # 1 the plans' envelopes and the kept running totals
        FundingSource.objects.filter(plan_id__in=plan_ids),
        "plan_id",
        envelope=Sum("amount", output_field=SUM),
        committed=Sum("committed_total", output_field=SUM),
        paid=Sum("disbursed_total", output_field=SUM),
    )
    themes = defaultdict(list)
    for theme in Theme.objects.filter(plan_id__in=plan_ids).order_by("order", "pk"):  # 1 the plans' themes
        themes[theme.plan_id].append(theme)
    by_theme = {  # 1 committed per theme, on the sources of the theme's own plan only: the kept totals (figures)
        (row["plan_id"], row["theme_id"]): row["total"]
        for row in kept_totals.money_rows(plan_id__in=plan_ids)
        .values("plan_id", "theme_id")
        .annotate(total=Sum("committed", output_field=SUM))
    }
    projects = defaultdict(dict)
    reached = defaultdict(lambda: (0, 0))
    other = defaultdict(lambda: ZERO)
    for row in (  # 1 per plan and status: projects, reached, other funding, contributions: the kept totals (figures)
        kept_totals.project_rows(plan_id__in=plan_ids)
        .values("plan_id", "status")
        .annotate(
            n=Sum("projects"),
            people=Sum("people_reached"),
            citizens=Sum("citizens_reached"),
            other=Sum("other_funding", output_field=SUM),
            contributions=Sum("contributions", output_field=SUM),
        )
    ):
        pk = row["plan_id"]
        if row["n"]:
            projects[pk][row["status"]] = row["n"]
        people, citizens = reached[pk]
        reached[pk] = (people + (row["people"] or 0), citizens + (row["citizens"] or 0))
        if row["status"] in LEVERAGE_STATUSES:  # partners' contributions, once confirmed (as on the envelope page)
            other[pk] += (row["other"] or ZERO) + (row["contributions"] or ZERO)
    late = {  # 1 late reports per plan: counted on the index of each plan's awaited deadlines (their kept plan)
        row["plan_id"]: row["n"]
        for row in ReportDeadline.objects.late()
        .filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
    }

    present = {status for counts in projects.values() for status in counts}
    statuses = tuple((value, str(label)) for value, label in ProjectStatus.choices if value in present)
    rows = []
    for alliance in alliances:
        plan = plans.get(alliance.pk)
        pk = plan.pk if plan else None
        sums = money.get(pk, {})
        envelope = to_cents(sums.get("envelope"))
        rows.append(
            ComparisonRow(
                label=alliance.name,
                alliance=alliance,
                plan=plan,
                alliances=1,
                envelope=envelope,
                committed=to_cents(sums.get("committed")),
                paid=to_cents(sums.get("paid")),
                themes=tuple(
                    ThemeShare(
                        theme.name,
                        to_cents(by_theme.get((pk, theme.pk))),
                        percent_of(to_cents(by_theme.get((pk, theme.pk))), envelope),
                    )
                    for theme in themes.get(pk, ())
                ),
                projects_by_status=tuple(
                    Tally(value, label, projects.get(pk, {}).get(value, 0)) for value, label in statuses
                ),
                people_reached=reached[pk][0] if pk in reached else 0,
                citizens_reached=reached[pk][1] if pk in reached else 0,
                late_reports=late.get(pk, 0),
                other_funding=to_cents(other[pk]) if pk in other else ZERO,
            )
        )
    return rows


def statuses_of(rows: list[ComparisonRow]) -> tuple[tuple[str, str], ...]:
    """The (status, label) columns of the rows' projects by status."""
    return tuple((t.key, t.label) for t in rows[0].projects_by_status) if rows else ()


def comparison_total(rows: list[ComparisonRow], *, label: str) -> ComparisonRow:
    """The total of `rows`: sums of their money and counts; its percents and leverage come from these sums."""
    columns = rows[0].projects_by_status if rows else ()
    return ComparisonRow(
        label=label,
        alliance=None,
        plan=None,
        alliances=len(rows),
        envelope=sum((r.envelope for r in rows), ZERO),
        committed=sum((r.committed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        themes=(),
        projects_by_status=tuple(
            Tally(t.key, t.label, sum(r.projects_by_status[i].count for r in rows)) for i, t in enumerate(columns)
        ),
        people_reached=sum(r.people_reached for r in rows),
        citizens_reached=sum(r.citizens_reached for r in rows),
        late_reports=sum(r.late_reports for r in rows),
        other_funding=sum((r.other_funding for r in rows), ZERO),
    )


# ---------------------------------------------------------------- who sees what


def comparison_for(user) -> Comparison | None:
    """The comparison `user` may see, or None (a partner, anyone without a role in an alliance).

    - a superuser: every alliance, and their total;
    - a regional funder: every alliance where they hold the funder role (AllianceRole), and their total;
    - Coordination or Personnel of an alliance: that alliance, beside the total of its region (every alliance of
      the same `region`), never the region's other alliances one by one.
    A person may hold several of these roles: they see each alliance one of them shows, and each total."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        rows = alliances_compared()
        return Comparison(
            rows=tuple(rows),
            totals=(comparison_total(rows, label=_("Toutes les alliances")),),
            statuses=statuses_of(rows),
        )
    roles = user.alliance_role_map()  # {alliance pk: role} of the open roles (cached on the user)
    funded = {pk for pk, role in roles.items() if role == AllianceRole.Role.FUNDER}
    own = {pk for pk, role in roles.items() if role in (AllianceRole.Role.COORDINATION, AllianceRole.Role.PERSONNEL)}
    if not funded and not own:
        return None
    regions = Alliance.objects.filter(pk__in=own).exclude(region="").values("region")
    rows = alliances_compared(Alliance.objects.filter(Q(pk__in=funded | own) | Q(region__in=regions)))
    shown = [r for r in rows if r.alliance.pk in funded | own]
    totals = []
    if funded:
        totals.append(
            comparison_total(
                [r for r in rows if r.alliance.pk in funded], label=_("Total des alliances que vous financez")
            )
        )
    for region in sorted({r.alliance.region for r in shown if r.alliance.pk in own and r.alliance.region}):
        totals.append(
            comparison_total(
                [r for r in rows if r.alliance.region == region],
                label=_("Total de la région %(region)s") % {"region": region},
            )
        )
    return Comparison(rows=tuple(shown), totals=tuple(totals), statuses=statuses_of(rows))


# ---------------------------------------------------------------- the region's open data


@dataclass(frozen=True)
class RegionOpenProject:
    """A public project of one of the region's alliances, as the alliance's open data publishes it."""

    alliance_slug: str
    alliance_name: str
    project: OpenProject


def region_open_projects() -> Iterator[RegionOpenProject]:
    """Every public project of every alliance (`ActionProject.objects.public()`, as the alliance's open data),
    with its alliance, by alliance then as the alliance's open data orders them; read 500 at a time."""
    queryset = (
        _open_queryset(Plan.objects.all())
        .annotate(alliance_slug=F("theme__plan__alliance__slug"), alliance_name=F("theme__plan__alliance__name"))
        .order_by(
            "theme__plan__alliance__name", "theme__plan__alliance_id", "theme__plan_id", "theme__order", "title", "pk"
        )
    )
    projects = queryset.iterator(chunk_size=CHUNK)
    while batch := list(itertools.islice(projects, CHUNK)):
        resolutions = resolutions_of([p.pk for p in batch])  # + 1 a chunk: the resolutions behind their money
        for project in batch:
            yield RegionOpenProject(
                project.alliance_slug, project.alliance_name, _open_project(project, resolutions.get(project.pk, ()))
            )
