"""The hyperconcertation and citizen participation pages in real Chromium, with the demo data."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chantiers.models import Invitation
from chantiers.services import meeting_schedule
from tests import factories as f
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def busy_demo(demo):
    # One organisation asked to 4 meetings in the last weeks: above a threshold of 1 a month (3 in 3 months).
    busy, space = f.make_organisation(name="Organisme très sollicité"), f.make_space(name="Comité d'essai")
    for days in range(1, 5):
        meeting = meeting_schedule(
            space=space, date=timezone.localdate() - datetime.timedelta(days=7 * days), place="Salle"
        )
        Invitation.objects.create(meeting=meeting, organisation=busy)


def test_coordination_reads_both_pages_and_sets_the_threshold(live_server, page, axe, busy_demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + "/rouyn-noranda/hyperconcertation/")  # the menu itself is tested in tests/chantiers
    expect(page.get_by_role("heading", name="Éviter l'hyperconcertation", level=1)).to_be_visible()
    expect(page.get_by_test_id("organisations-table")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="Rencontres (12 derniers mois) : trier en ordre décroissant").first.click()
    page.wait_for_url("**tri=rencontres-12**")
    assert page.locator('th[aria-sort="descending"]').count() == 2

    page.get_by_label("Seuil (rencontres par mois)").fill("1")
    page.get_by_role("button", name="Changer le seuil").click()
    page.wait_for_url(live_server.url + "/rouyn-noranda/hyperconcertation/")
    expect(page.get_by_text("Seuil d'hyperconcertation enregistré : 1 rencontre par mois.")).to_be_visible()
    assert page.locator("td.over-threshold-cell").count() == 1
    assert "au-delà du seuil" in page.locator("td.over-threshold-cell").inner_text()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + "/participation-citoyenne/")
    expect(page.get_by_test_id("totals-row")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)
