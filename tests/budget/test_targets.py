"""Targets (budget.services.targets.target_set / targets_set) and moves between them (target_move):
every refused case says why in French and saves nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import BudgetTarget, FundingSource, TargetMove
from budget.selectors import targets as target_selectors
from budget.services import ledger as ledger_services
from budget.services import targets as target_services
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2014, 3, 15)


def theme(plan, order):
    return plan.themes.get(order=order)


def year(plan, number):
    return plan.years.get(number=number)


@pytest.fixture
def targets(asis):
    """Six themes at 80 000 $ (480 000 $) and three years at 160 000 $ (480 000 $) of the 502 136 $ envelope."""
    target_services.targets_set(
        plan=asis,
        themes={t: Decimal("80000.00") for t in asis.themes.all()},
        years={y: Decimal("160000.00") for y in asis.years.all()},
    )
    return asis


def target(plan, *, theme_order=None, year_number=None):
    if theme_order:
        return BudgetTarget.objects.get(plan=plan, theme__order=theme_order)
    return BudgetTarget.objects.get(plan=plan, plan_year__number=year_number)


def message(error: ValidationError) -> str:
    return " ".join(error.messages).replace("\xa0", " ")


# ---------------------------------------------------------------- setting targets


def test_setting_a_target_the_first_time_creates_it(asis, cast):
    created = target_services.target_set(plan=asis, theme=theme(asis, 1), amount="85 000,50", by=cast.coordinator)
    assert (created.amount, created.theme, created.plan_year, created.created_by) == (
        Decimal("85000.50"),
        theme(asis, 1),
        None,
        cast.coordinator,
    )
    assert target_selectors.target_current(created) == Decimal("85000.50")


def test_the_theme_targets_may_fill_the_envelope_to_the_cent(asis):
    target_services.target_set(plan=asis, theme=theme(asis, 1), amount="502136.00")
    assert BudgetTarget.objects.get().amount == Decimal("502136.00")


def test_the_theme_targets_cannot_exceed_the_envelope(asis):
    target_services.target_set(plan=asis, theme=theme(asis, 1), amount="500000.00")
    with pytest.raises(ValidationError) as error:
        target_services.target_set(plan=asis, theme=theme(asis, 2), amount="2136.01")
    assert (
        message(error.value)
        == "La somme des cibles par enjeu (502 136,01 $) dépasserait l'enveloppe (502 136 $) de 0,01 $."
    )
    assert BudgetTarget.objects.count() == 1


def test_the_year_targets_cannot_exceed_the_envelope(asis):
    with pytest.raises(ValidationError) as error:
        target_services.targets_set(
            plan=asis, years={year(asis, 1): "200000", year(asis, 2): "200000", year(asis, 3): "110000"}
        )
    assert (
        message(error.value)
        == "La somme des cibles par année (510 000 $) dépasserait l'enveloppe (502 136 $) de 7 864 $."
    )
    assert not BudgetTarget.objects.exists()


def test_theme_and_year_targets_are_two_separate_sums(asis):
    target_services.targets_set(plan=asis, themes={theme(asis, 1): "502136"}, years={year(asis, 1): "502136"})
    assert BudgetTarget.objects.count() == 2


def test_a_target_already_set_is_changed_only_by_a_move(targets):
    with pytest.raises(ValidationError) as error:
        target_services.target_set(plan=targets, theme=theme(targets, 1), amount="1000")
    assert "est déjà fixée (80 000 $) : pour la changer, faites une réaffectation" in message(error.value)
    assert target(targets, theme_order=1).amount == Decimal("80000.00")


def test_targets_set_saves_nothing_when_one_is_already_set(targets):
    count = BudgetTarget.objects.count()
    with pytest.raises(ValidationError):
        target_services.targets_set(plan=targets, themes={theme(targets, 1): "1"})
    assert BudgetTarget.objects.count() == count


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({}, "Une cible vise un enjeu ou une année du plan, pas les deux."),
        ({"both": True}, "Une cible vise un enjeu ou une année du plan, pas les deux."),
    ],
)
def test_a_target_is_a_theme_or_a_year(asis, kwargs, text):
    extra = {"theme": theme(asis, 1), "plan_year": year(asis, 1)} if kwargs else {}
    with pytest.raises(ValidationError) as error:
        target_services.target_set(plan=asis, amount="10", **extra)
    assert message(error.value) == text
    assert not BudgetTarget.objects.exists()


def test_a_target_of_another_plan_is_refused(asis):
    other = f.make_plan()
    with pytest.raises(ValidationError) as error:
        target_services.target_set(plan=asis, plan_year=other.years.get(number=1), amount="10")
    assert message(error.value) == "Cet enjeu ou cette année n'appartient pas au plan."
    assert not BudgetTarget.objects.exists()


def test_a_negative_target_is_refused(asis):
    with pytest.raises(ValidationError) as error:
        target_services.target_set(plan=asis, theme=theme(asis, 1), amount="-1")
    assert message(error.value) == "Une cible ne peut être négative."
    assert not BudgetTarget.objects.exists()


# ---------------------------------------------------------------- moves


def test_a_reallocation_between_two_themes(targets, cast):
    one, two = target(targets, theme_order=1), target(targets, theme_order=2)
    move = target_services.target_move(
        kind=TargetMove.Kind.REALLOCATION,
        from_target=one,
        to_target=two,
        amount="12 345,67",
        moved_on=DAY,
        reason="  Le projet de logement demande plus.  ",
        by=cast.coordinator,
        resolution=f.board(one),
    )
    assert (move.amount, move.reason, move.created_by) == (
        Decimal("12345.67"),
        "Le projet de logement demande plus.",
        cast.coordinator,
    )
    assert target_selectors.target_current(one) == Decimal("67654.33")
    assert target_selectors.target_current(two) == Decimal("92345.67")
    one.refresh_from_db()
    assert one.amount == Decimal("80000.00")  # the share as first set never changes
    # Moving everything that is left is allowed, to the cent.
    target_services.target_move(
        kind="reallocation",
        from_target=one,
        to_target=two,
        amount="67654.33",
        moved_on=DAY,
        reason="Tout",
        resolution=f.board(one),
    )
    assert target_selectors.target_current(one) == Decimal("0.00")


def test_a_reallocation_between_two_years(targets):
    target_services.target_move(
        kind="reallocation",
        from_target=target(targets, year_number=3),
        to_target=target(targets, year_number=1),
        amount="1000",
        moved_on=DAY,
        reason="Devancer",
        resolution=f.board(target(targets, year_number=3)),
    )
    assert target_selectors.target_current(target(targets, year_number=1)) == Decimal("161000.00")


def refused(**kwargs):
    before = TargetMove.objects.count()
    with pytest.raises(ValidationError) as error:
        target_services.target_move(
            **{"moved_on": DAY, "reason": "Motif", "resolution": f.board(kwargs["from_target"]), **kwargs}
        )
    assert TargetMove.objects.count() == before
    return message(error.value)


def test_a_move_needs_a_reason(targets):
    text = refused(
        kind="reallocation",
        from_target=target(targets, theme_order=1),
        to_target=target(targets, theme_order=2),
        amount="10",
        reason="  ",
    )
    assert text == "Indiquez le motif de la réaffectation ou du report."


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_move_needs_a_positive_amount(targets, amount):
    text = refused(
        kind="reallocation",
        from_target=target(targets, theme_order=1),
        to_target=target(targets, theme_order=2),
        amount=amount,
    )
    assert text == "Le montant doit être supérieur à zéro."


def test_a_move_needs_two_targets(targets):
    one = target(targets, theme_order=1)
    assert (
        refused(kind="reallocation", from_target=one, to_target=one, amount="10")
        == "Choisissez deux cibles différentes."
    )


def test_a_move_needs_a_known_kind(targets):
    text = refused(
        kind="gift", from_target=target(targets, theme_order=1), to_target=target(targets, theme_order=2), amount="10"
    )
    assert text == "Choisissez une réaffectation ou un report."


def test_a_move_stays_in_one_dimension(targets):
    text = refused(
        kind="reallocation",
        from_target=target(targets, theme_order=1),
        to_target=target(targets, year_number=2),
        amount="10",
    )
    assert (
        text
        == "On déplace de l'argent d'un enjeu vers un enjeu, ou d'une année vers une année, jamais de l'un vers l'autre."
    )


def test_a_move_stays_in_one_plan(targets):
    other = f.make_plan()
    f.make_source(other)
    elsewhere = target_services.target_set(plan=other, plan_year=other.years.get(number=2), amount="10")
    text = refused(kind="reallocation", from_target=target(targets, year_number=1), to_target=elsewhere, amount="5")
    assert text == "Les deux cibles doivent appartenir au même plan."


def test_a_move_takes_at_most_the_current_value(targets):
    one, two, three = (target(targets, theme_order=n) for n in (1, 2, 3))
    target_services.target_move(
        kind="reallocation",
        from_target=one,
        to_target=two,
        amount="30000",
        moved_on=DAY,
        reason="Premier",
        resolution=f.board(one),
    )
    text = refused(kind="reallocation", from_target=one, to_target=three, amount="50000.01")
    assert text.startswith("La cible « ") and text.endswith(
        " » n'est plus que de 50 000 $ : impossible d'en déplacer 50 000,01 $."
    )


def test_a_carry_over_goes_to_the_next_year(targets, cast):
    fqis = FundingSource.objects.get(code="fqis")
    project = f.make_project(lead=cast.org_a, theme=theme(targets, 1), status=ProjectStatus.ACCEPTED)
    f.commit(source=fqis, project=project, amount="150000.00", year=year(targets, 1))
    y1, y2 = target(targets, year_number=1), target(targets, year_number=2)
    target_services.target_move(
        kind="carry_over",
        from_target=y1,
        to_target=y2,
        amount="10000.00",
        moved_on=datetime.date(2014, 3, 31),
        reason="Reste de 2013-2014",
        resolution=f.board(y1),
    )
    assert target_selectors.target_current(y1) == Decimal("150000.00")
    assert target_selectors.target_current(y2) == Decimal("170000.00")
    assert target_selectors.year_uncommitted(y1) == Decimal("0.00")


def test_a_carry_over_takes_at_most_what_the_year_left_uncommitted(targets, cast):
    project = f.make_project(lead=cast.org_a, theme=theme(targets, 1), status=ProjectStatus.ACCEPTED)
    commitment = f.commit(
        source=FundingSource.objects.get(code="fqis"), project=project, amount="150000.00", year=year(targets, 1)
    )
    ledger_services.commitment_reduce(
        commitment=commitment, amount="0.50", reduced_on=DAY, reason="Moins cher", resolution=f.board(commitment)
    )  # current: 149 999,50
    text = refused(
        kind="carry_over",
        from_target=target(targets, year_number=1),
        to_target=target(targets, year_number=2),
        amount="10000.51",
    )
    assert text == "L'année 2013-2014 laisse 10 000,50 $ non engagés : impossible d'en reporter 10 000,51 $."


@pytest.mark.parametrize("from_year, to_year", [(1, 3), (2, 1), (3, 2)])
def test_a_carry_over_only_to_the_following_year(targets, from_year, to_year):
    text = refused(
        kind="carry_over",
        from_target=target(targets, year_number=from_year),
        to_target=target(targets, year_number=to_year),
        amount="10",
    )
    assert text == f"Un report va de l'année {year(targets, from_year).label} à l'année suivante seulement."


def test_a_carry_over_is_between_years_not_themes(targets):
    text = refused(
        kind="carry_over",
        from_target=target(targets, theme_order=1),
        to_target=target(targets, theme_order=2),
        amount="10",
    )
    assert text == "Un report va d'une année du plan à la suivante; entre enjeux, faites une réaffectation."


def test_current_values_sum_moves_in_and_out_once_each(targets):
    one, two, three = (target(targets, theme_order=n) for n in (1, 2, 3))
    for amount in ("100.10", "200.20"):
        target_services.target_move(
            kind="reallocation",
            from_target=one,
            to_target=two,
            amount=amount,
            moved_on=DAY,
            reason="A",
            resolution=f.board(one),
        )
    target_services.target_move(
        kind="reallocation",
        from_target=two,
        to_target=one,
        amount="50.05",
        moved_on=DAY,
        reason="B",
        resolution=f.board(two),
    )
    target_services.target_move(
        kind="reallocation",
        from_target=three,
        to_target=one,
        amount="1.01",
        moved_on=DAY,
        reason="C",
        resolution=f.board(three),
    )
    currents = {
        t.theme.order: t.current
        for t in BudgetTarget.objects.filter(theme__isnull=False).with_current().select_related("theme")
    }
    assert currents[1] == Decimal("80000.00") - Decimal("300.30") + Decimal("51.06")
    assert currents[2] == Decimal("80250.25")
    assert currents[3] == Decimal("79998.99")
    assert sum(currents.values()) == Decimal("480000.00")  # moves never change the sum
