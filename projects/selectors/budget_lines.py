"""Reads of the budget by line (issue 20, part 3): a project's lines, and budget against actual (what the lines
budget, what the reports say was spent, by line) for one project, and for a plan's accepted projects by theme.

« Actual » is what a project's latest report (ActionProject.latest_report, kept) gives as spent to date by line: the
reports are cumulative, as their « dépenses à ce jour ». A project without lines (« non détaillé ») counts on the
row « Non détaillé »: its request, and its latest report's expenses when that report has no lines."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Sum

from asis.money import CENT
from projects.models import (
    PUBLIC_STATUSES,
    ActionProject,
    ExpenseCategory,
    ProgressReport,
    ProjectBudgetLine,
    ReportSpending,
)

ZERO = Decimal("0.00")
NOT_DETAILED = None  # the key of the row « Non détaillé »


def budget_lines_initial(project) -> dict:
    """{(category id, year id): amount} of the project's lines, as the form takes them. One query."""
    return {
        (category_id, year_id): amount
        for category_id, year_id, amount in ProjectBudgetLine.objects.filter(project=project).values_list(
            "category_id", "plan_year_id", "amount"
        )
    }


@dataclass
class Row:
    """One line of a table of budget against actual: its category (None: « Non détaillé »), budgeted, spent."""

    category: ExpenseCategory | None
    budgeted: Decimal = ZERO
    spent: Decimal = ZERO
    by_year: list = field(default_factory=list)  # one project's table: the budget of each plan year

    @property
    def left(self) -> Decimal:
        return self.budgeted - self.spent

    @property
    def percent_spent(self) -> int | None:
        """Spent as a percentage of the budget, rounded; None without a budget."""
        if not self.budgeted:
            return None
        return int((self.spent * 100 / self.budgeted).quantize(Decimal("1")))


def _total(rows) -> Row:
    return Row(
        category=None,
        budgeted=sum((row.budgeted for row in rows), ZERO),
        spent=sum((row.spent for row in rows), ZERO),
    )


def project_budget_lines(project, years) -> dict:
    """One project's budget by line against what its latest report spent by line. Two queries.

    {"detailed": bool, "rows": [Row, with by_year], "years": [{"year", "amount"}], "total": Row}"""
    lines = list(  # 1 its lines and their categories
        ProjectBudgetLine.objects.filter(project=project).select_related("category").order_by("category__order", "pk")
    )
    spent = {  # 1 its latest report's spending by line
        row.category_id: (row.category, row.amount)
        for row in ReportSpending.objects.filter(report_id=project.latest_report_id).select_related("category")
    }
    rows: dict = {}
    for line in lines:
        row = rows.setdefault(line.category_id, Row(category=line.category, by_year={y.pk: ZERO for y in years}))
        row.budgeted += line.amount
        row.by_year[line.plan_year_id] = row.by_year.get(line.plan_year_id, ZERO) + line.amount
    for category_id, (category, amount) in spent.items():
        row = rows.setdefault(category_id, Row(category=category, by_year={y.pk: ZERO for y in years}))
        row.spent = amount
    ordered = sorted(rows.values(), key=lambda row: (row.category.order, row.category.pk))
    for row in ordered:
        row.by_year = [row.by_year.get(year.pk, ZERO) for year in years]
    total = _total(ordered)
    if not lines:
        total.budgeted = project.amount_requested
        if not spent and project.latest_report_id is not None:
            total.spent = project.latest_report.expenses or ZERO
    return {
        "detailed": bool(lines),
        "rows": ordered,
        "years": [
            {"year": year, "amount": sum((row.by_year[i] for row in ordered), ZERO)} for i, year in enumerate(years)
        ],
        "total": total,
    }


@dataclass
class ThemeRows:
    theme: object
    rows: list
    total: Row


def plan_budget_against_actual(plan) -> dict:
    """Budget against actual by line for the plan's accepted projects (accepted and after: PUBLIC_STATUSES), per
    theme and for the plan, to the cent. Five queries, whatever the number of projects:

    {"categories": [...], "themes": [ThemeRows], "rows": [Row] (the plan's, by line), "total": Row}"""
    projects = ActionProject.objects.filter(theme__plan=plan, status__in=PUBLIC_STATUSES)
    categories = list(ExpenseCategory.objects.for_alliance(plan.alliance_id).order_by("order", "pk"))  # 1
    themes = list(plan.themes.order_by("order", "pk"))  # 1
    budgeted = {  # 1 the lines, summed by theme and category
        (row["project__theme"], row["category"]): row["total"]
        for row in ProjectBudgetLine.objects.filter(project__in=projects)
        .order_by()
        .values("project__theme", "category")
        .annotate(total=Sum("amount"))
    }
    spent = {  # 1 the latest reports' spending, summed by theme and category
        (row["report__project__theme"], row["category"]): row["total"]
        for row in ReportSpending.objects.filter(
            report__project__in=projects, report__project__latest_report=F("report")
        )
        .order_by()
        .values("report__project__theme", "category")
        .annotate(total=Sum("amount"))
    }
    has_lines = ProjectBudgetLine.objects.filter(project=OuterRef("pk"))
    has_spending = ReportSpending.objects.filter(report=OuterRef("latest_report"))
    not_detailed = {  # 1 the projects without lines: their request; the reports without lines: their expenses
        row["theme"]: row
        for row in projects.order_by()
        .values("theme")
        .annotate(
            budgeted=Sum("amount_requested", filter=~Exists(has_lines)),
            spent=Sum("latest_report__expenses", filter=~Exists(has_spending)),
        )
    }
    theme_tables = []
    for theme in themes:
        rows = [
            Row(
                category=category,
                budgeted=budgeted.get((theme.pk, category.pk), ZERO),
                spent=spent.get((theme.pk, category.pk), ZERO),
            )
            for category in categories
        ]
        other = not_detailed.get(theme.pk) or {}
        rows.append(
            Row(category=NOT_DETAILED, budgeted=other.get("budgeted") or ZERO, spent=other.get("spent") or ZERO)
        )
        theme_tables.append(ThemeRows(theme=theme, rows=rows, total=_total(rows)))
    plan_rows = [
        Row(
            category=row.category,
            budgeted=sum((t.rows[i].budgeted for t in theme_tables), ZERO),
            spent=sum((t.rows[i].spent for t in theme_tables), ZERO),
        )
        for i, row in enumerate(theme_tables[0].rows if theme_tables else [])
    ]
    return {"categories": categories, "themes": theme_tables, "rows": plan_rows, "total": _total(plan_rows)}


def budget_lines_mismatches() -> list[str]:
    """The budget by line that does not add up (should be none; `check_budget` fails on any): a project with lines
    whose request or year amounts are not their sums, a report with spending by line whose expenses are not theirs,
    to the cent. Three queries."""
    problems = []
    lines: dict = {}
    for project_id, year_id, total in (  # 1 the lines, summed by project and year
        ProjectBudgetLine.objects.order_by()
        .values("project_id", "plan_year_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "plan_year_id", "total")
    ):
        lines.setdefault(project_id, {})[year_id] = total.quantize(CENT)
    for project in (
        ActionProject.objects.filter(pk__in=lines)
        .prefetch_related("year_amounts")
        .only(  # 2
            "pk", "amount_requested"
        )
    ):
        years = lines[project.pk]
        total = sum(years.values(), ZERO)
        if total != project.amount_requested:
            problems.append(
                f"project {project.pk}: amount_requested {project.amount_requested:.2f} != lines {total:.2f}"
            )
        amounts = {row.plan_year_id: row.amount for row in project.year_amounts.all() if row.amount}
        for year_id in sorted(set(years) | set(amounts)):
            if amounts.get(year_id, ZERO) != years.get(year_id, ZERO):
                problems.append(
                    f"project {project.pk}: year {year_id} amount {amounts.get(year_id, ZERO):.2f} "
                    f"!= lines {years.get(year_id, ZERO):.2f}"
                )
    for report in (
        ProgressReport.objects.annotate(  # 3 the reports with spending by line
            spent=Sum("spending__amount")
        )
        .filter(spent__isnull=False)
        .only("pk", "expenses")
    ):
        spent = report.spent.quantize(CENT)
        if report.expenses != spent:
            problems.append(f"report {report.pk}: expenses {report.expenses} != spending by line {spent:.2f}")
    return problems
