"""Citizen participation per space (principle 5, the citizen at the heart), for Coordination and Personnel."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chantiers import selectors, services
from chantiers.models import (
    Attendance,
    Decision,
    Invitation,
    Meeting,
    Space,
    SpaceCitizen,
)
from organisations.models import Citizen
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/participation-citoyenne/"


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def schedule(space, on, **kwargs) -> Meeting:
    return services.meeting_schedule(
        space=space, date=on, start_time=datetime.time(13), end_time=datetime.time(15), place="Salle", **kwargs
    )


@pytest.fixture
def known(cast):
    """Space « Logement »: citizens Rose and Paul sit there (Léa has left). Five meetings:
    m1 decision, Rose present; m2 decision, both absent; m3 no decision, Rose present (only she was invited);
    m4 two decisions, both present; m5 next week (not counted). Space « Jeunesse »: one citizen, no meeting.
    An archived space is not shown."""
    housing, youth = f.make_space(name="Logement"), f.make_space(name="Jeunesse")
    archived = f.make_space(name="Ancien comité")
    rose, paul, lea = (
        f.make_citizen(first_name="Rose"),
        f.make_citizen(first_name="Paul"),
        f.make_citizen(first_name="Léa"),
    )
    for citizen in (rose, paul):
        services.space_seat_citizen(space=housing, citizen=citizen)
    services.space_seat_citizen(space=youth, citizen=lea)
    services.space_seat_organisation(space=housing, organisation=cast.org_a)
    m1, m2, m4 = schedule(housing, days_ago(60)), schedule(housing, days_ago(30)), schedule(housing, days_ago(1))
    m3 = schedule(housing, days_ago(20), invite_members=False)
    Invitation.objects.create(meeting=m3, citizen=rose)
    upcoming = schedule(housing, days_ago(-7))
    services.attendance_record(meeting=m1, citizens=[rose], organisations=[cast.org_a])
    services.attendance_record(meeting=m2, users=[cast.alice])
    Attendance.objects.bulk_create([Attendance(meeting=m2, citizen=c, present=False) for c in (rose, paul)])
    services.attendance_record(meeting=m3, citizens=[rose])
    services.attendance_record(meeting=m4, citizens=[rose, paul])
    services.decision_record(meeting=m1, text="Adopter le plan de travail")
    services.decision_record(meeting=m2, text="Reporter le sondage")
    services.decision_record(meeting=m4, text="Lancer la campagne")
    services.decision_record(meeting=m4, text="Inviter la Ville")
    Decision.objects.create(meeting=upcoming, text="Décidé d'avance")  # a future meeting does not count
    services.space_seat_citizen(space=archived, citizen=rose)
    schedule(archived, days_ago(10))
    services.space_archive(space=archived)
    SpaceCitizen.objects.filter(citizen=lea, space=housing).delete()
    SpaceCitizen.objects.create(space=housing, citizen=lea, left_on=days_ago(90))
    return housing, youth


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)],
)
def test_citizen_participation_access(login, cast, who, status):
    response = login(getattr(cast, who)).get(URL)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == f"/connexion/?next={URL}"


def test_the_page_is_read_only(login, cast):
    assert login(cast.coordinator).post(URL).status_code == 405


def test_per_space_citizens_attendance_rate_and_decisions_with_a_citizen(login, cast, known):
    housing, youth = known
    response = login(cast.staff).get(URL)
    spaces = {row["name"]: row for row in response.context["spaces"]}
    assert list(spaces) == ["Jeunesse", "Logement"]  # active spaces only, by name
    row = spaces["Logement"]
    assert row["citizen_members"] == 2  # Rose and Paul; Léa has left
    # Invited: m1 2, m2 2, m3 1, m4 2 = 7; present: m1 Rose, m3 Rose, m4 both = 4.
    assert (row["citizen_present"], row["citizen_invitations"]) == (4, 7)
    assert row["attendance_rate"] == Decimal("57")
    # Meetings with a decision: m1, m2, m4 (twice decided, counted once); with a citizen present: m1, m4.
    assert (row["decided_meetings"], row["decided_with_citizen"]) == (3, 2)
    assert row["decided_with_citizen_share"] == Decimal("67")  # 66.7 rounded half up
    empty = spaces["Jeunesse"]
    assert (empty["citizen_members"], empty["attendance_rate"], empty["decided_with_citizen_share"]) == (1, None, None)


def test_totals_at_the_bottom(login, cast, known):
    response = login(cast.staff).get(URL)
    totals = response.context["totals"]
    assert (totals["citizen_members"], totals["citizen_present"], totals["citizen_invitations"]) == (3, 4, 7)
    assert (totals["decided_meetings"], totals["decided_with_citizen"]) == (3, 2)
    assert (totals["attendance_rate"], totals["decided_with_citizen_share"]) == (Decimal("57"), Decimal("67"))


def test_the_table_shows_percents_the_quebec_way_and_a_dash_without_invitation(login, cast, known):
    page = text(login(cast.staff).get(URL))
    assert "57 %" in page and "67 %" in page
    assert "4 présences sur 7 invitations" in page
    assert '<span aria-hidden="true">—</span><span class="visually-hidden">aucune invitation</span>' in page
    assert "<tfoot>" in page and "Total" in page
    assert "Ancien comité" not in page


def test_meetings_held_today_count(cast):
    space = f.make_space()
    rose = f.make_citizen()
    services.space_seat_citizen(space=space, citizen=rose)
    today = schedule(space, timezone.localdate())
    services.attendance_record(meeting=today, citizens=[rose])
    services.decision_record(meeting=today, text="Décision du jour")
    row = selectors.citizen_participation(alliance=space.alliance)["spaces"][0]
    assert (row["attendance_rate"], row["decided_with_citizen_share"]) == (Decimal("100"), Decimal("100"))


def grow(*, spaces, meetings_per_space, citizens):
    """Bulk rows: spaces with citizen seats, past meetings with invitations, attendance and decisions."""
    today = timezone.localdate()
    n = Space.objects.count()
    alliance = f.make_space().alliance  # the alliance of the page (the only one)
    rooms = Space.objects.bulk_create([Space(alliance=alliance, name=f"Lieu {n}-{i}") for i in range(spaces)])
    people = Citizen.objects.bulk_create([Citizen(first_name="C", last_name=str(i)) for i in range(citizens)])
    SpaceCitizen.objects.bulk_create([SpaceCitizen(space=r, citizen=c) for r in rooms for c in people])
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(space=r, date=today - datetime.timedelta(days=7 * i), duration_minutes=120)
            for r in rooms
            for i in range(meetings_per_space)
        ]
    )
    Invitation.objects.bulk_create([Invitation(meeting=m, citizen=c) for m in meetings for c in people])
    Attendance.objects.bulk_create(
        [Attendance(meeting=m, citizen=c, present=bool(i % 3)) for m in meetings for i, c in enumerate(people)]
    )
    Decision.objects.bulk_create([Decision(meeting=m, text="D") for m in meetings[::2]])


def _count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_citizen_participation_queries_do_not_grow_with_the_data(login, cast, who, django_assert_max_num_queries):
    client = login(getattr(cast, who))
    grow(spaces=2, meetings_per_space=2, citizens=2)
    small = _count(client)
    grow(spaces=40, meetings_per_space=25, citizens=10)
    assert Attendance.objects.count() > 10000
    # session, user, groups (role, cached) (3); active spaces with their citizen seats, citizen invitations
    # and present citizens grouped by space, held meetings with a decision / with a citizen grouped by space (4);
    # +1: the page's alliance (AllianceMiddleware, issue 17).
    with django_assert_max_num_queries(8):
        large = _count(client)
    assert large == small
