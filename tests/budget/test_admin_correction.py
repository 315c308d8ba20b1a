"""Corrections in the admin go through budget.services.ledger.disbursement_correct: same rule, same French errors."""

import datetime
from decimal import Decimal

import pytest

from budget.models import DisbursementCorrection
from budget.services.ledger import disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "/admin/budget/disbursementcorrection/add/"


@pytest.fixture
def disbursement(plan, cast, theme):
    source = f.make_source(plan, amount="10000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    commitment = f.commit(source=source, project=project, amount="1000.00")
    return disbursement_create(commitment=commitment, amount="600.00", paid_on=datetime.date(2014, 9, 1))


def post(client, disbursement, delta, reason="Chèque mal saisi"):
    return client.post(
        URL, {"disbursement": disbursement.pk, "delta": delta, "corrected_on": "2014-10-01", "reason": reason}
    )


def test_coordination_corrects_through_the_admin(client, cast, disbursement):
    client.force_login(cast.coordinator)
    response = post(client, disbursement, "-100,50")
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = DisbursementCorrection.objects.get()
    assert (correction.delta, correction.created_by) == (Decimal("-100.50"), cast.coordinator)
    disbursement.refresh_from_db()
    assert disbursement.correction_total == Decimal("-100.50")
    disbursement.commitment.refresh_from_db()
    assert disbursement.commitment.disbursed_total == Decimal("499.50")


def test_the_admin_refuses_a_correction_beyond_the_commitment(client, cast, disbursement):
    client.force_login(cast.coordinator)
    response = post(client, disbursement, "400,01")
    assert response.status_code == 200
    assert "Il reste 400 $ à verser sur cet engagement" in response.content.decode().replace("\xa0", " ")
    assert not DisbursementCorrection.objects.exists()
    disbursement.refresh_from_db()
    assert disbursement.correction_total == Decimal("0.00")


def test_corrections_cannot_be_edited_or_deleted_in_the_admin(client, cast, disbursement):
    client.force_login(cast.coordinator)
    post(client, disbursement, "10")
    correction = DisbursementCorrection.objects.get()
    assert (
        client.post(f"/admin/budget/disbursementcorrection/{correction.pk}/change/", {"delta": "99"}).status_code == 403
    )
    assert (
        client.post(f"/admin/budget/disbursementcorrection/{correction.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert DisbursementCorrection.objects.get().delta == Decimal("10.00")
