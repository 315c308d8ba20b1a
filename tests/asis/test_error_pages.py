"""The refusal pages are the portal's, in French, with its menu: a 403 (another alliance's envelope, a change to a
closed plan, with its reason) and a 404; never Django's bare English pages, never the figures refused."""

import html

import pytest
from django.test import override_settings
from django.utils import translation

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


# --- the 500 page: static, no query, the request id to quote ---


@pytest.fixture
def failing_page(settings, client):
    settings.ROOT_URLCONF = "tests.asis.urls_failing"
    client.raise_request_exception = False
    return "/en-panne/"


def test_a_server_error_shows_the_portals_page_in_french_with_its_menu(client, failing_page):
    response = client.get(failing_page, headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 500
    page = text(response)
    assert '<html lang="fr-CA">' in page
    assert "<title>Erreur du portail — ASIS" in page
    assert '<h1 class="h2">Le portail a rencontré une erreur</h1>' in page
    assert "ce que vous envoyiez n'a pas été enregistré" in page
    assert 'aria-label="Navigation principale"' in page and "Se connecter" in page
    assert "Référence : <code>abc-123</code>" in page  # the id the logs carry (asis/logs.py)
    assert response["X-Request-ID"] == "abc-123"
    assert "Server Error" not in page and "OperationalError" not in page


def test_a_server_error_speaks_english_to_whoever_chose_it(client, failing_page):
    client.cookies["django_language"] = "en"
    page = text(client.get(failing_page))
    assert '<html lang="en">' in page
    assert '<h1 class="h2">The portal ran into an error</h1>' in page


def test_the_500_page_makes_no_query(rf, django_assert_num_queries):
    """The database may be what failed: the page is rendered without the request, no context processor runs."""
    from asis.errors import server_error

    request = rf.get("/en-panne/")
    with translation.override("fr-ca"), django_assert_num_queries(0):  # the middleware activated French before
        response = server_error(request)
    assert response.status_code == 500
    assert "Le portail a rencontré une erreur" in text(response)


# --- a refused form (CSRF): back to the form, or sign in again ---


@pytest.fixture
def strict_client(client):
    client.handler.enforce_csrf_checks = True
    return client


def test_an_expired_form_offers_the_way_back_to_it_in_french(strict_client):
    response = strict_client.post(
        "/connexion/",
        {"username": "alice", "password": "x"},
        headers={"Referer": "http://testserver/connexion/?next=/projets/"},
    )
    assert response.status_code == 403
    page = text(response)
    assert "<title>Formulaire expiré — ASIS" in page
    assert "Rien n'a été enregistré." in page
    assert '<a class="btn btn-primary mb-2" href="/connexion/?next=/projets/">Retourner au formulaire</a>' in page
    assert "Se reconnecter" in page and "/connexion/?next=%2Fconnexion%2F%3Fnext%3D%2Fprojets%2F" in page
    assert 'aria-label="Navigation principale"' in page
    assert "Forbidden" not in page and "CSRF" not in page


def test_an_expired_form_of_a_signed_in_person_does_not_ask_them_to_sign_in(strict_client, cast):
    strict_client.force_login(cast.alice)
    response = strict_client.post(
        "/rencontres/", {"regenerate": "1"}, headers={"Referer": "http://testserver/rencontres/"}
    )
    assert response.status_code == 403
    page = text(response)
    assert "Retourner au formulaire" in page and "Se reconnecter" not in page


@pytest.mark.parametrize(
    "referer", ["https://evil.example/connexion/", "//evil.example/x", "javascript:alert(1)", "", "http://testserver"]
)
def test_the_way_back_never_leads_off_the_portal(strict_client, referer):
    response = strict_client.post("/connexion/", {}, headers={"Referer": referer} if referer else {})
    assert response.status_code == 403
    page = text(response)
    assert "Retourner au formulaire" not in page and "evil" not in page
    assert "Retour à l'accueil" in page


def test_an_expired_form_speaks_english_to_whoever_chose_it(strict_client):
    strict_client.cookies["django_language"] = "en"
    page = text(strict_client.post("/connexion/", {}, headers={"Referer": "http://testserver/connexion/"}))
    assert '<h1 class="h2">Form expired</h1>' in page and "Back to the form" in page


def test_a_bad_request_shows_the_portals_page_with_its_menu(client, cast, settings):
    """Too many files at once: Django refuses the request (400) before any view; its page is the portal's."""
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(3)]
    client.force_login(cast.alice)
    response = client.post("/rencontres/", {"files": files})
    assert response.status_code == 400
    page = text(response)
    assert "<title>Requête refusée — ASIS" in page and 'aria-label="Navigation principale"' in page


def test_the_error_pages_are_valid_html(client, cast, failing_page, tmp_path):
    """The Nu Html Checker (tests/test_html_valid.py) reads the 400, 403, 404, 500 and refused-form pages."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.test_html_valid import _java, vnu_errors

    java = _java()
    strict = Client(enforce_csrf_checks=True)
    strict.raise_request_exception = False
    client.force_login(cast.alice)
    pages = {
        "404": client.get("/page-inconnue/"),
        "500": client.get(failing_page),
        "403": client.get("/organisations/demandes/"),
        "403-csrf": strict.post("/connexion/", {}, headers={"Referer": "http://testserver/connexion/"}),
    }
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FILES=1):
        files = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(3)]
        pages["400"] = client.post("/rencontres/", {"files": files})
    for name, response in pages.items():
        assert response.status_code == int(name[:3]), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert vnu_errors(tmp_path, java) == {}
