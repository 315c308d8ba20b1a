"""Issue 20, part 6, in real Chromium (the whole journey files no final report, so the step is here): six months
after its final report, `partenaire`'s organisation gets its follow-up, answers it (a bad answer first: a French
error, nothing saved), publishes its practice, and an anonymous visitor reads it in the public register."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from alliances.addresses import alliance_reverse
from projects.models import ActionProject, ProgressReport
from sustainability.models import Practice, SustainabilityCheck
from sustainability.services import add_months, sustainability_checks_send
from tests.browser.conftest import accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)
PROJECT = "Ateliers parents-enfants Bouger en famille"


def test_a_partner_answers_its_follow_up_and_publishes_its_practice(live_server, page, axe, demo):
    project = ActionProject.objects.select_related("theme__plan__alliance").get(title=PROJECT)
    alliance = project.theme.plan.alliance
    today = timezone.localdate()
    filed = add_months(today, -6)
    ProgressReport.objects.create(
        project=project,
        period_start=filed - datetime.timedelta(days=90),
        period_end=filed,
        percent_done=100,
        people_reached=60,
        citizens_reached=20,
        is_final=True,
        submitted_at=timezone.make_aware(datetime.datetime.combine(filed, datetime.time(15, 0))),
    )
    mail.outbox.clear()
    sustainability_checks_send(today=today, base_url=live_server.url)
    check = SustainabilityCheck.objects.get(project=project, months=6)
    [email] = [message for message in mail.outbox if PROJECT in message.subject]
    link = live_server.url + alliance_reverse(alliance, "sustainability:check-detail", kwargs={"pk": check.pk})
    assert link in email.body

    log_in(page, live_server.url, "partenaire")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivi de durabilité")
    accessible(page, axe)
    page.get_by_label("Oui, entièrement").check()
    page.get_by_role("button", name="Envoyer la réponse").click()  # no funder named: refused
    expect(page.locator("[data-error-summary]")).to_contain_text("Dites qui finance l'action maintenant")
    assert not SustainabilityCheck.objects.get(pk=check.pk).is_answered
    accessible(page, axe)
    page.get_by_label("Qui la finance maintenant?").fill("La Ville et une fondation locale")
    page.get_by_label("Que pourraient en reprendre d'autres organisations?").fill("Le calendrier des ateliers.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_test_id("check-answers")).to_contain_text("La Ville et une fondation locale")
    assert SustainabilityCheck.objects.get(pk=check.pk).continues == "yes"

    page.get_by_role("link", name="Publier notre pratique").click()
    accessible(page, axe)
    page.get_by_label("Titre").fill("Des ateliers parents-enfants qui bougent")
    page.get_by_label("La pratique en bref").fill("Un atelier par semaine, parents et enfants ensemble.")
    page.get_by_label("Ce que d'autres peuvent reprendre").fill("Le calendrier et les fiches d'activités.")
    page.get_by_label("Personne à joindre (rôle)").fill("Animatrice, 819 555-0199")  # a number: refused
    page.get_by_role("button", name="Enregistrer la pratique").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("sans courriel ni numéro de téléphone")
    assert not Practice.objects.filter(project=project).exists()
    page.get_by_label("Personne à joindre (rôle)").fill("Animatrice des ateliers")
    page.get_by_role("button", name="Enregistrer la pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Des ateliers parents-enfants qui bougent")
    accessible(page, axe)

    page.context.clear_cookies()  # the public
    page.goto(live_server.url + alliance_reverse(alliance, "sustainability:practice-list"))
    accessible(page, axe)
    page.get_by_role("link", name="Des ateliers parents-enfants qui bougent").click()
    expect(page.get_by_role("main")).to_contain_text("Le calendrier et les fiches d'activités.")
    accessible(page, axe)
