"""The late reports (their page and « À traiter ») read the plan kept on each report deadline (ReportDeadline.plan,
ProjectPlanKept: one index of a plan's pending deadlines in due order): filled on every insert, moved with a project
that changes plan, checked and rewritten by `check_figures`."""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import ActionProject, ProjectStatus, ReportDeadline
from projects.services.status import project_change_status
from tests import factories as f
from tests.figures.test_check_figures import assert_figures_kept

pytestmark = pytest.mark.django_db

PAST = datetime.date(2014, 9, 30)  # the test plan's dates are years before today: past due


def late_titles(client, cast) -> list[str]:
    client.force_login(cast.coordinator)
    return [row.deadline.project.title for row in client.get(reverse("projects:report-late")).context["late"]]


@pytest.fixture
def running(cast, current, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Cuisine A")


@pytest.fixture
def next_plan(current):
    return f.make_plan(alliance=current.alliance, title="Plan suivant", slug="suivant")


def test_a_deadline_is_late_in_its_plan_only(client, cast, current, running, next_plan):
    elsewhere = f.make_project(
        lead=cast.org_a, theme=f.make_theme(next_plan), status=ProjectStatus.IN_PROGRESS, title="Ailleurs A"
    )
    deadline = f.make_deadline(running, due_on=PAST)
    f.make_deadline(elsewhere, due_on=PAST)
    assert deadline.plan == current
    assert late_titles(client, cast) == ["Cuisine A"]
    assert_figures_kept()


def test_a_project_moved_to_another_plans_theme_takes_its_deadlines(client, cast, current, running, next_plan, rf):
    deadline = f.make_deadline(running, due_on=PAST)
    assert late_titles(client, cast) == ["Cuisine A"]
    request = rf.post("/")
    request.user = cast.coordinator
    project = ActionProject.objects.get(pk=running.pk)
    project.theme = f.make_theme(next_plan)
    site._registry[ActionProject].save_model(request, project, SimpleNamespace(cleaned_data={}), change=True)
    assert late_titles(client, cast) == []
    assert ReportDeadline.objects.get(pk=deadline.pk).plan_id == next_plan.pk
    assert_figures_kept()


def test_deadlines_created_in_bulk_carry_their_plan(client, cast, current, running):
    """As the volume generator creates them: the plan is filled from the project."""
    ReportDeadline.objects.bulk_create(
        [ReportDeadline(project=running, due_on=PAST, label=label) for label in ("Mi-parcours", "Fin d'année")]
    )
    assert set(ReportDeadline.objects.values_list("plan_id", flat=True)) == {current.pk}
    assert late_titles(client, cast) == ["Cuisine A"] * 2
    assert_figures_kept()


def test_check_figures_names_a_deadline_in_the_wrong_plan_and_fix_rewrites_it(cast, current, running, next_plan):
    deadline = f.make_deadline(running, due_on=PAST)
    ReportDeadline.objects.filter(pk=deadline.pk).update(plan=next_plan)
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ReportDeadline {deadline.pk}: plan {next_plan.pk} != {current.pk}" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert ReportDeadline.objects.get(pk=deadline.pk).plan_id == current.pk


# Each deadline also keeps whether its project reports no more (ReportDeadline.project_closed): the late and awaited
# deadlines are read on the plan's index alone.


def test_a_withdrawn_project_s_deadlines_are_late_no_more(client, cast, current, running):
    deadline = f.make_deadline(running, due_on=PAST)
    assert late_titles(client, cast) == ["Cuisine A"]
    project_change_status(project=running, to_status=ProjectStatus.WITHDRAWN, by=cast.coordinator)
    assert ReportDeadline.objects.get(pk=deadline.pk).project_closed
    assert late_titles(client, cast) == []
    assert_figures_kept()


def test_a_deadline_added_to_a_closed_project_is_not_awaited(client, cast, current, theme):
    done = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.FINAL_REPORT, title="Fini A")
    one = f.make_deadline(done, due_on=PAST)
    ReportDeadline.objects.bulk_create([ReportDeadline(project=done, due_on=PAST, label="En lot")])
    assert set(ReportDeadline.objects.values_list("project_closed", flat=True)) == {True}
    assert one.project_closed
    assert late_titles(client, cast) == []
    assert_figures_kept()


def test_check_figures_names_a_wrong_closed_flag_and_fix_rewrites_it(cast, current, running):
    deadline = f.make_deadline(running, due_on=PAST)
    ReportDeadline.objects.filter(pk=deadline.pk).update(project_closed=True)
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ReportDeadline {deadline.pk}: project_closed True != False" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert not ReportDeadline.objects.get(pk=deadline.pk).project_closed


def test_check_figures_names_a_wrong_status_since_and_fix_rewrites_it(cast, current, running):
    ActionProject.objects.filter(pk=running.pk).update(status_since=None)
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ActionProject {running.pk}: status_since None != " in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert (
        ActionProject.objects.get(pk=running.pk).status_since == running.status_changes.latest("changed_at").changed_at
    )


def test_a_project_read_before_a_status_change_and_saved_after_keeps_its_status_since(cast, current, theme):
    """As a form or the admin does: the stale copy read before the change is not written back over the kept date."""
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, title="Lu avant")
    stale = ActionProject.objects.get(pk=project.pk)
    project_change_status(project=project, to_status=ProjectStatus.DRAFT)
    stale.status, stale.title = project.status, "Renommé"  # its status as the service tells its caller
    stale.save()
    assert (
        ActionProject.objects.get(pk=project.pk).status_since == project.status_changes.latest("changed_at").changed_at
    )
    assert_figures_kept()


def test_a_deadline_read_before_its_project_is_withdrawn_and_saved_after_stays_closed(client, cast, current, running):
    deadline = f.make_deadline(running, due_on=PAST)
    stale = ReportDeadline.objects.get(pk=deadline.pk)
    project_change_status(project=running, to_status=ProjectStatus.WITHDRAWN, by=cast.coordinator)
    stale.label = "Renommée"
    stale.save()
    assert ReportDeadline.objects.get(pk=deadline.pk).project_closed
    assert late_titles(client, cast) == []
    assert_figures_kept()
