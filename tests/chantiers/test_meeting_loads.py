"""The hyperconcertation figures kept in MeetingLoad (a cache, per alliance): after every kind of write, and on
another day, the page shows exactly what computing them from the invitations, attendance rows and seats gives; a
write in one alliance never rebuilds another alliance's figures (issue 17, item 7)."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliances.models import Alliance
from chantiers import selectors, services
from chantiers.models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingLoad,
    MeetingLoadState,
    Space,
    SpaceCitizen,
    SpaceMembership,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TEN, NOON = datetime.time(10, 0), datetime.time(12, 0)


def rows(table) -> list:
    return [
        (load.kind, load.pk, load.name, load.spaces, [(w.meetings, w.minutes, w.over) for w in load.windows])
        for load in table[0 : table.count()]
    ]


def alliance():
    """The alliance of the spaces (the only one)."""
    return Space.objects.first().alliance if Space.objects.exists() else Alliance.objects.first()


def state(of=None) -> MeetingLoadState:
    """The state of the figures of alliance `of` (of the spaces' alliance by default)."""
    return MeetingLoadState.objects.get(alliance=of or alliance())


def assert_exact(today=TODAY, threshold=1, of=None):
    """The page's tables of alliance `of` (read from MeetingLoad) equal the figures computed now from the source
    rows."""
    of = of or alliance()
    report = selectors.hyperconcertation_report(alliance=of, threshold=threshold, today=today)
    live = {table: selectors.RankedLoads(table, report["windows"], alliance=of) for table in selectors.TABLES}
    for table in selectors.TABLES:
        assert rows(report[table]) == rows(live[table]), table
        assert report[table].over_count == live[table].over_count, table
    return report


@pytest.fixture
def busy(cast):
    """Two active spaces with seats, meetings in each window (and one next week), invitations and attendance."""
    space, other = f.make_space(name="Comité logement"), f.make_space(name="Table jeunesse")
    citizen = f.make_citizen(first_name="Rose", last_name="Côté")
    for s in (space, other):
        services.space_seat_organisation(space=s, organisation=cast.org_a)
        services.space_seat_citizen(space=s, citizen=citizen)
    services.space_seat_organisation(space=space, organisation=cast.org_b)
    meetings = []
    for days, s in ((10, space), (40, space), (100, other), (200, other), (300, space), (500, space), (-7, other)):
        meetings.append(
            services.meeting_schedule(
                space=s, date=TODAY - datetime.timedelta(days=days), start_time=TEN, end_time=NOON, place="Salle"
            )
        )
    for m in meetings[:4]:
        Invitation.objects.create(meeting=m, user=cast.bob)
    services.attendance_record(meeting=meetings[0], users=[cast.bob, cast.alice], citizens=[citizen])
    services.attendance_record(meeting=meetings[4], users=[cast.alice])
    return {"space": space, "other": other, "citizen": citizen, "meetings": meetings}


def test_the_page_shows_the_computed_figures(busy, cast):
    report = assert_exact()
    org_a = next(load for load in report["organisations"][0:50] if load.pk == cast.org_a.pk)
    assert org_a.spaces == 2 and [w.meetings for w in org_a.windows] == [2, 3, 5]
    assert state().as_of == TODAY


def test_once_built_the_figures_are_read_with_one_query(busy):
    assert_exact()
    of = alliance()
    with CaptureQueriesContext(connection) as queries:
        selectors.meeting_loads_refresh(selectors.meeting_windows(threshold=1), alliance=of)
    assert len(queries) == 1  # the state and the counts


def test_a_scheduled_meeting_and_its_invitations_bulk_created(busy, cast):
    assert_exact()
    services.meeting_schedule(
        space=busy["space"], date=TODAY - datetime.timedelta(days=1), start_time=TEN, end_time=NOON, place="Salle"
    )
    assert_exact()


def test_invitations_added_by_bulk_create_alone_are_seen(busy, cast):
    assert_exact()
    newcomer = f.make_organisation()
    Invitation.objects.bulk_create([Invitation(meeting=m, organisation=newcomer) for m in busy["meetings"][1:4]])
    assert_exact()


def test_attendance_recorded_again_and_removed(busy, cast):
    assert_exact()
    first = busy["meetings"][0]
    services.attendance_record(meeting=first, users=[cast.charlie], citizens=[])
    assert_exact()
    services.attendance_record(meeting=first)  # nobody: rows deleted only, no id raised
    assert_exact()


def test_a_meeting_moved_or_shortened(busy):
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][0], date=TODAY - datetime.timedelta(days=250))
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][1], end_time=datetime.time(10, 30))
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][6], date=TODAY)  # next week's meeting is today now
    assert_exact()


def test_a_meeting_moved_to_another_space_changes_a_users_spaces(busy):
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][2], space=busy["space"])
    assert_exact()


def in_admin(model):
    """The admin of `model`: its saves and deletions go around the services, and mark the figures stale themselves."""
    return admin.site._registry[model]


def test_a_meeting_deleted_with_its_invitations_and_attendance(busy):
    assert_exact()
    in_admin(Meeting).delete_model(None, Meeting.objects.get(pk=busy["meetings"][4].pk))
    assert_exact()


def test_an_invitation_or_an_attendance_row_deleted_or_changed(busy, cast):
    assert_exact()
    in_admin(Invitation).delete_model(None, Invitation.objects.filter(user=cast.bob).first())
    assert_exact()
    row = Attendance.objects.filter(user=cast.alice).first()
    row.user = cast.charlie
    in_admin(Attendance).save_model(None, row, None, True)
    assert_exact()


def test_seats_taken_and_left_and_a_space_archived(busy, cast):
    assert_exact()
    services.space_seat_citizen(space=busy["other"], citizen=f.make_citizen())
    assert_exact()
    services.space_unseat(seat=SpaceMembership.objects.get(space=busy["other"], organisation=cast.org_a))
    assert_exact()
    services.space_archive(space=busy["space"])
    assert_exact()
    SpaceCitizen.objects.bulk_create([SpaceCitizen(space=busy["other"], citizen=f.make_citizen())])
    assert_exact()


def test_another_day_builds_the_figures_for_that_day(busy):
    assert_exact()
    assert_exact(today=TODAY + datetime.timedelta(days=8))  # next week's meeting is in the windows now
    assert state().as_of == TODAY + datetime.timedelta(days=8)
    assert_exact(today=TODAY + datetime.timedelta(days=400))
    assert_exact()


def test_a_write_during_a_build_leaves_the_figures_stale(busy, cast, monkeypatch):
    """The build stamps the state only if no write marked it stale meanwhile: the next read builds again."""
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][0], place="Ailleurs")
    built = selectors._figures_sql

    def write_while_building(*args, **kwargs):
        services.meeting_update(meeting=busy["meetings"][1], date=TODAY - datetime.timedelta(days=1))
        return built(*args, **kwargs)

    monkeypatch.setattr(selectors, "_figures_sql", write_while_building)
    selectors.hyperconcertation_report(alliance=alliance(), threshold=1)
    monkeypatch.undo()
    stale = state()
    assert stale.built_version != stale.version
    assert_exact()


def test_rows_bulk_created_during_a_build_leave_the_figures_stale(busy, monkeypatch):
    """No signal: the build stamps the highest ids read before it, and the alliance's rows above them make the next
    read build again."""
    assert_exact()
    services.meeting_update(meeting=busy["meetings"][0], place="Ailleurs")
    built = selectors._figures_sql

    def bulk_create_while_building(*args, **kwargs):
        Invitation.objects.bulk_create([Invitation(meeting=busy["meetings"][1], organisation=f.make_organisation())])
        return built(*args, **kwargs)

    monkeypatch.setattr(selectors, "_figures_sql", bulk_create_while_building)
    selectors.hyperconcertation_report(alliance=alliance(), threshold=1)
    monkeypatch.undo()
    assert state().built_version == state().version and state().invitations_max < Invitation.objects.latest("pk").pk
    assert computed(monkeypatch, alliance()) == 1
    assert_exact()


def test_without_the_state_row_the_first_read_creates_it(busy):
    MeetingLoadState.objects.all().delete()
    assert_exact()
    assert state().as_of == TODAY
    assert MeetingLoad.objects.exists()


def test_an_empty_database_has_empty_tables(cast):
    Attendance.objects.all().delete()
    Invitation.objects.all().delete()
    report = assert_exact()
    assert report["organisations"].over_count == 0
    assert not Space.objects.filter(status=Space.Status.ACTIVE, memberships__isnull=False).exists()


@pytest.mark.parametrize("column", sorted(selectors.SORT_COLUMNS))
@pytest.mark.parametrize("descending", [True, False])
def test_every_page_of_every_sort_equals_the_computed_list(busy, cast, column, descending):
    """Most first, a page reads only the rows that may be on it (at least the k-th highest value): with ties,
    zeros and invitees with no figure at all, every cut equals the same cut of the full computed list."""
    space = busy["space"]
    orgs = [f.make_organisation(name=f"Org {i:02}") for i in range(12)]
    for i, org in enumerate(orgs[:9]):  # 0 to 2 meetings each: ties at every value, three with none
        for m in busy["meetings"][: i % 3]:
            Invitation.objects.create(meeting=m, organisation=org)
        if i % 4 == 0:
            services.space_seat_organisation(space=space, organisation=org)
    report = selectors.hyperconcertation_report(
        alliance=space.alliance, threshold=1, column=column, descending=descending
    )
    for table in selectors.TABLES:
        cached = report[table]
        live = rows(
            selectors.RankedLoads(table, report["windows"], column, alliance=space.alliance, descending=descending)
        )
        assert len(live) == cached.count() > 12 or table == "people"
        for size in (1, 2, 5):
            for start in range(len(live) + 1):
                got = [
                    (
                        load.kind,
                        load.pk,
                        load.name,
                        load.spaces,
                        [(w.meetings, w.minutes, w.over) for w in load.windows],
                    )
                    for load in cached[start : start + size]
                ]
                assert got == live[start : start + size], (table, start, size)


# ---------------------------------------------------------------- per alliance (issue 17, item 7)


@pytest.fixture
def two(busy, cast):
    """busy's alliance (north) and a second one (south) with its own space, seats, meetings, invitations and
    attendance; org_a sits in both, as a regional organisation may."""
    north = SimpleNamespace(alliance=busy["space"].alliance, space=busy["space"], meetings=busy["meetings"])
    south_alliance = f.make_plan(title="Plan du Sud").alliance
    space = f.make_space(alliance=south_alliance, name="Table du Sud")
    citizen = f.make_citizen(first_name="Lise", last_name="Sud")
    services.space_seat_organisation(space=space, organisation=cast.org_a)
    services.space_seat_citizen(space=space, citizen=citizen)
    meetings = [
        services.meeting_schedule(
            space=space, date=TODAY - datetime.timedelta(days=days), start_time=TEN, end_time=NOON, place="Salle"
        )
        for days in (5, 50, 150)
    ]
    Invitation.objects.create(meeting=meetings[0], user=cast.charlie)
    services.attendance_record(meeting=meetings[1], users=[cast.charlie], citizens=[citizen])
    south = SimpleNamespace(alliance=south_alliance, space=space, meetings=meetings)
    assert north.alliance != south.alliance
    return {"north": north, "south": south}


def figures(report) -> dict:
    """The rows of the page with a figure (every organisation is listed, with zeros in an alliance it has no part
    in: a new one is listed in each)."""
    return {
        table: [row for row in rows(report[table]) if row[3] or any(meetings for meetings, _, _ in row[4])]
        for table in selectors.TABLES
    }


def stamp(of) -> tuple:
    row = state(of)
    return (row.version, row.built_version, row.as_of, *(getattr(row, name) for name in selectors.STATE_HIGHEST))


def computed(monkeypatch, of) -> int:
    """How many times a view of `of`'s page computes figures (`_figures_sql`): 0 when it reads the kept ones."""
    calls = []
    compute = selectors._figures_sql

    def counted(*args, **kwargs):
        calls.append(kwargs.get("alliance"))
        return compute(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(selectors, "_figures_sql", counted)
        selectors.hyperconcertation_report(alliance=of, threshold=1)
    assert calls in ([], [of])  # built, it is this alliance's figures only
    return len(calls)


def _schedule(side, cast):
    services.meeting_schedule(
        space=side.space,
        date=TODAY - datetime.timedelta(days=2),
        start_time=TEN,
        end_time=NOON,
        place="Salle",
        extra_organisations=[cast.org_b],
    )


# Each write in one alliance (`side`): through the services, the admin, or bulk_create (around the services: the
# rows above the highest ids its build saw make the figures stale).
WRITES = {
    "a meeting scheduled, its invitations bulk-created": _schedule,
    "invitations bulk-created alone": lambda side, cast: Invitation.objects.bulk_create(
        [Invitation(meeting=m, organisation=f.make_organisation()) for m in side.meetings[:2]]
    ),
    "attendance recorded": lambda side, cast: services.attendance_record(
        meeting=side.meetings[0], users=[f.make_user()], citizens=[]
    ),
    "attendance bulk-created alone": lambda side, cast: Attendance.objects.bulk_create(
        [Attendance(meeting=side.meetings[1], user=f.make_user())]
    ),
    "an organisation seated": lambda side, cast: services.space_seat_organisation(
        space=side.space, organisation=f.make_organisation()
    ),
    "a citizen seated by bulk_create": lambda side, cast: SpaceCitizen.objects.bulk_create(
        [SpaceCitizen(space=side.space, citizen=f.make_citizen())]
    ),
    "a meeting moved in time": lambda side, cast: services.meeting_update(
        meeting=side.meetings[0], date=TODAY - datetime.timedelta(days=120)
    ),
    "a meeting deleted in the admin": lambda side, cast: admin.site._registry[Meeting].delete_model(
        None, Meeting.objects.get(pk=side.meetings[1].pk)
    ),
    "a seat left": lambda side, cast: services.space_unseat(
        seat=SpaceMembership.objects.filter(space=side.space).first()
    ),
    "a space archived": lambda side, cast: services.space_archive(space=side.space),
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("here, there", [("north", "south"), ("south", "north")])
def test_a_write_in_one_alliance_never_rebuilds_another_alliances_figures(two, cast, monkeypatch, write, here, there):
    here, there = two[here], two[there]
    before = {side.alliance: figures(assert_exact(of=side.alliance)) for side in (here, there)}
    untouched = stamp(there.alliance)
    WRITES[write](here, cast)
    assert stamp(there.alliance) == untouched  # same version, built version, day and highest ids
    assert computed(monkeypatch, there.alliance) == 0
    assert computed(monkeypatch, here.alliance) == 1
    assert computed(monkeypatch, here.alliance) == 0  # built once
    assert figures(assert_exact(of=here.alliance)) != before[here.alliance]  # the new figures, exactly
    assert figures(assert_exact(of=there.alliance)) == before[there.alliance]


def test_a_row_moved_to_another_alliance_through_the_admin_marks_both_stale(two, admin_client):
    """The admin could move a seat to another alliance's space: both alliances' figures change (the admin's save goes
    around the services; its ModelAdmin marks the alliance the row had and the one it has)."""
    north, south = two["north"], two["south"]
    seat = SpaceCitizen.objects.get(space=south.space, citizen__last_name="Sud")
    for side in (north, south):
        assert_exact(of=side.alliance)
    versions = {side.alliance: state(side.alliance).version for side in (north, south)}
    response = admin_client.post(
        reverse("admin:chantiers_spacecitizen_change", args=[seat.pk]),
        {
            "citizen": seat.citizen_id,
            "space": north.space.pk,
            "role": seat.role,
            "joined_on": seat.joined_on.isoformat(),
            "left_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    for side in (north, south):
        assert state(side.alliance).version > versions[side.alliance]
        assert_exact(of=side.alliance)


def test_a_service_marks_its_alliance_stale_in_one_update(two, cast):
    """The alliance is read from the relations loaded with the row (no SELECT when the space is loaded)."""
    north = two["north"]
    meeting = Meeting.objects.select_related("space").get(pk=north.meetings[2].pk)
    with CaptureQueriesContext(connection) as queries:
        services.meeting_update(meeting=meeting, place="Ailleurs")
    statements = [query["sql"] for query in queries]
    assert len([sql for sql in statements if MeetingLoadState._meta.db_table in sql]) == 1
    # the space's alliance is not read again (the validation of the meeting's fields reads whether its space exists)
    assert not [sql for sql in statements if sql.startswith("SELECT") and '"chantiers_space"."alliance_id"' in sql]
