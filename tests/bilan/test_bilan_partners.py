"""Break 6 of issue 15 in the bilan: a partner that has not confirmed is printed « (non confirmé) » on the page
and in every export (CSV, XLSX, PDF, DOCX); one that declined is left out, and the bilan's partner counts hold
confirmed partners only. An organisation that declined does not find the project among its own."""

import csv
import datetime
import io
import re
from decimal import Decimal

import docx
import pypdf
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bilan.selectors.build import build_bilan
from projects.models import ProjectPartner, ProjectStatus
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = {"periode": "2014-2015"}
Status = ProjectPartner.Status


@pytest.fixture
def partnered(cast, plan, theme):
    """One accepted project of org A with three partners: B confirmed, C pending, D declined."""
    source = f.make_source(plan, amount="100000.00", code="fqis", name="FQIS")
    project = f.make_project(
        lead=cast.org_a,
        theme=theme,
        status=ProjectStatus.ACCEPTED,
        title="Projet partagé",
        start_date=D(2014, 5, 1),
        end_date=D(2015, 3, 31),
    )
    f.commit(
        source=source, project=project, amount=Decimal("1000.00"), year=f.plan_year(plan, 2), decided_on=D(2014, 6, 1)
    )
    ProjectPartner.objects.create(project=project, organisation=cast.org_b, status=Status.CONFIRMED)
    ProjectPartner.objects.create(project=project, organisation=f.make_organisation(name="Organisme C"))
    declined = f.make_organisation(name="Organisme D")
    ProjectPartner.objects.create(project=project, organisation=declined, status=Status.DECLINED)
    return {"project": project, "declined": declined}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def stream(response) -> bytes:
    return b"".join(part if isinstance(part, bytes) else part.encode() for part in response.streaming_content)


EXPECTED = "Organisme B; Organisme C (non confirmé)"


def test_the_bilan_lines_mark_the_pending_partner_and_leave_out_the_declined_one(cast, partnered):
    bilan = build_bilan(user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31))
    (line,) = bilan.lines()
    assert line.partners == ("Organisme B", "Organisme C (non confirmé)")
    assert (bilan.partner_organisations, bilan.partners_per_project) == (1, Decimal("1.0"))  # confirmed ones only


def test_the_csv_and_xlsx_mark_the_pending_partner_and_leave_out_the_declined_one(client, cast, partnered):
    client.force_login(cast.staff)
    body = stream(client.get(reverse("bilan:bilan-csv", args=["projets"]), YEAR)).decode("utf-8")
    (row,) = list(csv.DictReader(io.StringIO(body[1:])))
    assert row["Partenaires"] == EXPECTED
    workbook = load_workbook(io.BytesIO(stream(client.get(reverse("bilan:bilan-xlsx"), YEAR))))
    sheet = list(workbook["Projets"].iter_rows(values_only=True))
    assert sheet[1][sheet[0].index("Partenaires")] == EXPECTED


def test_the_pdf_and_docx_mark_the_pending_partner_and_leave_out_the_declined_one(client, cast, partnered):
    client.force_login(cast.staff)
    pdf = pypdf.PdfReader(io.BytesIO(stream(client.get(reverse("bilan:bilan-pdf"), YEAR))))
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in pdf.pages))
    assert "OrganismeC(nonconfirmé)" in text and "OrganismeD" not in text
    document = docx.Document(io.BytesIO(stream(client.get(reverse("bilan:bilan-docx"), YEAR))))
    cells = " ".join(flat(c.text) for t in document.tables for r in t.rows for c in r.cells)
    assert "Organisme C (non confirmé)" in cells and "Organisme D" not in cells


def test_an_organisation_that_declined_does_not_find_the_project_in_its_bilan(cast, partnered):
    member = f.make_user("dora", organisation=partnered["declined"])
    assert build_bilan(user=member, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31)).project_count == 0
    by_filter = build_bilan(
        user=cast.staff, period_start=D(2014, 4, 1), period_end=D(2015, 3, 31), organisation=partnered["declined"]
    )
    assert by_filter.project_count == 0
