"""« Mon espace » in real Chromium (issue 23, item 2): the demo's partner signs in, lands on their space, reads what to
do first and the payment that waits for their report, follows the action to the report form; the page and the
project's panel pass axe, and fit a 375 px phone."""

import re

import pytest
from playwright.sync_api import expect

from asis.templatetags.asis_format import day_date, format_money
from budget.models import PlannedPayment
from projects.models import ActionProject
from tests.browser.conftest import accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

ASIS = "/rouyn-noranda/"
RUNNING = "Ateliers parents-enfants Bouger en famille"  # led by partenaire's organisation, under way


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_the_partner_lands_on_their_space_and_follows_the_action_to_the_report_form(live_server, page, axe, demo):
    project = ActionProject.objects.get(title=RUNNING, is_demo=True)
    waiting = (
        PlannedPayment.objects.filter(agreement__project=project, cancelled_on__isnull=True, disbursement__isnull=True)
        .select_related("required_report")
        .order_by("due_on", "pk")
        .first()
    )
    assert waiting is not None and waiting.required_report is not None  # the demo's payment waiting for a report

    log_in(page, live_server.url, "partenaire")
    page.wait_for_url(live_server.url + ASIS)
    expect(page.get_by_role("heading", name="Mon espace", level=1)).to_be_visible()
    menu = page.get_by_role("navigation", name="Navigation principale")
    expect(menu.get_by_role("link", name="Mon espace")).to_have_attribute("aria-current", "page")
    accessible(page, axe)

    card = page.get_by_test_id("project-card").filter(has=page.get_by_role("heading", name=RUNNING))
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("current-step")).to_have_count(1)
    expect(card.get_by_test_id("todo-who")).to_have_text("Qui : Vous")
    payment = card.get_by_test_id("next-payment")
    assert plain(payment.get_by_test_id("payment-amount").inner_text()) == plain(format_money(waiting.amount))
    assert plain(payment.get_by_test_id("payment-waits").inner_text()) == (
        f"Attend votre rapport d'étape dû le {plain(day_date(waiting.required_report.due_on))}."
    )
    # the demo's reports are years late: this card comes first, its « À faire maintenant » in red
    first = page.get_by_test_id("project-card").first
    expect(first.get_by_test_id("overdue")).to_be_visible()

    card.get_by_test_id("todo-action").click()
    page.wait_for_url(re.compile(rf".*/projets/{project.pk}/rapports/(nouveau|final)/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("rapport")
    accessible(page, axe)


def test_the_project_page_opens_on_the_same_panel(live_server, page, axe, demo):
    project = ActionProject.objects.get(title=RUNNING, is_demo=True)
    log_in(page, live_server.url, "partenaire")
    page.goto(f"{live_server.url}{ASIS}projets/{project.pk}/")
    panel = page.get_by_test_id("project-panel")
    expect(panel.get_by_role("heading", name="Où en est le projet")).to_be_visible()
    expect(panel.get_by_test_id("next-payment")).to_contain_text("Attend votre rapport")
    # near the top: the panel's top is within the first screen
    assert panel.bounding_box()["y"] < 900
    accessible(page, axe)


def test_the_partners_space_fits_a_375_px_phone(live_server, browser, axe, demo):
    context = browser.new_context(locale="fr-CA", viewport={"width": 375, "height": 800}, is_mobile=True)
    phone = context.new_page()
    log_in(phone, live_server.url, "partenaire")
    phone.goto(live_server.url + ASIS)
    expect(phone.get_by_role("heading", name="Mon espace", level=1)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    buttons = phone.locator("[data-testid=project-card] .btn")
    assert buttons.count() > 0
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, buttons.nth(index).inner_text()
    accessible(phone, axe)
    context.close()
