"""Issue 20, part 6, in real Chromium (the whole journey files no final report, so the step is here): six months
after its final report, `partenaire`'s organisation gets its follow-up, answers it (a bad answer first: a French
error, nothing saved), publishes its practice; Personnel finds the answer in the bilan's « Durabilité », and an
anonymous visitor reads the practice in the public register.

The journey takes the pictures of the guide's « Après le financement » (partenaires.md) and of the bilan's
« Durabilité » (personnel.md): tests/browser/guide.py."""

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
from tests.browser.guide import SUSTAINABILITY_JOURNEY_PICTURES, new_page

pytestmark = pytest.mark.django_db(transaction=True)
PROJECT = "Ateliers parents-enfants Bouger en famille"
PRACTICE = "Des ateliers parents-enfants qui bougent"
FUNDER = "La Ville et une fondation locale"


def test_a_partner_answers_its_follow_up_and_publishes_its_practice(live_server, browser, axe, demo, camera):
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

    page = new_page(browser)
    log_in(page, live_server.url, "partenaire")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Suivi de durabilité")
    accessible(page, axe)
    page.get_by_label("Oui, entièrement").check()
    page.get_by_role("button", name="Envoyer la réponse").click()  # no funder named: refused
    expect(page.locator("[data-error-summary]")).to_contain_text("Dites qui finance l'action maintenant")
    assert not SustainabilityCheck.objects.get(pk=check.pk).is_answered
    accessible(page, axe)
    page.get_by_label("Qui la finance maintenant?").fill(FUNDER)
    page.get_by_label("Que pourraient en reprendre d'autres organisations?").fill("Le calendrier des ateliers.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_test_id("check-answers")).to_contain_text(FUNDER)
    assert SustainabilityCheck.objects.get(pk=check.pk).continues == "yes"
    publish = page.get_by_role("link", name="Publier notre pratique")
    camera(page, "partenaires-suivi-durabilite", show=publish)

    publish.click()
    accessible(page, axe)
    page.get_by_label("Titre").fill(PRACTICE)
    page.get_by_label("La pratique en bref").fill("Un atelier par semaine, parents et enfants ensemble.")
    page.get_by_label("Ce que d'autres peuvent reprendre").fill("Le calendrier et les fiches d'activités.")
    page.get_by_label("Personne à joindre (rôle)").fill("Animatrice, 819 555-0199")  # a number: refused
    page.get_by_role("button", name="Enregistrer la pratique").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("sans courriel ni numéro de téléphone")
    assert not Practice.objects.filter(project=project).exists()
    page.get_by_label("Personne à joindre (rôle)").fill("Animatrice des ateliers")
    page.get_by_role("button", name="Enregistrer la pratique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PRACTICE)
    accessible(page, axe)
    page.context.close()

    personnel_reads_the_durability(new_page(browser), live_server.url, axe, camera, alliance, since=filed, to=today)

    public = new_page(browser)
    public.goto(live_server.url + alliance_reverse(alliance, "sustainability:practice-list"))
    accessible(public, axe)
    practice = public.get_by_test_id("practice").filter(has=public.get_by_role("link", name=PRACTICE))
    camera(public, "donnees-pratiques", show=practice)
    practice.get_by_role("link", name=PRACTICE).click()
    expect(public.get_by_role("main")).to_contain_text("Le calendrier et les fiches d'activités.")
    accessible(public, axe)
    public.context.close()

    # The pictures of the user guide this journey declares, all taken, none more (tests/browser/guide.py)
    assert camera.taken == list(SUSTAINABILITY_JOURNEY_PICTURES)


def personnel_reads_the_durability(page, base, axe, camera, alliance, *, since, to):
    """Personnel's bilan over the months of the follow-up (« Autres dates »): its « Durabilité » counts the answer
    and names the funder."""
    log_in(page, base, "personnel")
    page.goto(base + alliance_reverse(alliance, "bilan:bilan"))
    page.get_by_role("combobox", name="Période").select_option(label="Autres dates")
    page.locator("#id_du").fill(since.isoformat())
    page.locator("#id_au").fill(to.isoformat())
    page.get_by_role("button", name="Afficher le bilan").click()
    page.wait_for_url("**/bilan/?periode=dates*")
    durability = page.get_by_test_id("bilan-durability")
    expect(durability).to_contain_text(FUNDER)
    accessible(page, axe)
    camera(page, "personnel-bilan-durabilite", show=durability)
    page.context.close()
