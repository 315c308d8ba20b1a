"""Issue 4's journey in real Chromium: a partner files a progress report for its project under way,
answering the deadline the agreement set, with an attachment; the report page shows it (axe-clean)."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import ActionProject, ProgressReport, ReportDeadline
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)
PROJECT = "Ateliers parents-enfants Bouger en famille"


def test_a_partner_files_a_progress_report(live_server, page, axe, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    project = ActionProject.objects.get(title=PROJECT)
    deadline = ReportDeadline.objects.create(
        project=project, due_on=timezone.localdate() - datetime.timedelta(days=3), label="Rapport de l'automne"
    )
    receipt = tmp_path / "facture.pdf"
    receipt.write_bytes(b"%PDF-1.4\n%%EOF\n")
    log_in(page, live_server.url, "partenaire")

    page.goto(live_server.url + project.get_absolute_url())
    section = page.get_by_test_id("reports-section")
    assert "En retard de 3 jours" in section.inner_text()
    violations = axe(page)
    assert violations == [], describe(violations)
    section.get_by_role("link", name="Déposer un rapport d'étape").click()
    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/")

    earliest = (
        ReportDeadline.objects.filter(project=project, kind="progress", report__isnull=True).order_by("due_on").first()
    )
    assert page.locator("#id_deadline").input_value() == str(earliest.pk)  # the earliest pending, by default
    page.locator("#id_deadline").select_option(str(deadline.pk))
    page.locator("#id_period_start").fill("2014-09-01")
    page.locator("#id_period_end").fill("2014-12-19")
    page.locator("#id_percent_done").fill("35")
    page.get_by_label("Activités réalisées").fill("Quatorze ateliers de jeu actif.")
    page.get_by_label("Personnes rejointes").fill("48")
    page.get_by_label("Dont citoyens et citoyennes").fill("120")  # more than the people reached: refused
    page.get_by_label("Familles participantes").fill("22")
    page.get_by_label("Dépenses à ce jour").fill("9 875,40")
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Vérifier avant de déposer").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("ne peuvent être plus nombreux")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Dont citoyens et citoyennes")).to_have_value("120")  # kept as typed
    assert not ProgressReport.objects.filter(deadline=deadline).exists()
    violations = axe(page)
    assert violations == [], describe(violations)
    page.get_by_label("Dont citoyens et citoyennes").fill("30")
    # A draft: kept, not filed, not seen by the coordination; found again on the form
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_test_id("draft-status")).to_be_visible()
    expect(page.get_by_label("Dont citoyens et citoyennes")).to_have_value("30")
    assert not ProgressReport.objects.filter(deadline=deadline).exists()
    page.get_by_role("button", name="Vérifier avant de déposer").click()

    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/verifier/")
    expect(page.get_by_role("heading", name="Vérifier avant de déposer", level=1)).to_be_visible()
    expect(page.get_by_test_id("review-answers")).to_contain_text("9 875,40 $")
    violations = axe(page)
    assert violations == [], describe(violations)
    assert not ProgressReport.objects.filter(deadline=deadline).exists()
    page.get_by_label("Pièces justificatives").set_input_files(str(receipt))
    page.get_by_role("button", name="Déposer le rapport").click()

    page.wait_for_url("**/rapports/*/")
    main = page.get_by_role("main").inner_text()
    assert "Rapport d'étape déposé" in page.content() and "Quatorze ateliers" in main and "facture.pdf" in main
    report = ProgressReport.objects.get(deadline=deadline)
    assert (report.percent_done, report.citizens_reached, str(report.expenses)) == (35, 30, "9875.40")
    assert Path(settings.MEDIA_ROOT / report.attachments.get().file.name).read_bytes().startswith(b"%PDF")
    violations = axe(page)
    assert violations == [], describe(violations)
