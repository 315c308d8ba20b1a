"""The personal iCalendar feed: no login, a secret token, RFC 5545 that calendar apps (and icalendar) read back."""

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from chantiers.models import Invitation
from chantiers.views import calendar as calendar_views
from tests import factories as f

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEXT_YEAR = timezone.localdate().year + 1


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def feed_url(user) -> str:
    return f"/calendrier/{user.calendar_token}.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meetings(cast):
    space_a = f.make_space(name="Table de A, logement")
    space_b = f.make_space(name="Table de B")
    coordinated = f.make_space(name="Chantier coordonné", coordinator=cast.coordinator)
    m = SimpleNamespace(
        # Winter (EST, UTC-5), no end time: the default hour and a half.
        winter=f.make_meeting(
            space_a,
            date=datetime.date(NEXT_YEAR, 12, 3),
            start_time=datetime.time(13, 30),
            place="Salle du conseil; 2e étage, porte B",
            agenda="1. Ouverture\n2. Logement social",
            video_link="https://visio.example.org/a",
        ),
        # Summer (EDT, UTC-4), with an end time.
        summer=f.make_meeting(
            space_a,
            date=datetime.date(NEXT_YEAR, 7, 3),
            start_time=datetime.time(13, 30),
            end_time=datetime.time(16, 0),
            video_link="https://visio.example.org/ete",
        ),
        all_day=f.make_meeting(space_a, date=datetime.date(NEXT_YEAR, 9, 15)),
        recent=f.make_meeting(space_a, date=in_days(-30)),
        too_old=f.make_meeting(space_a, date=in_days(-100)),
        for_b=f.make_meeting(space_b, date=datetime.date(NEXT_YEAR, 12, 4)),
        not_invited=f.make_meeting(space_a, date=datetime.date(NEXT_YEAR, 12, 5)),
        coordinated=f.make_meeting(coordinated, date=datetime.date(NEXT_YEAR, 12, 6)),
        alice_herself=f.make_meeting(space_b, date=datetime.date(NEXT_YEAR, 12, 7)),
    )
    for meeting in (m.winter, m.summer, m.all_day, m.recent, m.too_old):
        Invitation.objects.create(meeting=meeting, organisation=cast.org_a)
    Invitation.objects.create(meeting=m.for_b, organisation=cast.org_b)
    Invitation.objects.create(meeting=m.alice_herself, user=cast.alice)
    return m


def uid(meeting) -> str:
    return f"meeting-{meeting.pk}@asis"


def test_the_feed_needs_no_login_and_answers_in_icalendar(client, cast):
    response = client.get(feed_url(cast.alice))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Disposition"] == 'inline; filename="asis-rencontres.ics"'
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "ASIS — mes rencontres"
    assert str(calendar["VERSION"]) == "2.0" and calendar.get("PRODID")
    assert calendar.walk("VEVENT") == []


def test_an_unknown_token_is_404(client, cast):
    assert client.get(f"/calendrier/{uuid.uuid4()}.ics").status_code == 404


def test_an_inactive_persons_feed_is_404(client, cast):
    cast.alice.is_active = False
    cast.alice.save()
    assert client.get(feed_url(cast.alice)).status_code == 404


def test_the_feed_is_read_only(client, cast):
    assert client.post(feed_url(cast.alice)).status_code == 405


def test_a_partners_feed_holds_their_meetings_only(client, cast, meetings):
    events = events_by_uid(parse(client.get(feed_url(cast.alice))))
    expected = [meetings.winter, meetings.summer, meetings.all_day, meetings.recent, meetings.alice_herself]
    assert set(events) == {uid(m) for m in expected}
    # Another organisation's meeting, an uninvited one and one older than 90 days are absent.
    for absent in (meetings.for_b, meetings.not_invited, meetings.too_old, meetings.coordinated):
        assert uid(absent) not in events


def test_another_organisations_feed(client, cast, meetings):
    events = events_by_uid(parse(client.get(feed_url(cast.charlie))))
    assert set(events) == {uid(meetings.for_b)}


def test_a_coordinators_feed_holds_the_spaces_they_coordinate(client, cast, meetings):
    events = events_by_uid(parse(client.get(feed_url(cast.coordinator))))
    assert set(events) == {uid(meetings.coordinated)}


def test_times_are_rouyn_noranda_times(client, cast, meetings):
    calendar = parse(client.get(feed_url(cast.alice)))
    events = events_by_uid(calendar)

    winter = events[uid(meetings.winter)]
    assert winter["DTSTART"].params["TZID"] == "America/Toronto"
    assert winter.start.astimezone(UTC) == datetime.datetime(NEXT_YEAR, 12, 3, 18, 30, tzinfo=UTC)
    assert winter.end - winter.start == datetime.timedelta(minutes=90)  # no end time: an hour and a half

    summer = events[uid(meetings.summer)]
    assert summer.start.astimezone(UTC) == datetime.datetime(NEXT_YEAR, 7, 3, 17, 30, tzinfo=UTC)
    assert summer.end.astimezone(UTC) == datetime.datetime(NEXT_YEAR, 7, 3, 20, 0, tzinfo=UTC)

    # The VTIMEZONE the TZID refers to is in the calendar (RFC 5545, 3.2.19).
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Toronto"]
    assert calendar.get_missing_tzids() == set()


def test_a_meeting_without_a_start_time_is_an_all_day_event(client, cast, meetings):
    response = client.get(feed_url(cast.alice))
    event = events_by_uid(parse(response))[uid(meetings.all_day)]
    assert f"DTSTART;VALUE=DATE:{NEXT_YEAR}0915\r\n" in response.content.decode()
    assert type(event.start) is datetime.date
    assert event.start == datetime.date(NEXT_YEAR, 9, 15)
    assert event.end == datetime.date(NEXT_YEAR, 9, 16)  # DTEND is exclusive


def test_an_event_carries_summary_place_agenda_and_link(client, cast, meetings):
    response = client.get(feed_url(cast.alice))
    events = events_by_uid(parse(response))
    winter = events[uid(meetings.winter)]
    assert str(winter["SUMMARY"]) == "Table de A, logement — Rencontre"
    assert str(winter["LOCATION"]) == "Salle du conseil; 2e étage, porte B"  # escaped on the wire, read back intact
    assert str(winter["DESCRIPTION"]).startswith("1. Ouverture\n2. Logement social")
    assert "https://visio.example.org/a" in str(winter["DESCRIPTION"])  # a place and a link: the link goes here
    # The feed lists every alliance's meetings: each links to its alliance's address (issue 17)
    slug = meetings.winter.space.alliance.slug
    assert str(winter["URL"]) == f"http://testserver/{slug}/rencontres/{meetings.winter.pk}/"
    assert winter.get("DTSTAMP") is not None
    summer = events[uid(meetings.summer)]
    assert str(summer["LOCATION"]) == "https://visio.example.org/ete"  # no place: the video link
    raw = response.content.decode()
    assert "LOCATION:Salle du conseil\\; 2e étage\\, porte B\r\n" in raw
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))  # folded lines


def test_the_feed_is_capped(client, cast, meetings, monkeypatch):
    monkeypatch.setattr(calendar_views, "FEED_MAX_EVENTS", 2)
    events = events_by_uid(parse(client.get(feed_url(cast.alice))))
    assert set(events) == {uid(meetings.recent), uid(meetings.summer)}  # the first two, by date


def _grow(cast, spaces: int, per_space: int):
    """Meetings in many spaces, invited several ways, so an N+1 on spaces or invitations would show."""
    for i in range(spaces):
        space = f.make_space(coordinator=cast.alice if i % 2 else None)
        for j in range(per_space):
            meeting = f.make_meeting(space, date=in_days(1 + j), start_time=datetime.time(9 + j, 0), place=f"Salle {j}")
            Invitation.objects.create(meeting=meeting, organisation=cast.org_a)
            Invitation.objects.create(meeting=meeting, user=cast.alice)


def _count(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), len(parse(response).walk("VEVENT"))


def test_feed_queries_do_not_grow_with_the_data(client, cast, django_assert_max_num_queries):
    _grow(cast, spaces=2, per_space=1)
    small, small_events = _count(client, feed_url(cast.alice))
    _grow(cast, spaces=20, per_space=3)  # 60 more meetings in 20 more spaces
    # the user by token, their organisation ids (and alliance roles), the meetings with their space and alliance;
    # +1: the address's alliance (AllianceMiddleware, issue 17)
    with django_assert_max_num_queries(4):
        large, large_events = _count(client, feed_url(cast.alice))
    assert large == small == 4
    assert (small_events, large_events) == (2, 62)
