"""The refusal pages are the portal's, in French, with its menu: a 403 (another alliance's envelope, a change to a
closed plan, with its reason) and a 404; never Django's bare English pages, never the figures refused."""

import html

import pytest

from tests.alliance_money import two_alliances, url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_another_alliances_envelope_is_refused_in_french_without_its_figures(client):
    world = two_alliances()
    client.force_login(world.north.coordinator)
    response = client.get(url(world.south, "budget:envelope"))
    assert response.status_code == 403
    page = text(response)
    assert '<html lang="fr-CA">' in page
    assert "<title>Accès refusé — ASIS" in page
    assert '<h1 class="h2">Accès refusé</h1>' in page
    assert "Vous n'avez pas accès à cette page avec votre rôle." in page
    assert 'aria-label="Navigation principale"' in page  # the portal's page, its menu and all
    assert "FQIS Sud" not in page and "100 000" not in page
    assert "Forbidden" not in page


def test_a_change_to_a_closed_plan_says_why(client):
    world = two_alliances()
    north = world.north
    client.force_login(north.coordinator)
    response = client.get(url(north, "budget:commitment-create", plan=north.past.plan))
    assert response.status_code == 403
    assert "Ce plan est terminé : ses pages se consultent, elles ne se modifient plus." in text(response)


def test_an_unknown_page_is_not_found_in_french(client):
    response = client.get("/aide/inconnu/")
    assert response.status_code == 404
    page = text(response)
    assert "<title>Page introuvable — ASIS" in page and '<h1 class="h2">Page introuvable</h1>' in page
    assert "Not Found" not in page


def test_the_refusal_pages_speak_english_to_whoever_chose_it(client):
    client.cookies["django_language"] = "en"
    assert '<h1 class="h2">Page not found</h1>' in text(client.get("/aide/inconnu/"))


def test_a_message_waiting_for_the_person_is_left_for_their_next_page(client, cast):
    """An error page (a calendar client's stale address, a link followed by mistake) does not read the messages:
    the confirmation of what the person just did still shows on their next page."""
    client.force_login(cast.alice)
    response = client.post("/rencontres/", {"regenerate": "1"})
    assert response.status_code == 302
    assert client.get("/cette-page-n-existe-pas/").status_code == 404
    page = client.get(response["Location"])
    assert "Nouvelle adresse d'agenda créée." in text(page)
