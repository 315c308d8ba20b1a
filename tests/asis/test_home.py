"""The home page: the Alliance's plan at a glance, for every kind of visitor."""


import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget.models import FundingSource
from chantiers.models import Plan, ProjectStatus, Theme
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def asis(db):
    call_command("load_asis")
    return Plan.objects.get()


@pytest.fixture
def asis_projects(asis, cast):
    themes = list(asis.themes.all())
    fqis = FundingSource.objects.get(code="fqis")
    accepted = f.make_project(lead=cast.org_b, theme=themes[2], status=ProjectStatus.IN_PROGRESS, title="Logements pour tous")
    f.commit(source=fqis, project=accepted, amount="12500.50")
    f.make_project(lead=cast.org_a, theme=themes[0], title="Brouillon secret de A")
    f.make_project(lead=cast.org_b, theme=themes[0], title="Brouillon secret de B")
    return accepted


def test_anonymous_sees_the_six_themes_and_the_envelope(client, asis):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    for theme in Theme.objects.all():
        assert theme.name.replace("'", "&#x27;") in page
    assert "502 136 $" in page
    assert "467 136 $" in page and "35 000 $" in page
    assert 'lang="fr-CA"' in page


def test_the_envelope_shows_committed_and_left_to_the_cent(client, asis_projects):
    page = text(client.get("/"))
    assert "12 500,50 $" in page  # committed
    assert "489 635,50 $" in page  # 502 136 - 12 500,50 left
    assert "Logements pour tous" in page


def test_anonymous_never_sees_drafts(client, asis_projects):
    page = text(client.get("/"))
    assert "Brouillon secret" not in page


def test_a_partner_sees_their_own_drafts_but_not_another_organisations(client, asis_projects, cast):
    client.force_login(cast.alice)
    page = text(client.get("/"))
    assert "Les projets de mon organisation" in page
    assert "Brouillon secret de A" in page
    assert "Brouillon secret de B" not in page
    assert "Engager un montant" not in page


def test_a_coordinator_lands_on_the_plan_with_their_actions(client, asis_projects, cast):
    response = client.post("/connexion/", {"username": "coordo", "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    page = text(client.get("/"))
    assert "Vos actions" in page and "Engager un montant" in page
    assert "Brouillon secret de A" in page and "Brouillon secret de B" in page
    assert "502 136 $" in page


def test_staff_read_everything_without_coordination_actions(client, asis_projects, cast):
    client.force_login(cast.staff)
    page = text(client.get("/"))
    assert "Brouillon secret de B" in page
    assert "Engager un montant" not in page


def test_the_home_page_is_in_english_on_request(client, asis):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert 'lang="en"' in response.content.decode()
    assert "$502,136" in text(response)


def _grow(plan, cast, count):
    """Spaces, projects in every status, partners and money: enough rows to reveal an N+1."""
    themes = list(plan.themes.all())
    fqis = FundingSource.objects.get(code="fqis")
    statuses = list(f.PATH_TO)
    for i in range(count):
        theme = themes[i % len(themes)]
        org = f.make_organisation()
        chantier = f.make_chantier(themes=[theme], lead_organisation=org)
        project = f.make_project(
            lead=[cast.org_a, cast.org_b, org][i % 3], theme=theme, chantier=chantier, status=statuses[i % len(statuses)]
        )
        project.partnerships.create(organisation=cast.org_a if i % 2 else cast.org_b)
        if project.is_fundable:
            f.commit(source=fqis, project=project, amount="100.00")


def _count(client, url="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "alice", "coordinator"])
def test_home_page_queries_do_not_grow_with_the_data(client, asis, cast, who, django_assert_max_num_queries):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    _grow(asis, cast, 3)
    small = _count(client)
    _grow(asis, cast, 60)
    # anonymous: plan, years, principles, activities, themes, spaces, projects, sources (8);
    # logged in adds session, user, groups and memberships; coordination adds pending organisations.
    with django_assert_max_num_queries(13):
        large = _count(client)
    assert large == small


def test_french_first_whatever_the_browser_language(client, asis):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr-CA"' in response.content.decode()
    assert "502 136 $" in text(response)
