"""Personnel opens the bilan of 2014-2015, downloads the XLSX, and the workbook's totals are the
page's (real Chromium); the page passes axe."""

from decimal import Decimal

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
    assert Decimal(str(total["Engagé dans la période"])).quantize(Decimal("0.01")) == committed
    assert Decimal(str(total["Versé dans la période"])).quantize(Decimal("0.01")) == disbursed
    projects = workbook["Projets"]
    rows = page.get_by_test_id("bilan-projects").locator("tbody tr").count()
    assert projects.max_row - 1 == rows
