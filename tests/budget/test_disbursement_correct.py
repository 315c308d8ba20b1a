"""Correcting a disbursement: a new dated entry with its reason, within the commitment, never negative."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
)
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import commitment_reduce, disbursement_correct, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
PAID = datetime.date(2014, 9, 1)
FIXED = datetime.date(2014, 10, 15)


def plain(error: ValidationError) -> str:
    return str(error).replace("\xa0", " ")


def messages(error: ValidationError, field: str) -> list[str]:
    return [m.replace("\xa0", " ") for m in error.message_dict[field]]


@pytest.fixture
def disbursement(plan, cast, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=source, project=project, amount="1000.00")
    return disbursement_create(commitment=commitment, amount="400.00", paid_on=PAID, reference="Chèque 12")


def totals(disbursement):
    d = Disbursement.objects.get(pk=disbursement.pk)
    c = Commitment.objects.get(pk=d.commitment_id)
    s = FundingSource.objects.get(pk=c.source_id)
    return d.correction_total, d.current_amount, c.disbursed_total, s.disbursed_total


def test_a_positive_correction_adds_to_every_running_total(disbursement, cast):
    correction = disbursement_correct(
        disbursement=disbursement, delta="150.25", corrected_on=FIXED, reason="Chèque mal saisi", by=cast.coordinator
    )
    assert (correction.delta, correction.corrected_on, correction.reason, correction.created_by) == (
        Decimal("150.25"),
        FIXED,
        "Chèque mal saisi",
        cast.coordinator,
    )
    assert totals(disbursement) == (Decimal("150.25"), Decimal("550.25"), Decimal("550.25"), Decimal("550.25"))
    assert Disbursement.objects.get(pk=disbursement.pk).amount == Decimal("400.00")  # the payment as recorded stays
    assert totals_mismatches() == []


def test_a_new_amount_is_turned_into_a_signed_delta(disbursement):
    correction = disbursement_correct(
        disbursement=disbursement, new_amount="399,99", corrected_on=FIXED, reason="Frais bancaires"
    )
    assert correction.delta == Decimal("-0.01")
    assert totals(disbursement) == (Decimal("-0.01"), Decimal("399.99"), Decimal("399.99"), Decimal("399.99"))
    disbursement_correct(disbursement=disbursement, new_amount="1000.00", corrected_on=FIXED, reason="Tout versé")
    assert totals(disbursement) == (Decimal("600.00"), Decimal("1000.00"), Decimal("1000.00"), Decimal("1000.00"))
    assert totals_mismatches() == []


def test_a_correction_may_bring_a_payment_to_zero(disbursement):
    disbursement_correct(disbursement=disbursement, delta="-400.00", corrected_on=FIXED, reason="Chèque annulé")
    assert totals(disbursement) == (Decimal("-400.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert totals_mismatches() == []


def test_more_money_must_fit_in_the_commitment(disbursement):
    commitment_reduce(
        commitment=disbursement.commitment,
        amount="100.00",
        reduced_on=FIXED,
        reason="Budget revu",
        resolution=f.board(disbursement.commitment),
    )
    before = totals(disbursement)
    with pytest.raises(ValidationError) as error:
        disbursement_correct(disbursement=disbursement, delta="500.01", corrected_on=FIXED, reason="Erreur")
    assert messages(error.value, "delta") == [
        "Il reste 500 $ à verser sur cet engagement : impossible d'ajouter 500,01 $ à ce versement."
    ]
    assert totals(disbursement) == before
    assert not DisbursementCorrection.objects.exists()
    disbursement_correct(
        disbursement=disbursement, delta="500.00", corrected_on=FIXED, reason="Exactement ce qui reste"
    )
    assert totals(disbursement)[2] == Decimal("900.00")


def test_less_money_cannot_make_the_payment_negative(disbursement):
    disbursement_correct(disbursement=disbursement, delta="-100.00", corrected_on=FIXED, reason="Trop versé")
    with pytest.raises(ValidationError) as error:
        disbursement_correct(disbursement=disbursement, new_amount="-0.01", corrected_on=FIXED, reason="Erreur")
    assert error.value.message_dict["new_amount"] == ["Un versement ne peut pas être négatif."]
    with pytest.raises(ValidationError) as error:
        disbursement_correct(disbursement=disbursement, delta="-300.01", corrected_on=FIXED, reason="Erreur")
    assert messages(error.value, "delta") == [
        "Ce versement est de 300 $ : une correction ne peut pas retirer 300,01 $, il deviendrait négatif."
    ]
    assert totals(disbursement) == (Decimal("-100.00"), Decimal("300.00"), Decimal("300.00"), Decimal("300.00"))
    assert DisbursementCorrection.objects.count() == 1


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"delta": "10", "reason": "  "}, "reason", "Indiquez le motif de la correction."),
        (
            {"delta": "0", "reason": "Rien"},
            "delta",
            "Cette correction ne change rien : le versement est déjà de 400 $.",
        ),
        (
            {"new_amount": "400,00", "reason": "Rien"},
            "new_amount",
            "Cette correction ne change rien : le versement est déjà de 400 $.",
        ),
        ({"delta": "0,001", "reason": "Fractions"}, None, "Un montant s'exprime au plus en cents (deux décimales)."),
        (
            {"reason": "Ni l'un ni l'autre"},
            None,
            "Indiquez soit le nouveau montant du versement, soit l'écart à corriger.",
        ),
        (
            {"delta": "1", "new_amount": "401", "reason": "Les deux"},
            None,
            "Indiquez soit le nouveau montant du versement, soit l'écart à corriger.",
        ),
    ],
)
def test_refusals_have_french_messages_and_change_nothing(disbursement, kwargs, field, message):
    before = totals(disbursement)
    with pytest.raises(ValidationError) as error:
        disbursement_correct(disbursement=disbursement, corrected_on=FIXED, **kwargs)
    if field:
        assert messages(error.value, field) == [message]
    else:
        assert message in plain(error.value)
    assert totals(disbursement) == before
    assert not DisbursementCorrection.objects.exists()


def test_check_budget_sees_a_correction_total_changed_behind_its_back(disbursement):
    disbursement_correct(disbursement=disbursement, delta="-50.00", corrected_on=FIXED, reason="Trop versé")
    assert totals_mismatches() == []
    Disbursement.objects.filter(pk=disbursement.pk).update(correction_total=Decimal("0.00"))
    assert totals_mismatches() == [f"disbursement {disbursement.pk}: correction_total 0.00 != -50.00"]
    Disbursement.objects.filter(pk=disbursement.pk).update(correction_total=Decimal("-50.00"))
    Commitment.objects.filter(pk=disbursement.commitment_id).update(disbursed_total=Decimal("400.00"))
    assert totals_mismatches() == [f"commitment {disbursement.commitment_id}: disbursed_total 400.00 != 350.00"]


def test_check_budget_counts_corrections(disbursement, capsys):
    from django.core.management import CommandError, call_command

    disbursement_correct(disbursement=disbursement, delta="-0.01", corrected_on=FIXED, reason="Arrondi")
    call_command("check_budget")
    assert "correspondent" in capsys.readouterr().out
    Disbursement.objects.filter(pk=disbursement.pk).update(correction_total=Decimal("0.00"))
    with pytest.raises(CommandError):
        call_command("check_budget")
    assert f"disbursement {disbursement.pk}: correction_total 0.00 != -0.01" in capsys.readouterr().err
