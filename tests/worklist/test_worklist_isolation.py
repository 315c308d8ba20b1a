"""« À traiter » is one alliance's, of one plan (issue 17's isolation, issue 23's worklist): another alliance's rows
never appear, its objects answer 404 to the actions, and a closed plan's worklist offers no action."""

import html

import pytest
from django.core.exceptions import ValidationError

from projects.services.reports import report_mark_read
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return two_alliances()


def queues(response) -> dict:
    return {queue.key: queue for section in response.context["sections"] for queue in section.queues}


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_each_coordinator_sees_their_alliances_rows_only(client, world):
    for mine, theirs in ((world.north, world.south), (world.south, world.north)):
        client.force_login(mine.coordinator)
        response = client.get(url(mine, "home"))
        assert response.context["plan"] == mine.plan
        by_key = queues(response)
        assert [row.what for row in by_key["suivis"].rows] == [f"Suivi {mine.name}"]
        agreements = [row.what for row in by_key["conventions"].rows]  # Sud's also holds « Projet Nord au Sud »
        assert f"Projet accepté {mine.name}" in agreements and f"Projet accepté {theirs.name}" not in agreements
        assert [row.what for row in by_key["rapports-en-retard"].rows] == [
            f"Projet financé {mine.name} — Rapport d'étape (Mi-parcours)"
        ]
        assert [row.what.replace("\xa0", " ") for row in by_key["versements"].rows] == [
            f"Projet financé {mine.name} — 5 000 $"
        ]
        page = text(response)
        assert mine.name in page
        for theirs_only in (f"Suivi {theirs.name}", f"Projet financé {theirs.name}", f"Projet accepté {theirs.name}"):
            assert theirs_only not in page
        assert "Projet Nord au Sud" not in page or mine is world.south  # Nord's partner works in Sud


def test_another_alliances_objects_answer_404_to_the_actions(client, world):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    assert client.post(url(north, "projects:deadline-remind", south.deadline.pk)).status_code in (403, 404)
    client.force_login(south.coordinator)
    assert client.post(url(south, "projects:deadline-remind", north.deadline.pk)).status_code == 404
    assert client.post(url(south, "chantiers:follow-up-done", north.follow_up.pk)).status_code == 404


def test_a_closed_plans_worklist_shows_no_action(client, world):
    north = world.north
    client.force_login(north.coordinator)
    response = client.get(url(north, "home", plan=north.past.plan))
    assert response.status_code == 200 and response.context["plan"] == north.past.plan
    assert response.context["can_act"] is False
    rows = [row for queue in queues(response).values() for row in queue.rows]
    assert rows and all(row.action is None for row in rows)
    assert "Projet financé 2010 — 5 000 $" in text(response)
    page = response.content.decode()
    assert '<form method="post" action="/nord/' not in page
    assert 'data-testid="worklist-read-only"' in page
    # and the actions themselves refuse a closed plan's objects
    deadline = north.past.deadline
    assert client.post(url(north, "projects:deadline-remind", deadline.pk)).status_code == 403


def test_the_services_refuse_a_partner(world):
    from projects.models import ProgressReport

    report = ProgressReport(project=world.north.funded)
    with pytest.raises(ValidationError):
        report_mark_read(report=report, by=world.north.partner)
