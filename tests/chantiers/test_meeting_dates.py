"""Meeting dates within a sane range (issue 15, break 7): year 9999 neither breaks the form nor anyone's calendar feed.

The range is the plan's years give or take a year, widened to five years either side of today
(plans.models.plan_date_bounds); the test plan starts on 1 April 2013 and has three years.
"""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from asis.templatetags.asis_format import day_text
from chantiers.models import Invitation, Meeting
from chantiers.services import meeting_warnings, space_create, space_seat_organisation
from plans.models import plan_date_bounds
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


OUT_OF_RANGE = ["9999-12-31", "9999-11-15", "1900-01-01", "2100-01-01"]


@pytest.fixture
def space(cast, theme):
    space = space_create(
        themes=[theme], name="Chantier logement", lead_organisation=cast.org_a, coordinator=cast.coordinator
    )
    space_seat_organisation(space=space, organisation=cast.org_b)
    return space


def _range_message() -> str:
    first, last = plan_date_bounds()
    return f"La date doit être entre le {day_text(first)} et le {day_text(last)}."


def test_the_range_is_the_plans_years_and_a_year_around_them_widened_to_five_years_around_today(plan):
    today = datetime.date.today()
    first, last = plan_date_bounds(plan)
    assert first == datetime.date(2012, 4, 1)  # a year before the plan's start
    assert last >= datetime.date(2017, 3, 31) and last.year == today.year + 5  # the plan's end + 1 year, or today + 5
    assert _range_message().startswith("La date doit être entre le 1er avril 2012 et le ")


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_scheduling_a_meeting_out_of_range_is_refused_in_french(client, cast, space, day):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:meeting-create", args=[space.pk]),
        {"date": day, "start_time": "13:30", "end_time": "15:00", "place": "Salle du conseil"},
    )
    assert response.status_code == 200
    assert _range_message() in page(response)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("day", OUT_OF_RANGE)
def test_moving_a_meeting_out_of_range_is_refused_in_french(client, cast, space, day):
    meeting = f.make_meeting(space, date=datetime.date(2014, 5, 1), place="Salle du conseil")
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:meeting-update", args=[meeting.pk]),
        {"date": day, "start_time": "13:30", "end_time": "15:00", "place": "Salle du conseil"},
    )
    assert response.status_code == 200 and _range_message() in page(response)
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2014, 5, 1)


def test_a_meeting_in_range_is_scheduled(client, cast, space):
    day = datetime.date.today() + datetime.timedelta(days=30)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:meeting-create", args=[space.pk]),
        {"date": day.isoformat(), "start_time": "13:30", "end_time": "15:00", "place": "Salle du conseil"},
    )
    assert response.status_code == 302 and Meeting.objects.get().date == day


def test_the_warnings_of_the_last_month_python_knows(cast, space):
    """The month's end, not its next day: December 9999 has none (the 500 of the report)."""
    warnings = meeting_warnings(space=space, date=datetime.date(9999, 12, 31), organisations=[cast.org_b], plan=None)
    assert warnings["over_threshold"] == [] and warnings["same_day"] == []


@pytest.mark.parametrize("day", [datetime.date(9999, 12, 31), datetime.date(9999, 11, 15)])
def test_a_stored_year_9999_meeting_does_not_break_the_invited_persons_feed(client, cast, space, day):
    """Stored without the form (the admin, a script, an older version): the feed still answers, without it."""
    real = f.make_meeting(space, date=datetime.date.today() + datetime.timedelta(days=7), place="Salle")
    bogus = f.make_meeting(space, date=datetime.date(2014, 5, 1), place="Salle")
    Meeting.objects.filter(pk=bogus.pk).update(date=day)
    Invitation.objects.bulk_create([Invitation(meeting=m, organisation=cast.org_b) for m in (real, bogus)])
    response = client.get(f"/calendrier/{cast.charlie.calendar_token}.ics")
    assert response.status_code == 200
    uids = {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}
    assert uids == {f"meeting-{real.pk}@asis"}
    # The meeting's own page and the list of upcoming meetings still show it, for coordination to correct.
    client.force_login(cast.coordinator)
    assert client.get(reverse("chantiers:meeting-detail", args=[bogus.pk])).status_code == 200
    assert client.get(reverse("chantiers:meeting-list") + "?tout=1").status_code == 200


def test_a_year_in_the_past_is_counted_from_the_day_in_rouyn_noranda_not_the_servers(client, cast, space, monkeypatch):
    """The server's clock is in UTC: from 19 h (20 h in winter) in Rouyn-Noranda it is already tomorrow there, and
    `date.today()` moved the one-year limit a day early. The portal's day is `timezone.localdate()` (America/Toronto);
    here that day is set apart from the machine's, so only a form reading it accepts the meeting."""
    portal_today = datetime.date.today() - datetime.timedelta(days=200)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: portal_today)
    day = portal_today - datetime.timedelta(
        days=300
    )  # within a year of the portal's day, beyond a year of the machine's
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:meeting-create", args=[space.pk]),
        {"date": day.isoformat(), "start_time": "13:30", "end_time": "15:00", "place": "Salle du conseil"},
    )
    assert response.status_code == 302, page(response)
    assert Meeting.objects.get().date == day
