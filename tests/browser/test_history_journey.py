"""A coordinator changes an organisation's profile, then reads the change in its history: who, when,
before → after; the history page passes axe (real Chromium). A partner is refused the page."""

import pytest

from organisations.models import User
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"


def test_a_change_shows_in_the_history_page(live_server, page, axe, demo):
    organisation = User.objects.get(username="partenaire").memberships.get().organisation
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + organisation.get_absolute_url())
    page.get_by_role("link", name="Modifier le profil").click()
    page.get_by_label("Secteur d'activité").fill("Périnatalité et petite enfance")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(live_server.url + organisation.get_absolute_url())

    page.get_by_role("link", name="Historique des modifications").click()
    page.wait_for_url(f"{live_server.url}{ASIS}/historique/organisation/{organisation.pk}/")
    newest = page.get_by_test_id("history-line").first
    text = newest.inner_text()
    assert "Modification" in text and "Secteur d'activité" in text and "Périnatalité et petite enfance" in text
    coordinator = User.objects.get(username="coordination")
    assert (coordinator.get_full_name() or coordinator.username) in text
    violations = axe(page)
    assert violations == [], describe(violations)


def test_a_partner_is_refused_the_history_of_its_own_organisation(live_server, page, demo):
    organisation = User.objects.get(username="partenaire").memberships.get().organisation
    log_in(page, live_server.url, "partenaire")
    response = page.goto(f"{live_server.url}{ASIS}/historique/organisation/{organisation.pk}/")
    assert response.status == 403
