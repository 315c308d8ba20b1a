"""The public overview: the Alliance's plan at a glance, the home page of every visitor but the alliance's
Coordination and staff, whose home is « À traiter » (tests/worklist); they find the overview at its own address."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.models import FundingSource
from chantiers import services as space_services
from plans.models import Theme
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def asis_projects(asis, cast):
    themes = list(asis.themes.all())
    fqis = FundingSource.objects.get(code="fqis")
    accepted = f.make_project(
        lead=cast.org_b, theme=themes[2], status=ProjectStatus.IN_PROGRESS, title="Logements pour tous"
    )
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
    page = text(client.get(reverse("overview")))  # their home is « Mon espace » (worklist)
    assert "Brouillon secret de A" in page  # in its theme's projects
    assert "Brouillon secret de B" not in page
    assert "Engager un montant" not in page


def test_a_coordinator_lands_on_their_worklist_and_finds_the_plan_at_the_overview(client, asis_projects, cast):
    response = client.post("/connexion/", {"username": "coordo", "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert [t.name for t in home.templates][0] == "worklist/coordination.html"
    assert 'href="/apercu/">Vue publique</a>' in text(home)
    page = text(client.get(reverse("overview")))
    assert "Brouillon secret de A" in page and "Brouillon secret de B" in page
    assert "502 136 $" in page


def test_staff_read_everything_without_coordination_actions(client, asis_projects, cast):
    client.force_login(cast.staff)
    assert [t.name for t in client.get("/").templates][0] == "worklist/staff.html"
    page = text(client.get(reverse("overview")))
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
        space = f.make_space(themes=[theme], lead_organisation=org)
        project = f.make_project(
            lead=[cast.org_a, cast.org_b, org][i % 3], theme=theme, space=space, status=statuses[i % len(statuses)]
        )
        project.partnerships.create(organisation=cast.org_a if i % 2 else cast.org_b)
        if project.is_fundable:
            f.commit(source=fqis, project=project, amount="100.00")
        meeting = f.make_meeting(space)
        space_services.decision_record(  # open follow-ups, for the coordinator's list
            meeting=meeting,
            text="Décision",
            follow_ups=[{"what": "Suivi", "responsible_organisation": org, "responsible_user": cast.alice}],
        )


def _count(client, url="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "who, bound",
    [
        # plan, years, principles, activities, themes, spaces, projects, sources (8), the alliance of the address
        # (alliances.middleware, issue 17: 9)
        ("anonymous", 9),
        # + session, user, groups (role), with what they may see (their drafts are in the themes' lists) (12); their
        # projects and partnership requests are « Mon espace »'s, not repeated here
        ("alice", 12),
        # + session, user, groups; no memberships (sees everything) (12): their queues are « À traiter » (worklist)
        ("coordinator", 12),
    ],
)
def test_home_page_queries_do_not_grow_with_the_data(client, asis, cast, who, bound, django_assert_max_num_queries):
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    _grow(asis, cast, 3)
    small = _count(client, reverse("overview"))
    _grow(asis, cast, 60)
    with django_assert_max_num_queries(bound):
        large = _count(client, reverse("overview"))
    assert large == small


def test_french_first_whatever_the_browser_language(client, asis):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="fr-CA"' in response.content.decode()
    assert "502 136 $" in text(response)


def test_each_theme_links_to_its_page(client, asis):
    page = text(client.get("/"))
    for theme in asis.themes.all():
        assert f'href="/enjeux/{theme.slug}/"' in page


def test_each_theme_shows_its_first_projects_and_spaces_and_links_to_all_of_them(client, asis, cast):
    """At province scale a theme holds thousands of projects: the home page shows the first ones
    (by title) with how many there are and a link, and sums the theme's money in the database."""
    from pages.selectors import HOME_PROJECTS_SHOWN, HOME_SPACES_SHOWN

    theme = asis.themes.get(order=1)
    fqis = FundingSource.objects.get(code="fqis")
    for i in range(HOME_PROJECTS_SHOWN + 3):
        project = f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title=f"Projet {i:02d}")
        f.commit(source=fqis, project=project, amount="100.01")
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.WITHDRAWN, title="Projet retiré")
    for i in range(HOME_SPACES_SHOWN + 2):
        f.make_space(themes=[theme], name=f"Lieu {i:02d}")
    response = client.get("/")
    card = next(t for t in response.context["themes"] if t.pk == theme.pk)
    assert [p.title for p in card.visible_projects] == [f"Projet {i:02d}" for i in range(HOME_PROJECTS_SHOWN)]
    assert card.project_count == HOME_PROJECTS_SHOWN + 3
    assert len(card.shown_spaces) == HOME_SPACES_SHOWN and card.space_count == HOME_SPACES_SHOWN + 2
    assert card.committed == (HOME_PROJECTS_SHOWN + 3) * Decimal("100.01")  # every project, not only those shown
    page = text(response)
    assert f"Voir les {HOME_PROJECTS_SHOWN + 3} projets de cet enjeu" in page
    assert f"Voir les {HOME_SPACES_SHOWN + 2} lieux de concertation de cet enjeu" in page
    assert "Projet retiré" not in page and f"Projet {HOME_PROJECTS_SHOWN:02d}" not in page


def test_a_partners_overview_shows_the_plan_without_repeating_their_projects(client, asis, cast):
    """Their projects are in the themes' lists (and in « Mon espace », their home, with what to do): the overview
    does not list them a second time, nor the partnerships awaiting their answer."""
    theme = asis.themes.get(order=2)
    f.make_project(lead=cast.org_a, theme=theme, title="Mon projet", status=ProjectStatus.ACCEPTED)
    client.force_login(cast.alice)
    page = text(client.get(reverse("overview")))
    assert page.count("Mon projet") == 1
    assert "Les projets de mon organisation" not in page and "Demandes de partenariat" not in page


@pytest.mark.parametrize("who, count", [("anonymous", 1), ("alice", 2), ("charlie", 2), ("coordinator", 3)])
def test_each_theme_counts_only_the_projects_this_visitor_may_see(client, asis, cast, who, count):
    theme = asis.themes.get(order=4)
    f.make_project(lead=cast.org_b, theme=theme, status=ProjectStatus.ACCEPTED, title="Public")
    f.make_project(lead=cast.org_a, theme=theme, title="Brouillon de A")
    f.make_project(lead=cast.org_b, theme=theme, title="Brouillon de B")
    if who != "anonymous":
        client.force_login(getattr(cast, who))
    card = next(t for t in client.get(reverse("overview")).context["themes"] if t.pk == theme.pk)
    assert card.project_count == count
    titles = [p.title for p in card.visible_projects]
    assert ("Brouillon de B" in titles) == (who in ("charlie", "coordinator"))  # B's member sees B's draft, not A's
    assert ("Brouillon de A" in titles) == (who in ("alice", "coordinator"))
