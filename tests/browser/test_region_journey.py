"""Issue 17's journey across alliances in real Chromium, on the demo's two alliances, through the pages only:

Témiscamingue's coordinator (`coordination2`) finds that the next plan starts only once the current one is closed,
closes the plan 2013-2016 (its final bilan frozen), previews and starts the plan 2016-2019 carrying two ongoing
projects with what is left of their commitments (the third one's money returns to its source), and finds the new
plan current, a carried project in it with its money to the cent, the old plan's pages archived and its bilan the
frozen one. The regional funder (`region`) compares the alliances side by side, downloads the comparison, whose
figures are the page's, drills down to an alliance's bilan and can change nothing. ASIS's coordinator
(`coordination`) is refused Témiscamingue's envelope, in French, without a figure. Every page passes axe.

The journey takes the pictures of the guide's « Terminer un plan et commencer le suivant » (coordination.md) and of
the funder's guide (region.md): tests/browser/guide.py. The ORM is used only to read and assert.
"""

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from budget.models import Commitment
from plans.models import Plan
from projects.models import ActionProject
from tests.browser.conftest import accessible, log_in, money
from tests.browser.guide import REGION_JOURNEY_PICTURES, new_page

pytestmark = pytest.mark.django_db(transaction=True)

TEMIS = "/temiscamingue"  # the prefix of Témiscamingue's pages
ASIS = "/rouyn-noranda"
TEMIS_NAME = "Alliance du Témiscamingue (démo)"
ASIS_NAME = "Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda"
OLD_PLAN = "Plan d'action 2013-2016 de l'Alliance du Témiscamingue (démo)"
NEW_PLAN = "Plan d'action 2016-2019"
CARRIED = "Parcours emploi des jeunes du Témiscamingue"  # in progress: 5 000 $ + 12 000 $ left
ALSO_CARRIED = "Épicerie mobile des villages"  # agreement signed: 20 000 $ (FQIS) + 4 000 $ (MRC) left
RETURNED = "Maison des jeunes ouverte l'été"  # accepted, 12 500 $ committed, nothing paid: it returns
CARRY = "CA-T-2016-03-30"  # the board's resolution that carries the money left to the next plan and returns the rest
NOTE = f"Résolution {CARRY} du conseil d'administration."
NBSP = "\xa0"


def amount(text: str) -> str:
    """An amount as the portal prints it in French (`17 000 $`: no-break spaces, decimal comma)."""
    return text.replace(" ", NBSP)


def shows(locator, text: str):
    """The element's text is exactly `text`, no-break spaces included (expect() waits for it but treats every
    space alike)."""
    expect(locator).to_have_text(text)
    assert locator.inner_text() == text, f"{locator.inner_text()!r} != {text!r}"


def main(page):
    return page.get_by_role("main")


def nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


# ------------------------------------------------------------------ Témiscamingue's coordinator


def coordination_reads_the_plans(page, base, axe) -> str:
    """The plans page, then the whole plan's bilan as it stands before the plan closes: what it has committed."""
    assert page.url == base + TEMIS + "/"  # signed in, Témiscamingue's coordinator lands on its home
    nav(page).get_by_role("link", name="Les plans", exact=True).click()
    page.wait_for_url(base + TEMIS + "/plans/")
    accessible(page, axe)
    expect(page).to_have_title("Les plans de l'alliance — ASIS · Témiscamingue")
    current = main(page).get_by_role("listitem").filter(has=page.get_by_role("link", name=OLD_PLAN))
    expect(current).to_contain_text("En cours")
    expect(current).to_contain_text("Depuis le 1er avril 2013")

    nav(page).get_by_role("link", name="Bilan", exact=True).click()
    page.wait_for_url(base + TEMIS + "/bilan/**")
    page.get_by_role("combobox", name="Période").select_option(label="Tout le plan")
    page.get_by_role("button", name="Afficher le bilan").click()
    page.wait_for_url("**/bilan/?periode=plan*")
    expect(page.get_by_test_id("bilan-period")).to_have_text("Du 1er avril 2013 au 31 mars 2016.")
    return page.get_by_test_id("bilan-committed").inner_text()


def coordination_records_the_carry_resolution(page, base, axe):
    """The board's resolution that decides where the money left goes, recorded while the plan runs: starting the
    next plan names it (issue 20: no amount moves without its resolution)."""
    page.goto(base + TEMIS + "/enveloppe/resolutions/nouvelle/")
    accessible(page, axe)
    page.get_by_label("Numéro de la résolution").fill(CARRY)
    page.get_by_label("Date de la résolution").fill("2016-03-30")
    page.get_by_label("Objet").fill("Fin du plan 2013-2016 : report de l'argent restant des projets qui continuent.")
    page.get_by_label("Quorum").fill("3")
    page.get_by_label("Membres présents").fill("Lise Gauthier\nRoger Bourque\nNicole Plante")
    page.get_by_label("Citoyennes et citoyens présents").fill("1")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/enveloppe/resolutions/*/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(CARRY)
    page.goto(base + TEMIS + "/")


def coordination_closes_the_plan(page, base, axe, camera):
    # The next plan cannot start while this one runs: the page says so and leads to closing it first.
    page.get_by_role("button", name="Suivi").click()
    page.get_by_role("link", name="Démarrer le plan suivant").click()
    page.wait_for_url(base + TEMIS + "/plan/suivant/")
    accessible(page, axe)
    notice = main(page).get_by_role("status")
    expect(notice).to_contain_text("est en cours : terminez-le d'abord")
    notice.get_by_role("link", name="Terminer le plan").click()

    page.wait_for_url(base + TEMIS + "/plan/terminer/")
    expect(page.get_by_test_id("plan-status")).to_have_text("en cours")
    accessible(page, axe)
    page.get_by_label("Note").fill(NOTE)
    page.get_by_label("Je comprends que le plan sera terminé et son bilan figé").check()
    close = page.get_by_role("button", name="Terminer le plan et figer son bilan")
    camera(page, "coordination-terminer-plan", show=close)
    close.click()
    page.wait_for_url(base + TEMIS + "/plan/suivant/")
    expect(main(page).get_by_role("status").first).to_have_text(
        f"Le plan « {OLD_PLAN} » est terminé; son bilan 2013-2016 est figé."
    )
    assert Plan.objects.get(title=OLD_PLAN).status == Plan.Status.CLOSED


def coordination_starts_the_next_plan(page, base, axe, camera):
    """The preview (everything ticked), a project left out with the reason its money returns, the confirmation
    that shows every amount moved, then the start."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Démarrer le plan suivant")
    accessible(page, axe)
    expect(page.get_by_label("Titre du nouveau plan")).to_have_value(NEW_PLAN)
    expect(page.get_by_label("Début du nouveau plan")).to_have_value("2016-04-01")
    carried = page.get_by_role("checkbox", name=CARRIED)
    expect(carried).to_be_checked()
    shows(
        page.locator(f"label[for='{carried.get_attribute('id')}']"),
        f"{CARRIED} — Carrefour emploi Témis-Nord (démo) (En cours) : reste {amount('17 000 $')}",
    )
    page.get_by_role("checkbox", name=RETURNED).uncheck()
    page.get_by_label("Motif du retour à la source").fill("Projet de l'été 2015 terminé : le reste retourne au FQIS.")
    page.get_by_label("Résolution du conseil d'administration").select_option(label=f"{CARRY} — 30 mars 2016")
    page.get_by_role("group", name="Source 1").get_by_label("Montant").fill("200 000,00")
    projects = page.get_by_role("heading", name="Projets en cours et argent restant")
    camera(page, "coordination-plan-suivant", show=projects)
    page.get_by_role("button", name="Voir ce qui sera reporté").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmer le plan suivant")
    accessible(page, axe)
    expect(page.get_by_test_id("next-title")).to_have_text(NEW_PLAN)
    shows(page.get_by_test_id("next-envelope"), amount("210 000 $"))
    moves = page.get_by_test_id("carried").locator("tbody tr")
    expect(moves.filter(has_text=CARRIED).locator("td.money")).to_have_text([amount("5 000 $"), amount("12 000 $")])
    expect(moves.filter(has_text=ALSO_CARRIED).locator("td.money")).to_have_text(
        [amount("20 000 $"), amount("4 000 $")]
    )
    shows(page.get_by_test_id("carried-total"), amount("41 000 $"))
    returned = page.get_by_test_id("returned").locator("tbody tr")
    expect(returned).to_have_count(1)
    expect(returned.get_by_role("rowheader")).to_have_text(RETURNED)
    expect(returned.get_by_role("cell")).to_have_text(["Accepté", amount("12 500 $")])
    shows(page.get_by_test_id("returned-total"), amount("12 500 $"))
    expect(page.get_by_test_id("carry-resolution")).to_contain_text(f"résolution {CARRY} du 30 mars 2016")
    camera(page, "coordination-plan-confirmer", show=page.get_by_test_id("carried"))
    page.get_by_role("button", name="Démarrer le plan suivant").click()

    page.wait_for_url(base + TEMIS + "/plan/")
    shows(
        main(page).get_by_role("status").first,
        f"Le plan « {NEW_PLAN} » a démarré : 2 projets continuent avec {amount('41 000 $')}; "
        f"{amount('12 500 $')} retournent aux sources du plan précédent.",
    )


def coordination_finds_the_new_plan_current(page, base, axe):
    nav(page).get_by_role("link", name="Les plans", exact=True).click()
    page.wait_for_url(base + TEMIS + "/plans/")
    plans = main(page).get_by_role("listitem")
    expect(plans.filter(has=page.get_by_role("link", name=NEW_PLAN, exact=True))).to_contain_text("En cours")
    expect(plans.filter(has=page.get_by_role("link", name=OLD_PLAN))).to_contain_text(
        "Terminé · archivé, en lecture seule"
    )
    expect(plans.first).to_contain_text(NEW_PLAN)  # the current plan first
    new = Plan.objects.get(alliance__slug="temiscamingue", status=Plan.Status.CURRENT)
    assert new.title == NEW_PLAN and new.slug == "2016-2019"

    # The carried project is the new plan's, with what was left of its commitments, to the cent.
    nav(page).get_by_role("link", name="Projets", exact=True).click()  # « Mes projets » is a partner's
    page.wait_for_url(base + TEMIS + "/projets/")
    main(page).get_by_role("link", name=CARRIED).click()
    page.wait_for_url(f"{base}{TEMIS}/projets/*/")
    expect(main(page)).to_contain_text("2016-2017")
    main(page).get_by_role("link", name="Budget du projet").click()
    page.wait_for_url(f"{base}{TEMIS}/enveloppe/projets/*/")
    accessible(page, axe)
    shows(page.get_by_test_id("committed"), amount("17 000 $"))
    shows(page.get_by_test_id("paid"), amount("0 $"))
    continuation = ActionProject.objects.get(title=CARRIED, theme__plan=new)
    assert sum(c.amount for c in Commitment.objects.filter(project=continuation)) == Decimal("17000.00")
    assert ActionProject.objects.filter(title=CARRIED, theme__plan__title=OLD_PLAN).exists()  # the original stays


def coordination_reads_the_archived_plan(page, base, axe, camera, committed_before: str):
    nav(page).get_by_role("link", name="Les plans", exact=True).click()
    page.wait_for_url(base + TEMIS + "/plans/")
    main(page).get_by_role("link", name=OLD_PLAN).click()
    page.wait_for_url(base + TEMIS + "/2013-2016/")
    banner = page.get_by_test_id("archived-plan")
    expect(banner).to_contain_text(f"Plan terminé : {OLD_PLAN}.")
    expect(banner).to_contain_text("Ces pages sont archivées : elles se consultent, elles ne se modifient plus.")
    accessible(page, axe)
    camera(page, "coordination-plan-archive", show=banner)

    # Its envelope is read, never changed.
    page.goto(base + TEMIS + "/2013-2016/enveloppe/")
    expect(page.get_by_test_id("archived-plan")).to_be_visible()
    expect(main(page).get_by_role("link", name="Engager un montant")).to_have_count(0)
    accessible(page, axe)

    # Its bilan is the one frozen at closing: the figures of the day it closed, not today's (the carried and
    # returned money has since been taken off the old plan's sources).
    nav(page).get_by_role("link", name="Bilan", exact=True).click()
    page.wait_for_url(base + TEMIS + "/2013-2016/bilan/")
    frozen = page.get_by_test_id("frozen-banner")
    expect(frozen).to_contain_text("Bilan figé le")
    expect(frozen).to_contain_text(f"à la fin du plan « {OLD_PLAN} »")
    expect(frozen).to_contain_text(NOTE)
    expect(page.get_by_role("button", name="Afficher le bilan")).to_have_count(0)  # a document, not a query
    expect(page.get_by_test_id("bilan-committed")).to_have_text(committed_before)
    accessible(page, axe)
    camera(page, "coordination-bilan-fige", show=frozen)
    page.goto(base + TEMIS + "/2013-2016/enveloppe/")
    assert money(page.get_by_test_id("envelope-committed").inner_text()) < money(committed_before)


# ------------------------------------------------------------------ the regional funder


def region_compares_the_alliances(page, base, axe, camera, tmp_path):
    nav(page).get_by_role("link", name="Les alliances côte à côte").click()
    page.wait_for_url(base + "/region/comparaison/")
    accessible(page, axe)
    temis, asis = page.get_by_test_id("row-temiscamingue"), page.get_by_test_id("row-rouyn-noranda")
    expect(temis.get_by_role("rowheader")).to_have_text(TEMIS_NAME)
    expect(asis.get_by_role("rowheader")).to_have_text(ASIS_NAME)
    temis_cells, asis_cells = temis.get_by_role("cell"), asis.get_by_role("cell")
    expect(temis_cells.first).to_have_text(NEW_PLAN)  # Témiscamingue's current plan: the one just started
    shows(temis_cells.nth(1), amount("210 000 $"))
    asis_envelope = money(asis_cells.nth(1).inner_text())
    temis_committed = money(temis.get_by_test_id("committed").inner_text())
    camera(page, "region-comparaison", show=page.get_by_test_id("download-comparison"))

    with page.expect_download() as info:
        page.get_by_test_id("download-comparison").click()
    download = info.value
    assert download.suggested_filename.startswith("comparaison-alliances-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path)["Comparaison"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {TEMIS_NAME, ASIS_NAME} <= set(rows)
    assert Decimal(str(rows[ASIS_NAME]["Enveloppe"])).quantize(Decimal("0.01")) == asis_envelope
    assert Decimal(str(rows[TEMIS_NAME]["Enveloppe"])).quantize(Decimal("0.01")) == Decimal("210000.00")
    assert Decimal(str(rows[TEMIS_NAME]["Engagé à ce jour"])).quantize(Decimal("0.01")) == temis_committed
    assert rows[TEMIS_NAME]["Plan en cours"] == NEW_PLAN


def region_drills_down_and_changes_nothing(page, base, axe, camera):
    page.get_by_test_id("row-temiscamingue").get_by_role("link", name=TEMIS_NAME).click()
    page.wait_for_url(base + TEMIS + "/bilan/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Bilan 2016-2019")
    accessible(page, axe)
    camera(page, "region-bilan", show=heading)

    # The funder reads the envelope and writes nothing: no write link, no coordination menu, closing refused.
    expect(nav(page).get_by_role("button", name="Suivi")).to_have_count(0)
    nav(page).get_by_role("link", name="L'enveloppe").click()
    page.wait_for_url(base + TEMIS + "/enveloppe/")
    shows(page.get_by_test_id("envelope-total"), amount("210 000 $"))
    expect(main(page).get_by_role("link", name="Engager un montant")).to_have_count(0)
    response = page.goto(base + TEMIS + "/plan/terminer/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    assert Plan.objects.get(title=NEW_PLAN).status == Plan.Status.CURRENT


# ------------------------------------------------------------------ another alliance's coordinator


def asis_coordination_is_refused_temiscamingues_envelope(page, base, axe):
    assert page.url == base + ASIS + "/"
    response = page.goto(base + TEMIS + "/enveloppe/")
    assert response.status == 403
    expect(page).to_have_title("Accès refusé — ASIS · Témiscamingue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    expect(main(page)).to_contain_text("Vous n'avez pas accès à cette page avec votre rôle.")
    text = main(page).inner_text()
    assert "210" not in text and "Reste à engager" not in text and "$" not in text  # never a figure
    accessible(page, axe)


def test_a_plan_closes_the_next_one_starts_and_the_region_compares(live_server, browser, axe, demo, camera, tmp_path):
    base = live_server.url
    coordination2, region, coordination = (new_page(browser) for _ in range(3))

    log_in(coordination2, base, "coordination2")
    committed_before = coordination_reads_the_plans(coordination2, base, axe)
    coordination_records_the_carry_resolution(coordination2, base, axe)
    coordination_closes_the_plan(coordination2, base, axe, camera)
    coordination_starts_the_next_plan(coordination2, base, axe, camera)
    coordination_finds_the_new_plan_current(coordination2, base, axe)
    coordination_reads_the_archived_plan(coordination2, base, axe, camera, committed_before)

    log_in(region, base, "region")
    region_compares_the_alliances(region, base, axe, camera, tmp_path)
    region_drills_down_and_changes_nothing(region, base, axe, camera)

    log_in(coordination, base, "coordination")
    asis_coordination_is_refused_temiscamingues_envelope(coordination, base, axe)

    for page in (coordination2, region, coordination):
        page.context.close()

    # The pictures of the user guide this journey declares, all taken, none more (tests/browser/guide.py)
    assert camera.taken == list(REGION_JOURNEY_PICTURES)
