"""The first journey in real Chromium: the public plan, then a coordinator logs in."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)


ASIS = "/rouyn-noranda/"  # the demo runs two alliances: ASIS's home is at its address (/ lists the alliances)


def test_public_plan_then_coordinator_login(live_server, page, axe, demo):
    page.goto(live_server.url + ASIS)
    assert page.locator("html").get_attribute("lang") == "fr-CA"
    assert page.locator("[data-testid=theme]").count() == 6
    assert page.get_by_test_id("envelope-total").inner_text().replace("\xa0", " ") == "502 136 $"
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Nom d’utilisateur").fill("coordination")
    page.get_by_label("Mot de passe").fill("demo-asis-2013")
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(live_server.url + ASIS)
    assert "Coordination" in page.get_by_test_id("current-user").inner_text()
    expect(page.get_by_role("heading", name="À traiter", level=1)).to_be_visible()  # their home (issue 23)
    violations = axe(page)
    assert violations == [], describe(violations)
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("button", name="Suivi").click()
    menu.get_by_role("link", name="Vue publique").click()
    page.wait_for_url(live_server.url + ASIS + "apercu/")
    assert page.get_by_test_id("envelope-total").inner_text().replace("\xa0", " ") == "502 136 $"
    violations = axe(page)
    assert violations == [], describe(violations)


def test_a_wrong_password_gets_a_french_error_in_the_browser(live_server, page, demo):
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("coordination")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(
        page.get_by_role("alert").get_by_text("Saisissez un nom d’utilisateur et un mot de passe valides").first
    ).to_be_visible()


def test_the_login_page_passes_axe(live_server, page, axe, demo):
    page.goto(live_server.url + "/connexion/")
    violations = axe(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize(
    "username, home", [("partenaire", "Mon espace"), ("partenaire2", "Mon espace"), ("personnel", "À traiter")]
)
def test_each_role_lands_on_an_accessible_home(live_server, page, axe, demo, username, home):
    log_in(page, live_server.url, username)
    # partners land on « Mon espace » (their organisations' projects), staff on their short « À traiter » (issue 23)
    expect(page.get_by_role("heading", name=home, level=1)).to_be_visible()
    if home == "Mon espace":
        assert page.get_by_test_id("project-card").count() >= 1
    violations = axe(page)
    assert violations == [], describe(violations)


def test_the_plan_in_english_and_back(live_server, page, axe, demo):
    page.goto(live_server.url + ASIS)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="The envelope")).to_be_visible()
    assert page.get_by_test_id("envelope-total").inner_text() == "$502,136"
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr-CA"


def test_no_horizontal_scrolling_on_a_phone(live_server, browser, demo):
    context = browser.new_context(locale="fr-CA", viewport={"width": 375, "height": 800})
    phone = context.new_page()
    for path in ("/", ASIS):  # the list of the alliances, then ASIS's home
        phone.goto(live_server.url + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
