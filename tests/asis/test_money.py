"""How a typed amount is read (asis.money): never a 500, never a silent guess (issue 15, break 4)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from asis.forms import MoneyField, NumberField
from asis.money import MAX_AMOUNT, to_money

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1 250,50", Decimal("1250.50")),
        ("1250.50", Decimal("1250.50")),
        ("1 250,50 $", Decimal("1250.50")),
        ("1250", Decimal("1250.00")),
        ("-5,00", Decimal("-5.00")),
        (f"1{NNBSP}250,50", Decimal("1250.50")),
        (f"1{NBSP}250,50{NBSP}$", Decimal("1250.50")),
        ("1,250.50", Decimal("1250.50")),
        ("1.250,50", Decimal("1250.50")),
        ("$1,250.50", Decimal("1250.50")),
        ("1,000,000", Decimal("1000000.00")),
        ("1 000 000", Decimal("1000000.00")),
        ("1250,500", Decimal("1250.50")),  # four digits before: no grouping, so a decimal comma
        ("9 999 999 999,99", MAX_AMOUNT),
        ("12,5", Decimal("12.50")),
    ],
)
@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_amounts_as_people_type_them_read_the_same_in_both_languages(typed, expected, language):
    with translation.override(language):
        assert MoneyField().clean(typed) == expected


@pytest.mark.parametrize(
    "typed, code",
    [
        ("1e30", "too_large"),
        ("1e2", "exponent"),
        ("1E2", "exponent"),
        ("-1e400", "too_large"),
        ("1,5e3", "exponent"),
        ("9" * 40, "too_large"),
        ("10000000000", "too_large"),
        ("-10 000 000 000", "too_large"),
        ("1_000", "invalid"),
        ("Infinity", "invalid"),
        ("NaN", "invalid"),
        ("+-1", "invalid"),
        ("١٢٣", "invalid"),
        ("１２３", "invalid"),
        ("१२३", "invalid"),
        ("12,345,6", "invalid"),
        ("1 2 3", "invalid"),
        ("x" * 100_000, "invalid"),
        ("1,000", "ambiguous"),
        ("1.000", "ambiguous"),
        ("12,345", "ambiguous"),
        ("1,005", "ambiguous"),
        ("12,3456", "decimals"),
        ("0,001", "decimals"),
    ],
)
@pytest.mark.parametrize("language", ["fr-ca", "en"])
def test_what_cannot_be_read_for_sure_is_refused_with_a_message(typed, code, language):
    with translation.override(language), pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.code == code
    assert error.value.messages[0]


def test_the_bound_is_said_in_quebec_format():
    with translation.override("fr-ca"), pytest.raises(ValidationError) as error:
        to_money("9" * 40)
    assert error.value.messages == [f"Montant trop grand : au plus 9{NBSP}999{NBSP}999{NBSP}999,99{NBSP}$."]


def test_the_ambiguous_amount_tells_how_to_write_it():
    with translation.override("fr-ca"), pytest.raises(ValidationError) as error:
        to_money("1,000")
    assert error.value.messages == [
        f"Montant ambigu : « 1,000 » se lit de deux façons. Écrivez 1000 ou 1{NBSP}000{NBSP}$."
    ]


@pytest.mark.parametrize("amount", [Decimal("1e30"), Decimal("-1e30"), 10**40, Decimal("1E+999999")])
def test_a_decimal_too_large_given_to_a_service_is_refused_without_overflow(amount):
    with pytest.raises(ValidationError) as error:
        to_money(amount)
    assert error.value.code == "too_large"


def test_an_indicator_value_is_read_by_the_same_rule():
    field = NumberField(required=False)
    assert field.clean("12,5") == Decimal("12.50")
    for typed in ("1_000", "١٢٣", "1e30", "9" * 40, "1,000"):
        with pytest.raises(ValidationError):
            field.clean(typed)
