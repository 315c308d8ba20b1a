"""A coordinator signs the agreement of an accepted project, asks for a progress report and
schedules a payment that waits for it; then pays one that needs no report (real Chromium)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budget.models import Agreement, Disbursement, PlannedPayment
from projects.models import ProjectStatus
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"
PROJECT = "Stages d'insertion dans les entreprises locales"


def test_coordinator_signs_an_agreement_and_schedules_payments(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + ASIS + "/enveloppe/")
    page.get_by_role("main").get_by_role("link", name="Conventions et calendriers de versements").click()
    page.wait_for_url("**/enveloppe/conventions/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("main").get_by_role("link", name="Signer la convention", exact=True).click()
    page.wait_for_url("**/enveloppe/conventions/nouvelle/")
    projects = page.get_by_label("Projet accepté")
    projects.select_option(label=projects.locator("option", has_text=PROJECT).inner_text())
    page.get_by_label("Date de signature").fill("2015-10-28")
    page.get_by_label("Référence de la convention").fill("CONV-2015-11")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Signer la convention").click()
    page.wait_for_url("**/enveloppe/conventions/*/")
    agreement = Agreement.objects.get(reference="CONV-2015-11")
    assert agreement.project.title == PROJECT
    assert agreement.project.status == ProjectStatus.AGREEMENT_SIGNED
    expect(page.get_by_text("Convention signée avec")).to_be_visible()

    page.get_by_role("link", name="Ajouter une échéance de rapport").click()
    page.get_by_label("Type de rapport").select_option(label="Rapport d'étape")
    page.get_by_label("À remettre le").fill("2016-01-15")
    page.get_by_label("Libellé").fill("Mi-parcours")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Ajouter l'échéance").click()
    page.wait_for_url(live_server.url + ASIS + agreement.get_absolute_url())

    page.get_by_role("link", name="Prévoir un versement").click()
    page.get_by_label("Engagement").select_option(index=1)
    page.get_by_label("Prévu le").fill("2016-02-01")
    page.get_by_label("Montant prévu").fill("12 500,50")
    page.get_by_label("Rapport exigé avant le versement").select_option(index=1)
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Ajouter au calendrier").click()
    page.wait_for_url(live_server.url + ASIS + agreement.get_absolute_url())
    waiting = PlannedPayment.objects.get(agreement=agreement)
    assert waiting.amount == Decimal("12500.50") and waiting.required_report.label == "Mi-parcours"
    row = page.get_by_test_id(f"planned-{waiting.pk}")
    assert "Attend le rapport" in row.inner_text()
    assert row.get_by_role("button", name="Verser").count() == 0

    page.get_by_role("link", name="Prévoir un versement").click()
    page.get_by_label("Engagement").select_option(index=1)
    page.get_by_label("Prévu le").fill("2015-11-15")
    page.get_by_label("Montant prévu").fill("5 000")
    page.get_by_role("button", name="Ajouter au calendrier").click()
    page.wait_for_url(live_server.url + ASIS + agreement.get_absolute_url())
    first = PlannedPayment.objects.get(agreement=agreement, required_report__isnull=True)
    violations = axe(page)
    assert violations == [], describe(violations)

    row = page.get_by_test_id(f"planned-{first.pk}")
    row.get_by_label("Date du versement").fill("2015-11-16")
    row.get_by_label("Référence du paiement").fill("Chèque 2201")
    row.get_by_role("button", name="Verser").click()
    page.wait_for_url(live_server.url + ASIS + agreement.get_absolute_url())
    expect(page.get_by_text(re.compile(r"Versement de 5\s000\s\$ enregistré"))).to_be_visible()
    first.refresh_from_db()
    assert first.disbursement == Disbursement.objects.get(reference="Chèque 2201")
    assert page.get_by_test_id("schedule-paid").inner_text().replace("\xa0", " ") == "5 000 $"
    assert page.get_by_test_id("schedule-planned").inner_text().replace("\xa0", " ") == "17 500,50 $"
    violations = axe(page)
    assert violations == [], describe(violations)
