"""« À traiter » in real Chromium (issue 23, item 1): the demo's coordinator lands on it, reads the counts, marks a
follow-up done from the page; it passes axe, and fits a 375 px phone."""

import re

import pytest
from playwright.sync_api import expect

from chantiers.models import FollowUp
from tests.browser.conftest import accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ASIS = "/rouyn-noranda/"


def test_the_coordinator_marks_a_follow_up_done_from_the_worklist(live_server, page, axe, demo):
    log_in(page, live_server.url, "coordination")
    page.wait_for_url(live_server.url + ASIS)
    expect(page.get_by_role("heading", name="À traiter", level=1)).to_be_visible()
    summary = page.get_by_test_id("summary")
    expect(summary).to_contain_text("Rapports en retard")
    queue = page.get_by_test_id("queue-suivis")
    count = int(re.match(r"\d+", queue.get_by_test_id("count").inner_text()).group())
    open_follow_ups = FollowUp.objects.open().filter(decision__meeting__space__alliance__slug="rouyn-noranda")
    assert count == open_follow_ups.count() > 0
    accessible(page, axe)

    first = queue.get_by_test_id("row").first
    done = int(re.search(r"/suivis/(\d+)/fait/", first.locator("form").get_attribute("action")).group(1))
    first.get_by_role("button", name=re.compile("^Fait")).click()
    page.wait_for_url(live_server.url + ASIS)
    expect(page.get_by_role("status").filter(has_text="Suivi marqué comme fait.")).to_be_visible()
    queue = page.get_by_test_id("queue-suivis")
    expect(queue.get_by_test_id("count")).to_have_text(f"{count - 1} à traiter")
    assert FollowUp.objects.get(pk=done).done
    accessible(page, axe)


def test_the_worklist_fits_a_375_px_phone(live_server, browser, demo):
    context = browser.new_context(locale="fr-CA", viewport={"width": 375, "height": 800}, is_mobile=True)
    phone = context.new_page()
    log_in(phone, live_server.url, "coordination")
    phone.goto(live_server.url + ASIS)
    expect(phone.get_by_role("heading", name="À traiter", level=1)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    # every row's action is on the screen, not off to the side
    buttons = phone.locator(".worklist-action")
    assert buttons.count() > 10
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, buttons.nth(index).inner_text()
    context.close()


def test_staff_read_their_short_worklist(live_server, page, axe, demo):
    log_in(page, live_server.url, "personnel")
    page.wait_for_url(live_server.url + ASIS)
    expect(page.get_by_role("heading", name="À traiter", level=1)).to_be_visible()
    expect(page.get_by_test_id("queue-bilan")).to_contain_text("Bilan de l'année")
    expect(page.get_by_role("button", name=re.compile("^Envoyer un rappel"))).to_have_count(0)
    accessible(page, axe)
