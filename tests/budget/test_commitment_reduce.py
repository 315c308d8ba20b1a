"""Reducing or cancelling a commitment: a new dated entry with a reason; the original stays; money returns to its source."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budget.models import CommitmentReduction
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import commitment_reduce, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = datetime.date(2015, 2, 1)


@pytest.fixture
def commitment(plan, cast, theme):
    source = f.make_source(plan, amount="50000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=source, project=project, amount="20000.00")
    disbursement_create(commitment=commitment, amount="5000.00", paid_on=DAY)
    return commitment


def test_a_reduction_returns_money_to_the_source_and_keeps_the_original(commitment, cast):
    reduction = commitment_reduce(
        commitment=commitment,
        amount="2500,50",
        reduced_on=DAY,
        reason="Projet revu à la baisse",
        by=cast.coordinator,
        resolution=f.board(commitment),
    )
    commitment.refresh_from_db()
    commitment.source.refresh_from_db()
    assert commitment.amount == Decimal("20000.00")  # the decision as taken
    assert commitment.current_amount == Decimal("17499.50")
    assert commitment.remaining == Decimal("12499.50")
    assert commitment.source.committed_total == Decimal("17499.50")
    assert commitment.source.remaining == Decimal("32500.50")
    assert (reduction.amount, reduction.reason, reduction.created_by) == (
        Decimal("2500.50"),
        "Projet revu à la baisse",
        cast.coordinator,
    )
    assert totals_mismatches() == []


def test_cancelling_withdraws_what_is_not_paid(commitment):
    reduction = commitment_reduce(
        commitment=commitment,
        amount=None,
        cancel=True,
        reduced_on=DAY,
        reason="Projet abandonné",
        resolution=f.board(commitment),
    )
    assert reduction.amount == Decimal("15000.00") and reduction.is_cancellation
    commitment.refresh_from_db()
    assert commitment.current_amount == Decimal("5000.00") == commitment.disbursed_total
    with pytest.raises(ValidationError) as error:
        commitment_reduce(
            commitment=commitment,
            amount=None,
            cancel=True,
            reduced_on=DAY,
            reason="Encore",
            resolution=f.board(commitment),
        )
    assert "Il ne reste rien" in str(error.value)
    with pytest.raises(ValidationError):
        disbursement_create(commitment=commitment, amount="0.01", paid_on=DAY)
    assert totals_mismatches() == []


def test_what_was_paid_cannot_be_withdrawn(commitment):
    with pytest.raises(ValidationError) as error:
        commitment_reduce(
            commitment=commitment, amount="15000.01", reduced_on=DAY, reason="Trop", resolution=f.board(commitment)
        )
    assert "15 000 $ au plus" in " ".join(error.value.messages).replace("\xa0", " ")
    assert not CommitmentReduction.objects.exists()


@pytest.mark.parametrize("amount, reason", [("100", ""), ("100", "   "), ("0", "Motif"), ("-5", "Motif")])
def test_a_reduction_needs_a_reason_and_a_positive_amount(commitment, amount, reason):
    with pytest.raises(ValidationError):
        commitment_reduce(
            commitment=commitment, amount=amount, reduced_on=DAY, reason=reason, resolution=f.board(commitment)
        )
    commitment.refresh_from_db()
    assert commitment.reduced_total == Decimal("0.00")


def test_the_portal_form_reduces_with_a_french_error_on_bad_input(client, cast, commitment):
    client.force_login(cast.coordinator)
    url = reverse("budget:commitment-reduce", args=[commitment.pk])
    response = client.post(url, {"amount": "", "reduced_on": "2015-02-01", "reason": "x"})
    assert response.status_code == 200
    assert "Indiquez le montant à retirer" in response.content.decode().replace("&#x27;", "'")
    resolution = f.make_resolution(commitment.source.plan.alliance).pk
    data = {"amount": "1 000", "reduced_on": "2015-02-01", "reason": "Budget revu", "resolution": resolution}
    response = client.post(url, data)
    assert response.status_code == 302
    assert commitment.reductions.get().amount == Decimal("1000.00")
    history = client.get(url).content.decode()
    assert "Budget revu" in history


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403)])
def test_only_coordination_reduces(client, login, cast, commitment, who, status):
    url = reverse("budget:commitment-reduce", args=[commitment.pk])
    assert (
        login(getattr(cast, who)).post(url, {"amount": "1", "reduced_on": "2015-02-01", "reason": "x"}).status_code
        == status
    )
    assert not CommitmentReduction.objects.exists()
