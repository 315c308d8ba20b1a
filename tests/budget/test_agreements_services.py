"""Agreements and their schedules through budget.services: every rule, every refusal with its
French message, and nothing saved when refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import Agreement, Disbursement, PlannedPayment
from budget.selectors.ledger import totals_mismatches
from budget.services.agreements import (
    agreement_create,
    planned_payment_add,
    planned_payment_cancel,
    planned_payment_release,
    report_deadline_add,
)
from budget.services.ledger import commitment_reduce, disbursement_create
from projects.models import ProgressReport, ProjectStatus, ReportDeadline
from projects.services.reports import deadlines_filed_update
from tests import factories as f

pytestmark = pytest.mark.django_db
SIGNED = datetime.date(2014, 6, 15)


def messages(error) -> str:
    return " ".join(error.value.messages).replace("\xa0", " ")


@pytest.fixture
def source(plan):
    return f.make_source(plan, amount="100000.00")


@pytest.fixture
def accepted(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines collectives")


@pytest.fixture
def commitment(source, accepted):
    return f.commit(source=source, project=accepted, amount="20000.00")


@pytest.fixture
def agreement(accepted, commitment, cast):
    return agreement_create(project=accepted, signed_on=SIGNED, reference="CONV-2014-03", note="", by=cast.coordinator)


def file_report(deadline, **fields):
    """The project files the report that a deadline asks for (made directly, as the report pages would)."""
    report = ProgressReport.objects.create(
        project=deadline.project,
        deadline=deadline,
        period_start=datetime.date(2014, 7, 1),
        period_end=datetime.date(2014, 12, 31),
        percent_done=40,
        **fields,
    )
    deadlines_filed_update(deadline_ids={deadline.pk})  # as report_create: the deadline is answered
    return report


# ---------------------------------------------------------------- agreement_create


def test_signing_moves_the_project_and_names_the_reference(accepted, commitment, cast):
    agreement = agreement_create(
        project=accepted, signed_on=SIGNED, reference="CONV-2014-03", note="Deux versements", by=cast.coordinator
    )
    assert (agreement.project, agreement.signed_on, agreement.reference, agreement.created_by) == (
        accepted,
        SIGNED,
        "CONV-2014-03",
        cast.coordinator,
    )
    accepted.refresh_from_db()
    assert accepted.status == ProjectStatus.AGREEMENT_SIGNED
    change = accepted.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (
        ProjectStatus.ACCEPTED,
        ProjectStatus.AGREEMENT_SIGNED,
        cast.coordinator,
    )
    assert "CONV-2014-03" in change.comment


@pytest.mark.parametrize(
    "status",
    [
        ProjectStatus.DRAFT,
        ProjectStatus.RECOMMENDED,
        ProjectStatus.REFUSED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.WITHDRAWN,
    ],
)
def test_only_an_accepted_project_signs(cast, theme, status):
    project = f.make_project(lead=cast.org_a, theme=theme, status=status)
    with pytest.raises(ValidationError) as error:
        agreement_create(project=project, signed_on=SIGNED, reference="X", note="", by=cast.coordinator)
    assert "seulement avec un projet accepté" in messages(error)
    assert not Agreement.objects.exists()
    project.refresh_from_db()
    assert project.status == status


def test_one_agreement_per_project(agreement, accepted, cast):
    with pytest.raises(ValidationError) as error:
        agreement_create(project=accepted, signed_on=SIGNED, reference="CONV-BIS", note="", by=cast.coordinator)
    assert "déjà une convention" in messages(error)
    assert Agreement.objects.count() == 1


# ---------------------------------------------------------------- report_deadline_add


def test_report_schedule_one_final_at_most(agreement, accepted, cast):
    report_deadline_add(
        agreement=agreement,
        kind=ReportDeadline.Kind.PROGRESS,
        due_on=datetime.date(2015, 1, 15),
        label="Mi-parcours",
        by=cast.coordinator,
    )
    report_deadline_add(
        agreement=agreement,
        kind=ReportDeadline.Kind.PROGRESS,
        due_on=datetime.date(2015, 6, 15),
        label="",
        by=cast.coordinator,
    )
    final = report_deadline_add(
        agreement=agreement,
        kind=ReportDeadline.Kind.FINAL,
        due_on=datetime.date(2016, 3, 31),
        label="Bilan",
        by=cast.coordinator,
    )
    assert (final.project, final.kind, final.label, final.created_by) == (accepted, "final", "Bilan", cast.coordinator)
    with pytest.raises(ValidationError) as error:
        report_deadline_add(
            agreement=agreement,
            kind=ReportDeadline.Kind.FINAL,
            due_on=datetime.date(2016, 4, 30),
            label="",
            by=cast.coordinator,
        )
    assert "Ce projet a déjà une échéance de rapport final." in messages(error)
    assert accepted.report_deadlines.count() == 3


def test_an_unknown_report_kind_is_refused(agreement, cast):
    with pytest.raises(ValidationError):
        report_deadline_add(
            agreement=agreement, kind="monthly", due_on=datetime.date(2015, 1, 15), label="", by=cast.coordinator
        )
    assert not ReportDeadline.objects.exists()


# ---------------------------------------------------------------- planned_payment_add


def test_planned_payments_fill_the_commitment_to_the_cent(agreement, commitment, cast):
    first = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2014, 7, 1),
        amount="12000.33",
        note="Premier",
        by=cast.coordinator,
    )
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 2, 1),
        amount=Decimal("7999.67"),
        by=cast.coordinator,
    )
    assert (first.amount, first.note, first.created_by, first.required_report) == (
        Decimal("12000.33"),
        "Premier",
        cast.coordinator,
        None,
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 6, 1),
            amount="0.01",
            by=cast.coordinator,
        )
    assert "Il reste 0 $ à prévoir sur cet engagement : impossible de prévoir 0,01 $." in messages(error)
    assert PlannedPayment.objects.count() == 2


def test_the_message_gives_what_is_left_to_plan(agreement, commitment, cast):
    disbursement_create(
        commitment=commitment, amount="5000.00", paid_on=datetime.date(2014, 6, 20)
    )  # paid outside the schedule
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2014, 7, 1),
        amount="10000.00",
        by=cast.coordinator,
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 1, 1),
            amount="5 000,01",
            by=cast.coordinator,
        )
    assert "Il reste 5 000 $ à prévoir" in messages(error)
    assert PlannedPayment.objects.count() == 1


def test_cancelled_and_paid_planned_payments_free_their_share(agreement, commitment, cast):
    paid = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2014, 7, 1),
        amount="8000.00",
        by=cast.coordinator,
    )
    dropped = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2014, 8, 1),
        amount="12000.00",
        by=cast.coordinator,
    )
    planned_payment_release(planned=paid, paid_on=datetime.date(2014, 7, 2), reference="", by=cast.coordinator)
    planned_payment_cancel(
        planned=dropped, on=datetime.date(2014, 7, 15), reason="Calendrier revu", by=cast.coordinator
    )
    # 20 000 committed − 8 000 paid = 12 000 left; the cancelled 12 000 no longer counts.
    planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 1, 1),
        amount="12000.00",
        by=cast.coordinator,
    )
    assert PlannedPayment.objects.filter(cancelled_on__isnull=True, disbursement__isnull=True).count() == 1


def test_a_reduced_commitment_leaves_less_to_plan(agreement, commitment, cast):
    commitment_reduce(
        commitment=commitment,
        amount="15000.00",
        reduced_on=datetime.date(2014, 6, 30),
        reason="Budget revu",
        resolution=f.board(commitment),
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 1, 1),
            amount="6000",
            by=cast.coordinator,
        )
    assert "Il reste 5 000 $ à prévoir" in messages(error)


def test_the_commitment_must_be_the_projects(agreement, source, cast, theme):
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    foreign = f.commit(source=source, project=other, amount="1000.00")
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement, commitment=foreign, due_on=datetime.date(2015, 1, 1), amount="100", by=cast.coordinator
        )
    assert "Cet engagement appartient à un autre projet." in messages(error)
    assert not PlannedPayment.objects.exists()


def test_the_required_report_must_be_the_projects(agreement, commitment, source, cast, theme):
    other = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED)
    f.commit(source=source, project=other, amount="1000.00")
    other_agreement = agreement_create(project=other, signed_on=SIGNED, reference="B", note="", by=cast.coordinator)
    foreign = report_deadline_add(
        agreement=other_agreement, kind="progress", due_on=datetime.date(2015, 1, 1), label="", by=cast.coordinator
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 1, 1),
            amount="100",
            required_report=foreign,
            by=cast.coordinator,
        )
    assert "Cette échéance de rapport appartient à un autre projet." in messages(error)
    assert not PlannedPayment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_planned_amount_is_positive(agreement, commitment, cast, amount):
    with pytest.raises(ValidationError) as error:
        planned_payment_add(
            agreement=agreement,
            commitment=commitment,
            due_on=datetime.date(2015, 1, 1),
            amount=amount,
            by=cast.coordinator,
        )
    assert "supérieur à zéro" in messages(error)
    assert not PlannedPayment.objects.exists()


# ---------------------------------------------------------------- planned_payment_cancel


def test_cancel_needs_a_reason(agreement, commitment, cast):
    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 1, 1), amount="100", by=cast.coordinator
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_cancel(planned=planned, on=datetime.date(2014, 12, 1), reason="  ", by=cast.coordinator)
    assert "Indiquez le motif de l'annulation." in messages(error)
    planned.refresh_from_db()
    assert planned.cancelled_on is None
    planned_payment_cancel(
        planned=planned, on=datetime.date(2014, 12, 1), reason="Activité reportée", by=cast.coordinator
    )
    planned.refresh_from_db()
    assert (planned.cancelled_on, planned.cancel_reason) == (datetime.date(2014, 12, 1), "Activité reportée")
    with pytest.raises(ValidationError) as error:
        planned_payment_cancel(planned=planned, on=datetime.date(2014, 12, 2), reason="Encore", by=cast.coordinator)
    assert "déjà annulé" in messages(error)
    planned.refresh_from_db()
    assert planned.cancel_reason == "Activité reportée"


def test_a_paid_planned_payment_cannot_be_cancelled(agreement, commitment, cast):
    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 1, 1), amount="100", by=cast.coordinator
    )
    planned_payment_release(planned=planned, paid_on=datetime.date(2015, 1, 2), reference="", by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        planned_payment_cancel(planned=planned, on=datetime.date(2015, 1, 3), reason="Erreur", by=cast.coordinator)
    assert "Ce versement a déjà été fait : il ne peut plus être annulé." in messages(error)
    planned.refresh_from_db()
    assert planned.cancelled_on is None and planned.cancel_reason == ""


# ---------------------------------------------------------------- planned_payment_release


def test_release_pays_through_the_ledger_and_links_the_payment(agreement, commitment, cast):
    planned = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2014, 7, 1),
        amount="7 500,25",
        by=cast.coordinator,
    )
    disbursement = planned_payment_release(
        planned=planned, paid_on=datetime.date(2014, 7, 3), reference="Chèque 1201", by=cast.coordinator
    )
    planned.refresh_from_db()
    assert planned.disbursement == disbursement
    assert (disbursement.amount, disbursement.paid_on, disbursement.reference, disbursement.created_by) == (
        Decimal("7500.25"),
        datetime.date(2014, 7, 3),
        "Chèque 1201",
        cast.coordinator,
    )
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("7500.25")
    assert totals_mismatches() == []


def test_release_waits_for_the_progress_report(agreement, commitment, cast):
    deadline = report_deadline_add(
        agreement=agreement,
        kind="progress",
        due_on=datetime.date(2015, 1, 15),
        label="Mi-parcours",
        by=cast.coordinator,
    )
    planned = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 2, 1),
        amount="5000",
        required_report=deadline,
        by=cast.coordinator,
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_release(planned=planned, paid_on=datetime.date(2015, 2, 1), reference="", by=cast.coordinator)
    assert "Ce versement attend le rapport d'étape dû le 15 janvier 2015." in messages(error)
    assert not Disbursement.objects.exists()
    planned.refresh_from_db()
    assert planned.disbursement is None
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("0.00")

    file_report(deadline)
    disbursement = planned_payment_release(
        planned=planned, paid_on=datetime.date(2015, 2, 1), reference="", by=cast.coordinator
    )
    assert disbursement.amount == Decimal("5000.00")


def test_release_waits_for_the_final_report(agreement, commitment, cast):
    deadline = report_deadline_add(
        agreement=agreement, kind="final", due_on=datetime.date(2016, 3, 1), label="", by=cast.coordinator
    )
    planned = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2016, 3, 31),
        amount="2000",
        required_report=deadline,
        by=cast.coordinator,
    )
    with pytest.raises(ValidationError) as error:
        planned_payment_release(planned=planned, paid_on=datetime.date(2016, 3, 31), reference="", by=cast.coordinator)
    assert "Ce versement attend le rapport final dû le 1er mars 2016." in messages(error)
    assert not Disbursement.objects.exists()


def test_release_refuses_a_cancelled_or_paid_planned_payment(agreement, commitment, cast):
    cancelled = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 1, 1), amount="100", by=cast.coordinator
    )
    planned_payment_cancel(planned=cancelled, on=datetime.date(2014, 12, 1), reason="Reporté", by=cast.coordinator)
    with pytest.raises(ValidationError) as error:
        planned_payment_release(planned=cancelled, paid_on=datetime.date(2015, 1, 1), reference="", by=cast.coordinator)
    assert "Ce versement prévu est annulé : il ne peut pas être versé." in messages(error)
    assert not Disbursement.objects.exists()

    planned = planned_payment_add(
        agreement=agreement, commitment=commitment, due_on=datetime.date(2015, 1, 1), amount="100", by=cast.coordinator
    )
    planned_payment_release(planned=planned, paid_on=datetime.date(2015, 1, 2), reference="", by=cast.coordinator)
    stale = PlannedPayment.objects.get(pk=planned.pk)
    stale.disbursement = None  # a second click from a page shown before the first payment
    with pytest.raises(ValidationError) as error:
        planned_payment_release(planned=stale, paid_on=datetime.date(2015, 1, 3), reference="", by=cast.coordinator)
    assert "Ce versement a déjà été fait le 2 janvier 2015." in messages(error)
    assert Disbursement.objects.count() == 1
    commitment.refresh_from_db()
    assert commitment.disbursed_total == Decimal("100.00")


def test_release_never_overpays_the_commitment(agreement, commitment, cast):
    planned = planned_payment_add(
        agreement=agreement,
        commitment=commitment,
        due_on=datetime.date(2015, 1, 1),
        amount="15000",
        by=cast.coordinator,
    )
    disbursement_create(
        commitment=commitment, amount="10000.00", paid_on=datetime.date(2014, 12, 1)
    )  # paid outside the schedule
    with pytest.raises(ValidationError) as error:
        planned_payment_release(planned=planned, paid_on=datetime.date(2015, 1, 2), reference="", by=cast.coordinator)
    assert "Il reste 10 000 $ à verser sur cet engagement" in messages(error)
    planned.refresh_from_db()
    assert planned.disbursement is None
    assert Disbursement.objects.count() == 1
