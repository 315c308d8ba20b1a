"""Every date of the chantiers' forms within a sane range (issue 15, break 7): a French error, nothing saved.

Projects, reports, follow-ups and board decisions fall within the plan's years give or take a year, widened to
five years around today (plans.models.plan_date_bounds); seats take any date from 2000 to 2100 (asis.forms):
an existing committee may predate the plan. Meetings: test_meeting_dates.py."""

import html

import pytest
from django.urls import reverse

from asis.templatetags.asis_format import day_text
from chantiers import forms as chantiers_forms
from chantiers.models import ActionProject, BoardDecision, ProgressReport
from plans.models import plan_date_bounds
from tests import factories as f
from tests.chantiers.conftest import page as raw_page
from tests.chantiers.conftest import project_form_data
from tests.chantiers.report_helpers import report_post

pytestmark = pytest.mark.django_db

ABSURD = ["9999-12-31", "9999-11-15", "1900-01-01"]
WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."


def page(response) -> str:
    return html.unescape(raw_page(response)).replace("\xa0", " ")


def plan_range_message() -> str:
    first, last = plan_date_bounds()
    return f"La date doit être entre le {day_text(first)} et le {day_text(last)}."


@pytest.mark.parametrize("day", ABSURD)
def test_the_date_fields_of_the_chantiers_forms_refuse_an_absurd_date(plan, theme, day):
    space = f.make_chantier(themes=[theme])
    project = f.make_project(lead=f.make_organisation(), theme=theme)
    plan_bound = [
        (chantiers_forms.ProjectForm({"start_date": day, "end_date": day}, plan=plan), ["start_date", "end_date"]),
        (chantiers_forms.FollowUpForm({"due_on": day}), ["due_on"]),
        (chantiers_forms.BoardDecisionForm({"decided_on": day}), ["decided_on"]),
        (chantiers_forms.ReportForm({"period_start": day, "period_end": day}, project=project), ["period_start", "period_end"]),
        (chantiers_forms.MeetingUpdateForm({"date": day}), ["date"]),
    ]
    for form, names in plan_bound:
        for name in names:
            assert form.errors.get(name) == [plan_range_message()], (type(form).__name__, name)
    wide = [
        (chantiers_forms.SeatOrganisationForm({"org-joined_on": day}, space=space), "joined_on"),
        (chantiers_forms.SeatCitizenForm({"cit-joined_on": day}, space=space), "joined_on"),
    ]
    for form, name in wide:
        assert form.errors.get(name) == [WIDE], type(form).__name__


def test_dates_of_the_plans_years_are_accepted(plan, theme):
    project = f.make_project(lead=f.make_organisation(), theme=theme)
    for form, names in [
        (chantiers_forms.ProjectForm({"start_date": "2014-05-01", "end_date": "2015-03-31"}, plan=plan), ["start_date", "end_date"]),
        (chantiers_forms.FollowUpForm({"due_on": "2015-01-15"}), ["due_on"]),
        (chantiers_forms.BoardDecisionForm({"decided_on": "2014-03-20"}), ["decided_on"]),
        (chantiers_forms.ReportForm({"period_start": "2014-04-01", "period_end": "2014-09-30"}, project=project),
         ["period_start", "period_end"]),
    ]:
        form.is_valid()
        for name in names:
            assert name not in form.errors, (type(form).__name__, name)


@pytest.mark.parametrize("day", ABSURD)
def test_a_project_dated_absurdly_is_refused_and_not_saved(client, cast, theme, day):
    client.force_login(cast.alice)
    response = client.post(reverse("chantiers:project-create"), project_form_data(theme=theme.pk, end_date=day))
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not ActionProject.objects.exists()


@pytest.mark.parametrize("day", ABSURD)
def test_a_board_decision_dated_absurdly_is_refused_and_not_saved(login, cast, recommended, day):
    response = login(cast.coordinator).post(
        reverse("chantiers:board-decision-create", args=[recommended.project_id]),
        {"outcome": "accepted", "resolution_number": "CA-1", "decided_on": day, "granted_amount": "7 500"},
    )
    assert response.status_code == 400 and plan_range_message() in page(response)
    assert not BoardDecision.objects.exists()


@pytest.mark.parametrize("day", ABSURD)
def test_a_report_for_an_absurd_period_is_refused_and_not_saved(client, cast, reporting, day):
    client.force_login(cast.bob)
    response = client.post(reverse("chantiers:report-create", args=[reporting.project.pk]), report_post(period_end=day))
    assert response.status_code in (200, 400) and plan_range_message() in page(response)
    assert not ProgressReport.objects.exists()


def test_a_follow_up_due_in_year_9999_is_refused(client, cast, theme):
    space = f.make_chantier(themes=[theme])
    meeting = f.make_meeting(space, place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:decision-create", args=[meeting.pk]), {
        "text": "Décision", "suivi-TOTAL_FORMS": 1, "suivi-INITIAL_FORMS": 0,
        "suivi-0-what": "Rédiger", "suivi-0-due_on": "9999-12-31",
    })
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not meeting.decisions.exists()


def test_a_seat_since_year_9999_is_refused(client, cast, theme):
    space = f.make_chantier(themes=[theme])
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:space-member-add", args=[space.pk]),
                           {"org-organisation": cast.org_b.pk, "org-role": "member", "org-joined_on": "9999-12-31"})
    assert WIDE in page(response)
    assert not space.memberships.exists()
