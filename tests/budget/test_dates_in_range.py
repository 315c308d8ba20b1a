"""Every date of the envelope's forms within a sane range (issue 15, break 7): a French error, nothing saved.

Decisions, payments, agreements, report deadlines and planned payments fall within the plan's years give or
take a year, widened to five years around today (plans.models.plan_date_bounds); the history's « as at »
filter takes any date from 2000 to 2100 (asis.forms)."""

import datetime
import html

import pytest
from django.urls import reverse

from asis.templatetags.asis_format import day_text
from budget import forms as budget_forms
from budget.models import Agreement, Commitment
from budget.services.agreements import agreement_create
from plans.models import plan_date_bounds
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["9999-12-31", "9999-11-15", "1900-01-01"]


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def plan_range_message() -> str:
    first, last = plan_date_bounds()
    return f"La date doit être entre le {day_text(first)} et le {day_text(last)}."


@pytest.fixture
def source(plan):
    return f.make_source(plan, amount="100000.00", name="FQIS")


@pytest.fixture
def accepted(cast, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED, title="Cuisines collectives")


@pytest.fixture
def agreement(accepted, source, cast):
    f.commit(source=source, project=accepted, amount="20000.00")
    return agreement_create(
        project=accepted, signed_on=datetime.date(2014, 6, 15), reference="C-1", note="", by=cast.coordinator
    )


def _forms(plan, agreement):
    """(form class, its keyword arguments, its date field) for every dated form of the envelope."""
    commitment = Commitment.objects.get()
    return [
        (budget_forms.CommitmentForm, {"plan": plan}, "decided_on"),
        (budget_forms.DisbursementForm, {"commitment": commitment}, "paid_on"),
        (budget_forms.CommitmentReductionForm, {"alliance_id": plan.alliance_id}, "reduced_on"),
        (budget_forms.TargetMoveForm, {"plan": plan}, "moved_on"),
        (budget_forms.AgreementForm, {"plan": plan}, "signed_on"),
        (budget_forms.ReportDeadlineForm, {}, "due_on"),
        (budget_forms.PlannedPaymentForm, {"agreement": agreement}, "due_on"),
        (budget_forms.PlannedPaymentCancelForm, {}, "on"),
        (budget_forms.PlannedPaymentReleaseForm, {}, "paid_on"),
        (budget_forms.DisbursementCorrectionForm, {}, "corrected_on"),
    ]


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_every_dated_form_of_the_envelope_refuses_a_date_out_of_the_plans_range(plan, agreement, day):
    for form_class, kwargs, name in _forms(plan, agreement):
        form = form_class({name: day}, **kwargs)
        assert form.errors.get(name) == [plan_range_message()], form_class.__name__


def test_a_date_in_the_plans_years_is_accepted_by_every_dated_form(plan, agreement):
    for form_class, kwargs, name in _forms(plan, agreement):
        form = form_class({name: "2014-09-01"}, **kwargs)
        form.is_valid()
        assert name not in form.errors, form_class.__name__


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_a_commitment_dated_out_of_range_is_refused_and_not_saved(client, cast, plan, source, accepted, day):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("budget:commitment-create"),
        {
            "source": source.pk,
            "project": accepted.pk,
            "plan_year": f.plan_year(plan).pk,
            "amount": "1000",
            "decided_on": day,
            "resolution": f.make_resolution(plan.alliance).pk,
        },
    )
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not Commitment.objects.exists()


def test_an_agreement_signed_in_year_9999_is_refused_and_not_saved(client, cast, accepted, source):
    f.commit(source=source, project=accepted, amount="20000.00")
    client.force_login(cast.coordinator)
    response = client.post(reverse("budget:agreement-create"), {"project": accepted.pk, "signed_on": "9999-12-31"})
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_the_historys_as_at_filter_answers_a_french_error_for_an_absurd_date(client, cast, plan, source, day):
    client.force_login(cast.coordinator)
    response = client.get(reverse("budget:history") + f"?au={day}")
    assert response.status_code == 200
    assert "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100." in page(response)
    assert client.get(reverse("budget:history") + "?au=2014-12-31").status_code == 200
