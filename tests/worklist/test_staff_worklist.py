"""« À traiter » of the alliance's staff: the reports to read (they mark them read), the reports late (they remind no
one), the bilan of the last plan year ended with the reports it still waits for."""

import datetime

import pytest
from django.urls import reverse

from alliances.models import AllianceRole
from plans.models import Plan
from tests import factories as f
from tests.alliance_money import url

pytestmark = pytest.mark.django_db


def queues(response) -> dict:
    return {queue.key: queue for section in response.context["sections"] for queue in section.queues}


@pytest.fixture
def page(client, cast, work):
    client.force_login(cast.staff)
    return client.get(reverse("home"))


def test_staff_see_the_short_list(page):
    assert [section.key for section in page.context["sections"]] == ["rapports", "bilan"]
    assert set(queues(page)) == {"rapports-en-retard", "rapports-a-lire", "bilan"}


def test_staff_mark_reports_read_but_send_no_reminder(client, page, cast, work):
    late = queues(page)["rapports-en-retard"]
    assert late.count == 3 and all(row.action is None for row in late.rows)
    to_read = queues(page)["rapports-a-lire"].rows[0]
    assert to_read.action.url == reverse("projects:report-mark-read", args=[work.unread.pk])
    response = client.post(to_read.action.url, {"next": reverse("home")}, follow=True)
    assert queues(response)["rapports-a-lire"].count == 0
    assert client.post(reverse("projects:deadline-remind", args=[work.late_a.pk])).status_code == 403
    assert "Engager un montant" not in page.content.decode()


def test_the_bilan_to_produce_is_the_last_year_ended(client, cast, current, theme, today):
    """The plan's years run from 2013: every one has ended; the bilan asked for is the last, and the reports due in
    it that are still awaited are counted."""
    last = current.years.order_by("number").last()
    project = f.make_project(lead=cast.org_a, theme=theme, status=f.ProjectStatus.IN_PROGRESS)
    f.make_deadline(project, due_on=last.end_date - datetime.timedelta(days=10))
    f.make_deadline(project, due_on=last.start_date - datetime.timedelta(days=10))  # the year before
    client.force_login(cast.staff)
    bilan = queues(client.get(reverse("home")))["bilan"]
    row = bilan.rows[0]
    assert row.what == f"Bilan de l'année {last.label}" and row.when == last.end_date
    assert row.detail == "1 rapport de l'année encore attendu"
    assert row.action.url == f"{reverse('bilan:produce')}?annee={last.label}"
    assert client.get(row.action.url).status_code == 200
    # the same, one click away at the top of the page (the staff's yearly task: tests/browser/test_task_measures.py)
    shortcut = f'href="{reverse("bilan:produce")}?annee={last.label}" data-testid="shortcut-bilan">'
    assert shortcut + f"Produire le bilan {last.label}</a>" in client.get(reverse("home")).content.decode()


def test_no_year_ended_yet(client, cast, today):
    plan = f.make_plan(start_date=Plan.fiscal_year_start(today), status=Plan.Status.CURRENT)
    assert plan.years.exists()
    staff = f.make_user("staff-ailleurs", alliances=[])
    f.grant_role(staff, plan.alliance, AllianceRole.Role.PERSONNEL)
    client.force_login(staff)
    response = client.get(url(plan, "home"))
    bilan = queues(response)["bilan"]
    assert bilan.count == 0 and bilan.empty == "Aucune année du plan n'est terminée."
    assert 'data-testid="shortcut-bilan"' not in response.content.decode()  # no bilan to produce yet: no shortcut
