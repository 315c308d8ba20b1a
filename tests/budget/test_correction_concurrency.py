"""Two coordinators correcting the same payment at once cannot make it negative, nor overpay the
commitment (PostgreSQL, real concurrent connections)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budget.models import Commitment, Disbursement, DisbursementCorrection
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import disbursement_correct, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
DAY = datetime.date(2014, 9, 1)


def race(n, correct):
    barrier = threading.Barrier(n)

    def attempt(_i):
        try:
            barrier.wait(timeout=30)
            correct()
            return "accepted"
        except ValidationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(attempt, range(n)))


def test_concurrent_corrections_respect_both_limits():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    plan = f.make_plan()
    source = f.make_source(plan, amount="10000.00")
    project = f.make_project(lead=f.make_organisation(), theme=f.make_theme(plan), status=ProjectStatus.ACCEPTED)
    commitment = f.commit(source=source, project=project, amount="1000.00")
    disbursement = disbursement_create(commitment=commitment, amount="400.00", paid_on=DAY)

    # 10 × −150,00 on a 400 $ payment: two pass (100 $ left), eight are refused.
    outcomes = race(
        10,
        lambda: disbursement_correct(disbursement=disbursement, delta="-150.00", corrected_on=DAY, reason="Trop versé"),
    )
    assert outcomes.count("accepted") == 2
    assert Disbursement.objects.get().current_amount == Decimal("100.00")

    # 10 × +250,00 with 900 $ left on the commitment: three pass.
    outcomes = race(
        10, lambda: disbursement_correct(disbursement=disbursement, delta="250.00", corrected_on=DAY, reason="Oubli")
    )
    assert outcomes.count("accepted") == 3
    assert Commitment.objects.get().disbursed_total == Decimal("850.00")
    assert DisbursementCorrection.objects.count() == 5
    assert totals_mismatches() == []
