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
