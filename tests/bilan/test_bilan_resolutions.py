"""The decision behind every dollar (issue 20, part 2) in the bilan and the open data: each project line shows the
board resolutions (number and date) of its commitments, on the page, in the CSV and XLSX (a last column) and in the
open data (CSV column, JSON list), as the database holds them."""

import io
import json
from collections import defaultdict

import pytest
from openpyxl import load_workbook

from budget.models import Commitment
from plans.models import Plan
from tests.alliance_money import asis_url
from tests.bilan.test_bilan_exports import YEAR, csv_rows

pytestmark = pytest.mark.django_db
COLUMN = "Résolutions du conseil d'administration"


def expected(plan, *, in_period: bool) -> dict[int, str]:
    """Each project's resolutions as an export writes them, read from the commitments themselves."""
    commitments = Commitment.objects.filter(source__plan=plan)
    if in_period:
        year = plan.years.get(number=2)  # 2014-2015
        commitments = commitments.filter(decided_on__range=(year.start_date, year.end_date))
    found = defaultdict(set)
    for project, number, day in commitments.values_list("project_id", "resolution__number", "resolution__decided_on"):
        found[project].add((day, number))
    return {project: "; ".join(f"{n} ({d.isoformat()})" for d, n in sorted(refs)) for project, refs in found.items()}


def streamed(response) -> str:
    return b"".join(p if isinstance(p, bytes) else p.encode() for p in response.streaming_content).decode()


def test_the_bilans_exports_name_the_resolutions_of_each_projects_commitments(demo_client):
    client = demo_client("personnel")
    plan = Plan.objects.get(alliance__acronym="ASIS")
    wanted = expected(plan, in_period=True)
    assert wanted and all(wanted.values())

    rows = csv_rows(client.get(asis_url("bilan:bilan-csv", "projets"), YEAR))
    assert list(rows[0])[-1] == COLUMN  # a new last column: the others keep their place
    written = {int(row[next(iter(row))]): row[COLUMN] for row in rows}
    assert {pk: text for pk, text in written.items() if text} == wanted

    workbook = load_workbook(io.BytesIO(b"".join(client.get(asis_url("bilan:bilan-xlsx"), YEAR))))
    sheet = workbook["Projets"]
    assert sheet.cell(row=1, column=sheet.max_column).value == COLUMN
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=sheet.max_column).value
        for r in range(2, sheet.max_row + 1)
    }
    assert {pk: text for pk, text in cells.items() if text} == wanted


def test_the_bilan_page_shows_the_resolution_under_each_amount_committed(demo_client):
    client = demo_client("personnel")
    plan = Plan.objects.get(alliance__acronym="ASIS")
    commitment = Commitment.objects.filter(source__plan=plan, decided_on__year=2014).select_related("resolution")[0]
    page = client.get(asis_url("bilan:bilan"), YEAR).content.decode().replace("\xa0", " ")
    assert 'data-testid="resolutions"' in page
    assert f"Résolution {commitment.resolution.number} du" in page


def test_the_open_data_names_the_resolution_of_every_public_amount(client, demo):
    plan = Plan.objects.get(alliance__acronym="ASIS")
    wanted = expected(plan, in_period=False)
    body = json.loads(streamed(client.get(asis_url("bilan:open-data-json"))))
    published = {p["id"]: "; ".join(f"{r['numero']} ({r['date']})" for r in p["resolutions"]) for p in body["projets"]}
    assert published and all(published[pk] == wanted.get(pk, "") for pk in published)
    assert any(published.values())

    rows = csv_rows(client.get(asis_url("bilan:open-data-csv")))
    assert list(rows[0])[-1] == "resolutions"
    assert {int(row["id"]): row["resolutions"] for row in rows} == published

    page = client.get(asis_url("bilan:open-data")).content.decode()
    assert 'data-testid="resolutions"' in page
