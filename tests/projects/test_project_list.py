"""« Mes projets »: a partner's projects as lead and as partner; everything, filtered, for Coordination and staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import ProjectStatus
from tests import factories as f
from tests.projects.conftest import page

pytestmark = pytest.mark.django_db


def test_a_partner_sees_their_projects_as_lead_and_as_partner_at_every_status(client, cast, projects, theme):
    with_a = f.make_project(lead=cast.org_b, theme=theme, title="Brouillon de B avec A")
    with_a.partnerships.create(organisation=cast.org_a)
    f.make_project(lead=cast.org_b, theme=theme, title="Brouillon de B seul")
    client.force_login(cast.bob)
    text = page(client.get(reverse("projects:project-list")))
    assert "Brouillon de A" in text and "Déposé de A" in text and "Brouillon de B avec A" in text
    assert "Brouillon de B seul" not in text and "Accepté de B" not in text


def test_coordination_filters_by_status_and_theme(client, cast, projects, plan):
    other = f.make_theme(plan, name="Logement")
    f.make_project(lead=cast.org_b, theme=other, title="Logement de B")
    client.force_login(cast.staff)
    url = reverse("projects:project-list")
    text = page(client.get(url))
    assert all(title in text for title in ("Brouillon de A", "Déposé de A", "Accepté de B", "Logement de B"))
    text = page(client.get(url, {"statut": ProjectStatus.SUBMITTED}))
    assert "Déposé de A" in text and "Brouillon de A" not in text
    text = page(client.get(url, {"enjeu": other.slug}))
    assert "Logement de B" in text and "Brouillon de A" not in text


def _many(cast, theme, count):
    for _ in range(count):
        project = f.make_project(lead=cast.org_a, theme=theme)
        project.partnerships.create(organisation=cast.org_b)


@pytest.mark.parametrize("who", ["alice", "coordinator"])
def test_the_list_costs_the_same_queries_for_3_or_30_projects(client, cast, theme, who):
    client.force_login(getattr(cast, who))
    url = reverse("projects:project-list")
    _many(cast, theme, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _many(cast, theme, 27)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25
    # 1 session, 2 user, 3 groups and organisation ids (read once per request), 4 count, 5 plan,
    # 6 the user's organisations (may they create?), 7 themes of the filter, 8 the page of projects with lead and theme,
    # 9 the alliance of the address (AllianceMiddleware, issue 17)
    assert len(small) == len(large) == 9, [q["sql"] for q in large.captured_queries]


def test_pagination_keeps_the_filters(client, cast, theme):
    _many(cast, theme, 30)
    client.force_login(cast.coordinator)
    text = page(client.get(reverse("projects:project-list"), {"statut": "draft"}))
    assert "statut=draft" in text and "page=2" in text
