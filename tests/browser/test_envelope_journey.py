"""A coordinator commits money to an accepted project; the remaining envelope drops by exactly that
amount; committing more than what is left is refused with a clear message (real Chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budget.models import FundingSource
from plans.models import Plan
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"


def money(text: str) -> Decimal:
    return Decimal(text.replace("\xa0", "").replace(" ", "").replace("$", "").replace(",", "."))


def test_commit_then_over_commit(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + ASIS + "/enveloppe/")
    before = money(page.get_by_test_id("envelope-remaining").inner_text())
    assert before == FundingSource.objects.filter(plan=Plan.objects.current()).totals()["remaining"]
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("main").get_by_role("link", name="Engager un montant").click()
    page.get_by_label("Source de financement").select_option(label="Fonds québécois d'initiatives sociales (FQIS)")
    page.get_by_label("Projet accepté ou en cours").select_option(index=1)
    page.get_by_label("Année du plan").select_option(label="2014-2015")
    page.get_by_label("Montant engagé").fill("1 234,56")
    page.get_by_label("Date de la décision").fill("2014-06-10")
    page.get_by_label("Référence").fill("CA-2014-22")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Engager").click()
    page.wait_for_url(live_server.url + ASIS + "/enveloppe/")
    after = money(page.get_by_test_id("envelope-remaining").inner_text())
    assert before - after == Decimal("1234.56")

    ville = FundingSource.objects.get(code="ville-rn")
    page.get_by_role("main").get_by_role("link", name="Engager un montant").click()
    page.get_by_label("Source de financement").select_option(label=ville.name)
    page.get_by_label("Projet accepté ou en cours").select_option(index=1)
    page.get_by_label("Année du plan").select_option(label="2014-2015")
    page.get_by_label("Montant engagé").fill(str(ville.remaining + Decimal("0.01")).replace(".", ","))
    page.get_by_label("Date de la décision").fill("2014-06-11")
    page.get_by_role("button", name="Engager").click()
    error = page.get_by_text("Il reste")
    expect(error).to_be_visible()
    assert "impossible d'engager" in error.inner_text()
    ville.refresh_from_db()
    assert money(page.get_by_text("Il reste").inner_text().split("Il reste")[1].split("dans")[0]) == ville.remaining
