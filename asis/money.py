"""Money helpers shared by forms and services: Decimal in cents, never float."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_money(value) -> Decimal:
    """Parse `1 250,50`, `1250.50`, `1 250,50 $` or a Decimal into a Decimal in cents.

    Refuses floats (they cannot hold cents exactly) and more than two decimals.
    """
    if isinstance(value, float):
        raise TypeError("Money must never be a float; pass a Decimal or a string.")
    if isinstance(value, Decimal):
        amount = value
    else:
        text = re.sub(r"[\s\u00a0\u202f$]", "", str(value))
        if "," in text and "." in text:
            # Both separators: the last one marks the cents (1,250.50 in English, 1.250,50 elsewhere).
            grouping = "," if text.rfind(".") > text.rfind(",") else "."
            text = text.replace(grouping, "").replace(",", ".")
        elif text.count(",") == 1:
            text = text.replace(",", ".")  # French: 1250,50
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("« %(value)s » n'est pas un montant valide.") % {"value": value}, code="invalid") from exc
    if not amount.is_finite():
        raise ValidationError(_("« %(value)s » n'est pas un montant valide.") % {"value": value}, code="invalid")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(_("Un montant s'exprime au plus en cents (deux décimales)."), code="cents")
    return amount.quantize(CENT)
