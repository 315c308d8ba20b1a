"""Issue 9's whole journey in real Chromium, through the pages only, as the people who use the portal:

a new partner signs up; Coordination approves the organisation; the partner writes and files a project;
Coordination analyses it, recommends it, records the board's acceptance, commits money on the envelope,
signs the agreement with a report deadline and schedules a meeting of a space the organisation joins;
the partner files its progress report; Personnel opens the bilan and downloads the XLSX, whose totals
are the page's; an anonymous visitor finds the project in the open data. Every page passes axe.

The journey also takes pictures of the user guide (docs/guide/): a 1280×800 French screenshot at each
step, always (into a temporary folder, so the code that takes them never rots), copied into
docs/guide/images/ when GUIDE_SCREENSHOTS=1 (`make guide`). The last check: it took exactly the pictures
it declares (tests/browser/guide.py, where the guide is held to show exactly the journeys' pictures).

The ORM is used only to read and assert.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from budget.models import Agreement, Commitment
from chantiers.models import Meeting
from organisations.models import Organisation
from projects.models import ActionProject, ProgressReport, ProjectStatus, ReviewCriterion
from tests.browser import (
    journey_api,
    journey_avoided,
    journey_changes,
    journey_citizen,
    journey_contribution,
    journey_facilitators,
    journey_lines,
    journey_notifications,
    journey_shared_indicators,
)
from tests.browser.application import file_application, fill_application, start_intention
from tests.browser.conftest import accessible, log_in, money
from tests.browser.guide import WHOLE_JOURNEY_PICTURES, new_page
from tests.browser.journey_committee import committee_member_scores
from tests.browser.journey_resolutions import coordination_records_the_resolution
from tests.browser.signup import sign_up_new_organisation

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Rouyn-Noranda-2013!"
ORGANISATION = "Entraide alimentaire de Cadillac"
PROJECT = "Popote roulante des villages"
SPACE = "Comité sécurité alimentaire (démo)"
RESOLUTION = "CA-2014-04-07"
REPORT = "Rapport de mi-parcours"


ASIS = "/rouyn-noranda"  # the prefix of ASIS's pages: the demo runs two alliances


# ------------------------------------------------------------------ the partner signs up


def partner_signs_up(page, base, axe, camera) -> Organisation:
    page.goto(base + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Créer un compte").click()
    page.wait_for_url(base + "/inscription/")
    sign_up_new_organisation(
        page, base, name=ORGANISATION, password=PASSWORD, accessible=lambda page: accessible(page, axe), camera=camera
    )
    organisation = Organisation.objects.get(name=ORGANISATION)
    page.wait_for_url(f"{base}/organisations/{organisation.pk}/")
    assert page.get_by_test_id("organisation-status").inner_text() == "En attente d'approbation"
    accessible(page, axe)
    camera(page, "partenaires-organisation-en-attente", show=page.get_by_test_id("organisation-status"))
    return organisation


def coordination_approves(page, base, axe, camera, organisation):
    page.get_by_role("button", name="Suivi").click()
    page.get_by_role("link", name="Demandes d'inscription").click()
    page.wait_for_url(base + "/organisations/demandes/")
    accessible(page, axe)
    approve = page.get_by_role("button", name=f"Approuver {ORGANISATION}")
    camera(page, "coordination-demandes", show=approve)
    approve.click()
    page.wait_for_url(base + "/organisations/demandes/")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED


# ------------------------------------------------------------------ the partner writes and files a project


def partner_files_a_project(page, base, axe, camera) -> ActionProject:
    page.reload()
    assert page.get_by_test_id("organisation-status").inner_text() != "En attente d'approbation"
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes projets").click()
    page.wait_for_url(base + ASIS + "/projets/")
    accessible(page, axe)
    check = lambda page: accessible(page, axe)  # noqa: E731
    start_intention(page, title=PROJECT, theme="Pauvreté et défavorisation", check=check)
    fill_application(page, check=check, camera=camera)
    project = ActionProject.objects.get(title=PROJECT)
    journey_lines.partner_budgets_by_line(
        page, axe, accessible, camera, project
    )  # its budget by line (issue 20, part 3)
    file_application(page, camera=camera)
    page.wait_for_load_state()
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    assert project.amount_requested == Decimal("12500.00")
    accessible(page, axe)
    return project


# ------------------------------------------------------------------ Coordination reviews and accepts


def coordination_accepts(page, base, axe, camera, project):
    page.goto(base + ASIS + "/projets/")
    page.get_by_role("link", name=PROJECT).click()
    page.wait_for_url(f"{base}{ASIS}/projets/{project.pk}/")
    accessible(page, axe)
    open_review = page.get_by_role("button", name="Ouvrir l'analyse", exact=True)
    camera(page, "coordination-ouvrir-analyse", show=open_review)
    open_review.click()
    expect(page.get_by_role("heading", name=f"Analyse — {PROJECT}")).to_be_visible()
    page.get_by_label("Membres du comité d'analyse").fill("Sophie Lachance\nMarc Bélanger (Table des aînés)")
    criteria = list(ReviewCriterion.objects.filter(plan=project.theme.plan, is_active=True).order_by("order"))
    for score, criterion in zip((5, 4, 4, 3, 4, 4, 5), criteria):
        page.get_by_label(f"Note : {criterion.name} (sur {criterion.max_score})").fill(str(score))
    page.get_by_label(f"Commentaire : {criteria[0].name}").fill("Rejoint des personnes isolées des villages.")
    accessible(page, axe)
    page.get_by_role("button", name="Enregistrer la grille").click()
    maximum = sum(c.max_score for c in criteria)
    expected = sum((5, 4, 4, 3, 4, 4, 5)[: len(criteria)])
    assert page.get_by_test_id("grid-total").inner_text().startswith(f"{expected} / {maximum}")
    page.get_by_role("heading", name="Grille d'analyse").evaluate("el => el.scrollIntoView({behavior: 'instant'})")
    camera(page, "coordination-grille")

    page.get_by_label("Favorable", exact=True).check()
    page.get_by_label("Motifs de la recommandation").fill("Répond à un besoin des villages; partenaires engagés.")
    page.get_by_label("Montant recommandé (facultatif)").fill("12 500")
    camera(page, "coordination-recommandation", show=page.get_by_role("button", name="Recommander"))
    page.get_by_role("button", name="Recommander").click()
    expect(page.get_by_test_id("recommendation").filter(has_text="Favorable")).to_be_visible()
    accessible(page, axe)

    page.get_by_role("link", name="Consigner la décision du conseil").click()
    page.get_by_label("Accepté").check()
    page.get_by_label("Numéro de résolution").fill(RESOLUTION)
    page.get_by_label("Date de la décision").fill("2014-04-16")
    page.get_by_label("Montant accordé (facultatif)").fill("12 500,00")
    accessible(page, axe)
    camera(page, "coordination-decision", show=page.get_by_label("Numéro de résolution"))
    page.get_by_role("button", name="Consigner la décision").click()
    assert RESOLUTION in page.get_by_test_id("board-decision").inner_text()
    accessible(page, axe)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACCEPTED


def coordination_commits_money(page, base, axe, camera, project) -> Decimal:
    page.get_by_role("button", name="Suivi").click()
    page.get_by_role("link", name="L'enveloppe").click()
    page.wait_for_url(base + ASIS + "/enveloppe/")
    before = money(page.get_by_test_id("envelope-remaining").inner_text())
    accessible(page, axe)
    commit = page.get_by_role("main").get_by_role("link", name="Engager un montant")
    camera(page, "coordination-enveloppe", show=commit)
    commit.click()
    page.get_by_label("Source de financement").select_option(label="Fonds québécois d'initiatives sociales (FQIS)")
    projects = page.get_by_label("Projet accepté ou en cours")
    projects.select_option(label=projects.locator("option", has_text=PROJECT).inner_text())
    page.get_by_label("Année du plan").select_option(label="2014-2015")
    page.get_by_label("Montant engagé").fill("12 500,00")
    page.get_by_label("Date de la décision").fill("2014-06-10")
    page.get_by_label("Résolution du conseil d'administration").select_option(label=f"{RESOLUTION} — 16 avril 2014")
    accessible(page, axe)
    camera(page, "coordination-engagement", show=page.get_by_label("Montant engagé"))
    page.get_by_role("button", name="Engager").click()
    page.wait_for_url(base + ASIS + "/enveloppe/")
    after = money(page.get_by_test_id("envelope-remaining").inner_text())
    assert before - after == Decimal("12500.00")
    commitment = Commitment.objects.select_related("resolution").get(project=project)
    assert (commitment.amount, commitment.resolution.number) == (Decimal("12500.00"), RESOLUTION)
    return Decimal("12500.00")


def coordination_signs_the_agreement(page, base, axe, camera, project):
    page.get_by_role("main").get_by_role("link", name="Conventions et calendriers de versements").click()
    page.wait_for_url(base + ASIS + "/enveloppe/conventions/")
    page.get_by_role("main").get_by_role("link", name="Signer la convention", exact=True).click()
    page.wait_for_url(base + ASIS + "/enveloppe/conventions/nouvelle/")
    projects = page.get_by_label("Projet accepté")
    projects.select_option(label=projects.locator("option", has_text=PROJECT).inner_text())
    page.get_by_label("Date de signature").fill("2014-04-30")
    page.get_by_label("Référence de la convention").fill("CONV-2014-07")
    accessible(page, axe)
    camera(page, "coordination-convention", show=projects)
    page.get_by_role("button", name="Signer la convention").click()
    page.wait_for_url("**/enveloppe/conventions/*/")
    agreement = Agreement.objects.get(reference="CONV-2014-07")
    assert agreement.project == project

    page.get_by_role("link", name="Ajouter une échéance de rapport").click()
    page.get_by_label("Type de rapport").select_option(label="Rapport d'étape")
    page.get_by_label("À remettre le").fill((timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Libellé").fill(REPORT)
    accessible(page, axe)
    page.get_by_role("button", name="Ajouter l'échéance").click()
    page.wait_for_url(base + ASIS + agreement.get_absolute_url())
    accessible(page, axe)
    camera(page, "coordination-convention-signee", show=page.get_by_text(REPORT).first)
    project.refresh_from_db()
    assert project.status == ProjectStatus.AGREEMENT_SIGNED


def coordination_schedules_a_meeting(page, base, axe, camera) -> Meeting:
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Lieux de concertation"
    ).click()
    page.wait_for_url(base + ASIS + "/lieux/")
    page.get_by_role("main").get_by_role("link", name=SPACE).click()
    page.get_by_role("combobox", name="Organisation").select_option(label=ORGANISATION)
    page.get_by_role("button", name="Ajouter l'organisation").click()
    member = page.get_by_test_id("member").filter(has_text=ORGANISATION)
    expect(member).to_be_visible()
    accessible(page, axe)
    camera(page, "coordination-lieu", show=page.get_by_role("link", name="Planifier une rencontre").first)

    day = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_role("link", name="Planifier une rencontre").first.click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Début").fill("13:30")
    page.get_by_label("Fin").fill("15:00")
    page.get_by_label("Lieu").fill("Salle communautaire de Cadillac")
    page.get_by_label("Ordre du jour").fill(
        "1. Accueil de l'Entraide alimentaire de Cadillac\n2. Popote roulante : les villages desservis"
    )
    accessible(page, axe)
    camera(page, "coordination-rencontre", show=page.get_by_label("Ordre du jour"))
    page.get_by_role("button", name="Planifier la rencontre").click()
    if page.get_by_test_id("hyperconcertation-warning").count():
        # Some invited organisation already meets a lot that month: the form warns first.
        accessible(page, axe)
        page.get_by_role("button", name="Planifier quand même").click()
    heading = page.get_by_role("heading", name=f"Rencontre — {SPACE}")
    expect(heading).to_be_visible()
    accessible(page, axe)
    meeting = Meeting.objects.get(space__name=SPACE, date=day)
    assert meeting.invitations.filter(organisation__name=ORGANISATION).exists()
    return meeting


# ------------------------------------------------------------------ the partner reports


def partner_sees_the_meeting(page, base, axe, camera, meeting):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes rencontres").click()
    page.wait_for_url(base + ASIS + "/rencontres/")
    link = page.get_by_role("main").locator(f"a[href='{ASIS}/rencontres/{meeting.pk}/']")
    assert link.count() >= 1
    accessible(page, axe)
    camera(page, "partenaires-mes-rencontres", show=link.first)


def partner_files_a_progress_report(page, base, axe, camera, project):
    page.goto(f"{base}{ASIS}/projets/{project.pk}/")
    main = page.get_by_role("main").inner_text()
    assert "Convention signée" in main and REPORT in main
    accessible(page, axe)
    file_report = page.get_by_test_id("reports-section").get_by_role("link", name="Déposer un rapport d'étape")
    camera(page, "partenaires-projet-accepte", show=page.get_by_test_id("reports-section"))
    file_report.click()
    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/")
    accessible(page, axe)
    page.locator("#id_period_start").fill("2014-05-01")
    page.locator("#id_period_end").fill("2014-09-30")
    page.locator("#id_percent_done").fill("40")
    page.get_by_label("Activités réalisées").fill("Quarante repas livrés chaque semaine dans trois villages.")
    page.get_by_label("Personnes rejointes").fill("38")
    page.get_by_label("Dont citoyens et citoyennes").fill("12")
    page.get_by_label("Dépenses à ce jour").fill("4 250,75")
    camera(page, "partenaires-rapport-etape", show=page.get_by_label("Activités réalisées"))
    page.get_by_role("button", name="Vérifier avant de déposer").click()
    page.wait_for_url(f"**/projets/{project.pk}/rapports/nouveau/verifier/")
    accessible(page, axe)
    page.get_by_role("button", name="Déposer le rapport").click()
    page.wait_for_url("**/rapports/*/")
    accessible(page, axe)
    camera(page, "partenaires-rapport-depose")
    report = ProgressReport.objects.get(project=project)
    assert (report.percent_done, report.people_reached, report.citizens_reached) == (40, 38, 12)
    assert report.expenses == Decimal("4250.75")
    assert report.deadline.label == REPORT
    assert report.submitted_by.username == "denise"


# ------------------------------------------------------------------ Personnel and the public


def personnel_downloads_the_bilan(page, base, axe, camera, tmp_path):
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Bilan").click()
    page.wait_for_url(base + ASIS + "/bilan/")
    page.get_by_role("combobox", name="Période").select_option(label="Année 2014-2015")
    page.get_by_role("button", name="Afficher le bilan").click()
    page.wait_for_url("**/bilan/?periode=2014-2015*")
    assert page.get_by_role("heading", level=1).inner_text() == "Bilan 2014-2015"
    accessible(page, axe)
    camera(page, "personnel-bilan", show=page.get_by_role("heading", name="Télécharger"))
    committed = money(page.get_by_test_id("bilan-committed").inner_text())
    disbursed = money(page.get_by_test_id("bilan-disbursed").inner_text())
    projects = page.get_by_test_id("bilan-projects")
    assert projects.locator("tbody tr", has_text=PROJECT).count() == 1
    camera(page, "personnel-bilan-projets", show=projects.locator("tbody tr", has_text=PROJECT))
    page.get_by_text("Autres formats du même bilan").click()  # the other formats are folded
    download_link = page.get_by_test_id("download-xlsx")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "bilan-asis-2014-2015.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    sheet = workbook["Budget"]
    header = [c.value for c in sheet[1]]
    total = next(
        dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2) if row[0].value == "Total"
    )
    assert Decimal(str(total["Engagé (par date de décision)"])).quantize(Decimal("0.01")) == committed
    assert Decimal(str(total["Versé"])).quantize(Decimal("0.01")) == disbursed
    sheet = workbook["Projets"]
    assert sheet.max_row - 1 == projects.locator("tbody tr").count()
    assert any(PROJECT in str(c.value) for row in sheet.iter_rows(min_row=2) for c in row)
    return committed


def the_public_sees_the_open_data(page, base, axe, camera, amount: Decimal):
    page.goto(base + ASIS + "/")
    page.get_by_role("contentinfo").get_by_role("link", name="Données ouvertes").click()
    page.wait_for_url(base + ASIS + "/donnees-ouvertes/")
    accessible(page, axe)
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=PROJECT))
    assert row.count() == 1
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[:3] == [ORGANISATION, "Pauvreté et défavorisation", "Convention signée"]
    committed, *resolutions = cells[3].splitlines()  # the amount, then the board's resolution it comes from
    assert (money(committed), money(cells[4])) == (amount, Decimal("0.00"))
    assert any(RESOLUTION in line for line in resolutions)
    camera(page, "donnees-ouvertes", show=row)


def help_menu(page, base, axe, camera):
    page.goto(base + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("button", name="Aide").click()
    menu = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Guide des organisations partenaires"
    )
    expect(menu).to_be_visible()
    camera(page, "aide-menu", show=menu)
    menu.click()
    page.wait_for_url(base + "/aide/partenaires/")
    accessible(page, axe)


def test_whole_journey_from_sign_up_to_open_data(live_server, browser, axe, demo, camera, tmp_path):
    base = live_server.url
    partner, coordination, personnel, public = (new_page(browser) for _ in range(4))

    organisation = partner_signs_up(partner, base, axe, camera)
    log_in(coordination, base, "coordination")
    coordination_approves(coordination, base, axe, camera, organisation)
    project = partner_files_a_project(partner, base, axe, camera)
    coordination_records_the_resolution(coordination, base, axe, camera, alliance=ASIS, number=RESOLUTION)
    coordination_accepts(coordination, base, axe, camera, project)
    committee_member_scores(new_page(browser), coordination, base, axe, camera)
    amount = coordination_commits_money(coordination, base, axe, camera, project)
    coordination_signs_the_agreement(coordination, base, axe, camera, project)
    journey_changes.partner_asks_coordination_accepts(
        partner, coordination, base, axe, accessible, camera, project, asis=ASIS
    )
    meeting = coordination_schedules_a_meeting(coordination, base, axe, camera)
    partner_sees_the_meeting(partner, base, axe, camera, meeting)
    journey_facilitators.facilitator_runs_a_meeting(new_page(browser), base, axe, camera)  # issue 20, part 5
    # issue 21, part 1
    journey_shared_indicators.coordination_defines_a_shared_indicator(new_page(browser), base, axe, camera)
    journey_avoided.facilitator_avoids_a_meeting(new_page(browser), base, axe, camera)  # issue 21, part 2
    journey_contribution.coordination_values_the_concertation(new_page(browser), base, axe, camera)  # issue 21, part 3
    journey_notifications.partner_chooses_a_weekly_digest(new_page(browser), base, axe, camera)  # issue 21, part 4
    journey_citizen.citizen_answers(new_page(browser), base, axe, camera)  # issue 21, part 5
    journey_api.funder_reads_with_a_token(new_page(browser), base, axe)  # issue 22, part 3
    partner_files_a_progress_report(partner, base, axe, camera, project)
    log_in(personnel, base, "personnel")
    personnel_downloads_the_bilan(personnel, base, axe, camera, tmp_path)
    the_public_sees_the_open_data(public, base, axe, camera, amount)
    help_menu(public, base, axe, camera)

    for page in (partner, coordination, personnel, public):
        page.context.close()

    # The pictures of the user guide this journey declares, all taken, none more (tests/browser/guide.py)
    assert camera.taken == list(WHOLE_JOURNEY_PICTURES)
