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
