"""The bilan as a printable PDF (reportlab) and an editable DOCX (python-docx).

Both walk one outline (`outline(bilan)`): headings, paragraphs, charts and tables whose cells are
the figures of `exports.tables(bilan)` (the one definition the CSV and XLSX use too), formatted
for reading in fr-CA (`12 500,00 $` by `format_money`, dates by `long_date`). The PDF draws the
charts (reportlab.graphics bar charts), each followed by its table; the DOCX leaves the charts out
and keeps every table, with real Word headings (Title, Heading 1, Heading 2) and header rows
repeated on each page.

Memory: the bilan and the outline are in memory (they are small: one line per project); each
writer builds its document in memory (reportlab keeps the pages' drawing operations until it
knows the page count for « page N de M »; python-docx keeps the XML tree), then writes it to an
anonymous temporary file that the view hands to FileResponse, which streams it in chunks. Nothing
is held in memory once the response starts; nothing is streamed while the document is built.
(How long a large bilan takes to build: docs/benchmarks.md, « Measured choices in the code ».)

Fonts: the PDF embeds DejaVu Sans Condensed (bilan/fonts/, free licence beside it; subsets only,
so a bilan stays small), which covers Latin with every accent and extension (« Ł », « ő »), Greek,
Cyrillic and the usual symbols: a name in Cree syllabics or an emoji still prints as a box. The
DOCX names no font file: Word shows it in the reader's fonts.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from asis.templatetags.asis_format import format_money, long_date, number, percent
from bilan.exports import DATE, DECIMAL, INT, MONEY, TEXT, tables
from bilan.selectors.bilan import Bilan

DASH = "—"
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD, ITALIC = "ASIS-Sans", "ASIS-Sans-Bold", "ASIS-Sans-Italic"


def register_fonts() -> None:
    """Register the embedded fonts with reportlab, once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in (
        (REGULAR, "DejaVuSansCondensed.ttf"),
        (BOLD, "DejaVuSansCondensed-Bold.ttf"),
        (ITALIC, "DejaVuSansCondensed-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)


RIGHT = (INT, MONEY, DECIMAL, "number", "percent")


# ---------------------------------------------------------------- the outline both formats share


@dataclass(frozen=True)
class DocTable:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: tuple[bool, ...]  # right-aligned columns (numbers, money)
    widths: tuple[float, ...]  # relative column widths
    total: bool = False  # the last row is a total (bold)


@dataclass(frozen=True)
class Block:
    kind: str  # "title", "heading", "paragraph", "table", "chart", "page_break"
    text: str = ""
    level: int = 1
    table: DocTable | None = None
    chart: str = ""  # "sources" or "themes"


def cell(value, kind: str) -> str:
    """One value as it reads in a document."""
    if value is None or value == "":
        return DASH
    if kind == MONEY:
        return format_money(value, cents=True)
    if kind in (INT, DECIMAL, "number"):
        return number(value)
    if kind == "percent":
        return percent(value)
    if kind == DATE:
        return long_date(value)
    return str(value)


def footer_text(bilan: Bilan, page, pages) -> str:
    return _("Bilan de l'Alliance — %(period)s — page %(page)s de %(pages)s") % {
        "period": bilan.period.label,
        "page": page,
        "pages": pages,
    }


def _table(table, columns: list[int], rows, *, caption: str, widths, kinds=None, total=False) -> DocTable:
    """Some columns of an exports.Table (or of the given rows of it), formatted."""
    kinds = kinds or [table.columns[i][1] for i in columns]
    return DocTable(
        caption=caption,
        headers=tuple(table.columns[i][0] for i in columns),
        rows=tuple(tuple(cell(row[i], kind) for i, kind in zip(columns, kinds)) for row in rows),
        right=tuple(kind in RIGHT for kind in kinds),
        widths=tuple(widths),
        total=total,
    )


def outline(bilan: Bilan) -> list[Block]:
    parts = tables(bilan)
    blocks = [
        Block("title", _("Bilan de l'Alliance")),
        Block(
            "paragraph",
            _("Alliance : %(alliance)s — %(plan)s") % {"alliance": bilan.alliance, "plan": bilan.plan_title},
        ),
        Block("paragraph", _("Période : %(period)s") % {"period": bilan.period.label}),
        Block("paragraph", _("Premier jour : %(date)s") % {"date": long_date(bilan.period.start)}),
        Block("paragraph", _("Dernier jour : %(date)s") % {"date": long_date(bilan.period.end)}),
        Block("paragraph", _("Produit %(date)s") % {"date": long_date(bilan.generated_at.date())}),
    ]
    filters = [
        (_("Enjeu"), bilan.filters.theme),
        (_("Lieu de concertation"), bilan.filters.space),
        (_("Organisation"), bilan.filters.organisation),
        (_("Statut"), bilan.filters.status),
    ]
    for label, value in filters:
        if value:
            blocks.append(Block("paragraph", _("Filtre — %(label)s : %(value)s") % {"label": label, "value": value}))
    if bilan.partial:
        blocks.append(
            Block(
                "paragraph",
                _("Ce bilan ne porte que sur les projets de vos organisations (comme porteuses ou partenaires)."),
            )
        )
    blocks.append(Block("page_break"))

    # Synthèse: the summary table, each value in its own kind
    summary = parts["synthese"]
    blocks += [
        Block("heading", _("Synthèse")),
        Block(
            "table",
            table=DocTable(
                caption=_("Chiffres clés de la période"),
                headers=tuple(header for header, _kind in summary.columns),
                rows=tuple(
                    (str(row[0]), cell(row[1], summary.kinds(index)[1])) for index, row in enumerate(summary.rows)
                ),
                right=(False, True),
                widths=(3, 1.4),
            ),
        ),
    ]

    # Money: the budget table split by axis (sources, themes, plan years, then the total)
    budget = parts["budget"]
    n_sources, n_themes = len(bilan.by_source), len(bilan.by_theme)
    sources = budget.rows[:n_sources]
    themes = budget.rows[n_sources : n_sources + n_themes]
    years = budget.rows[n_sources + n_themes : -1]
    total = budget.rows[-1]
    blocks += [
        Block("heading", _("L'argent")),
        Block(
            "paragraph",
            _(
                "Engagé : montants des engagements décidés dans la période, moins leurs réductions. Versé : versements "
                "faits dans la période, plus les corrections datées de la période. Reste à engager : montant de la source "
                "moins tous ses engagements décidés jusqu'à la fin de la période."
            ),
        ),
        Block("heading", _("Par source de financement"), level=2),
        Block("chart", chart="sources"),
        Block(
            "table",
            table=_table(
                budget,
                [2, 3, 4, 5, 6],
                list(sources) + [total],
                caption=_("Par source de financement"),
                widths=(2.6, 1.3, 1.3, 1.3, 1.3),
                total=True,
            ),
        ),
        Block("heading", _("Par enjeu"), level=2),
        Block("chart", chart="themes"),
        Block("table", table=_table(budget, [2, 4, 5], themes, caption=_("Par enjeu"), widths=(3.4, 1.3, 1.3))),
        Block("heading", _("Par année du plan (1er avril au 31 mars)"), level=2),
        Block("table", table=_table(budget, [2, 4, 5], years, caption=_("Par année du plan"), widths=(3.4, 1.3, 1.3))),
    ]

    # Projects: lead, partners, status, latest percent, people reached, money
    projects = parts["projets"]
    blocks += [Block("heading", _("Les projets"))]
    if projects.rows:
        blocks.append(
            Block(
                "table",
                table=_table(
                    projects,
                    [1, 2, 3, 4, 7, 8, 10, 11],
                    projects.rows,
                    caption=_(
                        "Projets de la période : porteur, partenaires, statut, avancement, personnes rejointes et argent"
                    ),
                    kinds=[TEXT, TEXT, TEXT, TEXT, "percent", INT, MONEY, MONEY],
                    widths=(2.0, 1.4, 1.6, 1.0, 1.25, 1.25, 1.25, 1.25),
                ),
            )
        )
    else:
        blocks.append(Block("paragraph", _("Aucun projet dans cette période.")))

    # Indicators against their targets, then the roll-ups
    indicators = parts["indicateurs"]
    blocks += [Block("heading", _("Indicateurs"))]
    if indicators.rows:
        blocks.append(
            Block(
                "table",
                table=_table(
                    indicators,
                    [1, 3, 4, 6, 5, 7, 8],
                    indicators.rows,
                    caption=_("Dernière valeur de chaque indicateur à la fin de la période, et sa cible"),
                    widths=(1.9, 1.9, 1.25, 1, 1, 1.4, 0.9),
                ),
            )
        )
    else:
        blocks.append(Block("paragraph", _("Aucun indicateur.")))
    for heading, first, rollups in (
        (_("Cumul par enjeu"), _("Enjeu"), bilan.theme_rollups),
        (_("Cumul par lieu de concertation"), _("Lieu de concertation"), bilan.space_rollups),
    ):
        blocks.append(Block("heading", heading, level=2))
        rows = []
        for r in rollups:
            reached = f"{number(r.on_track)} / {number(r.projects)}"
            for u in r.units or [None]:
                rows.append(
                    (
                        r.name,
                        u.unit if u else DASH,
                        cell(u.value, DECIMAL) if u else DASH,
                        cell(u.target, DECIMAL) if u else DASH,
                        reached,
                    )
                )
        if rows:
            blocks.append(
                Block(
                    "table",
                    table=DocTable(
                        caption=heading,
                        headers=(first, _("Unité"), _("Valeur"), _("Cible"), _("Projets qui atteignent leurs cibles")),
                        rows=tuple(rows),
                        right=(False, False, True, True, True),
                        widths=(2.4, 1.2, 1, 1, 1.4),
                    ),
                )
            )
        else:
            blocks.append(Block("paragraph", _("Aucun indicateur.")))

    # Meetings held
    meetings = parts["rencontres"]
    blocks += [Block("heading", _("Rencontres tenues"))]
    if meetings.rows:
        blocks.append(
            Block(
                "table",
                table=_table(
                    meetings,
                    [0, 1, 2, 3, 4],
                    meetings.rows,
                    caption=_("Rencontres tenues dans la période et présences, par lieu de concertation"),
                    widths=(2.6, 1, 1, 1, 1),
                ),
            )
        )
    else:
        blocks.append(Block("paragraph", _("Aucune rencontre tenue dans cette période.")))

    # Highlights
    blocks += [Block("heading", _("Faits saillants"))]
    highlights = list(bilan.all_highlights())
    for h in highlights:
        blocks.append(
            Block(
                "paragraph",
                _("%(project)s (%(date)s) : %(text)s")
                % {
                    "project": h.project_title,
                    "date": long_date(h.period_end),
                    "text": h.text,
                },
            )
        )
    if not highlights:
        blocks.append(Block("paragraph", _("Aucun fait saillant rapporté dans cette période.")))
    return blocks


# ---------------------------------------------------------------- PDF (reportlab)


def _chart(bilan: Bilan, which: str, width: float):
    """A horizontal bar chart: per source, committed to date then left to commit (stacked);
    per theme, committed and paid in the period. Geometry only: floats are fine here."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    if which == "sources":
        lines = bilan.by_source
        series = [
            (
                _("Engagé à la fin de la période"),
                [float(line.envelope - line.left) for line in lines],
                colors.HexColor("#1f5f8b"),
            ),
            (_("Reste à engager"), [float(max(line.left, 0)) for line in lines], colors.HexColor("#b8d4e8")),
        ]
    else:
        lines = bilan.by_theme
        series = [
            (_("Engagé dans la période"), [float(line.committed) for line in lines], colors.HexColor("#1f5f8b")),
            (_("Versé dans la période"), [float(line.disbursed) for line in lines], colors.HexColor("#e08a1e")),
        ]
    per_row = 22 if which == "sources" else 26
    plot_height = max(len(lines), 1) * per_row
    label_width = 170
    drawing = Drawing(width, plot_height + 55)
    drawing.initialFontName = REGULAR  # the drawing's default state would name Helvetica
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 35
    chart.width, chart.height = width - label_width - 20, plot_height
    # The category axis runs top-down (reverseDirection), which also flips the bars inside a
    # group: draw grouped series in reverse so the first one (committed) is on top, as in the
    # legend; stacked ones (sources) stay in order, committed from the axis.
    drawn = series if which == "sources" else series[::-1]
    chart.data = [values for _label, values, _colour in drawn] if lines else [[0], [0]]
    chart.categoryAxis.categoryNames = [
        (line.label if len(line.label) <= 34 else line.label[:33] + "…") for line in lines
    ] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.reverseDirection = True  # the first line on top, as in the table
    if which == "sources":
        chart.categoryAxis.style = "stacked"
    biggest = (
        max((sum(values) if which == "sources" else max(values, default=0)) for values in zip(*chart.data))
        if lines
        else 0
    )
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = biggest * 1.05 if biggest > 0 else 1
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda value: format_money(round(value), cents=False)
    chart.barSpacing = 1
    for index, (_label, _values, colour) in enumerate(drawn):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = label_width, plot_height + 50
    legend.fontName, legend.fontSize = REGULAR, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 150
    legend.colorNamePairs = [(colour, label) for label, _values, colour in series]
    drawing.add(legend)
    return drawing


def _numbered_canvas(bilan: Bilan):
    """A canvas that writes « Bilan de l'Alliance — période — page N de M » once it knows M."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for number_, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(REGULAR, 8)
                self.setFillGray(0.35)
                self.drawCentredString(width / 2, 28, footer_text(bilan, number_, total))
                super().showPage()
            super().save()

    return NumberedCanvas


def pdf_file(bilan: Bilan):
    """The bilan as a PDF in an anonymous temporary file (rewound, ready for FileResponse)."""
    register_fonts()
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=REGULAR, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9)
    small_right = ParagraphStyle("cell-right", parent=small, alignment=TA_RIGHT)
    head = ParagraphStyle("head", parent=small, fontName=BOLD)
    head_right = ParagraphStyle("head-right", parent=head, alignment=TA_RIGHT)
    caption = ParagraphStyle("caption", parent=body, fontName=ITALIC, fontSize=8, textColor=colors.grey)
    title = ParagraphStyle("title", parent=styles["Title"], fontName=BOLD, spaceBefore=4 * cm)
    headings = {
        1: ParagraphStyle("h1", parent=styles["Heading1"], fontName=BOLD, fontSize=15),
        2: ParagraphStyle("h2", parent=styles["Heading2"], fontName=BOLD, fontSize=12),
    }

    handle = tempfile.TemporaryFile(suffix=".pdf")
    document = SimpleDocTemplate(
        handle,
        pagesize=LETTER,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=_("Bilan de l'Alliance — %(period)s") % {"period": bilan.period.label},
        author=bilan.alliance,
        lang="fr-CA",
        initialFontName=REGULAR,  # else every page names Helvetica too
    )
    width = document.width
    story = []
    pending_chart = None
    for block in outline(bilan):
        if block.kind == "title":
            story.append(Paragraph(escape(block.text), title))
        elif block.kind == "heading":
            story.append(Paragraph(escape(block.text), headings[min(block.level, 2)]))
        elif block.kind == "paragraph":
            story.append(Paragraph(escape(block.text).replace("\n", "<br/>"), body))
        elif block.kind == "page_break":
            story.append(PageBreak())
        elif block.kind == "chart":
            pending_chart = _chart(bilan, block.chart, width)
        elif block.kind == "table":
            t = block.table
            scale = width / sum(t.widths)
            data = [[Paragraph(escape(h), head_right if right else head) for h, right in zip(t.headers, t.right)]]
            data += [
                [Paragraph(escape(value), small_right if right else small) for value, right in zip(row, t.right)]
                for row in t.rows
            ]
            table = Table(data, colWidths=[w * scale for w in t.widths], repeatRows=1)
            style = [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef5")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f5f8b")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),  # the cells are Paragraphs; this is the table's default
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
            if t.total:
                style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black))
            table.setStyle(TableStyle(style))
            parts = [Paragraph(escape(t.caption), caption), table, Spacer(1, 8)]
            if pending_chart is not None:  # a chart and its table stay on one page when they fit
                story.append(KeepTogether([pending_chart, Spacer(1, 4)] + parts))
                pending_chart = None
            else:
                story += parts
    document.build(story, canvasmaker=_numbered_canvas(bilan))
    handle.seek(0)
    return handle


# ---------------------------------------------------------------- DOCX (python-docx)


def _repeat_header(row) -> None:
    """Mark a table row as its header row (w:tblHeader): Word repeats it on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _language(document, tag: str) -> None:
    """The document's default language (w:docDefaults/w:rPrDefault/w:rPr/w:lang)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if run is None:
        return
    lang = run.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run.append(lang)
    lang.set(qn("w:val"), tag)


def docx_file(bilan: Bilan):
    """The bilan as a Word document in an anonymous temporary file (rewound, ready for FileResponse)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    properties = document.core_properties
    properties.title = _("Bilan de l'Alliance — %(period)s") % {"period": bilan.period.label}
    properties.author = bilan.alliance
    properties.language = "fr-CA"
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # Letter
    section.left_margin = section.right_margin = Cm(2)
    width = section.page_width - section.left_margin - section.right_margin
    document.styles["Normal"].font.size = Pt(10)
    _language(document, "fr-CA")  # Word checks the spelling in French

    # « Bilan de l'Alliance — période — page N de M » in the footer, N and M as Word fields
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marker_page, marker_pages = "\x00PAGE\x00", "\x00PAGES\x00"
    text = footer_text(bilan, marker_page, marker_pages)
    before, _sep, rest = text.partition(marker_page)
    middle, _sep, after = rest.partition(marker_pages)
    footer.add_run(before)
    _field(footer, "PAGE")
    footer.add_run(middle)
    _field(footer, "NUMPAGES")
    footer.add_run(after)

    for block in outline(bilan):
        if block.kind == "title":
            document.add_heading(block.text, level=0)
        elif block.kind == "heading":
            document.add_heading(block.text, level=block.level)
        elif block.kind == "paragraph":
            document.add_paragraph(block.text)
        elif block.kind == "page_break":
            document.add_page_break()
        elif block.kind == "table":
            t = block.table
            document.add_paragraph(t.caption, style="Caption")
            table = document.add_table(rows=1 + len(t.rows), cols=len(t.headers))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            scale = width / sum(t.widths)
            widths = [int(w * scale) for w in t.widths]
            # One pass over the rows, and each row's cells read once: python-docx finds
            # table.rows[i] and row.cells by walking the table, quadratic if asked per cell.
            for row_index, (row, values) in enumerate(zip(table.rows, [t.headers, *t.rows])):
                for column, (target, value, right) in enumerate(zip(row.cells, values, t.right)):
                    target.width = widths[column]
                    paragraph = target.paragraphs[0]
                    run = paragraph.add_run(value)
                    run.font.size = Pt(8.5)
                    if row_index == 0 or (t.total and row_index == len(t.rows)):
                        run.bold = True
                    if right:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _repeat_header(table.rows[0])
    handle = tempfile.TemporaryFile(suffix=".docx")
    document.save(handle)
    handle.seek(0)
    return handle
