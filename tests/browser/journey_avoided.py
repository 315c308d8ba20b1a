"""The whole journey's meetings-avoided step (issue 21, part 2): the demo's `partenaire`, who facilitates the
early-childhood table, avoids a meeting of it by a written consultation (from the space's « Éviter une rencontre »),
answers it for her own organisation, then records the decision taken on the answers (the guide's picture
partenaires-consultation-ecrite). The ORM only reads and asserts."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from chantiers.models import AvoidedMeeting, Consultation
from demo.facilitators import FACILITATED_SPACE
from tests.browser.conftest import accessible, log_in

ASIS = "/rouyn-noranda"
SUBJECT = "Choix du thème de la fête de quartier"
QUESTION = "Quel thème proposez-vous pour la fête?"
ANSWER = "Les jeux d'autrefois"
DECISION = "Thème retenu : les jeux d'autrefois"


def facilitator_avoids_a_meeting(page, base, axe, camera) -> Consultation:
    """On a page of its own (closed at the end), signed in as `partenaire`."""
    log_in(page, base, "partenaire")
    page.goto(base + ASIS + "/lieux/")
    page.get_by_test_id("facilitated").get_by_role("link", name=FACILITATED_SPACE, exact=True).click()
    page.get_by_role("link", name="Éviter une rencontre").click()
    expect(page.get_by_role("heading", name="Éviter une rencontre")).to_be_visible()
    accessible(page, axe)
    today = timezone.localdate()
    page.get_by_role("radio", name="Consultation écrite").check()
    page.get_by_label("Objet (le point à traiter)").fill(SUBJECT)
    page.get_by_label("Date prévue de la rencontre").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Durée prévue (minutes)").fill("60")
    page.get_by_label("Questions de la consultation écrite (une par ligne)").fill(QUESTION)
    page.get_by_label("Réponses attendues au plus tard le").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Éviter la rencontre").click()
    expect(page.get_by_role("heading", name=SUBJECT)).to_be_visible()
    accessible(page, axe)
    consultation = Consultation.objects.get(title=SUBJECT)
    assert AvoidedMeeting.objects.get(consultation=consultation).chosen_by.username == "partenaire"

    page.get_by_role("link", name="Répondre pour mon organisation").click()
    accessible(page, axe)
    page.get_by_label(QUESTION).fill(ANSWER)
    page.get_by_role("button", name="Enregistrer les réponses").click()
    expect(page.get_by_role("main").get_by_text(ANSWER)).to_be_visible()

    page.get_by_label("Décision prise sur la base des réponses").fill(DECISION)
    page.get_by_role("button", name="Consigner la décision").click()
    expect(page.get_by_test_id("consultation-decision")).to_have_text(DECISION)
    accessible(page, axe)
    camera(page, "partenaires-consultation-ecrite", show=page.get_by_test_id("consultation-decision"))
    consultation.refresh_from_db()
    assert consultation.decision == DECISION
    page.context.close()
    return consultation
