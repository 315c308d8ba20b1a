"""« Rapports reçus à lire » reads the plan kept on each report (ProgressReport.plan: one index of a plan's unread
reports, left after the first rows): filled on every insert, moved with a project that changes plan, checked and
rewritten by `check_figures`."""

import datetime
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import ActionProject, ProgressReport, ProjectStatus
from projects.services import reports as report_services
from tests import factories as f
from tests.projects.report_helpers import report_fields

pytestmark = pytest.mark.django_db


def to_read(client, cast) -> list[str]:
    client.force_login(cast.coordinator)
    page = client.get(reverse("home"))
    queue = next(q for section in page.context["sections"] for q in section.queues if q.key == "rapports-a-lire")
    return [row.what for row in queue.rows]


def assert_figures_kept():
    out = StringIO()
    call_command("check_figures", stdout=out, stderr=out)
    assert "correspondent" in out.getvalue()


@pytest.fixture
def running(cast, current, theme):
    return f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS, title="Cuisine A")


def test_a_report_filed_is_to_read_in_its_plan_only(client, cast, current, running):
    other = f.make_theme(f.make_plan(alliance=current.alliance, title="Plan suivant", slug="suivant"))
    elsewhere = f.make_project(lead=cast.org_a, theme=other, status=ProjectStatus.IN_PROGRESS, title="Ailleurs A")
    report = report_services.report_create(project=running, by=cast.alice, **report_fields())
    report_services.report_create(project=elsewhere, by=cast.alice, **report_fields())
    assert report.plan == current
    assert to_read(client, cast) == ["Cuisine A — Rapport d'étape"]
    assert_figures_kept()


def test_a_project_moved_to_another_plans_theme_takes_its_reports(client, cast, current, running, rf):
    report = report_services.report_create(project=running, by=cast.alice, **report_fields())
    assert to_read(client, cast) == ["Cuisine A — Rapport d'étape"]
    other = f.make_theme(f.make_plan(alliance=current.alliance, title="Plan suivant", slug="suivant"))
    request = rf.post("/")
    request.user = cast.coordinator
    project = ActionProject.objects.get(pk=running.pk)
    project.theme = other
    site._registry[ActionProject].save_model(request, project, SimpleNamespace(cleaned_data={}), change=True)
    assert to_read(client, cast) == []
    assert ProgressReport.objects.get(pk=report.pk).plan_id == other.plan_id
    assert_figures_kept()


def test_reports_created_in_bulk_carry_their_plan(client, cast, current, running):
    """As the volume generator and the bilan's tests create them: the plan is filled from the project."""
    day = datetime.date(2014, 9, 1)
    ProgressReport.objects.bulk_create(
        [ProgressReport(project=running, period_start=day, period_end=day, percent_done=n) for n in (10, 20)]
    )
    assert set(ProgressReport.objects.values_list("plan_id", flat=True)) == {current.pk}
    assert to_read(client, cast) == ["Cuisine A — Rapport d'étape"] * 2
    assert_figures_kept()


def test_check_figures_names_a_report_in_the_wrong_plan_and_fix_rewrites_it(cast, current, running):
    report = report_services.report_create(project=running, by=cast.alice, **report_fields())
    other = f.make_plan(alliance=current.alliance, title="Plan suivant", slug="suivant")
    ProgressReport.objects.filter(pk=report.pk).update(plan=other)
    err = StringIO()
    with pytest.raises(CommandError, match="1 total"):
        call_command("check_figures", stdout=StringIO(), stderr=err)
    assert f"ProgressReport {report.pk}: plan {other.pk} != {current.pk}" in err.getvalue()
    call_command("check_figures", "--fix", stdout=StringIO())
    assert_figures_kept()
    assert ProgressReport.objects.get(pk=report.pk).plan_id == current.pk
