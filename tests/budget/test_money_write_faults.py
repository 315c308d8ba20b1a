"""A database error in the middle of a money write leaves nothing half-written: the write is one transaction.

The error is the database's: the statement that writes the change history (after the running total was moved
and the commitment or payment row inserted) fails as a statement does when the server goes away. The coordinator
gets an error page (500), and every table — rows and every money total to the cent — is as it was; the same form
then goes through."""

from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from asis.backup import database_summary
from budget.models import Commitment, Disbursement, FundingSource
from projects.models import ProjectStatus
from tests import factories as f

# transaction=True: the service's transaction is the outermost, as in production (no test transaction around it)
pytestmark = pytest.mark.django_db(transaction=True)


class FailsOn:
    """An execute wrapper: the statement writing to `table` fails; the ones before it went through."""

    def __init__(self, table: str):
        self.table, self.seen = table, []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append(sql.split(" ", 3)[:3])
        if sql.startswith("INSERT INTO") and f'"{self.table}"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.fixture
def accepted(asis, cast):
    return f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=3), status=ProjectStatus.ACCEPTED, title="Logements"
    )


def _post_failing(client, url, data, table):
    client.raise_request_exception = False
    failing = FailsOn(table)
    with connection.execute_wrapper(failing):
        response = client.post(url, data)
    client.raise_request_exception = True
    writes = [words for words in failing.seen if words[0] in ("INSERT", "UPDATE")]
    return response, writes


def test_a_commitment_cut_short_by_the_database_leaves_nothing(asis, client, cast, accepted):
    source = FundingSource.objects.get(code="fqis")
    client.force_login(cast.coordinator)
    resolution = f.make_resolution(asis.alliance)
    before = database_summary()
    data = {
        "source": source.pk,
        "project": accepted.pk,
        "plan_year": asis.years.get(number=1).pk,
        "amount": "12 500,50",
        "decided_on": "2014-06-10",
        "resolution": resolution.pk,
    }
    response, writes = _post_failing(client, reverse("budget:commitment-create"), data, "budget_historicalcommitment")
    assert response.status_code == 500
    # It failed in the middle: the source's total was moved and the commitment inserted before the error
    assert ["UPDATE", '"budget_fundingsource"', "SET"] in writes and ["INSERT", "INTO", '"budget_commitment"'] in writes
    assert database_summary() == before  # every table's rows, every money total to the cent
    source.refresh_from_db()
    assert source.committed_total == Decimal("0.00") and not Commitment.objects.exists()

    assert client.post(reverse("budget:commitment-create"), data).status_code == 302  # then it goes through
    source.refresh_from_db()
    assert source.committed_total == Decimal("12500.50") and Commitment.history.count() == 1


def test_a_payment_cut_short_by_the_database_leaves_nothing(asis, client, cast, accepted):
    source = FundingSource.objects.get(code="fqis")
    commitment = f.commit(source=source, project=accepted, amount="1000.00")
    client.force_login(cast.coordinator)
    before = database_summary()
    url = reverse("budget:disbursement-create", args=[commitment.pk])
    data = {"amount": "400,25", "paid_on": "2014-09-01", "reference": "Chèque 88"}
    response, writes = _post_failing(client, url, data, "budget_historicaldisbursement")
    assert response.status_code == 500
    # Both running totals moved and the payment inserted before the error
    assert ["UPDATE", '"budget_commitment"', "SET"] in writes and ["UPDATE", '"budget_fundingsource"', "SET"] in writes
    assert ["INSERT", "INTO", '"budget_disbursement"'] in writes
    assert database_summary() == before
    commitment.refresh_from_db()
    source.refresh_from_db()
    assert commitment.disbursed_total == Decimal("0.00") and source.disbursed_total == Decimal("0.00")
    assert not Disbursement.objects.exists()

    assert client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("400.25") and Disbursement.objects.count() == 1
