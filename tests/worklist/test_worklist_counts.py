"""A queue's count stops at COUNT_CAP (issue 18): exact up to it, « 100 et plus » past it, so « À traiter » costs the
same however long a queue grows; the full list (its own page) says the exact figure."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from asis.counts import COUNT_CAP
from chantiers import services as space_services
from plans.models import Plan
from projects.models import ProjectStatus
from projects.selectors.reports import late_reports
from tests import factories as f
from worklist.selectors import ROWS_SHOWN

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def follow_ups(theme, count: int) -> None:
    """`count` open follow-ups of one decision of the alliance: the cheapest queue to fill."""
    meeting = f.make_meeting(f.make_space(themes=[theme]), date=timezone.localdate())
    space_services.decision_record(
        meeting=meeting, text="Décision", follow_ups=[{"what": f"Suivi {i:03}"} for i in range(count)]
    )


def home(client, cast):
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    queue = next(q for section in response.context["sections"] for q in section.queues if q.key == "suivis")
    card = re.search(r'data-testid="queue-suivis".*?</section>', response.content.decode(), re.S).group(0)
    summary = re.search(r'data-testid="summary".*?</ul>', response.content.decode(), re.S).group(0)
    text = lambda markup: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())  # noqa: E731
    return queue, text(card), text(summary)


def test_a_queue_counts_exactly_up_to_the_cap(client, cast, current, theme):
    follow_ups(theme, COUNT_CAP)
    queue, card, summary = home(client, cast)
    assert queue.count == COUNT_CAP and not queue.capped
    assert len(queue.rows) == ROWS_SHOWN
    assert "100 à traiter" in card and "et plus" not in card
    assert f"… et {COUNT_CAP - ROWS_SHOWN} autres." in card
    assert "Suivis des décisions 100" in summary and "et plus" not in summary


def test_past_the_cap_a_queue_says_100_or_more(client, cast, current, theme):
    follow_ups(theme, COUNT_CAP + 25)
    queue, card, summary = home(client, cast)
    assert queue.capped and len(queue.rows) == ROWS_SHOWN
    assert "100 et plus à traiter" in card
    assert f"… et plus de {COUNT_CAP - ROWS_SHOWN} autres." in card  # at least that many: the count stopped
    assert "Suivis des décisions 100 et plus" in summary
    assert [row.what for row in queue.rows] == [f"Suivi {i:03}" for i in range(ROWS_SHOWN)]  # still the first


def test_past_the_cap_the_link_to_the_full_list_says_more_than(client, cast, current, theme, today):
    """This week's meetings: capped on « À traiter », every one on their own page (chantiers:meeting-list)."""
    space = f.make_space(themes=[theme])
    for _ in range(COUNT_CAP + 1):
        f.make_meeting(space, date=today)
    client.force_login(cast.coordinator)
    response = client.get(reverse("home"))
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert "Rencontres de la semaine 100 et plus à traiter" in page
    assert "Voir la liste complète (encore plus de 90)" in page


def test_the_reports_late_keep_their_exact_count(client, cast, current, theme, today):
    """Their rows' order already reads every deadline past due: the count is exact, past the cap too."""
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.IN_PROGRESS)
    for i in range(COUNT_CAP + 3):
        f.make_deadline(project, due_on=today - (i + 1) * DAY)
    for i in range(4):
        f.make_deadline(project, due_on=today + (i + 1) * DAY)
    first = late_reports(Plan.objects.filter(pk=current.pk), today, 30, limit=ROWS_SHOWN)
    assert (first["late_total"], first["upcoming_total"]) == (COUNT_CAP + 3, 4)
    assert [row.deadline.due_on for row in first["late"]] == [today - (COUNT_CAP + 3 - i) * DAY for i in range(10)]
    client.force_login(cast.coordinator)
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", client.get(reverse("home")).content.decode())).split())
    assert "Rapports en retard 103 à traiter" in page, re.findall(r"\S+ \S+ \d+ à traiter", page)
    assert "Voir la liste complète (encore 93)" in page
