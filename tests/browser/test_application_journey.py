"""The project application as a task list, in real Chromium (issue 23, item 4), on a phone (375 px) and a desktop
(1280 px): a partner signals an intention, lands on its task list, fills the application section by section (an
error on the way summed up at the top; « Enregistrer et revenir plus tard » keeps what is typed), checks every
answer on « Vérifier et déposer » and files it. Every page passes axe and none is wider than the screen."""

import pytest
from playwright.sync_api import expect

from projects.models import ActionProject, ProjectStatus
from tests.browser.application import DESCRIPTION, POPULATION, fill_application, start_intention
from tests.browser.conftest import accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ASIS = "/rouyn-noranda"


def _fits(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    screen = page.evaluate("() => window.innerWidth")
    assert width <= screen, f"{page.url}: {width} px wide on a {screen} px screen"


def _statuses(page) -> dict:
    items = page.get_by_test_id("task-list").locator("li")
    return {
        items.nth(i).get_attribute("data-testid"): items.nth(i).get_by_test_id("status").inner_text()
        for i in range(items.count())
    }


@pytest.mark.parametrize("width", [375, 1280])
def test_a_partner_fills_the_application_section_by_section(live_server, browser, axe, demo, width):
    context = browser.new_context(locale="fr-CA", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url

    def check(page):
        accessible(page, axe)
        _fits(page)

    log_in(page, base, "partenaire")
    page.goto(f"{base}{ASIS}/projets/")
    title = f"Popote roulante ({width} px)"
    start_intention(page, title=title, theme="Pauvreté et défavorisation", check=check)
    project = ActionProject.objects.get(title=title)
    assert project.status == ProjectStatus.INTENTION
    expect(page.get_by_test_id("intention-note")).to_be_visible()
    assert _statuses(page) == {
        "section-projet": "En cours",
        "section-partenaires": "Facultatif",
        "section-personnes-rejointes": "À faire",
        "section-budget": "À faire",
        "section-resultats": "Facultatif",
        "section-verifier": "Pas encore possible",
    }

    # « Enregistrer et continuer » without what the section requires: the summary at the top, nothing saved
    page.get_by_role("link", name="Les personnes rejointes").click()
    page.wait_for_url("**/demande/personnes-rejointes/")
    page.locator("#id_area_served").fill("Villages de Rouyn-Noranda")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Décrivez la population visée.")
    check(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_target_population")).to_be_focused()
    project.refresh_from_db()
    assert project.area_served == "" and project.status == ProjectStatus.INTENTION
    # « Enregistrer et revenir plus tard »: kept, back to the list, the intention now a draft
    page.get_by_role("button", name="Enregistrer et revenir plus tard").click()
    page.wait_for_url("**/demande/")
    check(page)
    project.refresh_from_db()
    assert project.area_served == "Villages de Rouyn-Noranda" and project.status == ProjectStatus.DRAFT
    assert _statuses(page)["section-personnes-rejointes"] == "En cours"

    fill_application(page, check=check)
    answers = page.get_by_test_id("answers-projet").inner_text() + page.get_by_test_id("answers-budget").inner_text()
    assert DESCRIPTION in answers and "12 500 $" in answers.replace("\xa0", " ").replace("\u202f", " ")
    assert POPULATION in page.get_by_test_id("answers-personnes-rejointes").inner_text()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    # « Modifier » goes back to the field, and the section saved again comes back to the list
    page.get_by_test_id("answers-personnes-rejointes").get_by_role("link", name="Modifier Population visée").click()
    page.wait_for_url("**/demande/personnes-rejointes/#id_target_population")
    expect(page.locator("#id_target_population")).to_have_value(POPULATION)
    page.get_by_role("button", name="Enregistrer et revenir plus tard").click()
    page.wait_for_url(lambda url: url.split("#")[0].endswith("/demande/"))  # (the fragment survives the redirect)
    assert set(_statuses(page).values()) == {"Terminé", "Facultatif", "À faire"}  # done; the filing left to do
    page.get_by_role("link", name="Vérifier et déposer").click()
    page.wait_for_url("**/demande/verifier/")
    page.get_by_role("button", name="Déposer le projet").click()
    page.wait_for_url(f"{base}{ASIS}/projets/{project.pk}/")
    check(page)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert str(project.amount_requested) == "12500.00"
    context.close()
