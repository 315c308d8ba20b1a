"""Who lands on « À traiter » at the alliance's home: its Coordination (every queue) and its staff (the short list);
a partner on « Mon espace » (issue 23, item 2); the regional funder, an anonymous visitor and another alliance's
coordinator get the public overview, as before (issue 23, item 1)."""

import pytest
from django.urls import reverse

from alliances.models import AllianceRole
from tests import factories as f
from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db


def template(response) -> str:
    return response.templates[0].name


@pytest.mark.parametrize(
    "who, expected",
    [
        ("coordinator", "worklist/coordination.html"),
        ("staff", "worklist/staff.html"),
        ("alice", "worklist/partner.html"),
        ("charlie", "worklist/partner.html"),
        ("anonymous", "pages/home.html"),
    ],
)
def test_each_role_lands_on_its_home(client, login, cast, current, who, expected):
    response = login(getattr(cast, who)).get(reverse("home"))
    assert response.status_code == 200 and template(response) == expected


def test_the_regional_funder_gets_the_public_overview(client, current):
    funder = f.make_user("region", alliances=[])
    f.grant_role(funder, current.alliance, AllianceRole.Role.FUNDER)
    client.force_login(funder)
    assert template(client.get(reverse("home"))) == "pages/home.html"


def test_the_overview_has_its_own_address_for_everyone(client, login, cast, current):
    for who in ("coordinator", "staff", "alice", "anonymous"):
        response = login(getattr(cast, who)).get(reverse("overview"))
        assert response.status_code == 200 and template(response) == "pages/home.html"
        client.logout()


def test_coordination_and_staff_find_the_overview_and_the_worklist_in_the_menu(client, cast, current):
    client.force_login(cast.coordinator)
    page = client.get(reverse("home")).content.decode()
    assert 'href="/">À traiter</a>' in page and 'href="/apercu/">Vue publique</a>' in page  # under « Suivi »
    assert 'href="/plan/">Plan triennal</a>' in page
    client.force_login(cast.alice)
    page = client.get(reverse("home")).content.decode()
    assert "À traiter</a>" not in page and "Vue publique</a>" not in page


def test_another_alliances_coordinator_gets_the_public_overview():
    from django.test import Client

    world = two_alliances()
    client = Client()
    client.force_login(world.south.coordinator)
    assert template(client.get(url(world.north, "home"))) == "pages/home.html"
    assert template(client.get(url(world.south, "home"))) == "worklist/coordination.html"


def test_the_list_of_the_alliances_stays_at_the_root_for_a_coordinator(client):
    """Several alliances: / lists them to a signed-in coordinator who asks (?alliances), « À traiter » is at their
    alliance's address."""
    world = two_alliances()
    client.force_login(world.north.coordinator)
    assert template(client.get("/?alliances")) == "pages/alliance_list.html"
    assert client.get("/")["Location"] == "/nord/"
