"""A report deadline says whether a report answers it (`filed`): the late reports (the comparison, « À traiter »,
reminders) read that flag through a partial index instead of looking up the reports of every deadline. The
services and the admin keep it, `check_figures` verifies it and `--fix` repairs it."""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from alliances.models import AllianceRole
from plans.models import Plan
from projects.models import ProgressReport, ProjectStatus, ReportDeadline
from projects.services import reports
from tests import factories as f
from tests.figures.test_check_figures import assert_figures_kept

pytestmark = pytest.mark.django_db
D = datetime.date
FIELDS = {"period_start": D(2014, 4, 1), "percent_done": 40, "people_reached": 10, "citizens_reached": 2}


@pytest.fixture
def late(cast):
    """A project under way of a current plan with two deadlines long past, nothing filed; a funder of its alliance."""
    alliance = f.make_alliance(name="Alliance du Nord", slug="nord")
    plan = f.make_plan(alliance=alliance, status=Plan.Status.CURRENT)
    project = f.make_project(lead=cast.org_a, theme=f.make_theme(plan), status=ProjectStatus.IN_PROGRESS)
    first = f.make_deadline(project, due_on=D(2014, 9, 30))
    second = f.make_deadline(project, due_on=D(2015, 3, 31))
    funder = f.make_user("bailleur")
    f.grant_role(funder, alliance, AllianceRole.Role.FUNDER)
    return SimpleNamespace(project=project, first=first, second=second, funder=funder, alliance=alliance)


def late_shown(client, late) -> int:
    client.force_login(late.funder)
    (row,) = client.get(reverse("bilan:comparison")).context["comparison"].rows
    return row.late_reports


def test_a_report_filed_for_a_deadline_is_no_longer_late(client, cast, late):
    assert late_shown(client, late) == 2
    reports.report_create(project=late.project, by=cast.alice, deadline=late.first, period_end=D(2014, 9, 30), **FIELDS)
    assert ReportDeadline.objects.get(pk=late.first.pk).filed
    assert list(ReportDeadline.objects.late()) == [late.second]
    assert_figures_kept()
    assert late_shown(client, late) == 1


def test_a_draft_filed_for_a_deadline_is_no_longer_late(client, cast, late):
    draft = reports.report_draft_save(project=late.project, is_final=False, answers={}, by=cast.alice)
    reports.report_draft_file(draft=draft, by=cast.alice, deadline=late.second, period_end=D(2015, 3, 31), **FIELDS)
    assert list(ReportDeadline.objects.pending()) == [late.first]
    assert_figures_kept()
    assert late_shown(client, late) == 1


def test_a_report_without_deadline_leaves_them_late(client, cast, late):
    reports.report_create(project=late.project, by=cast.alice, period_end=D(2014, 9, 30), **FIELDS)
    assert_figures_kept()
    assert late_shown(client, late) == 2


def test_the_admin_moving_a_report_to_another_deadline_moves_the_flag(client, cast, late):
    report = reports.report_create(
        project=late.project, by=cast.alice, deadline=late.first, period_end=D(2014, 9, 30), **FIELDS
    )
    admin = site._registry[ProgressReport]
    request = SimpleNamespace(user=cast.coordinator, POST={}, GET={}, META={})
    report.deadline = late.second
    admin.save_model(request, report, SimpleNamespace(cleaned_data={}), change=True)
    assert list(ReportDeadline.objects.pending()) == [late.first]
    assert_figures_kept()
    admin.delete_model(request, report)
    assert set(ReportDeadline.objects.pending()) == {late.first, late.second}
    assert_figures_kept()
    assert late_shown(client, late) == 2


def test_check_figures_finds_a_wrong_flag_and_fix_repairs_it(cast, late):
    reports.report_create(project=late.project, by=cast.alice, deadline=late.first, period_end=D(2014, 9, 30), **FIELDS)
    ReportDeadline.objects.filter(pk=late.first.pk).update(filed=False)
    ReportDeadline.objects.filter(pk=late.second.pk).update(filed=True)
    err = StringIO()
    with pytest.raises(CommandError, match="2 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ReportDeadline {late.first.pk}: filed False != True" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert list(ReportDeadline.objects.pending()) == [late.second]
