"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from asis.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, parse_number


class NumberField(forms.DecimalField):
    """A decimal number (an indicator's target or value) read by `asis.money.parse_number`: ASCII digits,
    `12,5` or `12.5`, thousands grouped by three, bounded by `max_digits` before any arithmetic.

    Django's DecimalField hands the text to Decimal(), which also takes `1_000`, `1e2` and digits of
    other scripts, and reads `1,000` as 1 in French but 1000 in English; this field refuses them."""

    money = False

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_number(value, max_digits=self.max_digits, decimal_places=self.decimal_places, money=self.money)


class MoneyField(NumberField):
    """An amount in dollars as people type it in Quebec: `1 250,50`, `1250.50`, `1 250,50 $`, at most
    9 999 999 999,99 $ (see `asis.money` for what is refused: `1e30`, `1_000`, the ambiguous `1,000`...)."""

    money = True


# The largest id a database key holds (bigint). A larger one is no id at all.
MAX_ID = 2**63 - 1


class IdsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses, with its usual message, an id too large for the database.

    Django looks the posted ids up with `pk__in`, which SQLite cannot bind beyond 64 bits
    (OverflowError, a 500); an id out of range is simply not one of the choices."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                too_large = abs(int(str(pk).strip())) > MAX_ID
            except ValueError:
                continue  # not a number: Django's own check says so
            if too_large:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


def search_text(value, *, max_length: int = 100) -> str:
    """A search typed in a query string (`?q=`), fit for a LIKE: trimmed, cut to `max_length`, without the
    NUL characters PostgreSQL refuses in a query (a 500 otherwise; SQLite takes them)."""
    return (value or "").replace("\x00", "").strip()[:max_length]
