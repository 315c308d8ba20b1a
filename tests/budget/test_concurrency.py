"""Two coordinators at once cannot over-commit a source (PostgreSQL, real concurrent connections)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budget.models import Commitment, FundingSource
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import commitment_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_fifty_concurrent_commitments_never_overshoot_the_source():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    plan = f.make_plan()
    theme = f.make_theme(plan)
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=f.make_organisation(), theme=theme, status=ProjectStatus.ACCEPTED)
    year = plan.years.get(number=1)
    board = f.board(source)  # made before the threads, which all name it
    barrier = threading.Barrier(50)

    def attempt(_i):
        try:
            barrier.wait(timeout=30)
            commitment_create(
                source=source,
                project=project,
                plan_year=year,
                amount="3000.00",
                decided_on=datetime.date(2014, 1, 1),
                resolution=board,
            )
            return "accepted"
        except ValidationError as error:
            assert "Il reste" in str(error)
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(attempt, range(50)))

    source.refresh_from_db()
    assert outcomes.count("accepted") == 33
    assert outcomes.count("refused") == 17
    assert Commitment.objects.count() == 33
    assert source.committed_total == Decimal("99000.00")
    assert max(Decimal("0.00"), source.committed_total - source.amount) == Decimal("0.00")
    assert totals_mismatches() == []
    assert FundingSource.objects.filter(committed_total__gt=source.amount).count() == 0
