"""The first journey in real Chromium: the public plan, then a coordinator logs in."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.browser.conftest import describe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    call_command("load_asis")
    with override_settings(DEBUG=True):
        call_command("load_demo")


def test_public_plan_then_coordinator_login(live_server, page, axe, demo):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr-CA"
    assert page.locator("[data-testid=theme]").count() == 6
    assert page.get_by_test_id("envelope-total").inner_text().replace("\xa0", " ") == "502 136 $"
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Nom d’utilisateur").fill("coordination")
    page.get_by_label("Mot de passe").fill("demo-asis-2013")
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(live_server.url + "/")
    assert "Coordination" in page.get_by_test_id("current-user").inner_text()
    assert page.get_by_role("heading", name="Vos actions").is_visible()
    assert page.get_by_test_id("envelope-total").inner_text().replace("\xa0", " ") == "502 136 $"
    violations = axe(page)
    assert violations == [], describe(violations)


def test_a_wrong_password_gets_a_french_error_in_the_browser(live_server, page, demo):
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("coordination")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Saisissez un nom d’utilisateur et un mot de passe valides").is_visible()
