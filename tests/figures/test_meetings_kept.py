"""The meetings held and their attendance, kept per theme and per plan by the writes (figures.ThemeMeetings,
PlanMeetings): after every kind of write `check_figures` finds no difference and the plan's timeline and the theme's
page show the visitor the new number, as counting the meetings would; a meeting whose space serves two themes counts
once in the year's total; a meeting today or tomorrow is not held yet, yesterday's is."""

import datetime
import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from chantiers import services
from chantiers.models import Attendance, Meeting
from figures.models import PlanMeetings, ThemeMeetings
from organisations.models import User
from tests import factories as f
from tests.admin_forms import admin_post_data

pytestmark = pytest.mark.django_db

# Inside ASIS's second plan year (2014-04-01 to 2015-03-31), at noon in Rouyn-Noranda.
TODAY = datetime.date(2014, 10, 15)
YESTERDAY, TOMORROW = TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)
HOUSING, POVERTY = "logement-et-habitation", "pauvrete-et-defavorisation"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2014, 10, 15, 12, tzinfo=timezone.get_default_timezone()), tick=False):
        assert timezone.localdate() == TODAY
        yield


@pytest.fixture
def world(asis, cast):
    """A space serving housing alone, and a table serving housing and poverty; meetings held last year, this year,
    yesterday, and to come today and tomorrow (written through the services, as the portal does)."""
    themes = {theme.slug: theme for theme in asis.themes.all()}
    single = services.space_create(themes=[themes[HOUSING]], name="Chantier logement")
    shared = services.space_create(themes=[themes[HOUSING], themes[POVERTY]], name="Table commune")
    meetings = {
        "last_year": services.meeting_schedule(space=single, date=datetime.date(2013, 6, 1)),
        "spring": services.meeting_schedule(space=single, date=datetime.date(2014, 5, 1)),
        "shared_spring": services.meeting_schedule(space=shared, date=datetime.date(2014, 6, 1)),
        "yesterday": services.meeting_schedule(space=shared, date=YESTERDAY),
        "today": services.meeting_schedule(space=shared, date=TODAY),
        "tomorrow": services.meeting_schedule(space=single, date=TOMORROW),
    }
    return SimpleNamespace(plan=asis, themes=themes, single=single, shared=shared, cast=cast, **meetings)


def assert_figures_kept():
    out = StringIO()
    call_command("check_figures", stdout=out, stderr=out)
    assert "correspondent" in out.getvalue()


def seen(client) -> dict:
    """What a visitor reads: the timeline's meetings per theme and year, per year and in total; the meetings held on
    the two themes' pages (the number and the sentence)."""
    timeline = client.get("/plan/")
    assert timeline.status_code == 200
    rows = {row["theme"].slug: row["meetings"] for row in timeline.context["rows"]}
    pages = {}
    for slug in (HOUSING, POVERTY):
        page = client.get(f"/enjeux/{slug}/")
        held = page.context["meetings_held"]
        assert f'data-testid="meetings-held">{held}<' in page.content.decode()
        pages[slug] = held
    return {
        HOUSING: rows[HOUSING],
        POVERTY: rows[POVERTY],
        "per_year": timeline.context["meetings_per_year"],
        "total": timeline.context["meetings_total"],
        "pages": pages,
    }


def counted(plan) -> dict:
    """The same figures counted from the meetings themselves (as the pages did before they were kept)."""
    years = list(plan.years.order_by("number"))
    held = Meeting.objects.filter(date__lt=timezone.localdate())

    def per_year(meetings):
        return [meetings.filter(date__range=(y.start_date, y.end_date)).distinct().count() for y in years]

    themes = {slug: plan.themes.get(slug=slug) for slug in (HOUSING, POVERTY)}
    return {
        HOUSING: per_year(held.filter(space__themes=themes[HOUSING])),
        POVERTY: per_year(held.filter(space__themes=themes[POVERTY])),
        "per_year": per_year(held.filter(space__themes__plan=plan)),
        "total": sum(per_year(held.filter(space__themes__plan=plan))),
        "pages": {slug: held.filter(space__themes=theme).count() for slug, theme in themes.items()},
    }


def test_held_meetings_per_theme_and_year_counted_once_in_the_total(client, world):
    assert seen(client) == {
        HOUSING: [1, 3, 0],  # last year's; spring, the table's spring, yesterday (today's and tomorrow's to come)
        POVERTY: [0, 2, 0],  # the table's spring and yesterday
        "per_year": [1, 3, 0],  # the table's meetings once, though it serves both themes
        "total": 4,
        "pages": {HOUSING: 4, POVERTY: 2},
    }
    assert_figures_kept()


def _attendance(w):
    citizen = f.make_citizen()
    services.attendance_record(meeting=w.yesterday, users=[w.cast.alice], citizens=[citizen])
    # Replaced: one person less, the citizen stays.
    services.attendance_record(meeting=w.yesterday, users=[], citizens=[citizen], organisations=[w.cast.org_b])


def _moved_by_the_form(w):
    # The portal's form changes the meeting it is bound to before the service runs: the stored day is the old one.
    w.tomorrow.date = YESTERDAY
    services.meeting_update(meeting=w.tomorrow, date=YESTERDAY)


WRITES = {
    # write: (what it does, the change a visitor sees on the housing row, the total)
    "schedule_yesterday": (lambda w: services.meeting_schedule(space=w.shared, date=YESTERDAY), 1),
    "schedule_today": (lambda w: services.meeting_schedule(space=w.shared, date=TODAY), 0),
    "schedule_tomorrow": (lambda w: services.meeting_schedule(space=w.single, date=TOMORROW), 0),
    "moved_to_yesterday": (lambda w: services.meeting_update(meeting=w.tomorrow, date=YESTERDAY), 1),
    "moved_by_the_form": (_moved_by_the_form, 1),
    "moved_to_tomorrow": (lambda w: services.meeting_update(meeting=w.yesterday, date=TOMORROW), -1),
    "moved_to_another_space": (lambda w: services.meeting_update(meeting=w.spring, space=w.shared), 0),
    "moved_to_last_year": (lambda w: services.meeting_update(meeting=w.spring, date=datetime.date(2014, 3, 31)), 0),
    "attendance_replaced": (_attendance, 0),
    "space_leaves_a_theme": (lambda w: services.space_update(space=w.shared, themes=[w.themes[POVERTY]]), 0),
    "space_takes_a_theme": (
        lambda w: services.space_update(space=w.single, themes=[w.themes[HOUSING], w.themes[POVERTY]]),
        0,
    ),
    "space_themes_added": (lambda w: services.space_themes_add(space=w.single, themes=[w.themes[POVERTY]]), 0),
}


@pytest.mark.parametrize("write", WRITES)
def test_each_kind_of_write_keeps_the_figures_and_the_pages_show_them(client, world, write):
    before = seen(client)
    action, held = WRITES[write]
    action(world)
    assert_figures_kept()
    after = seen(client)
    assert after == counted(world.plan)  # the kept rows say what counting the meetings says
    assert after["total"] == before["total"] + held
    assert after != before or write in ("schedule_today", "schedule_tomorrow", "attendance_replaced")


def test_a_space_serving_two_themes_changes_both_rows_and_the_total_once(client, world):
    services.meeting_schedule(space=world.shared, date=YESTERDAY - datetime.timedelta(days=1))
    now = seen(client)
    assert (now[HOUSING][1], now[POVERTY][1], now["per_year"][1]) == (4, 3, 4)
    services.space_update(space=world.single, themes=[world.themes[HOUSING], world.themes[POVERTY]])
    now = seen(client)
    # The single space's meetings now count for poverty too, and once in the total (it was counted already).
    assert (now[POVERTY], now["per_year"], now["pages"][POVERTY]) == ([1, 4, 0], [1, 4, 0], 5)


def test_the_attendance_is_kept_per_theme_and_per_plan(world):
    citizens = [f.make_citizen(), f.make_citizen()]
    services.attendance_record(meeting=world.yesterday, users=[world.cast.alice], citizens=citizens)
    housing = ThemeMeetings.objects.get(theme=world.themes[HOUSING], date=YESTERDAY)
    plan = PlanMeetings.objects.get(plan=world.plan, date=YESTERDAY)
    assert (housing.meetings, housing.present, housing.citizens_present) == (1, 3, 2)
    assert (plan.meetings, plan.present, plan.citizens_present) == (1, 3, 2)  # once, though two themes
    services.attendance_record(meeting=world.yesterday, citizens=citizens[:1])
    plan.refresh_from_db()
    assert (plan.meetings, plan.present, plan.citizens_present) == (1, 1, 1)
    services.meeting_update(meeting=world.yesterday, date=datetime.date(2014, 9, 1))  # its attendance moves with it
    plan.refresh_from_db()
    moved = PlanMeetings.objects.get(plan=world.plan, date=datetime.date(2014, 9, 1))
    assert (plan.meetings, plan.present, moved.meetings, moved.present, moved.citizens_present) == (0, 0, 1, 1, 1)
    assert_figures_kept()


# ---------------------------------------------------------------- the admin (a support tool, around the services)


@pytest.fixture
def admin_client(client, world):
    client.force_login(User.objects.create_superuser("admin-test", "admin@example.org", "x"))
    return client


def _change(client, obj, **changes):
    url = reverse(f"admin:chantiers_{obj._meta.model_name}_change", args=[obj.pk])
    data = {**admin_post_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


def test_a_meeting_moved_in_the_admin(admin_client, world):
    before = seen(admin_client)
    _change(admin_client, world.tomorrow, date=YESTERDAY.isoformat())
    assert_figures_kept()
    after = seen(admin_client)
    assert after == counted(world.plan) and after["total"] == before["total"] + 1


def test_a_space_given_other_themes_in_the_admin(admin_client, world):
    _change(admin_client, world.shared, themes=[str(world.themes[POVERTY].pk)])
    assert_figures_kept()
    now = seen(admin_client)
    assert now == counted(world.plan) and now[HOUSING] == [1, 1, 0]


def test_attendance_added_changed_and_deleted_in_the_admin(admin_client, world):
    citizen = f.make_citizen()
    response = admin_client.post(
        reverse("admin:chantiers_attendance_add"),
        {"meeting": world.yesterday.pk, "citizen": citizen.pk, "present": "on"},
    )
    assert response.status_code == 302
    assert_figures_kept()
    assert PlanMeetings.objects.get(plan=world.plan, date=YESTERDAY).citizens_present == 1
    row = Attendance.objects.get(citizen=citizen)
    _change(admin_client, row, meeting=str(world.spring.pk))  # moved to another meeting, present still
    assert_figures_kept()
    _change(admin_client, row, present="")  # regrets after all
    assert_figures_kept()
    assert PlanMeetings.objects.get(plan=world.plan, date=world.spring.date).present == 0
    response = admin_client.post(reverse("admin:chantiers_attendance_delete", args=[row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_figures_kept()


def test_attendance_deleted_from_the_meetings_inline_in_the_admin(admin_client, world):
    services.attendance_record(meeting=world.yesterday, citizens=[f.make_citizen()])
    assert PlanMeetings.objects.get(plan=world.plan, date=YESTERDAY).citizens_present == 1
    _change(admin_client, world.yesterday, **{"attendances-0-DELETE": "on"})
    assert not world.yesterday.attendances.exists()
    assert_figures_kept()
    assert PlanMeetings.objects.get(plan=world.plan, date=YESTERDAY).citizens_present == 0


def test_a_lone_meeting_deleted_in_the_admin(admin_client, world):
    lone = f.make_meeting(world.shared, date=YESTERDAY)  # counted by the factory
    assert seen(admin_client)["total"] == 5
    response = admin_client.post(reverse("admin:chantiers_meeting_delete", args=[lone.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert_figures_kept()
    assert seen(admin_client)["total"] == 4


# ---------------------------------------------------------------- the fill, the check and the rewrite


def test_the_migration_counts_the_meetings_already_there(world):
    citizen = f.make_citizen()
    Attendance.objects.create(meeting=world.yesterday, citizen=citizen)
    Attendance.objects.create(meeting=world.yesterday, organisation=world.cast.org_a, present=False)
    ThemeMeetings.objects.all().delete()
    PlanMeetings.objects.all().delete()
    fill = importlib.import_module("figures.migrations.0003_meetings").fill
    fill(apps, SimpleNamespace(connection=connection))
    assert_figures_kept()
    row = PlanMeetings.objects.get(plan=world.plan, date=YESTERDAY)
    assert (row.meetings, row.present, row.citizens_present) == (1, 1, 1)
    assert (
        ThemeMeetings.objects.filter(plan=world.plan).aggregate(n=Count("pk"))["n"] == 9
    )  # housing: 6 days, poverty: 3


def test_check_figures_fails_on_a_changed_row_and_fix_rewrites_it(world):
    housing = world.themes[HOUSING]
    ThemeMeetings.objects.filter(theme=housing, date=YESTERDAY).update(meetings=7)
    PlanMeetings.objects.filter(plan=world.plan, date=TOMORROW).delete()
    err = StringIO()
    with pytest.raises(CommandError, match="2 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ThemeMeetings {world.plan.pk}/{housing.pk}/{YESTERDAY}: meetings 7 != 1" in err.getvalue()
    assert f"PlanMeetings {world.plan.pk}/{TOMORROW}: meetings 0 != 1" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert ThemeMeetings.objects.get(theme=housing, date=YESTERDAY).meetings == 1
