"""The demo's budget by line (issue 20, part 3): ASIS's demo projects budget their request by line, to the cent, one
left « non détaillé »; their reports give spending by line; check_budget finds nothing; loading again adds nothing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from projects.models import ActionProject, ProjectBudgetLine, ReportSpending
from projects.selectors.budget_lines import budget_lines_mismatches
from tests.demo_snapshot import load_asis_and_demo

pytestmark = pytest.mark.django_db


def test_the_demo_projects_budget_by_line_to_the_cent():
    load_asis_and_demo()
    detailed = ActionProject.objects.filter(is_demo=True, budget_lines__isnull=False).distinct()
    assert detailed.count() >= 5
    for project in detailed:
        lines = ProjectBudgetLine.objects.filter(project=project).aggregate(total=Sum("amount"))["total"]
        assert lines == project.amount_requested
    assert ActionProject.objects.filter(is_demo=True, amount_requested__gt=0, budget_lines__isnull=True).exists()
    assert ReportSpending.objects.filter(report__project__is_demo=True).exists()
    assert budget_lines_mismatches() == []
    counts = (ProjectBudgetLine.objects.count(), ReportSpending.objects.count())
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert (ProjectBudgetLine.objects.count(), ReportSpending.objects.count()) == counts
    assert Decimal("0") not in set(ProjectBudgetLine.objects.values_list("amount", flat=True))


def test_the_second_alliance_s_plans_are_detailed_by_line_too():
    """The Témiscamingue alliance's past (closed) and current plans: their projects by line, to the cent, one a
    plan left « non détaillé »."""
    from alliances.models import Alliance
    from demo.data import SECOND

    load_asis_and_demo()
    plans = list(Alliance.objects.get(slug=SECOND).plans.order_by("start_date"))
    assert len(plans) == 2
    for plan in plans:
        projects = ActionProject.objects.filter(theme__plan=plan, is_demo=True, amount_requested__gt=0)
        detailed = projects.filter(budget_lines__isnull=False).distinct()
        assert detailed.exists(), plan
        assert projects.filter(budget_lines__isnull=True).exists(), plan
        for project in detailed:
            lines = ProjectBudgetLine.objects.filter(project=project)
            assert lines.aggregate(total=Sum("amount"))["total"] == project.amount_requested
            assert {line.category.alliance_id for line in lines.select_related("category")} == {plan.alliance_id}
    assert budget_lines_mismatches() == []
