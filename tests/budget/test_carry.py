"""Carrying a commitment to the next plan and returning what is left (budget.services.carry), on their own: the
money moves once, to the cent, and a carry to another funder's source is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Commitment, CommitmentReduction
from budget.selectors.ledger import totals_mismatches
from budget.services.carry import commitment_carry, commitment_return
from budget.services.ledger import disbursement_create
from plans.models import Plan
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2016, 4, 1)


@pytest.fixture
def money(cast, plan, theme):
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=f.make_source(plan, funder="MESS"), project=project, amount="1000.00")
    disbursement_create(commitment=commitment, amount="333.33", paid_on=datetime.date(2014, 7, 1))
    later = f.make_plan(alliance=plan.alliance, start_date=TODAY, status=Plan.Status.PREPARATION)
    new_theme = f.make_theme(later)
    continuation = f.make_project(lead=cast.org_a, theme=new_theme, status=ProjectStatus.ACCEPTED)
    return commitment, continuation, later


def carry(commitment, continuation, source):
    return commitment_carry(
        commitment=commitment,
        to_project=continuation,
        to_source=source,
        plan_year=f.plan_year(source.plan),
        decided_on=TODAY,
        reason="Reporté au plan 2016-2019",
        note="Reporté du plan 2013-2016",
        on=TODAY,
        resolution=f.board(commitment),
    )


def test_what_is_left_moves_once(money):
    commitment, continuation, later = money
    carried = carry(commitment, continuation, f.make_source(later, funder=" mess "))
    commitment.refresh_from_db()
    assert carried.carried_from == commitment and carried.amount == Decimal("666.67")
    assert commitment.remaining == 0 and commitment.current_amount == Decimal("333.33")
    assert carried.note == "Reporté du plan 2013-2016"
    assert carry(commitment, continuation, carried.source) is None  # nothing left: nothing more moves
    assert totals_mismatches() == []


def test_a_carry_to_another_funder_is_refused(money):
    commitment, continuation, later = money
    with pytest.raises(ValidationError) as error:
        carry(commitment, continuation, f.make_source(later, funder="Ville"))
    assert "même bailleur de fonds" in " ".join(error.value.messages)
    assert not Commitment.objects.filter(carried_from=commitment).exists()
    assert not CommitmentReduction.objects.exists()


def test_what_is_returned_goes_back_to_the_source(money):
    commitment, _continuation, _later = money
    assert commitment_return(
        commitment=commitment, reason="Fin du plan", on=TODAY, resolution=f.board(commitment)
    ) == Decimal("666.67")
    assert commitment_return(
        commitment=commitment, reason="Fin du plan", on=TODAY, resolution=f.board(commitment)
    ) == Decimal("0.00")
    commitment.source.refresh_from_db()
    assert commitment.source.committed_total == Decimal("333.33")
    assert totals_mismatches() == []
