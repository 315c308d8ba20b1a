"""A small streaming XLSX writer for the bilan's workbook: rows in, SpreadsheetML out.

Why not openpyxl or XlsxWriter: both spend 4 to 6 µs per cell (a cell object, a style lookup,
an XML element), so the 350 000 cells of a province's bilan took seconds before any SQL ran
(docs/benchmarks.md). A sheet here is one XML string per row, appended to a temporary file; the
workbook is zipped when closed. That covers what the bilan uses and nothing more:

- text as inline strings (`t="inlineStr"`): never a formula, even when it starts with `=`;
  characters XML cannot hold (control characters) are dropped; a text with a line break wraps;
- integers, decimals (money: `#,##0.00 "$"`, other decimals: `0.00`) and dates (`yyyy-mm-dd`)
  as numbers with a number format;
- a bold header row, frozen; an autofilter over every row written; column widths that fit the
  header and every value (at most 60 characters).

Memory: one temporary file per sheet, so sheets can be written in any order (the bilan writes
Projets and Indicateurs side by side, a chunk of projects at a time); rows are never kept.
"""

import datetime
import re
import shutil
import tempfile
import zipfile
from decimal import Decimal

MONEY = "money"  # the kind of column whose decimals are money (as in bilan.exports)

# Cell styles (cellXfs in styles.xml): their index is the `s` attribute of a cell.
PLAIN, BOLD, MONEY_STYLE, DECIMAL_STYLE, DATE_STYLE, WRAP = range(6)
MONEY_FORMAT = '#,##0.00 "$"'
DATE_FORMAT = "yyyy-mm-dd"
MIN_WIDTH, MAX_WIDTH = 8, 60
EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (in the 1900 date system)
_ESCAPES = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REPLACE = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape(text: str) -> str:
    if _ESCAPES.search(text) is None:
        return text
    return _ESCAPES.sub(lambda m: _REPLACE.get(m.group(), ""), text)


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


class Sheet:
    """One worksheet: `append(row)` writes a row after the header; `kinds` says which decimal
    columns are money (MONEY) — a row may bring its own kinds (the summary mixes them)."""

    def __init__(self, title: str, columns: tuple[tuple[str, str], ...]):
        self.title = title
        self.kinds = tuple(kind for _header, kind in columns)
        self.letters = [column_letter(i) for i in range(len(columns))]
        self._opens = [f'<c r="{letter}' for letter in self.letters]  # a cell's start, before its row number
        self.widths = [len(header) + 2 for header, _kind in columns]
        self.rows = 1
        self._data = tempfile.TemporaryFile()
        self._pending: list[str] = []
        self._pending.append(
            '<row r="1">'
            + "".join(
                f'<c r="{letter}1" s="{BOLD}" t="inlineStr"><is><t>{_escape(header)}</t></is></c>'
                for letter, (header, _kind) in zip(self.letters, columns)
            )
            + "</row>"
        )

    def append(self, row, kinds: tuple[str, ...] | None = None) -> None:
        self.rows += 1
        self._cells(row, kinds or self.kinds)

    def extend(self, rows) -> None:
        kinds = self.kinds
        for row in rows:
            self.rows += 1
            self._cells(row, kinds)

    def _cells(self, row, kinds) -> None:
        number = self.rows
        widths, opens = self.widths, self._opens
        cells = [f'<row r="{number}">']
        add = cells.append
        for index, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if "\n" in value:
                    width = max(len(part) for part in value.split("\n"))
                    add(
                        f'{opens[index]}{number}" s="{WRAP}" t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'
                    )
                else:
                    width = len(value)
                    space = ' xml:space="preserve"' if value[0] == " " or value[-1] == " " else ""
                    add(f'{opens[index]}{number}" t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>')
            elif value is None:
                continue
            elif kind is int:
                text = str(value)
                width = len(text)
                add(f'{opens[index]}{number}"><v>{text}</v></c>')
            elif kind is Decimal:
                text = f"{value:f}"
                width = len(f"{value:,.2f}") + 2  # as shown: thousands separators, a space and « $ »
                add(
                    f'{opens[index]}{number}" s="{MONEY_STYLE if kinds[index] == MONEY else DECIMAL_STYLE}"><v>{text}</v></c>'
                )
            elif kind is datetime.date:
                width = 10
                add(f'{opens[index]}{number}" s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>')
            elif kind is bool:
                width = 5
                add(f'{opens[index]}{number}" t="b"><v>{int(value)}</v></c>')
            elif kind is float:
                text = repr(value)
                width = len(text)
                add(f'{opens[index]}{number}"><v>{text}</v></c>')
            else:  # anything else (a lazy translation, a datetime) as its text
                text = str(value)
                width = len(text)
                add(f'{opens[index]}{number}" t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>')
            if width > widths[index]:
                widths[index] = width
        add("</row>")
        self._pending.append("".join(cells))
        if len(self._pending) >= 500:
            self._flush()

    def _flush(self) -> None:
        self._data.write("".join(self._pending).encode())
        self._pending.clear()

    @property
    def ref(self) -> str:
        """`A1:M41`: every cell written, header included."""
        return f"A1:{self.letters[-1]}{self.rows}"

    def write_to(self, out, *, selected: bool) -> None:
        """The worksheet's XML into `out` (a file open for writing bytes in the zip)."""
        self._flush()
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{min(max(width + 1, MIN_WIDTH), MAX_WIDTH)}" customWidth="1"/>'
            for i, width in enumerate(self.widths, start=1)
        )
        selected_attribute = ' tabSelected="1"' if selected else ""
        out.write(
            (
                f'{HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><dimension ref="{self.ref}"/>'
                f'<sheetViews><sheetView workbookViewId="0"{selected_attribute}>'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            ).encode()
        )
        self._data.seek(0)
        shutil.copyfileobj(self._data, out, 1 << 20)
        out.write(
            (
                f'</sheetData><autoFilter ref="{self.ref}"/>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
            ).encode()
        )
        self._data.close()


STYLES = (
    f'{HEAD}<styleSheet xmlns="{MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{_attribute(MONEY_FORMAT)}"/>'
    f'<numFmt numFmtId="165" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # PLAIN
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # BOLD
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # MONEY_STYLE
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # DECIMAL_STYLE (0.00)
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'  # DATE_STYLE
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'  # WRAP
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class Workbook:
    """`with Workbook(handle) as book: sheet = book.add_sheet(title, columns); sheet.append(row)`:
    the workbook is written to `handle` (a binary file) when the block ends."""

    def __init__(self, handle, *, compresslevel: int = 1):
        self.handle = handle
        self.compresslevel = compresslevel
        self.sheets: list[Sheet] = []

    def add_sheet(self, title: str, columns) -> Sheet:
        sheet = Sheet(title[:31], tuple(columns))
        self.sheets.append(sheet)
        return sheet

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.save()
        else:
            for sheet in self.sheets:
                sheet._data.close()

    def save(self) -> None:
        sheets = self.sheets
        count = len(sheets)
        content_types = (
            f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for n in range(1, count + 1)
            )
            + "</Types>"
        )
        package_rels = (
            f'{HEAD}<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        )
        workbook_rels = (
            f'{HEAD}<Relationships xmlns="{PACKAGE}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
        )
        workbook = (
            f'{HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><bookViews><workbookView/></bookViews><sheets>'
            + "".join(
                f'<sheet name="{_attribute(sheet.title)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, sheet in enumerate(sheets, start=1)
            )
            + "</sheets><definedNames>"
            + "".join(  # the autofilters' ranges, as Excel records them
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
                f"'{_escape(sheet.title.replace(chr(39), chr(39) * 2))}'!$A$1:${sheet.letters[-1]}${sheet.rows}</definedName>"
                for n, sheet in enumerate(sheets)
            )
            + "</definedNames></workbook>"
        )
        with zipfile.ZipFile(
            self.handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel
        ) as archive:
            archive.writestr("[Content_Types].xml", content_types)
            archive.writestr("_rels/.rels", package_rels)
            archive.writestr("xl/workbook.xml", workbook)
            archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
            archive.writestr("xl/styles.xml", STYLES)
            for n, sheet in enumerate(sheets, start=1):
                with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as out:
                    sheet.write_to(out, selected=n == 1)
