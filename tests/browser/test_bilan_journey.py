"""Personnel opens the bilan of 2014-2015, downloads the XLSX, and the workbook's totals are the
page's (real Chromium); produces the bilan of a year from « À traiter » (« Produire le bilan »: the year, « En bref »
with the checks, the PDF); printing the bilan prints the report, not the tools. The pages pass axe."""

import re
from decimal import Decimal

import pypdf
import pytest
from openpyxl import load_workbook

from tests.browser.conftest import describe, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def money(text: str) -> Decimal:
    return Decimal(text.replace("\xa0", "").replace("\u202f", "").replace(" ", "").replace("$", "").replace(",", "."))


def test_personnel_downloads_the_bilan_of_a_year(live_server, page, axe, demo, tmp_path):
    log_in(page, live_server.url, "personnel")
    page.goto(live_server.url + "/bilan/")
    page.get_by_role("combobox", name="Période").select_option(label="Année 2014-2015")
    page.get_by_role("button", name="Afficher le bilan").click()
    page.wait_for_url("**/bilan/?periode=2014-2015*")
    assert page.get_by_role("heading", level=1).inner_text() == "Bilan 2014-2015"
    committed = money(page.get_by_test_id("bilan-committed").inner_text())
    disbursed = money(page.get_by_test_id("bilan-disbursed").inner_text())
    assert committed == Decimal("103351.25")
    violations = axe(page)
    assert violations == [], describe(violations)

    page.get_by_text("Autres formats du même bilan").click()  # the other formats are folded
    with page.expect_download() as info:
        page.get_by_test_id("download-xlsx").click()
    download = info.value
    assert download.suggested_filename == "bilan-asis-2014-2015.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    budget = workbook["Budget"]
    header = [c.value for c in budget[1]]
    total = next(
        dict(zip(header, (c.value for c in row))) for row in budget.iter_rows(min_row=2) if row[0].value == "Total"
    )
    assert Decimal(str(total["Engagé (par date de décision)"])).quantize(Decimal("0.01")) == committed
    assert Decimal(str(total["Engagé (par année du plan)"])).quantize(Decimal("0.01")) == committed  # reconciled
    assert Decimal(str(total["Versé"])).quantize(Decimal("0.01")) == disbursed
    projects = workbook["Projets"]
    rows = page.get_by_test_id("bilan-projects").locator("tbody tr").count()
    assert projects.max_row - 1 == rows


def test_personnel_produces_the_bilan_of_a_year_from_the_worklist(live_server, page, axe, demo, tmp_path):
    log_in(page, live_server.url, "personnel")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=re.compile("^Préparer le bilan")).click()
    page.wait_for_url("**/bilan/produire/?annee=*")
    assert page.get_by_role("combobox", name="Année du plan").input_value() == "2015-2016"  # the last ended
    page.get_by_role("combobox", name="Année du plan").select_option(label="Année 2014-2015")
    page.get_by_role("button", name="Choisir cette année").click()
    page.wait_for_url("**/bilan/produire/?annee=2014-2015")
    assert page.get_by_role("heading", level=1).inner_text() == "Produire le bilan 2014-2015"
    assert money(page.get_by_test_id("figure-committed").inner_text()) == Decimal("103351.25")
    assert "= 81 850,75 $ pour l'année 2014-2015 du plan + 21 500,50 $ pour l'année 2015-2016 du plan" in (
        page.get_by_test_id("reconciliation").inner_text().replace("\xa0", " ").replace("\u202f", " ")
    )
    # each money word links to its definition in the guide
    page.get_by_role("link", name="Définition : Reste à engager").first.click()
    page.wait_for_url("**/aide/argent/#reste-a-engager")
    assert page.get_by_role("heading", name="Reste à engager").is_visible()
    page.go_back()
    assert page.get_by_test_id("check-reports").is_visible()
    violations = axe(page)
    assert violations == [], describe(violations)

    # one primary download, the PDF: a tagged one
    assert page.locator("main .btn-primary").count() == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le bilan (PDF)").click()
    download = info.value
    assert download.suggested_filename == "bilan-asis-2014-2015.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    root = pypdf.PdfReader(path).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "fr-CA"


def test_printing_the_bilan_prints_the_report_not_the_tools(live_server, page, demo):
    log_in(page, live_server.url, "coordination")
    page.goto(live_server.url + "/bilan/?periode=2014-2015")
    assert page.get_by_test_id("bilan-filters").is_visible() and page.get_by_test_id("download-pdf").is_visible()
    page.emulate_media(media="print")
    for hidden in (
        page.get_by_test_id("bilan-filters"),
        page.get_by_test_id("download-pdf"),
        page.get_by_role("navigation", name="Navigation principale"),
        page.get_by_role("link", name="Importer l'avancement"),
        page.locator(".term-link").first,
    ):
        assert not hidden.is_visible()
    assert page.get_by_role("heading", name="En bref").is_visible()
    assert page.get_by_test_id("bilan-projects").is_visible() and page.get_by_test_id("reconciliation").is_visible()
    assert page.get_by_role("term").filter(has_text="Engagé (par année du plan)").first.is_visible()  # the definitions
    page.emulate_media(media="screen")
    assert page.get_by_test_id("bilan-filters").is_visible()
