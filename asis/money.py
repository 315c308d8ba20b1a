"""Money helpers shared by forms and services: Decimal in cents, never float.

How a typed number is read (`parse_number`, and `to_money` for amounts) — a rule that is never
silently wrong, the same in French and in English:

- ASCII digits only. Python's Decimal() also takes `1_000`, `1e2`, `Infinity`, `NaN` and digits of
  other scripts (`١٢٣`, `１２３`); all are refused with a French message, never guessed.
- One optional sign (`-5,00`); an amount may carry one `$`, before or after (`1 250,50 $`, `$1,250.50`).
- The decimal separator is the last comma or point, when it appears once and the number also
  reads as well-formed groups before it: `1250,50`, `1250.50`, `1 250,50`, `1,250.50`, `1.250,50`.
- Thousands are grouped by three, with a space (ordinary, no-break or narrow no-break), a comma or
  a point: `1 250`, `1,000,000`, `1.000.000`. A comma or point that appears several times can only
  group thousands.
- Ambiguous: a single comma or point followed by exactly three digits, with nothing else to tell
  (`1,000`, `1.000`, `12,345`). In French it reads « 1 dollar », in English « one thousand ». It is
  refused (« Montant ambigu ») in both languages, so `1,000` never becomes 1,00 $ silently.
- Bounded before any arithmetic: at most `max_digits - decimal_places` digits before the decimal
  separator (9 999 999 999,99 $ for a DecimalField(max_digits=12, decimal_places=2)), so
  `1e30` or forty 9s answer « Montant trop grand » and never reach a quantize that would overflow
  the decimal context (decimal.InvalidOperation, an HTTP 500).
- More decimals than allowed are refused unless they are zeros (`1250,500` is 1 250,50 $).
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import format_money
from asis.templatetags.asis_format import number as format_number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Every amount of the portal is a DecimalField(max_digits=12, decimal_places=2).
MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
MAX_AMOUNT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - CENT  # 9 999 999 999,99 $

# Spaces people use between groups of thousands: ordinary, no-break (Django's fr-CA) and narrow no-break (OQLF).
_SPACES = " \u00a0\u202f\u2009"
_MINUS = "-\u2212"  # hyphen-minus and the typographic minus sign
# A number as typed, once its sign and `$` are set apart: ASCII digit runs separated by one space, comma or point.
_SHAPE = re.compile(r"[0-9]+(?:[ ,.][0-9]+)*")
# `1e30`, `2.5E-3`: what Decimal() reads as a power of ten, which nobody types for an amount.
_EXPONENT = re.compile(r"[0-9., ]*[eE][-+]?[0-9]+")
# Longer than any number a person types: refused before any work.
_MAX_TYPED = 60


def _shown(value) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _error(kind: str, code: str, value, **params) -> ValidationError:
    money = kind == "money"
    if code == "too_large":
        limit = params["limit"]
        shown = format_money(limit) if money else format_number(limit)
        message = _("Montant trop grand : au plus %(max)s.") if money else _("Nombre trop grand : au plus %(max)s.")
        return ValidationError(message % {"max": shown}, code=code)
    if code == "ambiguous":
        plain = params["plain"]
        grouped = format_money(Decimal(plain)) if money else format_number(Decimal(plain))
        message = (
            _("Montant ambigu : « %(value)s » se lit de deux façons. Écrivez %(plain)s ou %(grouped)s.")
            if money
            else _("Nombre ambigu : « %(value)s » se lit de deux façons. Écrivez %(plain)s ou %(grouped)s.")
        )
        return ValidationError(message % {"value": _shown(value), "plain": plain, "grouped": grouped}, code=code)
    if code == "decimals":
        if money:
            return ValidationError(_("Un montant s'exprime au plus en cents (deux décimales)."), code=code)
        return ValidationError(_("Au plus %(places)s décimales.") % {"places": params["places"]}, code=code)
    if code == "exponent":
        message = (
            _("« %(value)s » : écrivez le montant en chiffres, sans exposant (au plus %(max)s).")
            if money
            else _("« %(value)s » : écrivez le nombre en chiffres, sans exposant.")
        )
        return ValidationError(message % {"value": _shown(value), "max": format_money(MAX_AMOUNT)}, code=code)
    message = (
        _("« %(value)s » n'est pas un montant valide. Écrivez-le en chiffres, par exemple 1 250,50.")
        if money
        else _("« %(value)s » n'est pas un nombre valide. Écrivez-le en chiffres, par exemple 12 ou 12,5.")
    )
    return ValidationError(message % {"value": _shown(value)}, code="invalid")


def _grouped(groups: list[str], separators: list[str]) -> bool:
    """Whether digit runs read as thousands grouped by one separator: 1-3 digits, then threes."""
    if not separators:
        return True
    return (
        len(set(separators)) == 1
        and 1 <= len(groups[0]) <= 3
        and not groups[0].startswith("0")
        and all(len(group) == 3 for group in groups[1:])
    )


def parse_number(value, *, max_digits: int, decimal_places: int, money: bool = False) -> Decimal:
    """Read a number as a person types it (see the module's docstring), bounded to a
    DecimalField(max_digits, decimal_places); a Decimal or an int is checked the same way.

    Raises ValidationError (codes `invalid`, `ambiguous`, `too_large`, `decimals`) with a French
    message that says « montant » when `money`, « nombre » otherwise."""
    kind = "money" if money else "number"
    if isinstance(value, float):
        raise TypeError("Money must never be a float; pass a Decimal or a string.")
    if isinstance(value, bool):
        raise _error(kind, "invalid", value)
    limit = Decimal(10) ** (max_digits - decimal_places) - Decimal(10) ** -decimal_places
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _error(kind, "invalid", value)
        # adjusted() is the power of ten of the first digit: no arithmetic, so no overflow, whatever the exponent.
        if value and value.adjusted() >= max_digits - decimal_places:
            raise _error(kind, "too_large", value, limit=limit)
        amount = value
    else:
        amount = _parse_text(str(value), kind=kind, max_digits=max_digits, decimal_places=decimal_places, limit=limit)
    step = Decimal(10) ** -decimal_places
    if amount != amount.quantize(step, rounding=ROUND_HALF_UP):
        raise _error(kind, "decimals", value, places=decimal_places)
    return amount.quantize(step)


def _parse_text(text: str, *, kind: str, max_digits: int, decimal_places: int, limit: Decimal) -> Decimal:
    typed = text
    text = text.strip()
    if len(text) > _MAX_TYPED:
        raise _error(kind, "invalid", typed)
    negative = False
    if text and (text[0] in _MINUS or text[0] == "+"):
        negative = text[0] != "+"
        text = text[1:].lstrip(_SPACES)
    if kind == "money":
        if text.startswith("$"):
            text = text[1:].lstrip(_SPACES)
        elif text.endswith("$"):
            text = text[:-1].rstrip(_SPACES)
    for space in _SPACES[1:]:
        text = text.replace(space, " ")
    if not _SHAPE.fullmatch(text):
        if _EXPONENT.fullmatch(text):
            # `1e30` is refused for its exponent; when its size is beyond the bound too, say that first.
            try:
                too_large = Decimal(text.replace(" ", "").replace(",", ".")).adjusted() >= max_digits - decimal_places
            except ArithmeticError:  # decimal.InvalidOperation: `1.5.e3`
                too_large = False
            raise _error(kind, "too_large" if too_large else "exponent", typed, limit=limit)
        raise _error(kind, "invalid", typed)
    parts = re.split(r"([ ,.])", text)
    groups, separators = parts[0::2], parts[1::2]
    whole_groups, whole_separators, fraction = groups, separators, ""
    last = separators[-1] if separators else None
    if last in (",", ".") and separators.count(last) == 1:
        if len(separators) == 1 and len(groups[1]) == 3 and _grouped(groups, separators):
            raise _error(kind, "ambiguous", typed, plain="".join(groups))
        whole_groups, whole_separators, fraction = groups[:-1], separators[:-1], groups[-1]
    if not _grouped(whole_groups, whole_separators):
        raise _error(kind, "invalid", typed)
    whole = "".join(whole_groups).lstrip("0")
    if len(whole) > max_digits - decimal_places:
        raise _error(kind, "too_large", typed, limit=limit)
    if len(fraction.rstrip("0")) > decimal_places:
        raise _error(kind, "decimals", typed, places=decimal_places)
    amount = Decimal(f"{'-' if negative else ''}{whole or '0'}.{(fraction.rstrip('0') or '0')}")
    return amount


def to_money(value) -> Decimal:
    """Parse `1 250,50`, `1250.50`, `1 250,50 $`, `$1,250.50` or a Decimal into a Decimal in cents,
    at most 9 999 999 999,99 $ either way (the portal's DecimalField(max_digits=12, decimal_places=2)).

    Refuses floats (they cannot hold cents exactly), more than two decimals, and everything the
    module's docstring lists (`1e2`, `1_000`, `NaN`, non-Latin digits, the ambiguous `1,000`)."""
    return parse_number(value, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, money=True)
