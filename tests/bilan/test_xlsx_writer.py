"""bilan.xlsx, the bilan's streaming XLSX writer, opened back with openpyxl (as the import does):
values and their formats, text never run as a formula, the frozen header, the autofilter, widths."""

import datetime
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from openpyxl import load_workbook

from bilan import xlsx

COLUMNS = (("ID", "int"), ("Nom", "text"), ("Engagé", "money"), ("Cible", "decimal"), ("Le", "date"))


def written(rows, kinds=None) -> bytes:
    out = io.BytesIO()
    with xlsx.Workbook(out) as book:
        first = book.add_sheet("L'été « 1 »", COLUMNS)
        for index, row in enumerate(rows):
            first.append(row, kinds[index] if kinds else None)
        second = book.add_sheet("Vide", (("Seule colonne", "text"),))
        assert second.rows == 1
    return out.getvalue()


def test_values_come_back_with_their_formats():
    data = written(
        [
            (1, "Projet & <cie>", Decimal("1234567.50"), Decimal("12.5"), datetime.date(2014, 6, 1)),
            (2, "=SOMME(A1:A9)", Decimal("-100.25"), None, None),
            (3, "+33 1 23", Decimal("0.00"), Decimal("0"), datetime.date(1900, 3, 1)),
            (4, "@cmd\tfin\x00\x07", None, None, None),
            (5, "Deux\nlignes  ", None, None, None),
            (6, " espace ", None, None, None),
            (7, "", None, None, None),
        ]
    )
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["L'été « 1 »", "Vide"]
    sheet = workbook["L'été « 1 »"]
    assert [c.value for c in sheet[1]] == ["ID", "Nom", "Engagé", "Cible", "Le"]
    assert all(c.font.b for c in sheet[1])
    values = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert values[0] == (1, "Projet & <cie>", 1234567.5, 12.5, datetime.datetime(2014, 6, 1))
    assert values[1][:3] == (2, "=SOMME(A1:A9)", -100.25)
    assert values[2][1] == "+33 1 23" and values[2][4] == datetime.datetime(1900, 3, 1)
    assert values[3][1] == "@cmd\tfin"  # characters XML cannot hold are dropped
    assert values[4][1] == "Deux\nlignes  " and values[5][1] == " espace "
    assert values[6] == (7, None, None, None, None)
    for row in sheet.iter_rows(min_row=2, max_row=4):
        assert row[1].data_type == "s"  # text, never a formula
    assert sheet["C2"].number_format == '#,##0.00 "$"' and sheet["D2"].number_format == "0.00"
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["B6"].alignment.wrap_text
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E8"
    assert sheet.column_dimensions["B"].width == len("Projet & <cie>") + 1  # the widest value
    assert sheet.column_dimensions["A"].width == 8  # at least 8
    assert workbook["Vide"].max_row == 1


def test_a_row_may_bring_its_own_kinds_and_widths_stop_at_60():
    data = written([(1, "x" * 200, Decimal("5.00"), None, None)], kinds=[("int", "text", "decimal", "decimal", "date")])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["C2"].number_format == "0.00"
    assert sheet.column_dimensions["B"].width == 60


def test_every_part_is_well_formed_xml():
    data = written([(1, "Projet & <cie> \"q\" 'a'", Decimal("1.00"), None, None)])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert {
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        } <= set(names)
        for name in names:
            ElementTree.fromstring(archive.read(name))


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (0, 12, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "M",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
