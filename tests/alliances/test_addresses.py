"""An alliance's pages live under its address part (/rouyn-noranda/...), a plan's under the plan's
(/rouyn-noranda/2013-2016/...); today's addresses keep working (issue 17, item 3)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import get_script_prefix, reverse

from alliances.addresses import alliance_reverse
from alliances.models import AllianceRole
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two(db):
    """Rouyn-Noranda (a closed plan 2010-2013 and the current 2013-2016) and Témiscamingue (its current plan)."""
    north = f.make_alliance(name="Alliance de Rouyn-Noranda", slug="rouyn-noranda", territory="Rouyn-Noranda")
    south = f.make_alliance(name="Alliance du Témiscamingue", slug="temiscamingue", territory="Témiscamingue")
    past = f.make_plan(alliance=north, title="Plan 2010-2013", status=Plan.Status.CLOSED, start_date=D(2010, 4, 1))
    current = f.make_plan(alliance=north, title="Plan 2013-2016", status=Plan.Status.CURRENT)
    theirs = f.make_plan(alliance=south, title="Plan du Témiscamingue", status=Plan.Status.CURRENT)
    return north, south, past, current, theirs


def test_an_alliances_home_is_at_its_address_and_shows_its_current_plan(client, two):
    north, south, past, current, theirs = two
    response = client.get("/rouyn-noranda/")
    assert response.status_code == 200
    assert response.context["plan"] == current
    assert client.get("/temiscamingue/").context["plan"] == theirs


def test_a_past_plans_pages_are_at_its_address_and_marked_archived(client, two):
    north, south, past, current, theirs = two
    response = client.get("/rouyn-noranda/2010-2013/")
    assert response.status_code == 200
    assert response.context["plan"] == past
    assert "Plan terminé" in response.content.decode()
    # the links of the page stay in that plan
    assert 'href="/rouyn-noranda/2010-2013/plan/"' in response.content.decode()
    assert "Plan terminé" not in client.get("/rouyn-noranda/").content.decode()


def test_the_links_of_an_alliances_page_stay_in_that_alliance_and_the_prefix_does_not_leak(client, two):
    response = client.get("/temiscamingue/plan/")
    assert response.status_code == 200
    assert 'href="/temiscamingue/plan/"' in response.content.decode()
    assert get_script_prefix() == "/"
    assert reverse("plan") == "/plan/"


def test_an_address_without_its_final_slash_is_redirected(client, two):
    response = client.get("/temiscamingue")
    assert (response.status_code, response["Location"]) == (301, "/temiscamingue/")


def test_an_unknown_plan_of_an_alliance_is_not_found(client, two):
    assert client.get("/rouyn-noranda/1990-1993/plan/").context["plan"] is None
    assert client.get("/alliance-inconnue/plan/").status_code == 404


def test_with_several_alliances_the_home_page_lists_them_with_their_money(client, two):
    north, south, past, current, theirs = two
    f.make_source(current, amount="467136.00")
    f.make_source(theirs, amount="120000.00")
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alliance de Rouyn-Noranda" in text and "Alliance du Témiscamingue" in text
    assert "467\u00a0136\u00a0$" in text and "120\u00a0000\u00a0$" in text
    assert 'href="/temiscamingue/"' in text


def test_with_several_alliances_a_former_address_redirects_to_the_persons_alliance(client, two):
    north, south, past, current, theirs = two
    assert client.get("/plan/?x=1")["Location"] == "/rouyn-noranda/plan/?x=1"  # the first alliance by default
    coordinator = f.make_user(alliances=[])
    f.grant_role(coordinator, south, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    response = client.get("/plan/")
    assert (response.status_code, response["Location"]) == (302, "/temiscamingue/plan/")
    posted = client.post("/projets/nouveau/", {"title": "x"})
    assert (posted.status_code, posted["Location"]) == (307, "/temiscamingue/projets/nouveau/")


def test_with_one_alliance_todays_addresses_serve_it_directly(client):
    plan = f.make_plan(status=Plan.Status.CURRENT)
    response = client.get("/plan/")
    assert (response.status_code, response.context["plan"]) == (200, plan)
    assert client.get(f"/{plan.alliance.slug}/plan/").context["plan"] == plan


def test_a_page_of_no_alliance_linked_from_an_alliances_page_is_served_at_its_own_address(client, two):
    response = client.get("/temiscamingue/connexion/?next=/temiscamingue/plan/")
    assert (response.status_code, response["Location"]) == (302, "/connexion/?next=/temiscamingue/plan/")


def test_another_alliances_address_is_given_by_alliance_reverse(two):
    north, south, past, current, theirs = two
    assert alliance_reverse(south, "bilan:bilan") == "/temiscamingue/bilan/"
    assert alliance_reverse(north, "plan", plan=past) == "/rouyn-noranda/2010-2013/plan/"
    assert get_script_prefix() == "/"


def test_a_role_in_one_alliance_grants_nothing_in_another(client, two):
    north, south, past, current, theirs = two
    coordinator = f.make_user(alliances=[])
    f.grant_role(coordinator, north, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    assert client.get("/rouyn-noranda/").context["role"] == "Coordination"
    assert client.get("/temiscamingue/").context["role"] == "Partenaire"


def test_an_alliance_cannot_take_an_address_of_the_portal(two):
    north = two[0]
    for taken in ("projets", "connexion", "admin", "region", "static"):
        north.slug = taken
        with pytest.raises(ValidationError):
            north.full_clean()


def test_the_plans_page_lists_the_alliances_plans_with_their_state(client, two):
    response = client.get("/rouyn-noranda/plans/")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("Plan 2013-2016") < text.index("Plan 2010-2013")
    assert 'href="/rouyn-noranda/2010-2013/"' in text
    assert "Plan du Témiscamingue" not in text
    # its title is text (no link in the tab's title), each plan starts « depuis le 1er avril 2010 » (one article)
    assert "<title>Les plans de l'alliance — ASIS" in text and "Depuis le 1er avril 2010" in text
    assert "le le" not in text


def test_with_several_alliances_a_signed_in_person_goes_home_to_their_alliance_and_may_list_them(client, two):
    north, south, past, current, theirs = two
    coordinator = f.make_user(alliances=[])
    f.grant_role(coordinator, south, AllianceRole.Role.COORDINATION)
    client.force_login(coordinator)
    assert client.get("/")["Location"] == "/temiscamingue/"
    listed = client.get("/?alliances")
    assert listed.status_code == 200 and "Alliance de Rouyn-Noranda" in listed.content.decode()
