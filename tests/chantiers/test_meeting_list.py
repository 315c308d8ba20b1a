"""« Mes rencontres »: the upcoming meetings a person coordinates or is invited to, and their feed address."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chantiers.models import Invitation
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/rencontres/"


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def detail(meeting) -> str:
    return f'href="/rencontres/{meeting.pk}/"'


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def meetings(cast):
    space_a = f.make_space(name="Table de A")
    space_b = f.make_space(name="Table de B")
    coordinated = f.make_space(name="Chantier coordonné", coordinator=cast.coordinator)
    m = SimpleNamespace(
        for_a=f.make_meeting(
            space_a,
            date=in_days(3),
            start_time=datetime.time(13, 30),
            end_time=datetime.time(15, 0),
            place="Salle du conseil",
        ),
        for_b=f.make_meeting(space_b, date=in_days(4), video_link="https://visio.example.org/b"),
        coordinated=f.make_meeting(coordinated, date=in_days(5), start_time=datetime.time(9, 0)),
        past_for_a=f.make_meeting(space_a, date=in_days(-2)),
        not_invited=f.make_meeting(space_a, date=in_days(6)),
        alice_herself=f.make_meeting(space_b, date=in_days(1), start_time=datetime.time(10, 0)),
    )
    for meeting in (m.for_a, m.past_for_a):
        Invitation.objects.create(meeting=meeting, organisation=cast.org_a)
    Invitation.objects.create(meeting=m.for_b, organisation=cast.org_b)
    Invitation.objects.create(meeting=m.alice_herself, user=cast.alice)
    return m


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 200), ("coordinator", 200), ("staff", 200)],
)
def test_meeting_list_access(login, cast, who, status):
    response = login(getattr(cast, who)).get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == f"/connexion/?next={URL}"


def test_anonymous_cannot_regenerate_a_token(client, cast):
    before = cast.alice.calendar_token
    response = client.post(URL, {"regenerate": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    cast.alice.refresh_from_db()
    assert cast.alice.calendar_token == before


def test_a_partner_sees_their_organisations_and_their_own_invitations_in_order(login, cast, meetings):
    page = login(cast.alice).get(URL).content.decode()
    assert detail(meetings.alice_herself) in page and detail(meetings.for_a) in page
    assert page.index(detail(meetings.alice_herself)) < page.index(detail(meetings.for_a))
    for hidden in (meetings.for_b, meetings.coordinated, meetings.past_for_a, meetings.not_invited):
        assert detail(hidden) not in page
    assert "Toutes les rencontres de l'Alliance".replace("'", "&#x27;") not in page


def test_a_colleague_sees_the_organisations_invitation_not_alices_own(login, cast, meetings):
    page = login(cast.bob).get(URL).content.decode()
    assert detail(meetings.for_a) in page
    assert detail(meetings.alice_herself) not in page


def test_another_organisation_sees_only_its_own(login, cast, meetings):
    page = login(cast.charlie).get(URL).content.decode()
    assert detail(meetings.for_b) in page
    for hidden in (meetings.for_a, meetings.alice_herself, meetings.coordinated):
        assert detail(hidden) not in page


def test_a_partner_cannot_ask_for_everything(login, cast, meetings):
    page = login(cast.alice).get(URL + "?tout=1").content.decode()
    assert detail(meetings.for_b) not in page and detail(meetings.coordinated) not in page


def test_a_coordinator_sees_the_spaces_they_coordinate_then_everything(login, cast, meetings):
    client = login(cast.coordinator)
    page = client.get(URL).content.decode()
    assert detail(meetings.coordinated) in page
    assert detail(meetings.for_a) not in page and detail(meetings.for_b) not in page
    assert 'href="/rencontres/?tout=1"' in page

    page = client.get(URL + "?tout=1").content.decode()
    upcoming = (meetings.alice_herself, meetings.for_a, meetings.for_b, meetings.coordinated, meetings.not_invited)
    positions = [page.index(detail(m)) for m in upcoming]
    assert positions == sorted(positions)
    assert detail(meetings.past_for_a) not in page


def test_staff_may_read_every_upcoming_meeting(login, cast, meetings):
    page = login(cast.staff).get(URL + "?tout=1").content.decode()
    for meeting in (meetings.for_a, meetings.for_b, meetings.coordinated, meetings.not_invited):
        assert detail(meeting) in page


def test_a_row_shows_date_time_space_and_place(login, cast, meetings):
    page = text(login(cast.coordinator).get(URL + "?tout=1"))
    day = meetings.for_a.date
    assert day.strftime("%Y-%m-%d") in page
    assert "13:30–15:00" in page
    assert f'href="/lieux/{meetings.for_a.space_id}/">Table de A</a>' in page
    assert "Salle du conseil" in page
    assert 'href="https://visio.example.org/b"' in page
    assert "Toute la journée" in page  # for_b has no start time


def test_the_long_day_is_written_in_french(login, cast, meetings):
    meetings.for_a.date = datetime.date(timezone.localdate().year + 1, 12, 3)
    meetings.for_a.save()
    page = text(login(cast.alice).get(URL))
    assert f"3 décembre {meetings.for_a.date.year}" in page
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][meetings.for_a.date.weekday()]
    assert f"{weekday} 3 décembre" in page


def test_the_list_is_paginated_and_keeps_the_everything_choice(login, cast):
    space = f.make_space()
    for i in range(30):
        f.make_meeting(space, date=in_days(1 + i))
    client = login(cast.coordinator)
    first = client.get(URL + "?tout=1")
    assert first.content.decode().count('data-testid="meeting-row"') == 25
    assert 'href="?tout=1&amp;page=2"' in first.content.decode()
    second = client.get(URL + "?tout=1&page=2")
    assert second.content.decode().count('data-testid="meeting-row"') == 5


def test_the_page_shows_the_personal_feed_address(login, cast):
    page = login(cast.alice).get(URL).content.decode()
    assert f'value="http://testserver/calendrier/{cast.alice.calendar_token}.ics"' in page
    assert 'for="feed-url"' in page and "readonly" in page
    assert "« Ajouter un agenda › À partir de l'URL »" in page and "Outlook" in page


def test_regenerating_the_token_retires_the_old_address(login, cast):
    client = login(cast.alice)
    old = cast.alice.calendar_token
    assert client.get(f"/calendrier/{old}.ics").status_code == 200

    response = client.post(URL, {"regenerate": "1"})
    assert response.status_code == 302 and response["Location"] == URL

    cast.alice.refresh_from_db()
    assert cast.alice.calendar_token != old
    assert client.get(f"/calendrier/{old}.ics").status_code == 404
    assert client.get(f"/calendrier/{cast.alice.calendar_token}.ics").status_code == 200
    page = text(client.get(URL))
    assert "Nouvelle adresse d" in page
    assert str(cast.alice.calendar_token) in page


def test_regenerating_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    old = cast.alice.calendar_token
    assert client.post(URL, {"regenerate": "1"}).status_code == 403
    cast.alice.refresh_from_db()
    assert cast.alice.calendar_token == old


def test_the_navigation_offers_my_meetings_to_logged_in_people_only(client, cast):
    assert 'href="/rencontres/"' not in client.get("/").content.decode()
    client.force_login(cast.bob)
    assert 'href="/rencontres/"' in client.get("/").content.decode()
    assert 'aria-current="page" href="/rencontres/"' in client.get(URL).content.decode()


def _grow(cast, spaces: int, per_space: int):
    """Meetings in many spaces, invited several ways, so an N+1 on spaces or invitations would show."""
    for i in range(spaces):
        space = f.make_space(coordinator=cast.coordinator if i % 2 else None)
        for j in range(per_space):
            meeting = f.make_meeting(space, date=in_days(1 + j), place=f"Salle {j}")
            Invitation.objects.create(meeting=meeting, organisation=cast.org_a)
            Invitation.objects.create(meeting=meeting, user=cast.alice)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "who, url, expected",
    [
        # session, user, groups and memberships (role and organisation ids, one query), count,
        # one page of meetings with their space; +1: the page's alliance (AllianceMiddleware, issue 17)
        ("alice", URL, 6),
        ("coordinator", URL, 6),
        # « tout »: no organisation ids needed
        ("coordinator", URL + "?tout=1", 6),
        ("staff", URL + "?tout=1", 6),
    ],
)
def test_meeting_list_queries_do_not_grow_with_the_data(login, cast, who, url, expected, django_assert_max_num_queries):
    client = login(getattr(cast, who))
    _grow(cast, spaces=2, per_space=1)
    small = _count(client, url)
    _grow(cast, spaces=20, per_space=3)  # 60 more meetings in 20 more spaces
    with django_assert_max_num_queries(expected):
        large = _count(client, url)
    assert large == small == expected
