"""The admin writes money through the same service as the portal: same rule, same French errors."""

from decimal import Decimal

import pytest

from budget.models import Commitment, Disbursement
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(plan, cast, theme):
    source = f.make_source(plan, amount="10000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
    return source, project, plan.years.get(number=1)


def post_commitment(client, source, project, year, amount):
    resolution = f.make_resolution(source.plan.alliance)
    return client.post(
        "/admin/budget/commitment/add/",
        {
            "source": source.pk,
            "project": project.pk,
            "plan_year": year.pk,
            "amount": amount,
            "decided_on": "2014-06-01",
            "resolution": resolution.pk,
            "note": "",
        },
    )


def test_coordination_commits_through_the_admin(client, cast, setup):
    source, project, year = setup
    client.force_login(cast.coordinator)
    response = post_commitment(client, source, project, year, "2500,50")
    assert response.status_code == 302, response.content.decode()[:2000]
    commitment = Commitment.objects.get()
    assert (commitment.amount, commitment.created_by) == (Decimal("2500.50"), cast.coordinator)
    assert commitment.resolution.number == "CA-TEST-01"
    source.refresh_from_db()
    assert source.committed_total == Decimal("2500.50")


def test_the_admin_refuses_to_over_commit_with_a_french_error(client, cast, setup):
    source, project, year = setup
    client.force_login(cast.coordinator)
    f.commit(source=source, project=project, amount="9000.00")
    response = post_commitment(client, source, project, year, "1000,01")
    assert response.status_code == 200
    assert "Il reste 1 000 $" in response.content.decode().replace("\xa0", " ")
    assert Commitment.objects.count() == 1
    source.refresh_from_db()
    assert source.committed_total == Decimal("9000.00")


def test_commitments_cannot_be_edited_or_deleted_in_the_admin(client, cast, setup):
    source, project, _year = setup
    commitment = f.commit(source=source, project=project, amount="100.00")
    client.force_login(cast.coordinator)
    change = client.post(f"/admin/budget/commitment/{commitment.pk}/change/", {"amount": "999999"})
    assert change.status_code == 403
    delete = client.post(f"/admin/budget/commitment/{commitment.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("100.00")


def test_the_admin_refuses_to_overpay_a_commitment(client, cast, setup):
    source, project, _year = setup
    commitment = f.commit(source=source, project=project, amount="100.00")
    client.force_login(cast.coordinator)
    response = client.post(
        "/admin/budget/disbursement/add/",
        {"commitment": commitment.pk, "amount": "100,01", "paid_on": "2014-07-01", "reference": ""},
    )
    assert response.status_code == 200
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("who", ["alice", "charlie", "staff"])
def test_only_coordination_opens_the_admin(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get("/admin/budget/commitment/add/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_is_sent_to_the_admin_login(client, setup):
    response = client.get("/admin/budget/commitment/")
    assert response.status_code == 302
