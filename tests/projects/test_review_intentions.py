"""Coordination's view of what the organisations intend: intentions by theme, and look-alike intentions
and projects of different organisations (principles 1, 3 and 4), in a bounded number of queries."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ProjectStatus
from tests import factories as f
from tests.projects.conftest import page as raw_page
from tests.projects.review_helpers import make_intention

pytestmark = pytest.mark.django_db
S = ProjectStatus
WORDS = ["cuisine collective", "logement abordable", "halte-garderie", "aide aux devoirs", "transport des aînés"]


def page(response) -> str:
    return html.unescape(raw_page(response))


@pytest.fixture
def themes(plan):
    return [f.make_theme(plan, name=f"Enjeu numéro {i}") for i in range(1, 7)]


def _intentions(cast, themes, count):
    organisations = [f.make_organisation() for _ in range(5)]
    return [
        make_intention(
            cast,
            themes[i % 6],
            lead=organisations[i % 5],
            title=f"Projet de {WORDS[i % 5]} {i}",
            summary=f"Une {WORDS[i % 5]} pour le quartier",
        )
        for i in range(count)
    ]


READ_MATRIX = [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 200), ("coordinator", 200)]


@pytest.mark.parametrize("who, status", READ_MATRIX)
def test_intention_list_access(login, cast, themes, who, status):
    response = login(getattr(cast, who)).get(reverse("projects:intention-list"))
    assert response.status_code == status


@pytest.mark.parametrize("who, status", READ_MATRIX)
def test_similar_pair_list_access(login, cast, themes, who, status):
    response = login(getattr(cast, who)).get(reverse("projects:similar-pair-list"))
    assert response.status_code == status


def test_intentions_are_grouped_by_theme_with_their_organisation_and_actions(login, cast, themes):
    intention = make_intention(cast, themes[2], title="Frigo partagé")
    f.make_project(lead=cast.org_b, theme=themes[2], title="Un brouillon, pas une intention")
    text = page(login(cast.coordinator).get(reverse("projects:intention-list")))
    section = text.split(f'id="enjeu-{themes[2].pk}"')[1].split("</section>")[0]
    assert "Frigo partagé" in section and "Organisme A" in section and "1 intention" in section
    assert "Un brouillon, pas une intention" not in text
    assert reverse("projects:intention-to-draft", args=[intention.pk]) in section
    assert f"{reverse('chantiers:space-create')}?enjeu={themes[2].slug}" in section
    assert text.count('data-testid="theme-group"') == 6


def test_staff_see_the_intentions_without_the_actions(login, cast, themes):
    make_intention(cast, themes[0], title="Frigo partagé")
    text = page(login(cast.staff).get(reverse("projects:intention-list")))
    assert "Frigo partagé" in text and "En faire un brouillon" not in text


def test_the_intentions_page_costs_the_same_queries_for_30_intentions(
    login, cast, themes, django_assert_max_num_queries
):
    client = login(cast.coordinator)
    _intentions(cast, themes, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("projects:intention-list"))
    _intentions(cast, themes, 30)
    # 1 session, 2 user, 3 groups and organisation ids, 4 the current plan, 5 its themes,
    # 6 the intentions with their organisation, 7 the alliance of the address (AllianceMiddleware, issue 17)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("projects:intention-list"))
    assert page(response).count('data-testid="intention"') == 33
    assert len(few) <= 7


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 404), ("staff", 403)])
def test_only_coordination_turns_an_intention_into_a_draft(login, cast, themes, who, status):
    intention = make_intention(cast, themes[0])
    assert (
        login(getattr(cast, who)).post(reverse("projects:intention-to-draft", args=[intention.pk])).status_code
        == status
    )
    intention.refresh_from_db()
    assert intention.status == S.INTENTION


def test_a_coordinator_turns_an_intention_into_a_draft(login, cast, themes):
    intention = make_intention(cast, themes[0])
    client = login(cast.coordinator)
    assert client.get(reverse("projects:intention-to-draft", args=[intention.pk])).status_code == 405
    response = client.post(reverse("projects:intention-to-draft", args=[intention.pk]))
    assert response["Location"] == intention.get_absolute_url()
    intention.refresh_from_db()
    assert intention.status == S.DRAFT
    assert intention.status_changes.last().changed_by == cast.coordinator
    response = client.post(reverse("projects:intention-to-draft", args=[intention.pk]), follow=True)
    assert "ne peut pas passer à « Brouillon »" in page(response)


def test_look_alikes_of_different_organisations_are_paired_with_their_score(login, cast, themes):
    make_intention(cast, themes[0], lead=cast.org_a, title="Cuisine collective du quartier")
    make_intention(
        cast, themes[0], lead=cast.org_a, title="Cuisine collective des aînés"
    )  # same organisation: not paired with it
    f.make_project(lead=cast.org_b, theme=themes[0], title="Cuisine collective pour familles", status=S.SUBMITTED)
    f.make_project(lead=cast.org_b, theme=themes[1], title="Transport adapté")
    text = page(login(cast.coordinator).get(reverse("projects:similar-pair-list")))
    assert text.count('data-testid="pair"') == 2
    assert "Transport adapté" not in text
    # Same theme (10) and two shared words (cuisine, collective).
    assert '<th scope="row" class="text-end">12</th>' in text


def test_the_pairs_page_costs_the_same_queries_for_30_intentions(login, cast, themes, django_assert_max_num_queries):
    client = login(cast.coordinator)
    _intentions(cast, themes, 30)
    for i in range(5):
        f.make_project(lead=cast.org_b, theme=themes[i], title=f"Projet de {WORDS[i]} déposé", status=S.SUBMITTED)
    # 1 session, 2 user, 3 groups and organisation ids, 4 the current plan,
    # 5 the intentions and projects with their organisation and theme, 6 the alliance of the address
    # (AllianceMiddleware, issue 17)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("projects:similar-pair-list"))
    assert page(response).count('data-testid="pair"') > 30
