"""Coordination reads the demo's targets, moves money between two themes, and reads the overview with its
charts: accessible (axe), no CSP violation, the charts' tables printed (real Chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budget.models import BudgetTarget, TargetMove
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"


def test_targets_moves_and_charts(live_server, page, axe, demo):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + ASIS + "/enveloppe/cibles/")
    violations = axe(page)
    assert violations == [], describe(violations)
    # The demo set every target in 2013 and moved some since: set targets read-only, with their current value.
    assert BudgetTarget.objects.count() == 9 and TargetMove.objects.count() == 2
    text = page.get_by_role("main").inner_text().replace("\xa0", " ")
    assert "80 000 $" in text  # Logement et habitation: 90 000 $ less the 10 000 $ moved to employment

    page.get_by_role("link", name="Réaffecter — Logement et habitation").click()
    page.get_by_label("Vers la cible").select_option(index=1)
    page.get_by_label("Montant").fill("500,25")
    page.get_by_label("Date de la décision").fill("2014-06-01")
    page.get_by_label("Résolution du conseil d'administration").select_option(index=1)  # the board's (issue 20)
    page.get_by_label("Motif").fill("Le comité de suivi l'a décidé.")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(live_server.url + ASIS + "/enveloppe/cibles/")
    assert TargetMove.objects.latest("pk").amount == Decimal("500.25")

    expect(page.get_by_text("Le comité de suivi l'a décidé.")).to_be_visible()  # the moves, on « Cibles »
    page.get_by_role("navigation", name="L'enveloppe").get_by_role("link", name="Graphiques").click()
    page.wait_for_url(live_server.url + ASIS + "/enveloppe/graphiques/")
    for name in (
        "Engagé et reste à engager, par source",
        "Cible, engagé et versé, par enjeu",
        "Versements par trimestre (T1 : avril à juin)",
    ):
        expect(page.get_by_role("img", name=name)).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.emulate_media(media="print")
    expect(page.locator("table.chart-table").first).to_be_visible()
    assert not [p for p in problems if "Content Security Policy" in p or "Content-Security-Policy" in p], problems
