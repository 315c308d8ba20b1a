"""Quebec formatting (OQLF) for money, numbers and dates, used by every template.

`{{ amount|money }}` -> `467 136 $`, `24,99 $`, `13 500,50 $` (non-breaking spaces; one rule everywhere, GOV.UK's:
cents only when the amount has cents, never « 1 250,00 $ »; exports keep plain decimals);
`{{ value|number }}` -> `1 250`; `{{ day|long_date }}` -> `le 2 décembre 2024`.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

NBSP = "\xa0"
CENT = Decimal("0.01")


def _to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def _group(digits: str, sep: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sep.join(groups)


def format_money(value) -> str:
    """An amount in dollars, its cents shown only when it has some: `467 136 $`, `13 500,50 $` (`$467,136` in
    English). The one money rule of every page, e-mail, message and document."""
    amount = _to_decimal(value)
    if amount is None:
        return ""
    negative = amount < 0
    whole, _dot, frac = f"{abs(amount):.2f}".partition(".")
    show_cents = frac != "00"
    english = (get_language() or "fr").startswith("en")
    if english:
        text = _group(whole, ",") + (f".{frac}" if show_cents else "")
        text = f"${text}"
    else:
        text = _group(whole, NBSP) + (f",{frac}" if show_cents else "") + f"{NBSP}$"
    return f"-{text}" if negative else text


@register.filter
def money(value):
    return format_money(value)


@register.filter
def number(value):
    """A whole or decimal number with the locale's grouping (`1 250`, `12,5`), its decimals as given (hours: `3,0`)."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, use_l10n=True, force_grouping=True)


@register.filter
def quantity(value):
    """A count kept as a decimal (an indicator's target or value): `number` without the trailing zeros (« 150 »,
    « 12,5 », never « 150,00 personnes »)."""
    if isinstance(value, Decimal) and value.is_finite():
        value = value.to_integral_value() if value == value.to_integral_value() else value.normalize()
    return number(value)


@register.filter
def percent(value):
    if value is None or value == "":
        return ""
    rounded = Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)  # 66,67 -> 67, not 66
    text = formats.number_format(rounded, decimal_pos=0, use_l10n=True)
    english = (get_language() or "fr").startswith("en")
    return f"{text}%" if english else f"{text}{NBSP}%"


def day_text(value) -> str:
    """« 2 décembre 2024 », « 1er avril 2012 » (OQLF; « December 2, 2024 » in English), without the article."""
    text = formats.date_format(value, "DATE_FORMAT")
    if value.day == 1 and not (get_language() or "fr").startswith("en"):
        text = "1er" + text[1:]
    return text


@register.filter
def long_date(value):
    """« le 2 décembre 2024 » in running text (« December 2, 2024 » in English)."""
    if not value:
        return ""
    return _("le %(date)s") % {"date": day_text(value)}


@register.filter
def day_date(value):
    """« 1er avril 2013 » after a preposition (« du 1er avril 2013 au 31 mars 2016 »), where long_date's article
    would double it (as long_date in English, which has no article)."""
    if not value:
        return ""
    return day_text(value)


@register.filter
def iso_date(value):
    """`2024-12-02`, the form used in tables."""
    if not value:
        return ""
    return value.strftime("%Y-%m-%d")
