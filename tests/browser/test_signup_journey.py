"""Sign-up in real Chromium: a new organisation, then coordination approves it; every page passes axe."""

import pytest
from django.core import mail

from organisations.models import Organisation
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_signup_then_coordination_approves(live_server, page, axe, demo, browser):
    page.goto(live_server.url + "/connexion/")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="Créer un compte").first.click()
    page.wait_for_url(live_server.url + "/inscription/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.locator("#id_username").fill("denise")
    page.locator("#id_first_name").fill("Denise")
    page.locator("#id_last_name").fill("Gagnon")
    page.locator("#id_email").fill("denise@example.org")
    page.locator("#id_password1").fill("Rouyn-Noranda-2013!")
    page.locator("#id_password2").fill("Rouyn-Noranda-2013!")
    page.locator("#id_org_name").fill("Maison de la famille")
    page.locator("#id_org_kind").select_option("community")
    page.get_by_role("button", name="Créer mon compte").click()

    org = Organisation.objects.get(name="Maison de la famille")
    page.wait_for_url(f"{live_server.url}/organisations/{org.pk}/")
    assert page.get_by_test_id("organisation-status").inner_text() == "En attente d'approbation"
    violations = axe(page)
    assert violations == [], describe(violations)

    other = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900}).new_page()
    log_in(other, live_server.url, "coordination")
    other.goto(live_server.url + "/organisations/demandes/")
    violations = axe(other)
    assert violations == [], describe(violations)
    other.get_by_role("button", name="Approuver Maison de la famille").click()
    other.wait_for_url(live_server.url + "/organisations/demandes/")
    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED
    assert any("approuvé" in message.body for message in mail.outbox)
    other.context.close()
