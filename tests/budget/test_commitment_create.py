import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budget.models import Commitment, FundingSource
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import commitment_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(plan):
    return f.make_source(plan, amount="100000.00")


@pytest.fixture
def accepted(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)


def test_commitments_add_up_to_the_cent(source, accepted, cast):
    f.commit(source=source, project=accepted, amount="12500.50", by=cast.coordinator)
    f.commit(source=source, project=accepted, amount="0.25")
    f.commit(source=source, project=accepted, amount=Decimal("1000.10"))
    source.refresh_from_db()
    assert source.committed_total == Decimal("13500.85")
    assert source.remaining == Decimal("86499.15")
    assert totals_mismatches() == []


def test_a_source_can_be_committed_exactly_to_its_last_cent(plan, accepted):
    source = f.make_source(plan, amount="0.30")
    f.commit(source=source, project=accepted, amount="0.10")
    f.commit(source=source, project=accepted, amount="0.20")
    source.refresh_from_db()
    assert source.committed_total == Decimal("0.30")
    assert source.remaining == Decimal("0.00")


def test_the_envelope_cannot_be_over_committed(source, accepted):
    f.commit(source=source, project=accepted, amount="99000.00")
    with pytest.raises(ValidationError) as error:
        f.commit(source=source, project=accepted, amount="1000.01")
    message = " ".join(error.value.message_dict["amount"]).replace("\xa0", " ")
    assert "Il reste 1 000 $" in message
    source.refresh_from_db()
    assert source.committed_total == Decimal("99000.00")
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize("amount", ["0", "-5", "0.001"])
def test_amounts_must_be_positive_and_in_cents(source, accepted, amount):
    with pytest.raises(ValidationError):
        f.commit(source=source, project=accepted, amount=amount)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        ProjectStatus.DRAFT,
        ProjectStatus.SUBMITTED,
        ProjectStatus.RECOMMENDED,
        ProjectStatus.REFUSED,
        ProjectStatus.WITHDRAWN,
    ],
)
def test_only_accepted_or_running_projects_receive_money(source, cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    with pytest.raises(ValidationError) as error:
        f.commit(source=source, project=project, amount="100.00")
    assert "accepté" in str(error.value)
    source.refresh_from_db()
    assert source.committed_total == Decimal("0.00")


@pytest.mark.parametrize("status", [ProjectStatus.ACCEPTED, ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS])
def test_fundable_statuses(source, cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    assert f.commit(source=source, project=project, amount="100.00").amount == Decimal("100.00")


def test_the_year_must_belong_to_the_sources_plan(source, accepted):
    other_plan = f.make_plan()
    with pytest.raises(ValidationError) as error:
        commitment_create(
            source=source,
            project=accepted,
            plan_year=other_plan.years.first(),
            amount="10.00",
            decided_on=datetime.date(2014, 1, 1),
            resolution=f.board(source),
        )
    assert "plan_year" in error.value.message_dict


def test_the_database_itself_refuses_an_over_committed_source(source):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.filter(pk=source.pk).update(committed_total=Decimal("100000.01"))
