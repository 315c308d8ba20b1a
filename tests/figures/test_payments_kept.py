"""What a plan's sources paid per day (figures.PlanPayments), kept by the payments and their corrections: the
envelope's payments per quarter read these rows, never the payments, and check_figures recomputes them."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from budget.selectors.targets import disbursements_by_quarter
from budget.services import ledger
from figures.models import PlanPayments
from projects.models import ProjectStatus
from tests import factories as f

D = datetime.date(2014, 9, 1)


@pytest.fixture
def commitment(plan, cast, theme):
    source = f.make_source(plan, amount="100000.00")
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    return f.commit(source=source, project=project, amount="3000.00")


def _kept(plan):
    return dict(PlanPayments.objects.filter(plan=plan).values_list("date", "paid"))


@pytest.mark.django_db
def test_a_payment_and_its_correction_count_on_the_day_of_the_payment(plan, commitment):
    first = ledger.disbursement_create(commitment=commitment, amount="100.10", paid_on=D)
    ledger.disbursement_create(commitment=commitment, amount="0.20", paid_on=D)
    ledger.disbursement_create(commitment=commitment, amount="50.00", paid_on=D + datetime.timedelta(days=1))
    # corrected later: the correction counts on the day of the payment, not on the day it was corrected
    ledger.disbursement_correct(
        disbursement=first, delta="-0.10", corrected_on=D + datetime.timedelta(days=30), reason="Erreur"
    )
    assert _kept(plan) == {D: Decimal("100.20"), D + datetime.timedelta(days=1): Decimal("50.00")}
    call_command("check_figures", stdout=StringIO())


@pytest.mark.django_db
def test_the_payments_per_quarter_are_the_kept_rows_and_check_figures_finds_a_changed_one(plan, commitment):
    ledger.disbursement_create(commitment=commitment, amount="100.00", paid_on=D)
    quarter = next(q for q in disbursements_by_quarter(plan) if q["start"] <= D and q["paid"])
    assert quarter["paid"] == Decimal("100.00")
    PlanPayments.objects.filter(plan=plan, date=D).update(paid=Decimal("7.00"))  # behind the services' back
    assert next(q for q in disbursements_by_quarter(plan) if q["paid"])["paid"] == Decimal("7.00")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert "PlanPayments" in err.getvalue() and "paid 7.00 != 100.00" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert _kept(plan) == {D: Decimal("100.00")}
