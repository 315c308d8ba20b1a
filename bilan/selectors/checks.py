"""What to check before producing the bilan of a plan year (« Produire le bilan »): what it still waits for.

Three checks, each a count and its first CHECK_ROWS rows, in 3 queries whatever the data:

- **Reports awaited**: the report deadlines of the plan's projects due in the year (or before its end) and not
  answered yet (`ReportDeadline.objects.awaited()`): the bilan's « latest » figures miss them.
- **Projects without results**: funded projects (agreement signed, in progress, completed) with money committed up
  to the end of the year and no progress report covering any part of it: their people reached and indicators are
  empty in the bilan.
- **Accepted, not committed**: the fundable projects whose amount granted by the board (else the amount asked) is
  not all committed at the end of the year (as « À traiter »'s « Accordé, pas encore engagé », at a date).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce

from asis.money import CENT
from bilan.selectors._common import ZERO
from budget.models import Commitment
from plans.models import Plan, PlanYear
from projects.models import FUNDABLE_STATUSES, ActionProject, ProgressReport, ProjectStatus, ReportDeadline

CHECK_ROWS = 10  # rows shown per check; the count says how many there are
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
RUNNING = (ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)


@dataclass(frozen=True)
class Check:
    key: str
    count: int
    rows: tuple  # model instances (deadlines or projects), the first CHECK_ROWS

    @property
    def ok(self) -> bool:
        return not self.count


def _first(queryset) -> tuple[list, int]:
    """The first CHECK_ROWS rows and the count, in one query (the count as a window over the filtered rows)."""
    rows = list(queryset.annotate(total=Window(Count("pk")))[:CHECK_ROWS])
    return rows, (rows[0].total if rows else 0)


def bilan_checks(plan: Plan, year: PlanYear) -> dict[str, Check]:
    """The checks of the bilan of `year` of `plan` (3 queries)."""
    start, end = year.start_date, year.end_date
    projects = ActionProject.objects.in_plan(plan)

    deadlines, late = _first(  # 1 the reports awaited, due up to the end of the year
        ReportDeadline.objects.filter(plan=plan, due_on__lte=end)  # the plan each keeps (ProjectPlanKept)
        .awaited()
        .select_related("project__lead")
        .order_by("due_on", "project__title", "pk")
    )

    committed_by_end = Commitment.objects.filter(project=OuterRef("pk"), decided_on__lte=end)
    silent, without_results = _first(  # 1 funded projects with money and no report covering the year
        projects.filter(status__in=RUNNING)
        .filter(Exists(committed_by_end))
        .exclude(
            Exists(ProgressReport.objects.filter(project=OuterRef("pk"), period_start__lte=end, period_end__gte=start))
        )
        .select_related("lead")
        .order_by("title", "pk")
    )

    committed = committed_by_end.order_by().values("project").annotate(total=Sum(Commitment.CURRENT)).values("total")
    to_commit, uncommitted = _first(  # 1 accepted projects whose grant is not all committed at the end of the year
        projects.filter(status__in=FUNDABLE_STATUSES)
        .select_related("lead")
        .annotate(
            committed=Coalesce(Subquery(committed, output_field=MONEY_FIELD), ZERO),
            granted=Coalesce("board_decision__granted_amount", "amount_requested", output_field=MONEY_FIELD),
            balance=F("granted") - F("committed"),
        )
        .filter(balance__gte=CENT)  # a cent at least: SQLite subtracts in binary floating point
        .order_by("title", "pk")
    )
    return {
        "reports": Check("reports", late, tuple(deadlines)),
        "results": Check("results", without_results, tuple(silent)),
        "commitments": Check("commitments", uncommitted, tuple(to_commit)),
    }


def last_complete_year(years: list[PlanYear], today: datetime.date) -> PlanYear:
    """The bilan's default year: the last plan year ended before `today`, else the first one (a plan just begun)."""
    ended = [year for year in years if year.end_date < today]
    return ended[-1] if ended else years[0]
