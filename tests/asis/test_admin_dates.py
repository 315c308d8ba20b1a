"""Dates typed in the admin within the portal's range (issue 15, break 7): the admin is a support tool, not a way
around the forms' bounds. A year 9999 stored there would overflow the pages' and the calendar feed's arithmetic."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory

from chantiers.models import Meeting
from projects.models import ActionProject
from tests import factories as f
from tests.projects.test_project_admin import form_data

pytestmark = pytest.mark.django_db

WIDE = "La date doit être entre le 1er janvier 2000 et le 31 décembre 2100."


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_the_admins_meeting_form_refuses_an_absurd_date(cast, theme, day):
    space = f.make_space(themes=[theme])
    request = RequestFactory().get("/")
    request.user = cast.coordinator
    form_class = admin.site._registry[Meeting].get_form(request)
    form = form_class({"space": space.pk, "date": day, "place": "Salle"})
    assert form.errors.get("date") == [WIDE]


def test_a_project_dated_year_9999_in_the_admin_is_refused(client, cast, theme):
    client.force_login(cast.coordinator)
    response = client.post(
        "/admin/projects/actionproject/add/",
        form_data(theme=theme, lead=cast.org_a, start_date="2014-04-01", end_date="9999-12-31"),
    )
    assert response.status_code == 200 and WIDE in response.content.decode().replace("\xa0", " ")
    assert not ActionProject.objects.exists()


def test_the_meeting_list_of_the_admin_survives_a_stored_year_9999(client, cast, theme):
    meeting = f.make_meeting(f.make_space(themes=[theme]), place="Salle")
    Meeting.objects.filter(pk=meeting.pk).update(date=datetime.date.max)
    client.force_login(cast.coordinator)
    for query in (
        "",
        "?date__year=9999",
        "?date__year=9999&date__month=12",
        "?date__year=9999&date__month=12&date__day=31",
    ):
        assert client.get("/admin/chantiers/meeting/" + query).status_code in (200, 302), query
