import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Disbursement
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = datetime.date(2014, 9, 1)


@pytest.fixture
def commitment(plan, cast, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    return f.commit(source=source, project=project, amount="20000.00")


def test_disbursements_add_up_to_the_cent(commitment):
    disbursement_create(commitment=commitment, amount="7500.33", paid_on=DAY)
    disbursement_create(commitment=commitment, amount="2499.67", paid_on=DAY, reference="Chèque 1042")
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("10000.00")
    assert commitment.remaining == Decimal("10000.00")
    commitment.source.refresh_from_db()
    assert commitment.source.disbursed_total == Decimal("10000.00")
    assert totals_mismatches() == []


def test_a_disbursement_never_exceeds_its_commitment(commitment):
    disbursement_create(commitment=commitment, amount="19999.99", paid_on=DAY)
    with pytest.raises(ValidationError) as error:
        disbursement_create(commitment=commitment, amount="0.02", paid_on=DAY)
    assert "0,01" in str(error.value)
    assert Disbursement.objects.count() == 1
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("19999.99")


def test_the_last_cent_can_be_paid(commitment):
    disbursement_create(commitment=commitment, amount="19999.99", paid_on=DAY)
    disbursement_create(commitment=commitment, amount="0.01", paid_on=DAY)
    commitment.refresh_from_db()
    assert commitment.remaining == Decimal("0.00")


def test_a_zero_disbursement_is_refused(commitment):
    with pytest.raises(ValidationError):
        disbursement_create(commitment=commitment, amount="0", paid_on=DAY)
    assert not Disbursement.objects.exists()


def test_nothing_is_paid_to_a_withdrawn_project(commitment):
    from projects.services.status import project_change_status

    project_change_status(project=commitment.project, to_status=ProjectStatus.WITHDRAWN, comment="Le porteur se retire")
    with pytest.raises(ValidationError) as refused:
        disbursement_create(commitment=commitment, amount="100.00", paid_on=datetime.date(2014, 9, 1))
    assert "On ne verse rien à un projet « Retiré »" in str(refused.value)
    commitment.refresh_from_db()
    assert commitment.disbursed_total == 0 and not commitment.disbursements.exists()
