"""The hyperconcertation page (principle 3): who is asked to too many meetings, for Coordination and Personnel."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chantiers import selectors, services
from chantiers.models import (
    Attendance,
    Invitation,
    Meeting,
    Space,
    SpaceCitizen,
    SpaceMembership,
)
from organisations.models import Citizen, Organisation, User
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/hyperconcertation/"
TEN, HALF_PAST_ELEVEN = datetime.time(10, 0), datetime.time(11, 30)  # 90 minutes


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def ago(months: int, days: int = 0) -> datetime.date:
    return selectors.months_before(timezone.localdate(), months) - datetime.timedelta(days=days)


def meeting(space, on: datetime.date) -> Meeting:
    """A 90-minute meeting that invites nobody by itself."""
    return services.meeting_schedule(
        space=space, date=on, start_time=TEN, end_time=HALF_PAST_ELEVEN, place="Salle", invite_members=False
    )


def loads(response, table: str) -> list:
    return list(response.context[table]["page"].object_list)


def find(rows, kind, pk):
    return next(load for load in rows if load.kind == kind and load.pk == pk)


def figures(load) -> dict:
    """{months: (meetings, hours)}."""
    return {w.months: (w.meetings, w.hours) for w in load.windows}


@pytest.fixture
def known(cast):
    """Organisation A, a citizen and bob each asked to 2 meetings 1 month ago, 1 five months ago,
    1 eleven months ago and 1 fourteen months ago (90 minutes each), plus one next week."""
    space, other_space = f.make_space(name="Comité logement"), f.make_space(name="Table jeunesse")
    archived = f.make_space(name="Ancien chantier", status=Space.Status.ARCHIVED)
    citizen = f.make_citizen(first_name="Rose", last_name="Côté")
    dates = [ago(1), ago(1, days=3), ago(5), ago(11), ago(14)]
    meetings = [meeting(space, day) for day in dates[:3]] + [meeting(other_space, day) for day in dates[3:]]
    upcoming = meeting(space, timezone.localdate() + datetime.timedelta(days=7))
    for m in [*meetings, upcoming]:
        Invitation.objects.create(meeting=m, organisation=cast.org_a)
        Invitation.objects.create(meeting=m, citizen=citizen)
    # bob: invited to the two recent meetings, present at one of them (counted once), then only
    # attendance rows (no invitation) at the older ones, present or not.
    Invitation.objects.create(meeting=meetings[0], user=cast.bob)
    Invitation.objects.create(meeting=meetings[1], user=cast.bob)
    Attendance.objects.create(meeting=meetings[0], user=cast.bob, organisation=cast.org_a)
    Attendance.objects.create(meeting=meetings[2], user=cast.bob, present=False)
    Attendance.objects.create(meeting=meetings[3], user=cast.bob)
    Attendance.objects.create(meeting=meetings[4], user=cast.bob)
    # Seats: org A and the citizen sit in both active spaces; a left seat and an archived space do not count.
    for s in (space, other_space):
        services.space_seat_organisation(space=s, organisation=cast.org_a)
        services.space_seat_citizen(space=s, citizen=citizen)
    SpaceMembership.objects.create(space=archived, organisation=cast.org_a)
    SpaceCitizen.objects.create(space=archived, citizen=citizen)
    left = f.make_space(name="Chantier quitté")
    SpaceMembership.objects.create(space=left, organisation=cast.org_a, left_on=ago(2))
    SpaceCitizen.objects.create(space=left, citizen=citizen, left_on=ago(2))
    return citizen


# ---------------------------------------------------------------- who may see it


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 403), ("bob", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)],
)
def test_hyperconcertation_access(login, cast, who, status):
    response = login(getattr(cast, who)).get(URL)
    assert response.status_code == status
    if who == "anonymous":
        assert response["Location"] == f"/connexion/?next={URL}"


def test_the_page_is_read_only(login, cast):
    assert login(cast.coordinator).post(URL).status_code == 405


@pytest.mark.parametrize("who, shown", [("staff", True), ("coordinator", True), ("alice", False)])
def test_the_navigation_links_to_both_pages_for_coordination_and_staff(login, cast, who, shown):
    page = text(login(getattr(cast, who)).get("/"))
    assert (f'href="{URL}"' in page) is shown
    assert ('href="/participation-citoyenne/"' in page) is shown


# ---------------------------------------------------------------- the counts


def test_an_organisation_counts_its_invitations_in_each_window(login, cast, known):
    response = login(cast.staff).get(URL)
    org_a = find(loads(response, "organisations"), "organisation", cast.org_a.pk)
    assert org_a.spaces == 2
    assert figures(org_a) == {
        3: (2, Decimal("3.0")),
        6: (3, Decimal("4.5")),
        12: (4, Decimal("6.0")),
    }
    org_b = find(loads(response, "organisations"), "organisation", cast.org_b.pk)
    assert org_b.spaces == 0 and figures(org_b)[12] == (0, 0)


def test_a_citizen_counts_their_invitations_and_current_seats(login, cast, known):
    response = login(cast.staff).get(URL)
    rose = find(loads(response, "people"), "citizen", known.pk)
    assert rose.name == "Rose Côté"
    assert rose.spaces == 2
    assert {months: n for months, (n, _h) in figures(rose).items()} == {3: 2, 6: 3, 12: 4}


def test_a_user_counts_invitations_and_attendance_once_per_meeting(login, cast, known):
    response = login(cast.staff).get(URL)
    bob = find(loads(response, "people"), "user", cast.bob.pk)
    assert figures(bob) == {
        3: (2, Decimal("3.0")),
        6: (3, Decimal("4.5")),
        12: (4, Decimal("6.0")),
    }
    assert bob.spaces == 2  # the two spaces of those meetings over 12 months
    # alice has no meeting nor seat in the alliance: the people table lists only the alliance's people (issue 17)
    assert not [load for load in loads(response, "people") if load.kind == "user" and load.pk == cast.alice.pk]


def test_the_page_shows_the_figures_the_quebec_way(login, cast, known):
    page = text(login(cast.staff).get(URL))
    assert "Organisme A" in page and "Rose Côté" in page
    assert "3,0 h" in page and "4,5 h" in page and "6,0 h" in page
    assert "Citoyen" in page and "Utilisateur" in page


def test_a_users_spaces_count_each_space_once_across_invitations_and_attendance(cast):
    space = f.make_space()
    invited, attended = meeting(space, ago(1)), meeting(space, ago(2))
    Invitation.objects.create(meeting=invited, user=cast.charlie)
    Attendance.objects.create(meeting=attended, user=cast.charlie)
    windows = selectors.meeting_windows(threshold=4)
    charlie = find(selectors.user_loads(windows, alliance=space.alliance), "user", cast.charlie.pk)
    assert charlie.spaces == 1
    assert charlie.windows[0].meetings == 2


def test_the_windows_end_today_and_include_their_first_day(cast):
    space = f.make_space()
    today = timezone.localdate()
    for day in (
        selectors.months_before(today, 3),
        selectors.months_before(today, 3) - datetime.timedelta(days=1),
        today,
    ):
        Invitation.objects.create(meeting=meeting(space, day), organisation=cast.org_b)
    windows = selectors.meeting_windows(threshold=4, today=today)
    assert [(w.start, w.end) for w in windows][0] == (selectors.months_before(today, 3), today)
    org_b = find(selectors.organisation_loads(windows, alliance=space.alliance), "organisation", cast.org_b.pk)
    assert [w.meetings for w in org_b.windows] == [2, 3, 3]


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert selectors.months_before(datetime.date(2025, 5, 31), 3) == datetime.date(2025, 2, 28)
    assert selectors.months_before(datetime.date(2025, 2, 15), 12) == datetime.date(2024, 2, 15)
    assert selectors.months_before(datetime.date(2025, 1, 10), 1) == datetime.date(2024, 12, 10)


# ---------------------------------------------------------------- above the threshold


@pytest.fixture
def busy(cast, plan):
    """Threshold 1 a month: over 3 in 3 months, 6 in 6, 12 in 12. Organisation B has 4 meetings last month
    (over in 3 months only), organisation A exactly 3 (at the limit, not over)."""
    plan.meeting_threshold_per_month = 1
    plan.save()
    space = f.make_space()
    for i in range(4):
        m = meeting(space, ago(0, days=i + 1))
        Invitation.objects.create(meeting=m, organisation=cast.org_b)
        if i < 3:
            Invitation.objects.create(meeting=m, organisation=cast.org_a)
    return space


def test_a_count_above_threshold_times_months_is_flagged(login, cast, busy):
    response = login(cast.staff).get(URL)
    rows = loads(response, "organisations")
    org_b, org_a = find(rows, "organisation", cast.org_b.pk), find(rows, "organisation", cast.org_a.pk)
    assert [w.over for w in org_b.windows] == [True, False, False] and org_b.over
    assert [w.over for w in org_a.windows] == [False, False, False] and not org_a.over
    assert [w.limit for w in response.context["windows"]] == [3, 6, 12]


def test_flagged_cells_say_so_in_text_not_only_in_colour(login, cast, busy):
    page = text(login(cast.staff).get(URL))
    assert page.count("au-delà du seuil</span>") == 1  # the one cell, with its ⚠
    assert page.count('<span aria-hidden="true">⚠</span>') == 1
    assert 'class="over-threshold"' in page
    assert "1 organisation au-delà du seuil" in page
    assert "plus de 3 rencontres en 3 mois" in page


# ---------------------------------------------------------------- sorting and pages


@pytest.fixture
def ranked(cast):
    """Organisation A: 1 meeting in 3 months, 3 in 12; B: 2 in 3 months, 2 in 12; bob invited once (the people
    table lists the alliance's people only: it has one)."""
    space = f.make_space()
    for day in (ago(1), ago(7), ago(8)):
        Invitation.objects.create(meeting=meeting(space, day), organisation=cast.org_a)
    Invitation.objects.create(meeting=Meeting.objects.filter(space=space).first(), user=cast.bob)
    for day in (ago(1, days=1), ago(2)):
        Invitation.objects.create(meeting=meeting(space, day), organisation=cast.org_b)


def names(response, table="organisations"):
    return [load.name for load in loads(response, table)]


def test_by_default_the_most_meetings_in_3_months_come_first(login, cast, ranked):
    response = login(cast.staff).get(URL)
    assert names(response)[:2] == ["Organisme B", "Organisme A"]
    assert text(response).count('aria-sort="descending"') == 2  # the same column in both tables


def test_sort_by_any_numeric_column_either_way(login, cast, ranked):
    client = login(cast.staff)
    assert names(client.get(URL, {"tri": "rencontres-12", "ordre": "desc"}))[:2] == ["Organisme A", "Organisme B"]
    ascending = client.get(URL, {"tri": "rencontres-3", "ordre": "asc"})
    assert names(ascending)[-2:] == ["Organisme A", "Organisme B"]
    page = text(ascending)
    assert page.count('aria-sort="ascending"') == 2 and 'aria-sort="descending"' not in page
    assert (
        'href="/hyperconcertation/?tri=rencontres-3&amp;ordre=desc#organisations"' in page
    )  # the current column flips
    assert 'href="/hyperconcertation/?tri=heures-12&amp;ordre=desc#personnes"' in page
    assert names(client.get(URL, {"tri": "heures-12"}))[:2] == ["Organisme A", "Organisme B"]


def test_an_unknown_sort_falls_back_to_the_default(login, cast, ranked):
    response = login(cast.staff).get(URL, {"tri": "name; DROP TABLE", "ordre": "sideways"})
    assert response.status_code == 200
    assert names(response)[:2] == ["Organisme B", "Organisme A"]


def test_each_table_has_its_own_pages_of_50(login, cast):
    Organisation.objects.bulk_create(
        [Organisation(name=f"Groupe {i:03}", kind=Organisation.Kind.COMMUNITY) for i in range(120)]
    )
    client = login(cast.staff)
    total = Organisation.objects.count()  # 120 + A, B and the coordinating organisation
    response = client.get(URL, {"page-organisations": 3, "tri": "lieux", "ordre": "asc"})
    assert len(loads(response, "organisations")) == total - 100
    assert response.context["organisations"]["page"].number == 3
    assert response.context["people"]["page"].number == 1  # the people table keeps its own page
    page = text(response)
    assert "page-organisations=2" in page and "tri=lieux" in page  # the previous page keeps the sort
    assert "Page 3 sur 3" in page


# ---------------------------------------------------------------- the threshold form


def test_coordination_sees_the_threshold_form_and_staff_do_not(login, cast):
    coordination = text(login(cast.coordinator).get(URL))
    assert 'action="/hyperconcertation/seuil/"' in coordination and "csrfmiddlewaretoken" in coordination
    assert 'value="4"' in coordination
    staff = text(login(cast.staff).get(URL))
    assert "4 rencontres par mois" in staff
    assert 'action="/hyperconcertation/seuil/"' not in staff


def test_without_a_plan_the_default_threshold_applies(client):
    client.force_login(f.make_user(group="Personnel"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "4 rencontres par mois" in text(response)


# ---------------------------------------------------------------- queries


def grow(cast, *, organisations, meetings, citizens, users):
    """Bulk rows: invitations for every organisation, citizen and user, and attendance rows."""
    space = f.make_space()
    today = timezone.localdate()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Org {Organisation.objects.count()}-{i}", kind=Organisation.Kind.COMMUNITY)
            for i in range(organisations)
        ]
    )
    people = Citizen.objects.bulk_create([Citizen(first_name="C", last_name=str(i)) for i in range(citizens)])
    accounts = User.objects.bulk_create([User(username=f"u{User.objects.count()}-{i}") for i in range(users)])
    rows = Meeting.objects.bulk_create(
        [
            Meeting(space=space, date=today - datetime.timedelta(days=3 * i), duration_minutes=90)
            for i in range(meetings)
        ]
    )
    Invitation.objects.bulk_create(
        [Invitation(meeting=m, organisation=o) for i, m in enumerate(rows) for o in orgs[i % 10 :: 10]]
        + [Invitation(meeting=m, citizen=c) for m in rows[::2] for c in people]
        + [Invitation(meeting=m, user=u) for m in rows[::3] for u in accounts]
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=m, user=u) for m in rows[::2] for u in accounts]
        + [Attendance(meeting=m, citizen=c, present=True) for m in rows[::4] for c in people]
    )
    SpaceMembership.objects.bulk_create([SpaceMembership(space=space, organisation=o) for o in orgs])
    SpaceCitizen.objects.bulk_create([SpaceCitizen(space=space, citizen=c) for c in people])


def _count(client, url=URL):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_hyperconcertation_queries_do_not_grow_with_the_data(login, cast, who, django_assert_max_num_queries):
    client = login(getattr(cast, who))
    grow(cast, organisations=5, meetings=4, citizens=2, users=2)
    small_build = _count(client)  # the first view after a write builds the figures
    small = _count(client)
    grow(cast, organisations=200, meetings=100, citizens=40, users=30)
    assert Attendance.objects.count() > 2000 and Invitation.objects.count() > 3000
    large_url = URL + "?tri=heures-6&ordre=asc&page-organisations=3&page-personnes=2"
    # As above, plus: the state row locked, the figures deleted, built again in one INSERT … SELECT, the
    # state stamped (4), in a savepoint (2: the test runs in a transaction); and the alliance's people counted
    # from the figures just built (1: the people table lists the alliance's people only, issue 17).
    with django_assert_max_num_queries(15):
        large_build = _count(client, large_url)
    # session, user, groups (role, cached), current plan (4); +1: the page's alliance (AllianceMiddleware);
    # the figures' state (still true) and both tables' counts (1);
    # organisations: the page shown, sorted in SQL, with how many are over the threshold (1);
    # people (citizens and users): likewise (1).
    with django_assert_max_num_queries(8):
        large = _count(client, large_url)
    assert (large_build, large) == (small_build, small)


def test_pages_are_cut_from_the_sorted_list_ties_by_name(login, cast):
    """The database sorts and cuts the pages: page 2 continues page 1 (ties A to Z), nothing repeated or lost."""
    Organisation.objects.bulk_create(
        [Organisation(name=f"Groupe {i:03}", kind=Organisation.Kind.COMMUNITY) for i in reversed(range(70))]
    )
    space = f.make_space()
    Invitation.objects.create(meeting=meeting(space, ago(1)), organisation=Organisation.objects.get(name="Groupe 069"))
    client = login(cast.staff)
    first, second = (names(client.get(URL, {"page-organisations": n})) for n in (1, 2))
    assert first[0] == "Groupe 069"  # the only one with a meeting comes first, then every tie by name
    others = Organisation.objects.exclude(name="Groupe 069").values_list("name", flat=True)
    assert len(first) == 50
    assert first + second == ["Groupe 069", *sorted(others, key=str.lower)]
