"""balances_as_at: the balances per source rebuilt from the entries dated on or before a day, to the cent."""

import datetime
from decimal import Decimal

import pytest

from budget.models import FundingSource
from budget.selectors.ledger import balances_as_at

pytestmark = pytest.mark.django_db
D = datetime.date


def by_source(balances):
    return {row["source"].name: (row["committed"], row["disbursed"], row["remaining"]) for row in balances["sources"]}


@pytest.mark.parametrize(
    "day, a, b",
    [
        # (committed, disbursed, remaining to commit), computed by hand from the fixture's table
        (D(2014, 5, 31), ("0.00", "0.00", "10000.00"), ("0.00", "0.00", "5000.00")),
        (D(2014, 6, 1), ("3000.00", "0.00", "7000.00"), ("0.00", "0.00", "5000.00")),
        (D(2014, 8, 1), ("3000.00", "1000.00", "7000.00"), ("2000.00", "0.00", "3000.00")),
        (D(2014, 9, 1), ("2500.00", "1000.00", "7500.00"), ("2000.00", "0.00", "3000.00")),
        (D(2014, 9, 15), ("2500.00", "1250.50", "7500.00"), ("2000.00", "0.00", "3000.00")),
        (D(2014, 10, 1), ("2500.00", "1250.50", "7500.00"), ("2000.00", "1999.99", "3000.00")),
        (D(2014, 11, 1), ("2500.00", "1250.50", "7500.00"), ("2000.00", "1999.00", "3000.00")),
        (D(2015, 1, 9), ("2500.00", "1250.50", "7500.00"), ("2000.00", "1999.00", "3000.00")),
        (D(2015, 1, 10), ("2500.00", "1250.50", "7500.00"), ("1999.00", "1999.00", "3001.00")),
    ],
)
def test_balances_as_at_a_day(ledger, day, a, b):  # noqa: F811
    balances = balances_as_at(ledger.plan, day)
    assert by_source(balances) == {
        "Source A": tuple(Decimal(x) for x in a),
        "Source B": tuple(Decimal(x) for x in b),
    }
    assert balances["envelope"] == Decimal("15000.00")
    assert balances["committed"] == Decimal(a[0]) + Decimal(b[0])
    assert balances["disbursed"] == Decimal(a[1]) + Decimal(b[1])
    assert balances["remaining"] == Decimal(a[2]) + Decimal(b[2])
    assert all(
        isinstance(value, Decimal)
        for row in balances["sources"]
        for value in row.values()
        if not isinstance(value, FundingSource)
    )


def test_balances_today_are_the_running_totals(ledger, django_assert_num_queries):  # noqa: F811
    # sources, commitments, reductions, disbursements, corrections: one query each
    with django_assert_num_queries(5):
        balances = balances_as_at(ledger.plan, D(2030, 1, 1))
    for row, source in zip(
        balances["sources"], FundingSource.objects.filter(plan=ledger.plan).order_by("order"), strict=True
    ):
        assert (row["committed"], row["disbursed"], row["remaining"]) == (
            source.committed_total,
            source.disbursed_total,
            source.remaining,
        )
