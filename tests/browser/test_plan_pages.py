"""The plan's timeline and a theme's page in real Chromium: readable and accessible, for the public and for coordination."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
# The demo runs two alliances (issue 17): ASIS's pages are at its address
ASIS = "/rouyn-noranda"

THEME = "/enjeux/logement-et-habitation/"


def test_the_public_plan_and_a_theme_pass_axe(live_server, page, axe, demo):
    page.goto(live_server.url + ASIS + "/")
    page.get_by_role("link", name="Plan triennal").click()
    page.wait_for_url(live_server.url + ASIS + "/plan/")
    expect(page.get_by_role("heading", name="Plan triennal", level=1)).to_be_visible()
    for label in ("2013-2014", "2014-2015", "2015-2016"):
        expect(page.get_by_role("columnheader", name=label)).to_be_visible()
    assert page.locator("td.timeline-on").count() > 0
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="3. Logement et habitation").click()
    page.wait_for_url(live_server.url + ASIS + THEME)
    expect(page.get_by_role("heading", name="Logement et habitation", level=1)).to_be_visible()
    assert page.get_by_test_id("meeting").count() == 0  # the public sees no meeting details
    violations = axe(page)
    assert violations == [], describe(violations)


def test_coordination_reads_the_plan_and_a_theme_with_meetings(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + ASIS + "/")  # « / » lists the alliances; ASIS's home is « À traiter » for them
    expect(page.get_by_role("heading", name="Suivis des décisions")).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + ASIS + "/plan/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + ASIS + THEME)
    assert page.get_by_test_id("meeting").count() > 0
    violations = axe(page)
    assert violations == [], describe(violations)


def test_the_plan_prints_without_the_navigation(live_server, page, demo):
    page.goto(live_server.url + ASIS + "/plan/")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).not_to_be_visible()
    expect(page.locator("footer")).not_to_be_visible()
    expect(page.locator("table.timeline")).to_be_visible()
