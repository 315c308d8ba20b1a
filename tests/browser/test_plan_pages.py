"""The plan's timeline and a theme's page in real Chromium: readable and accessible, for the public and for coordination."""

import pytest

from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)

THEME = "/enjeux/logement-et-habitation/"



def test_the_public_plan_and_a_theme_pass_axe(live_server, page, axe, demo):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Plan triennal").click()
    page.wait_for_url(live_server.url + "/plan/")
    assert page.get_by_role("heading", name="Plan triennal", level=1).is_visible()
    for label in ("2013-2014", "2014-2015", "2015-2016"):
        assert page.get_by_role("columnheader", name=label).is_visible()
    assert page.locator("td.timeline-on").count() > 0
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="3. Logement et habitation").click()
    page.wait_for_url(live_server.url + THEME)
    assert page.get_by_role("heading", name="Logement et habitation", level=1).is_visible()
    assert page.get_by_test_id("meeting").count() == 0  # the public sees no meeting details
    violations = axe(page)
    assert violations == [], describe(violations)


def test_coordination_reads_the_plan_and_a_theme_with_meetings(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    assert page.get_by_role("heading", name="Suivis ouverts").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + "/plan/")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.goto(live_server.url + THEME)
    assert page.get_by_test_id("meeting").count() > 0
    violations = axe(page)
    assert violations == [], describe(violations)


def test_the_plan_prints_without_the_navigation(live_server, page, demo):
    page.goto(live_server.url + "/plan/")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    assert not page.locator("footer").is_visible()
    assert page.locator("table.timeline").is_visible()
