"""Each project's latest report and each indicator's latest value (and the end of the period it is as of), kept by
every writer of reports and indicator values (ActionProject.latest_report, Indicator.latest_value/latest_on): after
each kind of write they are those of the reports, `check_figures` finds no difference, and the bilan reads them; a
bilan of a period that ends before the latest report still reads the report of that period."""

import datetime
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command

from bilan.selectors.build import build_bilan
from bilan.services import ImportPreview, IndicatorChange, ProjectChange, progress_import_apply
from projects.models import ActionProject, Indicator, IndicatorValue, ProgressReport, ProjectStatus
from projects.services import reports
from tests import factories as f
from tests.figures.test_check_figures import assert_figures_kept

pytestmark = pytest.mark.django_db
D = datetime.date


def _report(project, by, *, end, people, values=(), start=None):
    return reports.report_create(
        project=project,
        by=by,
        period_start=start or end.replace(day=1),
        period_end=end,
        percent_done=40,
        people_reached=people,
        citizens_reached=people // 2,
        indicator_values={indicator: Decimal(value) for indicator, value in values},
    )


@pytest.fixture
def world(cast, plan, theme):
    """A project under way (2014-2015) with two indicators with a target, and a report of 2014-09 (20 people,
    participants 12, meals 40)."""
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.IN_PROGRESS,
        title="Projet A",
        start_date=D(2014, 5, 1),
        end_date=D(2015, 3, 31),
    )
    people = Indicator.objects.create(project=project, name="Participants", unit="personnes", target=Decimal("30"))
    meals = Indicator.objects.create(project=project, name="Repas", unit="repas", target=Decimal("100"))
    first = _report(project, cast.alice, end=D(2014, 9, 30), people=20, values=[(people, "12"), (meals, "40")])
    return SimpleNamespace(project=project, people=people, meals=meals, first=first, cast=cast, plan=plan)


def kept(world):
    """(latest report, {indicator name: (latest value, as of)}) as kept."""
    project = ActionProject.objects.get(pk=world.project.pk)
    return project.latest_report_id, {
        i.name: (i.latest_value, i.latest_on) for i in Indicator.objects.filter(project=world.project)
    }


def _admin(model, user):
    return site._registry[model], SimpleNamespace(user=user, POST={}, GET={}, META={})


def later_report(w):
    return _report(w.project, w.cast.alice, end=D(2015, 2, 28), people=35, values=[(w.people, "31")])


def earlier_period_filed_after(w):
    _report(w.project, w.cast.alice, end=D(2014, 6, 30), people=5, values=[(w.people, "3"), (w.meals, "10")])


def import_applied(w):
    progress_import_apply(
        preview=ImportPreview(
            D(2014, 10, 1),
            D(2014, 12, 31),
            [
                ProjectChange(
                    w.project.pk, "Projet A", 40, 60, [IndicatorChange(w.meals.pk, "Repas", "repas", "40", "70")]
                )
            ],
        ),
        by=w.cast.coordinator,
    )


def admin_period_moved(w):
    """Support moves the period of the first report before that of a later one."""
    later = later_report(w)
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    later.period_start, later.period_end = D(2014, 4, 1), D(2014, 4, 30)
    admin.save_model(request, later, SimpleNamespace(cleaned_data={}), change=True)


def admin_report_deleted(w):
    later = later_report(w)
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    admin.delete_model(request, later)


def admin_reports_deleted(w):
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    admin.delete_queryset(request, ProgressReport.objects.filter(project=w.project))


def admin_report_moved(w):
    """Support moves the latest report to another project: it is that project's latest, no longer this one's."""
    other = f.make_project(lead=w.cast.org_a, theme=w.project.theme, status=ProjectStatus.IN_PROGRESS)
    report = later_report(w)
    IndicatorValue.objects.filter(report=report).delete()
    admin, request = _admin(ProgressReport, w.cast.coordinator)
    report.project = other
    admin.save_model(request, report, SimpleNamespace(cleaned_data={}), change=True)
    assert ActionProject.objects.get(pk=other.pk).latest_report_id == report.pk


def admin_value_changed(w):
    admin, request = _admin(IndicatorValue, w.cast.coordinator)
    value = IndicatorValue.objects.get(report=w.first, indicator=w.meals)
    value.value = Decimal("45.50")
    admin.save_model(request, value, SimpleNamespace(cleaned_data={}), change=True)


def admin_value_moved(w):
    """Support moves a value to the other indicator of the report (after removing that one's)."""
    IndicatorValue.objects.filter(report=w.first, indicator=w.people).delete()
    admin, request = _admin(IndicatorValue, w.cast.coordinator)
    value = IndicatorValue.objects.get(report=w.first, indicator=w.meals)
    value.indicator = w.people
    admin.save_model(request, value, SimpleNamespace(cleaned_data={}), change=True)


def admin_value_added(w):
    later = later_report(w)
    admin, request = _admin(IndicatorValue, w.cast.coordinator)
    admin.save_model(
        request, IndicatorValue(report=later, indicator=w.meals, value=Decimal("99")), SimpleNamespace(), change=False
    )


def admin_value_deleted(w):
    admin, request = _admin(IndicatorValue, w.cast.coordinator)
    admin.delete_model(request, IndicatorValue.objects.get(report=w.first, indicator=w.meals))


def admin_values_deleted(w):
    later_report(w)
    admin, request = _admin(IndicatorValue, w.cast.coordinator)
    admin.delete_queryset(request, IndicatorValue.objects.filter(indicator=w.people))


def indicator_target_changed_in_the_admin(w):
    """The admin saves an indicator read before a report was filed: its stale latest value is not written back."""
    indicator = Indicator.objects.get(pk=w.people.pk)
    later_report(w)
    indicator.target = Decimal("25")
    admin, request = _admin(Indicator, w.cast.coordinator)
    admin.save_model(request, indicator, SimpleNamespace(cleaned_data={}), change=True)


def project_saved_in_the_admin(w):
    """The admin saves a project read before a report was filed: its stale latest report is not written back."""
    project = ActionProject.objects.get(pk=w.project.pk)
    later_report(w)
    project.summary = "Revu"
    admin, request = _admin(ActionProject, w.cast.coordinator)
    admin.save_model(request, project, SimpleNamespace(cleaned_data={}), change=True)


# write -> (people reached of the latest report, {indicator: (latest value, as of)}) after it
WRITES = {
    "later_report": (later_report, 35, {"Participants": ("31.00", D(2015, 2, 28)), "Repas": ("40.00", D(2014, 9, 30))}),
    "earlier_period_filed_after_a_later_one": (
        earlier_period_filed_after,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "import_applied": (
        import_applied,
        20,  # carried over from the latest report
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("70.00", D(2014, 12, 31))},
    ),
    "admin_period_moved_before": (
        admin_period_moved,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "admin_report_deleted": (
        admin_report_deleted,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "admin_reports_deleted": (admin_reports_deleted, None, {"Participants": (None, None), "Repas": (None, None)}),
    "admin_report_moved_to_another_project": (
        admin_report_moved,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "admin_value_changed": (
        admin_value_changed,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": ("45.50", D(2014, 9, 30))},
    ),
    "admin_value_moved_to_another_indicator": (
        admin_value_moved,
        20,
        {"Participants": ("40.00", D(2014, 9, 30)), "Repas": (None, None)},
    ),
    "admin_value_added": (
        admin_value_added,
        35,
        {"Participants": ("31.00", D(2015, 2, 28)), "Repas": ("99.00", D(2015, 2, 28))},
    ),
    "admin_value_deleted": (
        admin_value_deleted,
        20,
        {"Participants": ("12.00", D(2014, 9, 30)), "Repas": (None, None)},
    ),
    "admin_values_deleted": (
        admin_values_deleted,
        35,
        {"Participants": (None, None), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "indicator_saved_in_the_admin": (
        indicator_target_changed_in_the_admin,
        35,
        {"Participants": ("31.00", D(2015, 2, 28)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
    "project_saved_in_the_admin": (
        project_saved_in_the_admin,
        35,
        {"Participants": ("31.00", D(2015, 2, 28)), "Repas": ("40.00", D(2014, 9, 30))},
    ),
}


def test_a_filed_report_keeps_the_latest_report_and_values(world):
    assert kept(world) == (
        world.first.pk,
        {"Participants": (Decimal("12.00"), D(2014, 9, 30)), "Repas": (Decimal("40.00"), D(2014, 9, 30))},
    )
    assert_figures_kept()


def assert_latest_keys_kept(world):
    """Each project of the theme keeps the period end and filing time of its kept latest report (None without one):
    the keys the theme's page walks its projects' latest progress by."""
    for project in ActionProject.objects.filter(theme=world.project.theme).select_related("latest_report"):
        report = project.latest_report
        expected = (report.period_end, report.submitted_at) if report else (None, None)
        assert (project.latest_period_end, project.latest_submitted_at) == expected, project


@pytest.mark.parametrize("write", WRITES)
def test_after_each_kind_of_write_the_latest_is_kept(world, write):
    do, people, values = WRITES[write]
    do(world)
    assert_figures_kept()
    assert_latest_keys_kept(world)
    report, latest = kept(world)
    assert (ProgressReport.objects.get(pk=report).people_reached if report else None) == people
    assert latest == {name: (None if value is None else Decimal(value), on) for name, (value, on) in values.items()}
    # the bilan of the whole plan reads them: the people of each project's latest report, summed here
    bilan = build_bilan(user=world.cast.coordinator, period_start=D(2014, 4, 1), period_end=D(2016, 3, 31))
    assert bilan.people_reached == sum(
        max(p.reports.all(), key=lambda r: (r.period_end, r.submitted_at, r.pk)).people_reached
        for p in ActionProject.objects.filter(theme__plan=world.plan, reports__isnull=False).distinct()
    )


def test_an_earlier_period_filed_after_a_later_one_changes_nothing(world):
    later = later_report(world)
    before = kept(world)
    earlier_period_filed_after(world)
    assert kept(world) == before
    assert before[0] == later.pk


def test_the_bilan_of_a_period_before_the_latest_report_reads_the_report_of_that_period(world):
    later_report(world)  # 2015-02: 35 people, participants 31 (on track)
    whole = build_bilan(user=world.cast.coordinator, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31))
    assert whole.people_reached == 35
    assert [(u.unit, u.value) for u in whole.theme_rollups[0].units] == [
        ("personnes", Decimal("31.00")),
        ("repas", Decimal("40.00")),
    ]
    # up to 2014-12: the report of 2014-09 (20 people, participants 12: below its target)
    earlier = build_bilan(user=world.cast.coordinator, period_start=D(2014, 4, 1), period_end=D(2014, 12, 31))
    assert earlier.people_reached == 20 and earlier.citizens_reached == 10
    assert [(u.unit, u.value) for u in earlier.theme_rollups[0].units] == [
        ("personnes", Decimal("12.00")),
        ("repas", Decimal("40.00")),
    ]
    # before any report: none
    none = build_bilan(user=world.cast.coordinator, period_start=D(2014, 4, 1), period_end=D(2014, 8, 31))
    assert none.people_reached == 0
    assert [(u.unit, u.value) for u in none.theme_rollups[0].units] == [
        ("personnes", Decimal("0")),
        ("repas", Decimal("0")),
    ]


def test_check_figures_names_a_changed_latest_and_fix_rewrites_it(world):
    later = later_report(world)
    ActionProject.objects.filter(pk=world.project.pk).update(latest_report=world.first)
    Indicator.objects.filter(pk=world.meals.pk).update(latest_value=Decimal("1"), latest_on=D(2014, 9, 30))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ActionProject {world.project.pk}: latest_report {world.first.pk} != {later.pk}" in err.getvalue()
    assert f"Indicator {world.meals.pk}: latest_value 1.00" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert kept(world)[0] == later.pk


def test_check_figures_names_changed_keys_of_the_latest_report_and_fix_rewrites_them(world):
    later = later_report(world)
    ActionProject.objects.filter(pk=world.project.pk).update(
        latest_period_end=D(2014, 9, 30), latest_submitted_at=world.first.submitted_at
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ActionProject {world.project.pk}: latest_period_end 2014-09-30 != 2015-02-28" in err.getvalue()
    assert f"ActionProject {world.project.pk}: latest_submitted_at " in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    project = ActionProject.objects.get(pk=world.project.pk)
    assert (project.latest_period_end, project.latest_submitted_at) == (D(2015, 2, 28), later.submitted_at)
