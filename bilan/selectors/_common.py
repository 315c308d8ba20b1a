"""Small helpers shared by the bilan's selectors: money to the cent, the page size, the type of a sum."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    DecimalField,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


PER_PAGE = 50  # project lines shown on one page of the bilan

SUM = DecimalField(max_digits=20, decimal_places=2)  # a sum over every project may pass the 12 digits of one amount


def to_cents(value) -> Decimal:
    """A sum from the database to the cent (half up); nothing is zero."""
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):  # SQLite may give a float for a sum in a UNION
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
