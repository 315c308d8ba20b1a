"""Sign-up in real Chromium, in steps (issue 23, item 4): one question, then only its block, the person, the consents
and « Vérifier et envoyer »; an error at a step is summed up at the top and its link takes the focus to the field;
the back link finds the answers again; then coordination approves the new organisation. Every page passes axe."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisations.models import Organisation, User
from tests.browser.conftest import describe, log_in
from tests.browser.signup import PERSON

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "Rouyn-Noranda-2013!"


def test_signup_in_steps_then_coordination_approves(live_server, page, axe, demo, browser):
    base = live_server.url

    def accessible():
        violations = axe(page)
        assert violations == [], f"{page.url}\n{describe(violations)}"

    page.goto(base + "/connexion/")
    accessible()
    page.get_by_role("link", name="Créer un compte").first.click()
    page.wait_for_url(base + "/inscription/")
    accessible()
    expect(page.locator("#id_org_name")).to_have_count(0)  # one question on the first page
    # Sent without an answer: the summary at the top, focused, its link to the first radio button
    page.get_by_role("button", name="Continuer").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Il y a un problème")
    accessible()
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_choice_0")).to_be_focused()
    page.get_by_label("Non : j'inscris une nouvelle organisation").check()
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(base + "/inscription/organisation/")
    expect(page.get_by_label("Organisation à joindre")).to_have_count(0)  # only the block chosen
    page.locator("#id_org_name").fill("Maison de la famille")
    page.get_by_role("button", name="Continuer").click()  # the type is missing
    expect(page.locator("[data-error-summary]")).to_contain_text("Indiquez le type d'organisation.")
    expect(page.locator("#id_org_name")).to_have_value("Maison de la famille")  # kept
    accessible()
    page.locator("#id_org_kind").select_option("community")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(base + "/inscription/vous/")
    accessible()
    page.get_by_test_id("back-link").click()  # back: the answers are there
    page.wait_for_url(base + "/inscription/organisation/")
    expect(page.locator("#id_org_name")).to_have_value("Maison de la famille")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(base + "/inscription/vous/")
    for field, value in PERSON.items():
        page.locator(f"#id_{field}").fill(value)
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(base + "/inscription/consentements/")
    accessible()
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url(base + "/inscription/verifier/")
    expect(page.get_by_role("heading", name="Vérifier et envoyer", level=1)).to_be_visible()
    expect(page.get_by_test_id("review-organisation")).to_contain_text("Maison de la famille")
    expect(page.get_by_test_id("review-person")).to_contain_text("denise@example.org")
    accessible()
    assert not User.objects.filter(username="denise").exists()  # nothing saved yet
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    org = Organisation.objects.get(name="Maison de la famille")
    page.wait_for_url(f"{base}/organisations/{org.pk}/")
    assert page.get_by_test_id("organisation-status").inner_text() == "En attente d'approbation"
    accessible()

    other = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900}).new_page()
    log_in(other, base, "coordination")
    other.goto(base + "/organisations/demandes/")
    violations = axe(other)
    assert violations == [], describe(violations)
    other.get_by_role("button", name="Approuver Maison de la famille").click()
    other.wait_for_url(base + "/organisations/demandes/")
    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED
    assert any("approuvé" in message.body for message in mail.outbox)
    other.context.close()
