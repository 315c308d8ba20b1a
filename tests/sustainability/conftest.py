"""A project of A (alice, bob) whose final report was filed on 31 May 2014, and the follow-ups after it."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from projects.models import ProgressReport, ProjectStatus
from sustainability.services import check_create
from tests import factories as f

FILED = datetime.date(2014, 5, 31)


def final_report(project, day=FILED) -> ProgressReport:
    report = ProgressReport(
        project=project,
        period_start=datetime.date(2013, 6, 1),
        period_end=day,
        percent_done=100,
        people_reached=40,
        citizens_reached=10,
        is_final=True,
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0))),
    )
    report.save()
    return report


@pytest.fixture
def finished(cast, theme):
    """A's project with its final report filed (FILED), B's likewise; their 6-month checks created, not sent."""
    project_a = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.COMPLETED, title="Cuisines de A")
    project_b = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.COMPLETED, title="Jardins de B")
    report_a, report_b = final_report(project_a), final_report(project_b)
    return SimpleNamespace(
        project_a=project_a,
        project_b=project_b,
        report_a=report_a,
        report_b=report_b,
        check_a=check_create(report=report_a, months=6),
        check_b=check_create(report=report_b, months=6),
    )


def page(response) -> str:
    import html

    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")
