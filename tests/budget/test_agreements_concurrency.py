"""Ten clicks at once on « Verser » pay a planned payment once (PostgreSQL, real concurrent connections)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budget.models import Disbursement, PlannedPayment
from budget.selectors.ledger import totals_mismatches
from budget.services.agreements import agreement_create, planned_payment_add, planned_payment_release
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_releases_pay_once():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    plan = f.make_plan()
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=f.make_organisation(), theme=f.make_theme(plan), status=ProjectStatus.ACCEPTED)
    commitment = f.commit(source=source, project=project, amount="30000.00")
    agreement = agreement_create(project=project, signed_on=datetime.date(2014, 6, 1), reference="C-1", note="")
    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2014, 7, 1), amount="10000.00"
    )
    barrier = threading.Barrier(10)

    def attempt(_i):
        try:
            barrier.wait(timeout=30)
            planned_payment_release(
                planned=PlannedPayment.objects.get(pk=planned.pk), paid_on=datetime.date(2014, 7, 2), reference=""
            )
            return "paid"
        except ValidationError as error:
            assert "déjà été fait" in str(error)
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(attempt, range(10)))

    assert outcomes.count("paid") == 1
    assert outcomes.count("refused") == 9
    assert Disbursement.objects.count() == 1
    planned.refresh_from_db()
    assert planned.disbursement == Disbursement.objects.get()
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("10000.00")
    assert totals_mismatches() == []
