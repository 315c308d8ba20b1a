"""Moves at once between the same targets never take the same money twice nor deadlock
(PostgreSQL, real concurrent connections; rows locked in pk order)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budget.models import BudgetTarget, TargetMove
from budget.services.targets import target_move, targets_set
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def test_concurrent_moves_both_ways_keep_every_target_within_its_value():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrency is proven on PostgreSQL (set DATABASE_URL); SQLite runs writers one at a time.")
    plan = f.make_plan()
    f.make_source(plan, amount="100000.00")
    one, two = f.make_theme(plan), f.make_theme(plan)
    a, b = targets_set(plan=plan, themes={one: "5000.00", two: "0.00"})
    board = f.board(plan)  # made before the threads, which all name it
    barrier = threading.Barrier(30)

    def attempt(i):
        source, dest = (a, b) if i % 3 else (b, a)  # 20 moves A→B, 10 moves B→A
        try:
            barrier.wait(timeout=30)
            target_move(
                kind="reallocation",
                from_target=source,
                to_target=dest,
                amount="1000.00",
                moved_on=datetime.date(2014, 5, 1),
                reason=f"Essai {i}",
                resolution=board,
            )
            return "accepted"
        except ValidationError as error:
            assert "n'est plus que de" in str(error)
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(attempt, range(30)))

    assert set(outcomes) <= {"accepted", "refused"}
    currents = {t.pk: t.current for t in BudgetTarget.objects.with_current()}
    assert currents[a.pk] >= 0 and currents[b.pk] >= 0
    assert currents[a.pk] + currents[b.pk] == Decimal("5000.00")
    assert TargetMove.objects.count() == outcomes.count("accepted") >= 5
