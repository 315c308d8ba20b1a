"""What the budget's writes share."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from asis.money import to_money


def positive(amount) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être supérieur à zéro.")})
    return amount
