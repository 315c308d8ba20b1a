"""Every date of the chantiers' forms within a sane range (issue 15, break 7): a French error, nothing saved.

Follow-ups fall within the plan's years give or take a year, widened to five years around today
(plans.models.plan_date_bounds); seats take any date from 2000 to 2100 (asis.forms): an existing committee may
predate the plan. Meetings: test_meeting_dates.py; the projects' forms: tests/projects/test_dates_in_range.py."""

import html

import pytest
from django.urls import reverse

from asis.templatetags.asis_format import day_text
from chantiers import forms as chantiers_forms
from plans.models import plan_date_bounds
from tests import factories as f

pytestmark = pytest.mark.django_db

ABSURD = ["9999-12-31", "9999-11-15", "1900-01-01"]
WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def plan_range_message() -> str:
    first, last = plan_date_bounds()
    return f"La date doit être entre le {day_text(first)} et le {day_text(last)}."


@pytest.mark.parametrize("day", ABSURD)
def test_the_date_fields_of_the_chantiers_forms_refuse_an_absurd_date(plan, theme, day):
    space = f.make_space(themes=[theme])
    plan_bound = [
        (chantiers_forms.FollowUpForm({"due_on": day}), ["due_on"]),
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
    form = chantiers_forms.FollowUpForm({"due_on": "2015-01-15"})
    form.is_valid()
    assert "due_on" not in form.errors


def test_a_follow_up_due_in_year_9999_is_refused(client, cast, theme):
    space = f.make_space(themes=[theme])
    meeting = f.make_meeting(space, place="Salle")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:decision-create", args=[meeting.pk]),
        {
            "text": "Décision",
            "suivi-TOTAL_FORMS": 1,
            "suivi-INITIAL_FORMS": 0,
            "suivi-0-what": "Rédiger",
            "suivi-0-due_on": "9999-12-31",
        },
    )
    assert response.status_code == 200 and plan_range_message() in page(response)
    assert not meeting.decisions.exists()


def test_a_seat_since_year_9999_is_refused(client, cast, theme):
    space = f.make_space(themes=[theme])
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:space-member-add", args=[space.pk]),
        {"org-organisation": cast.org_b.pk, "org-role": "member", "org-joined_on": "9999-12-31"},
    )
    assert WIDE in page(response)
    assert not space.memberships.exists()
