"""Issue 4's journey in real Chromium: a new partner registers, a coordinator approves the
organisation, the partner writes and files a project, the coordinator takes it through the
review to the board's acceptance, and the partner files a progress report. Every page passes axe."""

import pytest
from playwright.sync_api import expect

from organisations.models import Organisation
from projects.models import ActionProject, ProgressReport, ProjectStatus, ReviewCriterion
from tests.browser.application import file_application, fill_application, start_intention
from tests.browser.conftest import describe, log_in
from tests.browser.signup import sign_up_new_organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Rouyn-Noranda-2013!"


def accessible(page, axe):
    violations = axe(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def register(page, base_url, axe):
    page.goto(base_url + "/inscription/")
    sign_up_new_organisation(
        page,
        base_url,
        name="Entraide alimentaire de Cadillac",
        password=PASSWORD,
        accessible=lambda page: accessible(page, axe),
    )
    org = Organisation.objects.get(name="Entraide alimentaire de Cadillac")
    page.wait_for_url(f"{base_url}/organisations/{org.pk}/")
    return org


def write_and_file_project(page, base_url, axe) -> ActionProject:
    """From « Mes projets »: an intention, then its application section by section, checked and filed."""
    page.goto(base_url + "/projets/")
    accessible(page, axe)
    check = lambda page: accessible(page, axe)  # noqa: E731
    start_intention(page, title="Popote roulante des villages", theme="Pauvreté et défavorisation", check=check)
    fill_application(page, check=check)
    file_application(page)
    project = ActionProject.objects.get(title="Popote roulante des villages")
    accessible(page, axe)
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert str(project.amount_requested) == "12500.00"
    return project


def test_register_approve_file_accept_report(live_server, page, axe, demo, browser):
    base = live_server.url
    org = register(page, base, axe)

    coordination = browser.new_context(locale="fr-CA", viewport={"width": 1280, "height": 900}).new_page()
    log_in(coordination, base, "coordination")
    coordination.goto(base + "/organisations/demandes/")
    coordination.get_by_role("button", name=f"Approuver {org.name}").click()
    coordination.wait_for_url(base + "/organisations/demandes/")
    org.refresh_from_db()
    assert org.status == Organisation.Status.APPROVED

    project = write_and_file_project(page, base, axe)
    expect(page.get_by_text("Déposé").first).to_be_visible()

    accept(coordination, base, axe, project)
    coordination.context.close()
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED
    assert project.board_decision.resolution_number == "CA-2014-04-07"

    file_progress_report(page, base, axe, project)


def accept(page, base_url, axe, project):
    """The coordinator opens the analysis, scores the grid, recommends, and records the board's acceptance."""
    page.goto(f"{base_url}/projets/{project.pk}/")
    page.get_by_role("button", name="Ouvrir l'analyse", exact=True).click()
    page.get_by_label("Membres du comité d'analyse").fill("Sophie Lachance\nDeux partenaires sans projet déposé")
    for criterion in ReviewCriterion.objects.filter(is_active=True):
        page.get_by_label(f"Note : {criterion.name} (sur {criterion.max_score})").fill("4")
    page.get_by_role("button", name="Enregistrer la grille").click()
    page.get_by_label("Favorable", exact=True).check()
    page.get_by_label("Motifs de la recommandation").fill("Répond à un besoin des villages; partenaires engagés.")
    page.get_by_role("button", name="Recommander").click()
    accessible(page, axe)
    page.get_by_role("link", name="Consigner la décision du conseil").click()
    page.get_by_label("Accepté").check()
    page.get_by_label("Numéro de résolution").fill("CA-2014-04-07")
    page.get_by_label("Date de la décision").fill("2014-04-16")
    page.get_by_label("Montant accordé (facultatif)").fill("12 500,00")
    page.get_by_role("button", name="Consigner la décision").click()
    assert "CA-2014-04-07" in page.get_by_test_id("board-decision").inner_text()
    accessible(page, axe)


def file_progress_report(page, base_url, axe, project):
    """The partner sees its project accepted and files its first progress report."""
    page.goto(f"{base_url}/projets/{project.pk}/")
    assert "Accepté" in page.get_by_role("main").inner_text()
    accessible(page, axe)
    page.get_by_test_id("reports-section").get_by_role("link", name="Déposer un rapport d'étape").click()
    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/")
    accessible(page, axe)
    page.locator("#id_period_start").fill("2014-05-01")
    page.locator("#id_period_end").fill("2014-09-30")
    page.locator("#id_percent_done").fill("40")
    page.get_by_label("Activités réalisées").fill("Quarante repas livrés chaque semaine dans trois villages.")
    page.get_by_label("Personnes rejointes").fill("38")
    page.get_by_label("Dont citoyens et citoyennes").fill("12")
    page.get_by_label("Dépenses à ce jour").fill("4 250,75")
    page.get_by_role("button", name="Vérifier avant de déposer").click()
    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/verifier/")
    accessible(page, axe)
    page.get_by_role("button", name="Déposer le rapport").click()
    page.wait_for_url("**/rapports/*/")
    accessible(page, axe)
    report = ProgressReport.objects.get(project=project)
    assert (report.percent_done, report.people_reached, report.citizens_reached) == (40, 38, 12)
    assert str(report.expenses) == "4250.75"
    assert report.submitted_by.username == "denise"
