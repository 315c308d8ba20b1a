"""The bilan's « Durabilité »: the checks due in the period, answered, and what the answers say; on the page, in
its CSV and its XLSX."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from sustainability.services import check_answer
from tests.sustainability.conftest import page


def _answered(cast, finished):
    check_answer(check=finished.check_a, by=cast.alice, continues="yes", funded_by="Centraide")
    check_answer(check=finished.check_b, by=cast.charlie, continues="no")


def test_the_bilan_counts_the_checks_and_their_answers(login, cast, finished):
    _answered(cast, finished)
    text = page(login(cast.coordinator).get(reverse("bilan:bilan"), {"periode": "plan"}))
    assert 'data-testid="bilan-durability"' in text
    section = text.split('data-testid="bilan-durability"')[1].split("</section>")[0]
    assert 'Suivis attendus</dt><dd class="col-sm-7">2' in section
    assert 'Suivis répondus</dt><dd class="col-sm-7">2' in section
    assert 'Actions qui continuent entièrement</dt><dd class="col-sm-7">1' in section
    assert 'Actions arrêtées</dt><dd class="col-sm-7">1' in section
    assert "Centraide" in section


def test_a_partners_bilan_counts_its_own(login, cast, finished):
    _answered(cast, finished)
    text = page(login(cast.alice).get(reverse("bilan:bilan"), {"periode": "plan"}))
    section = text.split('data-testid="bilan-durability"')[1].split("</section>")[0]
    assert 'Suivis attendus</dt><dd class="col-sm-7">1' in section


def test_the_exports_hold_it(login, cast, finished):
    _answered(cast, finished)
    client = login(cast.coordinator)
    csv = client.get(reverse("bilan:bilan-csv", kwargs={"table": "durabilite"}), {"periode": "plan"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Suivis répondus" in text and "Centraide" in text
    response = client.get(reverse("bilan:bilan-xlsx"), {"periode": "plan"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Durabilité"]
    assert ("Suivis attendus", 2) in [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_the_pdf_and_docx_hold_it_with_its_counts(login, cast, finished):
    """« Durabilité » in the documents too, after the report body as on the page: its heading and its counts."""
    from tests.bilan.test_pdf_docx import docx_rows, open_docx, pdf_pages

    _answered(cast, finished)
    client = login(cast.coordinator)
    text = " ".join(pdf_pages(client.get(reverse("bilan:bilan-pdf"), {"periode": "plan"})))
    assert "Durabilité" in text.split("Faits saillants")[-1]  # after the highlights, as on the page
    section = text.split("Suivis attendus")[1]
    assert "Suivis attendus" in text and section.lstrip().startswith("2")
    assert "Actions arrêtées 1" in section.replace("\n", " ") and "Centraide" in section
    document = open_docx(client.get(reverse("bilan:bilan-docx"), {"periode": "plan"}))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-1] == "Durabilité"
    rows = docx_rows(document)
    assert ["Suivis attendus", "2"] in rows and ["Suivis répondus", "2"] in rows
    assert ["Actions qui continuent entièrement", "1"] in rows and ["Actions arrêtées", "1"] in rows
    assert ["Financée maintenant par", "Centraide"] in rows


def test_the_frozen_bilan_holds_it(cast, finished, plan):
    """A closed plan's frozen bilan (its page's HTML, PDF, XLSX and DOCX) keeps « Durabilité » with its counts."""
    from pypdf import PdfReader

    from plans.models import Plan
    from succession.services import plan_close
    from tests.bilan.test_pdf_docx import flat

    _answered(cast, finished)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.CURRENT)  # the cast's plan, made the one to close
    plan.refresh_from_db()
    frozen = plan_close(plan=plan, closed_by=cast.coordinator)
    assert 'data-testid="bilan-durability"' in frozen.html
    section = frozen.html.split('data-testid="bilan-durability"')[1].split("</section>")[0]
    assert 'Suivis attendus</dt><dd class="col-sm-7">2' in section
    assert 'Actions arrêtées</dt><dd class="col-sm-7">1' in section and "Centraide" in section
    pdf = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(frozen.document("pdf"))).pages))
    assert "Durabilité" in pdf and "Centraide" in pdf
    import docx

    rows = [
        [cell.text for cell in row.cells]
        for table in docx.Document(io.BytesIO(frozen.document("docx"))).tables
        for row in table.rows
    ]
    assert ["Suivis attendus", "2"] in rows and ["Actions arrêtées", "1"] in rows
    sheet = load_workbook(io.BytesIO(frozen.document("xlsx")))["Durabilité"]
    assert ("Suivis attendus", 2) in [tuple(row) for row in sheet.iter_rows(values_only=True)]
