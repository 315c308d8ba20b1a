"""The hyperconcertation figures kept in MeetingLoad (a cache): after every kind of write, and on another day,
the page shows exactly what computing them from the invitations, attendance rows and seats gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def assert_exact(today=TODAY, threshold=1):
    """The page's tables (read from MeetingLoad) equal the figures computed now from the source rows."""
    report = selectors.hyperconcertation_report(alliance=alliance(), threshold=threshold, today=today)
    live = {table: selectors.RankedLoads(table, report["windows"], alliance=alliance()) for table in selectors.TABLES}
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
    assert MeetingLoadState.objects.get().as_of == TODAY


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


def test_a_meeting_deleted_with_its_invitations_and_attendance(busy):
    assert_exact()
    Meeting.objects.filter(pk=busy["meetings"][4].pk).delete()
    assert_exact()


def test_an_invitation_or_an_attendance_row_deleted_or_changed(busy, cast):
    assert_exact()
    Invitation.objects.filter(user=cast.bob).first().delete()
    assert_exact()
    row = Attendance.objects.filter(user=cast.alice).first()
    row.user = cast.charlie
    row.save()
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
    assert MeetingLoadState.objects.get().as_of == TODAY + datetime.timedelta(days=8)
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
    state = MeetingLoadState.objects.get()
    assert state.built_version != state.version
    assert_exact()


def test_without_the_state_row_the_first_read_creates_it(busy):
    MeetingLoadState.objects.all().delete()
    assert_exact()
    assert MeetingLoadState.objects.get().as_of == TODAY
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
