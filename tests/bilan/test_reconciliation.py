"""The bilan's two « Engagé » (budget.terms: by decision date, by plan year) and the line that reconciles them: its
parts add up to the committed by decision date to the cent, on the demo and on generated data, and the page writes
it with both labels and their links to the definitions."""

import datetime
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db.models import Sum

from bilan.selectors.build import build_bilan
from bilan.selectors.period import period_of_plan, period_of_year
from budget.models import Commitment
from organisations.models import User
from plans.models import Plan

pytestmark = pytest.mark.django_db
D = datetime.date


def _bilan(user, plan, period):
    return build_bilan(user=user, period_start=period.start, period_end=period.end, plan=plan, period=period, page=1)


def _assert_reconciles(report, plan):
    reconciliation = report.reconciliation()
    assert reconciliation.adds_up
    # each part is the database's sum of the commitments decided in the period for that plan year, to the cent
    decided = Commitment.objects.filter(
        project__theme__plan=plan, decided_on__range=(report.period.start, report.period.end)
    )
    assert reconciliation.total == (decided.aggregate(t=Sum(Commitment.CURRENT))["t"] or Decimal("0.00"))
    years = {year.label: year for year in plan.years.all()}
    for label, amount in reconciliation.parts:
        assert amount == decided.filter(plan_year=years[label]).aggregate(t=Sum(Commitment.CURRENT))["t"]
    return reconciliation


def test_the_demo_reconciles_both_committed_figures_for_each_year_and_the_plan(demo):
    plan = Plan.objects.get(alliance__acronym="ASIS", status=Plan.Status.CURRENT)
    staff = User.objects.get(username="personnel")
    years = list(plan.years.order_by("number"))
    seen_split = False
    for period in [period_of_year(y) for y in years] + [period_of_plan(years)]:
        reconciliation = _assert_reconciles(_bilan(staff, plan, period), plan)
        seen_split |= len(reconciliation.parts) > 1
    assert seen_split  # the demo decides some money for a later year: the two figures differ somewhere


def test_generated_data_reconciles_for_every_plan_year(db):
    call_command("load_asis", stdout=StringIO())
    call_command("generate_volume", scale=0.02, stdout=StringIO())
    staff = SimpleNamespace(is_authenticated=True, reads_figures=True)  # reads every project of any alliance
    plans = Plan.objects.filter(status=Plan.Status.CURRENT)[:3]
    assert plans
    for plan in plans:
        years = list(plan.years.order_by("number"))
        for period in [period_of_year(y) for y in years] + [period_of_plan(years)]:
            _assert_reconciles(_bilan(staff, plan, period), plan)
