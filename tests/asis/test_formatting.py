"""Quebec formats (OQLF): `467 136 $`, `24,99 $`, « le 2 décembre 2024 », `2024-12-02` in tables."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from asis.money import to_money
from asis.templatetags.asis_format import (
    day_date,
    format_money,
    iso_date,
    long_date,
    number,
)

NBSP = "\xa0"


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("467136"), f"467{NBSP}136{NBSP}$"),
        (Decimal("502136.00"), f"502{NBSP}136{NBSP}$"),
        (Decimal("24.99"), f"24,99{NBSP}$"),
        (Decimal("1250.5"), f"1{NBSP}250,50{NBSP}$"),
        (Decimal("0"), f"0{NBSP}$"),
        (Decimal("1234567.89"), f"1{NBSP}234{NBSP}567,89{NBSP}$"),
        (Decimal("-35000"), f"-35{NBSP}000{NBSP}$"),
    ],
)
def test_money_is_written_the_quebec_way(amount, expected):
    with translation.override("fr-ca"):
        assert format_money(amount) == expected


@pytest.mark.parametrize(
    "amount, french, english",
    [
        (Decimal("0"), f"0{NBSP}$", "$0"),
        (Decimal("0.00"), f"0{NBSP}$", "$0"),
        (Decimal("0.5"), f"0,50{NBSP}$", "$0.50"),
        (Decimal("1250"), f"1{NBSP}250{NBSP}$", "$1,250"),
        (Decimal("1250.00"), f"1{NBSP}250{NBSP}$", "$1,250"),
        (Decimal("1250.50"), f"1{NBSP}250,50{NBSP}$", "$1,250.50"),
        (Decimal("13500.50"), f"13{NBSP}500,50{NBSP}$", "$13,500.50"),
        (Decimal("-1250"), f"-1{NBSP}250{NBSP}$", "-$1,250"),
        (Decimal("-1250.05"), f"-1{NBSP}250,05{NBSP}$", "-$1,250.05"),
        (Decimal("0.004"), f"0{NBSP}$", "$0"),  # rounded to the cent first, then the rule
        (Decimal("0.005"), f"0,01{NBSP}$", "$0.01"),
        (None, "", ""),
        ("", "", ""),
    ],
)
def test_one_money_rule_cents_only_when_the_amount_has_cents(amount, french, english):
    """GOV.UK's rule, the same through the template filter and in Python: `467 136 $`, `13 500,50 $`, never
    `1 250 $` (the old `money_cents` wrote cents on every amount of some pages and not others)."""
    page = Template("{% load asis_format %}{{ amount|money }}")
    with translation.override("fr-ca"):
        assert format_money(amount) == french
        assert page.render(Context({"amount": amount})) == french
    with translation.override("en"):
        assert format_money(amount) == english
        assert page.render(Context({"amount": amount})) == english


def test_there_is_no_second_money_filter():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load asis_format %}{{ amount|money_cents }}")


def test_money_in_english():
    with translation.override("en"):
        assert format_money(Decimal("467136")) == "$467,136"
        assert format_money(Decimal("24.99")) == "$24.99"


def test_empty_money_renders_nothing():
    assert format_money(None) == ""


def test_dates_in_text_and_in_tables():
    day = datetime.date(2024, 12, 2)
    with translation.override("fr-ca"):
        assert long_date(day) == "le 2 décembre 2024"
        assert iso_date(day) == "2024-12-02"


def test_numbers_are_grouped_with_a_non_breaking_space():
    with translation.override("fr-ca"):
        assert number(1250) == f"1{NBSP}250"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1 250,50", Decimal("1250.50")),
        (f"1{NBSP}250,50{NBSP}$", Decimal("1250.50")),
        ("1250.50", Decimal("1250.50")),
        ("3000", Decimal("3000.00")),
        ("1,250.50", Decimal("1250.50")),
        ("$1,250.50", Decimal("1250.50")),
        (Decimal("0.1"), Decimal("0.10")),
    ],
)
def test_amounts_typed_as_people_type_them(typed, expected):
    assert to_money(typed) == expected


@pytest.mark.parametrize("typed", ["abc", "12,345,6", "1.005", "NaN"])
def test_bad_amounts_are_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        to_money(typed)
    assert "montant" in str(error.value).lower()


def test_floats_are_never_money():
    with pytest.raises(TypeError):
        to_money(0.1)


def test_the_first_of_the_month_is_written_1er():
    with translation.override("fr-ca"):
        assert long_date(datetime.date(2024, 12, 1)) == "le 1er décembre 2024"


def test_a_date_after_a_preposition_has_no_article():
    with translation.override("fr-ca"):
        assert day_date(datetime.date(2024, 12, 1)) == "1er décembre 2024"
        assert day_date(None) == ""
    with translation.override("en"):
        assert day_date(datetime.date(2024, 12, 1)) == long_date(datetime.date(2024, 12, 1))  # no article in English


def test_times_are_written_13_h_30():
    from django.utils import formats

    with translation.override("fr-ca"):
        assert formats.time_format(datetime.time(13, 30)) == "13\xa0h\xa030"
        assert (
            formats.date_format(datetime.datetime(2024, 1, 31, 13, 40), "DATETIME_FORMAT")
            == "31 janvier 2024, 13\xa0h\xa040"
        )


@pytest.mark.parametrize(
    "value, expected", [(Decimal("66.67"), "67"), (Decimal("99.5"), "100"), (12, "12"), (Decimal("0.4"), "0")]
)
def test_percent_rounds_half_up(value, expected):
    from asis.templatetags.asis_format import percent

    with translation.override("fr-ca"):
        assert percent(value) == f"{expected}{NBSP}%"


def test_a_decimal_count_drops_its_trailing_zeros():
    """Indicators are decimals: « 150 personnes », never « 150,00 personnes »; a real fraction keeps its digits."""
    from asis.templatetags.asis_format import quantity

    with translation.override("fr-ca"):
        assert quantity(Decimal("150.00")) == "150"
        assert quantity(Decimal("1250.00")) == f"1{NBSP}250"
        assert quantity(Decimal("12.50")) == "12,5"
        assert quantity(Decimal("0.00")) == "0"
        assert quantity(None) == ""
        assert number(Decimal("3.0")) == "3,0"  # hours keep their one decimal
