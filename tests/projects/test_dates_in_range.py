"""Every date of the action projects' forms within a sane range (issue 15, break 7): a French error, nothing saved.

Projects, reports and board decisions fall within the plan's years give or take a year, widened to five years
around today (plans.models.plan_date_bounds)."""

import html

import pytest
from django.urls import reverse

from asis.templatetags.asis_format import day_text
from plans.models import plan_date_bounds
from projects import forms
from projects.models import ActionProject, BoardDecision, ProgressReport
from tests import factories as f
from tests.projects.conftest import page as raw_page
from tests.projects.conftest import project_form_data
from tests.projects.report_helpers import report_post

pytestmark = pytest.mark.django_db

ABSURD = ["9999-12-31", "9999-11-15", "1900-01-01"]
WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."


def page(response) -> str:
    return html.unescape(raw_page(response)).replace("\xa0", " ")


def plan_range_message() -> str:
    first, last = plan_date_bounds()
    return f"La date doit être entre le {day_text(first)} et le {day_text(last)}."


@pytest.mark.parametrize("day", ABSURD)
def test_the_date_fields_of_the_project_forms_refuse_an_absurd_date(plan, theme, day):
    project = f.make_project(lead=f.make_organisation(), theme=theme)
    plan_bound = [
        (forms.ProjectForm({"start_date": day, "end_date": day}, plan=plan), ["start_date", "end_date"]),
        (forms.BoardDecisionForm({"decided_on": day}), ["decided_on"]),
        (forms.ReportForm({"period_start": day, "period_end": day}, project=project), ["period_start", "period_end"]),
    ]
    for form, names in plan_bound:
        for name in names:
            assert form.errors.get(name) == [plan_range_message()], (type(form).__name__, name)


def test_dates_of_the_plans_years_are_accepted(plan, theme):
    project = f.make_project(lead=f.make_organisation(), theme=theme)
    for form, names in [
        (
            forms.ProjectForm({"start_date": "2014-05-01", "end_date": "2015-03-31"}, plan=plan),
            ["start_date", "end_date"],
        ),
        (forms.BoardDecisionForm({"decided_on": "2014-03-20"}), ["decided_on"]),
        (
            forms.ReportForm({"period_start": "2014-04-01", "period_end": "2014-09-30"}, project=project),
            ["period_start", "period_end"],
        ),
    ]:
        form.is_valid()
        for name in names:
            assert name not in form.errors, (type(form).__name__, name)


@pytest.mark.parametrize("day", ABSURD)
def test_a_project_dated_absurdly_is_refused_and_not_saved(client, cast, theme, day):
    client.force_login(cast.alice)
    response = client.post(reverse("projects:project-create"), project_form_data(theme=theme.pk, end_date=day))
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not ActionProject.objects.exists()


@pytest.mark.parametrize("day", ABSURD)
def test_a_board_decision_dated_absurdly_is_refused_and_not_saved(login, cast, recommended, day):
    response = login(cast.coordinator).post(
        reverse("projects:board-decision-create", args=[recommended.project_id]),
        {"outcome": "accepted", "resolution_number": "CA-1", "decided_on": day, "granted_amount": "7 500"},
    )
    assert response.status_code == 400 and plan_range_message() in page(response)
    assert not BoardDecision.objects.exists()


@pytest.mark.parametrize("day", ABSURD)
def test_a_report_for_an_absurd_period_is_refused_and_not_saved(client, cast, reporting, day):
    client.force_login(cast.bob)
    response = client.post(reverse("projects:report-create", args=[reporting.project.pk]), report_post(period_end=day))
    assert response.status_code in (200, 400) and plan_range_message() in page(response)
    assert not ProgressReport.objects.exists()
