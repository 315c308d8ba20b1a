"""« À traiter » costs the same queries whatever the data: a bound, measured with more rows than a queue shows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from budget.services.agreements import agreement_create, planned_payment_add
from chantiers import services as space_services
from organisations.models import Organisation
from organisations.services import membership_request_create
from projects.models import ProjectStatus
from projects.services import reports as report_services
from projects.services.filing import project_create
from tests import factories as f
from tests.projects.report_helpers import report_fields
from worklist.selectors import ROWS_SHOWN

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def grow(cast, plan, theme, source, count):
    """`count` rows in every queue."""
    today = timezone.localdate()
    space = f.make_space(themes=[theme])
    for i in range(count):
        org = f.make_organisation()
        responsable = f.make_user(organisation=org, role="responsable")
        running = f.make_project(lead=org, theme=theme, status=ProjectStatus.IN_PROGRESS)
        f.make_deadline(running, due_on=today - (i + 1) * DAY)
        f.make_deadline(running, due_on=today + (i + 1) * DAY)
        report_services.report_create(project=running, by=responsable, **report_fields())
        project_create(lead=org, theme=theme, status=ProjectStatus.INTENTION, title=f"Intention {i}")
        f.make_project(lead=org, theme=theme, status=ProjectStatus.SUBMITTED)
        f.make_project(lead=org, theme=theme, status=ProjectStatus.RECOMMENDED)
        accepted = f.make_project(lead=org, theme=theme, status=ProjectStatus.ACCEPTED)
        signed = f.make_project(lead=org, theme=theme, status=ProjectStatus.ACCEPTED)
        commitment = f.commit(source=source, project=signed, amount="1000.00")
        agreement = agreement_create(project=signed, signed_on=today - 10 * DAY)
        planned_payment_add(agreement=agreement, commitment=commitment, due_on=today - i * DAY, amount="500.00")
        f.commit(source=source, project=accepted, amount="100.00")
        meeting = f.make_meeting(space, date=today)
        space_services.decision_record(meeting=meeting, text="Décision", follow_ups=[{"what": f"Suivi {i}"}])
        f.make_organisation(status=Organisation.Status.PENDING)
        membership_request_create(user=f.make_user(), organisation=org)


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "who, bound",
    [
        # 1 the alliance of the address (AllianceMiddleware), 2 session, 3 user, 4 groups, organisations and
        # alliance roles, 5 the plan with its alliance; 6 reports late and due soon (projects.selectors.reports),
        # 7 reports to read, 8 the projects at the three stages, 9 payments due, 10 money to commit, 11 agreements to
        # sign, 12 follow-ups, 13 this week's meetings, 14 organisations and 15 people waiting for approval
        # (the portal's operators only); each queue's count read with its rows. Issue 7's bound: 15 a page.
        ("coordinator", 15),
        # 1-5 as above; 6 reports late (and due soon, not shown), 7 reports to read, 8 the plan's years, 9 the reports
        # the last year ended still waits for
        ("staff", 9),
    ],
)
def test_the_worklist_costs_the_same_queries_whatever_the_data(
    client, cast, current, theme, who, bound, django_assert_max_num_queries
):
    source = f.make_source(current, amount="9000000.00")
    client.force_login(getattr(cast, who))
    grow(cast, current, theme, source, 2)
    client.get(reverse("home"))  # the session, warm
    small = count_queries(client)
    grow(cast, current, theme, source, ROWS_SHOWN + 3)
    with django_assert_max_num_queries(bound):
        response = client.get(reverse("home"))
    assert count_queries(client) == small
    queues = {queue.key: queue for section in response.context["sections"] for queue in section.queues}
    assert queues["rapports-en-retard"].count == ROWS_SHOWN + 5
    assert len(queues["rapports-en-retard"].rows) == ROWS_SHOWN
