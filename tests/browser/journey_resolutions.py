"""The whole journey's step of issue 20, part 2: Coordination records the board's resolution (its quorum, the
members present, the citizens present and a recusal) before the board decides the project; the decision and the
money then point to it."""

from playwright.sync_api import expect

from projects.models import Resolution
from tests.browser.conftest import accessible


def coordination_records_the_resolution(page, base, axe, camera, *, alliance: str, number: str) -> Resolution:
    page.goto(base + alliance + "/enveloppe/resolutions/")
    accessible(page, axe)
    page.get_by_role("main").get_by_role("link", name="Enregistrer une résolution").click()
    page.wait_for_url(base + alliance + "/enveloppe/resolutions/nouvelle/")
    page.get_by_label("Numéro de la résolution").fill(number)
    page.get_by_label("Date de la résolution").fill("2014-04-16")
    page.get_by_label("Objet").fill("Acceptation des projets analysés en avril 2014 et engagements.")
    page.get_by_label("Quorum").fill("3")
    page.get_by_label("Membres présents").fill("Marie Gagnon\nLouis Bergeron\nChantal Ouellet\nNathalie Dubé")
    page.get_by_label("Citoyennes et citoyens présents").fill("2")
    page.locator("#id_conflits-0-person").fill("Chantal Ouellet")
    page.locator("#id_conflits-0-organisation").fill("Maison de la famille")
    page.locator("#id_conflits-0-concerns").fill("Un projet porté par son organisme")
    accessible(page, axe)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/enveloppe/resolutions/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_text("s'est retiré du vote")).to_be_visible()
    accessible(page, axe)
    conflicts = page.locator("section", has=page.get_by_role("heading", name="Conflits d'intérêts déclarés"))
    camera(page, "coordination-resolution", show=conflicts)
    return Resolution.objects.get(number=number)
