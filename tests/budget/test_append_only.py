"""On PostgreSQL the database itself refuses to change or erase a ledger entry (migration 0005's triggers)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from budget.models import Commitment, Disbursement, FundingSource
from budget.selectors.ledger import totals_mismatches
from budget.services.ledger import commitment_reduce, disbursement_correct, disbursement_create
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]
DAY = datetime.date(2014, 9, 1)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "The append-only triggers exist on PostgreSQL only (set DATABASE_URL); SQLite relies on the services."
        )


@pytest.fixture
def disbursement(plan, cast, theme):
    source = f.make_source(plan, amount="5000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    commitment = f.commit(source=source, project=project, amount="1000.00")
    return disbursement_create(commitment=commitment, amount="400.00", paid_on=DAY)


def refused(sql, params=()):
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(error.value)


def test_an_entry_cannot_be_changed_behind_the_services_back(disbursement):
    message = refused("UPDATE budget_commitment SET amount = 999999 WHERE id = %s", [disbursement.commitment_id])
    assert "ne se modifie pas" in message and "budget_commitment" in message
    assert Commitment.objects.get().amount == Decimal("1000.00")
    assert "ne se modifie pas" in refused("UPDATE budget_disbursement SET paid_on = '2020-01-01'")
    assert "ne se modifie pas" in refused("UPDATE budget_commitment SET reference = 'x', disbursed_total = 0")


def test_an_entry_cannot_be_deleted(disbursement):
    assert "ne s'efface pas" in refused("DELETE FROM budget_disbursement")
    assert "ne s'efface pas" in refused("DELETE FROM budget_commitment")
    assert Disbursement.objects.count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        Disbursement.objects.all().delete()
    assert Disbursement.objects.count() == 1


def test_corrections_and_reductions_are_append_only_too(disbursement):
    disbursement_correct(disbursement=disbursement, delta="-10.00", corrected_on=DAY, reason="Frais")
    commitment_reduce(
        commitment=disbursement.commitment,
        amount="100.00",
        reduced_on=DAY,
        reason="Revu",
        resolution=f.board(disbursement.commitment),
    )
    assert "ne se modifie pas" in refused("UPDATE budget_disbursementcorrection SET delta = 5")
    assert "ne s'efface pas" in refused("DELETE FROM budget_disbursementcorrection")
    assert "ne se modifie pas" in refused("UPDATE budget_commitmentreduction SET reason = 'autre'")
    assert "ne s'efface pas" in refused("DELETE FROM budget_commitmentreduction")


def test_running_totals_still_move(disbursement):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE budget_commitment SET disbursed_total = disbursed_total WHERE id = %s", [disbursement.commitment_id]
        )
    disbursement_create(commitment=disbursement.commitment, amount="100.00", paid_on=DAY)
    disbursement_correct(disbursement=disbursement, new_amount="450.00", corrected_on=DAY, reason="Chèque mal saisi")
    commitment_reduce(
        commitment=disbursement.commitment,
        amount=None,
        reduced_on=DAY,
        reason="Projet terminé",
        cancel=True,
        resolution=f.board(disbursement.commitment),
    )
    commitment = Commitment.objects.get()
    assert (commitment.disbursed_total, commitment.reduced_total) == (Decimal("550.00"), Decimal("450.00"))
    assert FundingSource.objects.get().committed_total == Decimal("550.00")
    assert totals_mismatches() == []


def test_a_planned_payment_is_paid_or_cancelled_once(disbursement, cast):
    from budget.models import Agreement, PlannedPayment

    project = disbursement.commitment.project
    agreement = Agreement.objects.create(project=project, signed_on=DAY)
    planned = PlannedPayment.objects.create(
        agreement=agreement, commitment=disbursement.commitment, due_on=DAY, amount=Decimal("400.00")
    )
    other = PlannedPayment.objects.create(
        agreement=agreement, commitment=disbursement.commitment, due_on=DAY, amount=Decimal("600.00")
    )
    PlannedPayment.objects.filter(pk=planned.pk).update(disbursement=disbursement)
    second = disbursement_create(commitment=disbursement.commitment, amount="1.00", paid_on=DAY)
    assert "ne se modifie pas" in refused(
        "UPDATE budget_plannedpayment SET disbursement_id = %s WHERE id = %s", [second.pk, planned.pk]
    )
    assert "ne se modifie pas" in refused("UPDATE budget_plannedpayment SET amount = 1 WHERE id = %s", [other.pk])
    PlannedPayment.objects.filter(pk=other.pk).update(cancelled_on=DAY, cancel_reason="Projet terminé plus tôt")
    assert "ne se modifie pas" in refused(
        "UPDATE budget_plannedpayment SET cancel_reason = 'autre' WHERE id = %s", [other.pk]
    )
    assert "ne s'efface pas" in refused("DELETE FROM budget_agreement")
    assert "ne se modifie pas" in refused("UPDATE budget_agreement SET reference = 'x'")


def test_a_planned_payments_plan_is_set_once(disbursement, cast):
    """Its plan is its commitment's source's, written on insert: no UPDATE moves it to another plan's lists."""
    from budget.models import Agreement, PlannedPayment

    agreement = Agreement.objects.create(project=disbursement.commitment.project, signed_on=DAY)
    planned = PlannedPayment.objects.create(
        agreement=agreement, commitment=disbursement.commitment, due_on=DAY, amount=Decimal("400.00")
    )
    other = f.make_plan(alliance=planned.plan.alliance, title="Plan suivant", slug="suivant")
    assert "ne se modifie pas" in refused(
        "UPDATE budget_plannedpayment SET plan_id = %s WHERE id = %s", [other.pk, planned.pk]
    )
    assert PlannedPayment.objects.get(pk=planned.pk).plan_id == disbursement.commitment.source.plan_id


def test_targets_and_moves_are_append_only(plan, theme):
    from budget.models import BudgetTarget, TargetMove

    other_theme = f.make_theme(plan)
    a = BudgetTarget.objects.create(plan=plan, theme=theme, amount=Decimal("1000.00"))
    b = BudgetTarget.objects.create(plan=plan, theme=other_theme, amount=Decimal("1000.00"))
    TargetMove.objects.create(
        from_target=a,
        to_target=b,
        amount=Decimal("10.00"),
        moved_on=DAY,
        reason="Réaffectation",
        resolution=f.make_resolution(plan.alliance),
    )
    assert "ne se modifie pas" in refused("UPDATE budget_budgettarget SET amount = 0")
    assert "ne s'efface pas" in refused("DELETE FROM budget_targetmove")
