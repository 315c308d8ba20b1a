"""Property-based (issue 20, part 4): random sequences of line moves asked and accepted (or auto-accepted under a
random threshold), some refused (a line emptied below zero, a year below what is committed to it). After every step
the project's lines still sum to its request, each year to its year amount, to the cent; the total never moves; a
refused request saved nothing; check_budget (lines and amendments) finds nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from budget.models import AgreementAmendment, ChangeRequest
from budget.selectors.changes import amendments_mismatches
from budget.services.changes import change_request_create, change_request_decide, change_settings_save
from projects.models import ActionProject, ProjectBudgetLine, ProjectYearAmount
from projects.selectors.budget_lines import budget_lines_mismatches
from tests.budget.changes_fixtures import under_agreement

pytestmark = pytest.mark.django_db
ZERO = Decimal("0.00")
NAMES = ("Salaires", "Matériel", "Loyer", "Transport")

moves = st.lists(
    st.tuples(
        st.sampled_from(NAMES),
        st.integers(0, 1),
        st.sampled_from(NAMES),
        st.integers(0, 1),
        st.integers(1, 700_000).map(lambda c: Decimal(c) / 100),
    ),
    min_size=1,
    max_size=3,
)
steps = st.lists(st.tuples(moves, st.booleans()), min_size=1, max_size=5)


@pytest.fixture
def setup(cast, theme):
    return under_agreement(cast, theme)


def _state(project):
    return (
        ActionProject.objects.values_list("amount_requested", flat=True).get(pk=project.pk),
        sorted(ProjectYearAmount.objects.filter(project=project).values_list("plan_year_id", "amount")),
        sorted(ProjectBudgetLine.objects.filter(project=project).values_list("category_id", "plan_year_id", "amount")),
    )


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, percent=st.sampled_from([Decimal("0"), Decimal("10"), Decimal("50")]))
def test_lines_always_sum_to_the_request_after_any_accepted_moves(cast, setup, steps, percent):
    agreement, categories, years = setup
    with transaction.atomic():
        change_settings_save(alliance=agreement.project.theme.plan.alliance, auto_accept_percent=percent)
        project = agreement.project
        total = ActionProject.objects.values_list("amount_requested", flat=True).get(pk=project.pk)
        for typed, accept in steps:
            wanted = [
                {
                    "from_category": categories[a],
                    "from_year": years[b],
                    "to_category": categories[c],
                    "to_year": years[d],
                    "amount": x,
                }
                for a, b, c, d, x in typed
            ]
            before = _state(project)
            try:
                with transaction.atomic():
                    request = change_request_create(
                        agreement=agreement, by=cast.alice, reason="Ajustement.", moves=wanted
                    )
                    if request.is_pending:
                        change_request_decide(request=request, accept=accept, reason="Décision.", by=cast.coordinator)
            except ValidationError:
                event("refusée")
                assert _state(project) == before, "a refused request changed something"
                continue
            event(ChangeRequest.objects.get(pk=request.pk).status)
            requested, by_year, lines = _state(project)
            assert requested == total
            assert sum((a for _c, _y, a in lines), ZERO) == requested
            sums = {}
            for _c, year_id, amount in lines:
                sums[year_id] = sums.get(year_id, ZERO) + amount
            assert by_year == sorted(sums.items())
            assert all(a > 0 for _c, _y, a in lines)
            assert budget_lines_mismatches() == []
            assert amendments_mismatches() == []
        assert (
            AgreementAmendment.objects.filter(agreement=agreement).count()
            == ChangeRequest.objects.filter(agreement=agreement, status__in=["accepted", "auto_accepted"]).count()
        )
        transaction.set_rollback(True)
