"""The home page, the plan's timeline, a theme's page and the history pages are one alliance's (issue 17, item 2):
each shows its alliance's themes, projects and money only (the follow-ups are in « À traiter »: tests/worklist); two
alliances' themes of the same address never mix; another alliance's coordinator reads no history of this one; a closed
plan's pages hide their write buttons."""

import html

import pytest

from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return two_alliances()


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


# The coordinator's home is « À traiter » (tests/worklist); the overview, everyone's home but theirs, has its address
@pytest.mark.parametrize("name", ["home", "overview", "plan"])
@pytest.mark.parametrize("who", ["anonymous", "coordinator", "funder"])
def test_the_home_page_and_the_timeline_show_the_alliances_plan_only(client, world, name, who):
    if (name, who) == ("home", "coordinator"):
        name = "overview"
    for mine, theirs in ((world.north, world.south), (world.south, world.north)):
        user = {"anonymous": None, "coordinator": mine.coordinator, "funder": world.funder}[who]
        if user:
            client.force_login(user)
        response = client.get(url(mine, name))
        assert response.status_code == 200 and response.context["plan"] == mine.plan
        page = text(response)
        assert f"Enjeu {mine.name}" in page and f"Projet financé {mine.name}" in page
        assert f"Enjeu {theirs.name}" not in page and f"Projet financé {theirs.name}" not in page
        assert "Projet Nord au Sud" not in page or mine is world.south


def test_the_home_page_envelope_is_the_alliances(client, world):
    response = client.get(url(world.south, "home"))
    assert (str(response.context["envelope"]), str(response.context["committed"])) == ("100000.00", "23000.00")


def test_a_closed_plans_home_hides_the_coordinators_write_buttons(client, world):
    """The coordinator's home is « À traiter »: a closed plan's is read only, its shortcuts and actions hidden."""
    north = world.north
    client.force_login(north.coordinator)
    past = client.get(url(north, "home", plan=north.past.plan))
    assert past.status_code == 200 and past.context["plan"] == north.past.plan
    assert "Engager un montant" not in text(past) and "Nouveau lieu de concertation" not in text(past)
    assert "Projet financé 2010" in text(past)
    # the archived banner's link has an alert link's contrast (axe)
    banner_link = f'<a class="alert-link" href="{url(north, "plans:plan-list", plan=north.past.plan)}">'
    assert banner_link + "Les plans de l'alliance</a>" in text(past)
    assert "Engager un montant" in text(client.get(url(north, "home")))


def test_two_alliances_themes_of_the_same_address_never_mix(client, world):
    """Both alliances have a theme « emploi »: each alliance's address shows its own, also when cached (asis.figures_cache)."""
    north, south = world.north, world.south
    for _again in range(2):
        for mine, theirs in ((north, south), (south, north)):
            response = client.get(url(mine, "theme-detail", "emploi"))
            assert response.status_code == 200 and response.context["theme"] == mine.theme
            page = text(response)
            assert f"Projet financé {mine.name}" in page and f"Projet financé {theirs.name}" not in page
            assert f"Chantier {theirs.name}" not in page
    # a theme of Nord's closed plan: at that plan's address (and the current plan's theme first elsewhere)
    assert client.get(url(north, "theme-detail", "emploi-2010", plan=north.past.plan)).context["theme"] == (
        north.past.theme
    )
    assert client.get(url(north, "theme-detail", "emploi", plan=north.past.plan)).status_code == 404
    assert client.get(url(south, "theme-detail", "emploi-2010")).status_code == 404


HISTORY = [
    ("lieu", "space"),
    ("projet", "funded"),
    ("source", "source"),
    ("engagement", "commitment"),
    ("versement", "disbursement"),
    ("convention", "agreement"),
    ("paiement-prevu", "planned"),
]


@pytest.mark.parametrize("kind, attribute", HISTORY)
def test_history_pages_are_the_alliances_objects_only(client, world, kind, attribute):
    north, south = world.north, world.south
    obj = getattr(north, attribute)
    client.force_login(north.coordinator)
    assert client.get(url(north, "object-history", kind, obj.pk)).status_code == 200
    # Nord's object on Sud's address: unknown, even to Nord's coordinator
    assert client.get(url(south, "object-history", kind, obj.pk)).status_code == 404
    # Sud's coordinator: unknown on Sud's address, refused or unknown on Nord's
    client.force_login(south.coordinator)
    assert client.get(url(south, "object-history", kind, obj.pk)).status_code == 404
    assert client.get(url(north, "object-history", kind, obj.pk)).status_code in (403, 404)
    # the funder reads figures, not who changed what
    client.force_login(world.funder)
    assert client.get(url(north, "object-history", kind, obj.pk)).status_code in (403, 404)


def test_an_organisations_history_is_read_where_it_works(client, world):
    north, south = world.north, world.south
    client.force_login(north.coordinator)
    assert client.get(url(north, "object-history", "organisation", north.org.pk)).status_code == 200
    # Sud's organisation works in Sud only: unknown on Nord's pages
    assert client.get(url(north, "object-history", "organisation", south.org.pk)).status_code == 404
    # Nord's organisation leads a project in Sud too: Sud's coordinator reads its history on Sud's pages
    client.force_login(south.coordinator)
    assert client.get(url(south, "object-history", "organisation", north.org.pk)).status_code == 200
    assert client.get(url(north, "object-history", "organisation", north.org.pk)).status_code in (403, 404)
