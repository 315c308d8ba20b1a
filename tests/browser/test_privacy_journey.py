"""Law 25 in real Chromium: a coordinator logs a citizen's access request, exports what the portal holds
about her, and every page passes axe."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from privacy.models import PrivacyAction, PrivacyRequest
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_logs_an_access_request_and_exports_the_data(live_server, page, axe, demo):
    page.goto(live_server.url + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Politique de confidentialité").click()
    page.wait_for_url("**/confidentialite/")
    expect(page.get_by_test_id("privacy-officer")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    log_in(page, live_server.url, "coordination")
    page.get_by_role("button", name="Suivi").click()
    page.get_by_role("link", name="Vie privée (Loi 25)").click()
    page.wait_for_url("**/organisations/confidentialite/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("main").get_by_role("link", name="Trouver une personne").click()
    page.get_by_label("Nom, nom d'utilisateur ou courriel").fill("Bergeron")
    page.get_by_role("button", name="Chercher").click()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("link", name="Lise Bergeron").click()
    page.wait_for_url("**/organisations/confidentialite/citoyens/*/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_label("Type de demande").select_option(label="Accès")
    page.get_by_label("Précisions").fill("Demande reçue par téléphone.")
    page.get_by_role("button", name="Consigner la demande").click()
    request = PrivacyRequest.objects.get()
    page.wait_for_url(f"{live_server.url}{request.get_absolute_url()}")
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert page.get_by_test_id("due-on").inner_text() == due
    violations = axe(page)
    assert violations == [], describe(violations)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Exporter ses données (JSON)").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())
    assert (data["person"]["first_name"], data["person"]["last_name"]) == ("Lise", "Bergeron")
    assert any(table["table"] == "privacy.privacyrequest" for table in data["tables"])
    export = PrivacyAction.objects.get(action=PrivacyAction.Action.EXPORT_JSON)
    assert (export.request, export.by.username) == (request, "coordination")

    page.reload()
    assert page.get_by_test_id("privacy-action").count() == 2  # the request, then the export
    violations = axe(page)
    assert violations == [], describe(violations)
