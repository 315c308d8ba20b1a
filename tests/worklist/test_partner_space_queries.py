"""« Mon espace » and the project page's panel cost the same queries whatever the number of projects, reports and
payments: measured at two volumes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budget.services.agreements import agreement_create, planned_payment_add, report_deadline_add
from projects.models import ProjectPartner, ProjectStatus
from projects.services.status import project_change_status
from tests import factories as f

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def grow(cast, theme, source, count):
    """`count` projects of organisation A at every stage, each under way with reports late and due and payments."""
    today = timezone.localdate()
    for i in range(count):
        for status in (ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.RECOMMENDED):
            f.make_project(lead=cast.org_a, theme=theme, status=status)
        named = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.SUBMITTED)
        ProjectPartner.objects.create(project=named, organisation=cast.org_a)
        project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.ACCEPTED)
        commitment = f.commit(source=source, project=project, amount="5000.00")
        agreement = agreement_create(project=project, signed_on=today - 100 * DAY)
        project_change_status(project=project, to_status=ProjectStatus.IN_PROGRESS)
        late = report_deadline_add(agreement=agreement, kind="progress", due_on=today - (i + 1) * DAY)
        report_deadline_add(agreement=agreement, kind="progress", due_on=today + (i + 1) * DAY)
        planned_payment_add(
            agreement=agreement, commitment=commitment, due_on=today + DAY, amount="1000.50", required_report=late
        )
        planned_payment_add(agreement=agreement, commitment=commitment, due_on=today - DAY, amount="500.00")
    return project


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_partners_space_costs_the_same_queries_whatever_the_projects(
    client, cast, current, theme, django_assert_max_num_queries
):
    source = f.make_source(current, amount="9000000.00")
    client.force_login(cast.alice)
    grow(cast, theme, source, 1)
    client.get(reverse("home"))  # the session, warm
    small = count_queries(client, reverse("home"))
    grow(cast, theme, source, 6)
    # 1 the alliance of the address, 2 session, 3 user, 4 groups, organisations and alliance roles, 5 the plan with
    # its alliance; 6 the projects with their money, next payment and last status change, 7 their partnerships, 8 their
    # awaited
    # report deadlines; 9 the user's organisations
    with django_assert_max_num_queries(9):
        response = client.get(reverse("home"))
    assert len(response.context["panels"]) == 7 * 5
    assert count_queries(client, reverse("home")) == small


@pytest.mark.parametrize("who", ["alice", "coordinator"])
def test_the_project_pages_panel_adds_no_query(client, cast, current, theme, who, django_assert_num_queries):
    """The panel reads what the page read: the project with its next payment, its status history, its reports."""
    source = f.make_source(current, amount="9000000.00")
    project = grow(cast, theme, source, 1)
    detail = reverse("projects:project-detail", args=[project.pk])
    client.force_login(getattr(cast, who))
    client.get(detail)
    # 1 the alliance of the address, 2 session, 3 user, 4 roles; 5 the project with its lead, plan, decision, money,
    # results and next payment, 6 partnerships, 7 indicators, 8 other funding, 9 plan years with the amounts by year,
    # 10 report deadlines, 11 reports, 12 status history, 13 analyses, 14 comments, 15 the « Financement » panel's
    # commitments with their resolutions (issue 20): as before the panel
    with django_assert_num_queries(15):
        response = client.get(detail)
    assert 'data-testid="project-panel"' in response.content.decode()
    grow(cast, theme, source, 3)
    assert count_queries(client, detail) == 15
