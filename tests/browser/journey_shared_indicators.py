"""The whole journey's shared-indicators step (issue 21, part 1): ASIS's Coordination opens « Suivi › Indicateurs
partagés », defines a count for a theme of the plan, and finds the demo's shared indicators in the bilan under
Results-Based Accountability's questions with their progress; the demo's population index with its latest measure.
One picture, the list with the new indicator (coordination-indicateurs-partages). The ORM only reads and asserts."""

from playwright.sync_api import expect

from plans.models import SharedIndicator
from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda"
NAME = "Familles accompagnées vers un service"


def coordination_defines_a_shared_indicator(page, base, axe, camera) -> SharedIndicator:
    """On a page of its own (closed at the end), signed in as `coordination`."""
    log_in(page, base, "coordination")
    page.goto(base + ASIS + "/plan/indicateurs-partages/")
    expect(page.get_by_role("heading", name="Indicateurs partagés", exact=True)).to_be_visible()
    expect(page.get_by_text("Indice de défavorisation — Rouyn-Noranda")).to_be_visible()
    accessible(page, axe)
    page.get_by_role("link", name="Nouvel indicateur partagé").click()
    page.locator("#id_name").fill(NAME)
    page.locator("#id_unit").fill("familles")
    page.locator("#id_category").select_option("how_much")
    page.locator("#id_baseline").fill("0")
    page.locator("#id_baseline_on").fill("2013-04-01")
    page.locator("#id_target").fill("120")
    page.locator("#id_target_on").fill("2016-03-31")
    page.locator("#id_source").fill("Rapports d'étape des projets")
    accessible(page, axe)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("row").filter(has_text=NAME)).to_be_visible()
    accessible(page, axe)
    camera(page, "coordination-indicateurs-partages", show=page.get_by_role("row").filter(has_text=NAME))
    created = SharedIndicator.objects.get(name=NAME, theme__plan__alliance__slug="rouyn-noranda")
    assert (created.unit, created.target, created.category) == ("familles", 120, "how_much")

    page.goto(base + ASIS + "/bilan/?periode=plan")
    section = page.locator("section[aria-labelledby='indicateurs-partages']")
    section.locator("summary").click()  # folded under its heading: the bilan stays short
    expect(section.get_by_text("Combien avons-nous fait ?")).to_be_visible()
    expect(section.get_by_text("Quelqu'un s'en porte-t-il mieux ?")).to_be_visible()
    accessible(page, axe)
    page.context.close()
    return created
