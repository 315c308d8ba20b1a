"""The error pages in Chromium (issue 19, item 3): axe-core finds nothing on 403, 404, 500 and the refused form,
at 1280 px and 375 px (no sideways scrolling, the way forward visible); a form refused because its session expired
leads back to the form."""

import pytest
from django.urls import reverse

from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda/"


def shown_on_a_phone(page, link_name):
    page.set_viewport_size({"width": 375, "height": 667})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    link = page.get_by_role("link", name=link_name).first
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def failing_page(settings):
    settings.ROOT_URLCONF = "tests.asis.urls_failing"
    return "/en-panne/"


def test_404_500_and_403_pages_are_accessible_at_both_widths(live_server, page, axe, demo, failing_page):
    response = page.goto(live_server.url + "/page-inconnue/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    accessible(page, axe)
    shown_on_a_phone(page, "Retour à l'accueil")

    response = page.goto(live_server.url + failing_page)
    assert response.status == 500
    assert page.get_by_role("heading", level=1).inner_text() == "Le portail a rencontré une erreur"
    accessible(page, axe)
    shown_on_a_phone(page, "Retour à l'accueil")

    log_in(page, live_server.url, "partenaire")
    response = page.goto(live_server.url + reverse("organisations:request-list"))
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Accès refusé"
    assert page.get_by_test_id("current-user").is_visible()  # the person's own menu
    accessible(page, axe)
    shown_on_a_phone(page, "Retour à l'accueil")


def test_a_form_refused_after_its_session_ended_leads_back_to_it(live_server, page, axe, demo):
    page.goto(live_server.url + "/connexion/?next=" + ASIS + "projets/")
    page.context.clear_cookies()  # the session and its CSRF cookie expired while the page stayed open
    page.get_by_label("Nom d’utilisateur").fill("partenaire")
    page.get_by_label("Mot de passe").fill("demo-asis-2013")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Formulaire expiré"
    assert page.get_by_text("Rien n'a été enregistré.").is_visible()
    accessible(page, axe)
    shown_on_a_phone(page, "Retourner au formulaire")

    page.get_by_role("link", name="Retourner au formulaire").click()
    assert page.url == live_server.url + "/connexion/?next=" + ASIS + "projets/"
    page.get_by_label("Nom d’utilisateur").fill("partenaire")
    page.get_by_label("Mot de passe").fill("demo-asis-2013")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(live_server.url + ASIS + "projets/")
