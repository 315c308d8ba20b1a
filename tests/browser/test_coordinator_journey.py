"""Issue 3's journey in real Chromium: a coordinator creates a chantier under « Logement et habitation »,
adds two organisations, schedules a meeting that triggers the hyperconcertation warning, records
attendance and a decision."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chantiers.models import Decision, Meeting, Space
from chantiers.services import meeting_schedule
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
FAMILY = "Maison de la famille des Collines (démo)"
EMPLOYMENT = "Carrefour emploi Témis-Nord (démo)"


@pytest.fixture
def demo_with_a_meeting_today(demo):
    # The family house already has an Alliance meeting today, in its early-childhood table.
    table = Space.objects.get(name="Table petite enfance des Collines (démo)")
    meeting_schedule(space=table, date=timezone.localdate(), start_time=datetime.time(9), place="Maison de la famille")


def test_coordinator_runs_a_new_space(live_server, page, axe, demo_with_a_meeting_today):
    today = timezone.localdate().isoformat()
    log_in(page, live_server.url, "coordination")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Lieux de concertation"
    ).click()
    page.wait_for_url("**/lieux/")
    page.get_by_role("main").get_by_role("link", name="Nouveau lieu de concertation").click()
    page.wait_for_url("**/lieux/nouveau/")
    page.get_by_label("Nom").fill("Chantier logement abordable")
    page.get_by_label("Type").select_option(label="Chantier")
    page.get_by_label("Logement et habitation").check()
    page.get_by_label("Mandat").fill("Trouver des logements abordables pour les familles.")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chantier logement abordable")).to_be_visible()

    for name in (FAMILY, EMPLOYMENT):
        page.get_by_role("combobox", name="Organisation").select_option(label=name)
        page.get_by_role("button", name="Ajouter l'organisation").click()
        expect(page.get_by_test_id("member").filter(has_text=name)).to_be_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_role("link", name="Planifier une rencontre").first.click()
    page.get_by_label("Date").fill(today)
    page.get_by_label("Début").fill("13:30")
    page.get_by_label("Fin").fill("15:00")
    page.get_by_label("Lieu").fill("Salle du conseil, hôtel de ville")
    page.get_by_label("Ordre du jour").fill("1. Portrait du logement\n2. Pistes d'action")
    page.get_by_role("button", name="Planifier la rencontre").click()

    warning = page.get_by_test_id("hyperconcertation-warning")
    expect(warning).to_be_visible()
    assert FAMILY in warning.inner_text() and "Table petite enfance des Collines" in warning.inner_text()
    assert not Meeting.objects.filter(space__name="Chantier logement abordable").exists()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Planifier quand même").click()
    expect(page.get_by_role("heading", name="Rencontre — Chantier logement abordable")).to_be_visible()

    page.get_by_role("link", name="Consigner les présences").click()
    page.get_by_role("checkbox", name=EMPLOYMENT).check()
    page.get_by_role("checkbox", name=FAMILY).check()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_test_id("attendance").filter(has_text=EMPLOYMENT)).to_be_visible()

    page.get_by_role("textbox", name="Décision").fill("Produire un portrait commun des besoins en logement")
    page.get_by_label("Suivi : quoi").first.fill("Rassembler les données des membres")
    page.get_by_label("Qui (organisation)").first.select_option(label=EMPLOYMENT)
    page.get_by_label("Pour le").first.fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Consigner la décision").click()
    decision = page.get_by_test_id("decision")
    assert "Produire un portrait commun" in decision.inner_text()
    assert "Rassembler les données des membres" in decision.inner_text()
    violations = axe(page)
    assert violations == [], describe(violations)

    decision_row = Decision.objects.get(meeting__space__name="Chantier logement abordable")
    assert decision_row.follow_ups.get().responsible_organisation.name == EMPLOYMENT
    meeting = decision_row.meeting
    assert meeting.attendances.filter(present=True).count() == 2
    assert set(meeting.invitations.values_list("organisation__name", flat=True)) == {FAMILY, EMPLOYMENT}
