"""The demo's budget lines (issue 20, part 3): each plan's demo projects (ASIS's; the Témiscamingue alliance's past
and current plans) budget their request by line (each plan year's amount split over the categories, to the cent, so
that the lines sum to the request as it was), but one a plan left « non détaillé »; their reports give their spending
to date by line (the report's expenses split the same way).

Written around the services, as the rest of the demo (the request is unchanged: the lines are cut from it).
Idempotent: a project that has lines, a report that has spending, is left as it is."""

from decimal import ROUND_DOWN, Decimal

from projects.models import ActionProject, ExpenseCategory, ProgressReport, ProjectBudgetLine, ReportSpending

# Each category's share of a year's request (by the default categories' order), the rest on the last one used
SHARES = (Decimal("0.55"), Decimal("0.15"), Decimal("0.05"), Decimal("0.10"), Decimal("0.10"))
CENT = Decimal("0.01")
NOT_DETAILED = 1  # the demo's projects with a request, by title: this many are left « non détaillé » (the last)


def _split(amount: Decimal, categories) -> list[tuple]:
    """`amount` over the categories by SHARES, to the cent; the cents left go to the last one."""
    parts, left = [], amount
    for category, share in zip(categories[:-1], SHARES):
        part = (amount * share).quantize(CENT, rounding=ROUND_DOWN)
        parts.append((category, part))
        left -= part
    parts.append((categories[-1], left))
    return [(category, part) for category, part in parts if part > 0]


def load(plan) -> None:
    categories = list(ExpenseCategory.objects.for_alliance(plan.alliance_id).active().order_by("order", "pk"))
    if len(categories) < 2:
        return
    categories = categories[: len(SHARES) + 1]
    projects = list(
        ActionProject.objects.filter(theme__plan=plan, is_demo=True, amount_requested__gt=0)
        .prefetch_related("year_amounts")
        .order_by("title", "pk")
    )
    detailed = projects[:-NOT_DETAILED] if len(projects) > NOT_DETAILED else []
    lines, spending = [], []
    has_lines = set(ProjectBudgetLine.objects.filter(project__in=detailed).values_list("project_id", flat=True))
    for project in detailed:
        years = list(project.year_amounts.all())
        if project.pk in has_lines or sum((y.amount for y in years), Decimal("0")) != project.amount_requested:
            continue  # already detailed, or a request its years do not add up to: left as it is
        for year in years:
            lines += [
                ProjectBudgetLine(project=project, category=category, plan_year_id=year.plan_year_id, amount=part)
                for category, part in _split(year.amount, categories)
            ]
        has_lines.add(project.pk)
    ProjectBudgetLine.objects.bulk_create(lines)
    reports = ProgressReport.objects.filter(project_id__in=has_lines, expenses__gt=0).exclude(spending__isnull=False)
    for report in reports:
        spending += [
            ReportSpending(report=report, category=category, amount=part)
            for category, part in _split(report.expenses, categories)
        ]
    ReportSpending.objects.bulk_create(spending)
