"""Property-based (issue 20, part 3): random sequences of budget lines saved on a project, some valid and some refused
(negative, a year amount typed that differs). After every step the project asks the envelope exactly the sum of its
lines, each plan year the sum of that year's lines, to the cent; a refused save changed nothing; check_budget finds
nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from projects.models import ActionProject, ExpenseCategory, ProjectBudgetLine, ProjectYearAmount
from projects.selectors.budget_lines import budget_lines_mismatches
from projects.services.filing import project_save_draft
from tests import factories as f

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")

amounts = st.one_of(st.none(), st.integers(min_value=-300, max_value=10_000_000).map(lambda c: Decimal(c) / 100))
saves = st.lists(
    st.tuples(
        st.dictionaries(st.tuples(st.integers(0, 5), st.integers(0, 2)), amounts, max_size=8),
        st.one_of(st.none(), st.tuples(st.integers(0, 2), st.integers(1, 500_000).map(lambda c: Decimal(c) / 100))),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture
def budget(cast, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, amount_requested=ZERO)
    categories = list(ExpenseCategory.objects.for_alliance(theme.plan.alliance_id).order_by("order"))
    return project, categories, list(theme.plan.years.order_by("number"))


def _state(project):
    return (
        ActionProject.objects.values_list("amount_requested", flat=True).get(pk=project.pk),
        sorted(ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")),
        sorted(ProjectBudgetLine.objects.filter(project=project).values_list("category_id", "plan_year_id", "amount")),
    )


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=saves)
def test_the_request_is_always_the_sum_of_its_lines(cast, budget, steps):
    project, categories, years = budget
    with transaction.atomic():
        project = ActionProject.objects.get(pk=project.pk)  # as the database holds it (each example rolls back)
        for typed, year_amount in steps:
            lines = {(categories[c], years[y]): amount for (c, y), amount in typed.items()}
            year_amounts = None if year_amount is None else {years[year_amount[0]]: year_amount[1]}
            before = _state(project)
            kept = {key: a for key, a in lines.items() if a}
            by_year = {}
            for (_c, year), amount in kept.items():
                by_year[year] = by_year.get(year, ZERO) + amount
            refused = any(a < 0 for a in kept.values()) or (
                kept and year_amounts and any(a != by_year.get(y, ZERO) for y, a in year_amounts.items())
            )
            try:
                with transaction.atomic():
                    project_save_draft(by=cast.alice, project=project, budget_lines=lines, year_amounts=year_amounts)
            except ValidationError:
                event("refusé")
                assert refused, f"{typed} {year_amounts} was refused"
                assert _state(project) == before, "a refused save changed something"
                continue
            event("accepté")
            assert not refused, f"{typed} {year_amounts} was accepted"
            requested, saved_years, saved_lines = _state(project)
            if kept:
                assert requested == sum(kept.values(), ZERO)
                assert saved_years == sorted((y.pk, a) for y, a in by_year.items())
                assert sum((a for _c, _y, a in saved_lines), ZERO) == requested
            elif year_amounts is None:  # the lines emptied, no year amount given: the year amounts stay as they were
                assert saved_lines == []
                assert (requested, saved_years) == before[:2]
            else:  # « non détaillé »: the year amounts as typed
                assert saved_lines == []
                assert requested == sum(year_amounts.values(), ZERO)
            assert budget_lines_mismatches() == []
        transaction.set_rollback(True)
