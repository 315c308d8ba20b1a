"""A coordinator corrects a payment, finds the correction in the history and the balances as at a date,
then opens the project's budget; every page passes axe (real Chromium)."""

import re

import pytest
from playwright.sync_api import expect

from budget.models import Disbursement, DisbursementCorrection
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"


def test_correct_then_read_the_history_and_the_project_budget(live_server, page, axe, demo):
    disbursement = Disbursement.objects.select_related("commitment__project").order_by("-paid_on", "-pk").first()
    assert disbursement is not None, "the demo pays something"
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + ASIS + "/enveloppe/versements/")  # « Versements »: the latest payments, to correct
    page.get_by_role("link", name=f"Corriger — {disbursement.commitment.project.title}").first.click()
    page.wait_for_url(re.compile(rf"{ASIS}/enveloppe/versements/{disbursement.pk}/corriger/"))
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_label("Ou l'écart à corriger").fill("-0,01")
    page.get_by_label("Date de la correction").fill("2015-03-01")
    page.get_by_role("button", name="Enregistrer la correction").click()
    expect(page.get_by_text("Ce champ est obligatoire.", exact=True)).to_be_visible()  # the reason is required
    assert not DisbursementCorrection.objects.exists()
    page.get_by_label("Motif").fill("Frais bancaires retenus")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.wait_for_url(live_server.url + ASIS + "/enveloppe/versements/")  # back where the correction was opened
    assert DisbursementCorrection.objects.get().reason == "Frais bancaires retenus"

    page.get_by_role("navigation", name="L'enveloppe").get_by_role("link", name="Historique").click()
    page.wait_for_url(live_server.url + ASIS + "/enveloppe/historique/")
    first = page.locator("tbody tr").first
    assert "Correction de versement" in first.inner_text() and "Frais bancaires retenus" in first.inner_text()
    page.get_by_label("Soldes au").fill("2015-03-31")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**au=2015-03-31**")  # the form's GET has loaded before the page is read
    page.get_by_test_id("balances").wait_for(state="visible")
    expect(page.get_by_test_id("balances")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + ASIS + "/enveloppe/engagements/")  # « Engagements »: by commitment and by project
    page.get_by_role("link", name=disbursement.commitment.project.title, exact=True).first.click()
    page.wait_for_url(f"{live_server.url}{ASIS}/enveloppe/projets/{disbursement.commitment.project_id}/")
    expect(page.get_by_test_id("paid")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
