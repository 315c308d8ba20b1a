"""The bilan as a tagged, printable PDF (WeasyPrint) and an editable DOCX (python-docx).

The PDF is printed from HTML: templates/bilan/pdf.html, a cover (alliance, plan, period, date produced, key
figures), a table of contents with the money words (budget.terms), then the page's own report body
(templates/bilan/_report.html, every project and highlight) with the charts of bilan/charts.py, inline SVG whose
<title> is their alternative text, each described in words and followed by its table. WeasyPrint writes it as
PDF/UA-1: a structure tree (headings, lists, tables with their header cells, figures with /Alt), /Lang fr-CA (en in
English), /MarkInfo Marked, the title and author in the metadata. The stylesheet (templates/bilan/_pdf.css) keeps
headings with what follows (break-after: avoid), repeats table headers on each page and writes « Bilan de
l'Alliance — période — page N de M » at the foot of every page.

The DOCX walks an outline (`outline(bilan)`): headings, paragraphs and tables whose cells are the figures of
`exports.tables(bilan)` (the one definition the CSV and XLSX use too), formatted for reading in fr-CA (`12 500,00 $`
by `format_money`, dates by `long_date`), with real Word headings (Title, Heading 1, Heading 2) and header rows
repeated on each page; no charts.

Memory: the bilan is in memory (small: one line per project), and so is, while the PDF is built, its HTML and
WeasyPrint's whole layout (its boxes for every page: it lays out the document before it writes a byte), then the
PDF's objects; python-docx keeps the DOCX's XML tree. Each writes its document to an anonymous temporary file that
the view hands to FileResponse, which streams it in chunks: nothing is held in memory once the response starts;
nothing is streamed while the document is built. The layout costs roughly a few megabytes per hundred projects
(docs/benchmarks.md, « Measured choices in the code », has the times of a large bilan).

Fonts: the PDF embeds DejaVu Sans Condensed (bilan/fonts/, free licence beside it; subsets only, so a bilan stays
small), which covers Latin with every accent and extension (« Ł », « ő »), Greek, Cyrillic and the usual symbols: a
name in Cree syllabics or an emoji prints with a font of the system (Pango's fallback) or as a box. The DOCX names no
font file: Word shows it in the reader's fonts.
"""

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asis.figures_cache import cached
from asis.templatetags.asis_format import format_money, long_date, number, percent
from bilan.charts import sources_chart, themes_chart
from bilan.exports import DATE, DECIMAL, INT, MONEY, TEXT, tables
from bilan.selectors.bilan import Bilan
from budget.terms import TERMS

DASH = "—"
FONTS = Path(__file__).resolve().parent / "fonts"


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
    kind: str  # "title", "heading", "paragraph", "table", "page_break"
    text: str = ""
    level: int = 1
    table: DocTable | None = None


def cell(value, kind: str) -> str:
    """One value as it reads in a document."""
    if value is None or value == "":
        return DASH
    if kind == MONEY:
        return format_money(value)
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


def _money_terms():
    return [TERMS[key] for key in ("envelope", "committed", "committed_by_year", "disbursed", "left")]


def reconciliation_text(bilan: Bilan) -> str:
    """The one line that reconciles the two « Engagé » (templates/bilan/_reconciliation.html in words)."""
    reconciliation = bilan.reconciliation()
    parts = [
        _("%(amount)s pour l'année %(label)s du plan") % {"amount": format_money(amount), "label": label}
        for label, amount in reconciliation.parts
    ]
    if reconciliation.elsewhere:
        parts.append(_("%(amount)s pour l'année d'un autre plan") % {"amount": format_money(reconciliation.elsewhere)})
    total = _("%(total)s engagés par date de décision dans la période") % {"total": format_money(reconciliation.total)}
    parts_text = " + ".join(parts) or format_money(reconciliation.total)
    return f"{_('Les deux « Engagé » :')} {total} = {parts_text} {_('(engagé par année du plan).')}"


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
        *(Block("paragraph", f"{term.label} : {term.definition}") for term in _money_terms()),
        # the valued time and the support, in the synthèse for who reads the figures: said apart from the cash
        *(
            Block("paragraph", f"{TERMS[key].label} : {TERMS[key].definition}")
            for key in (() if bilan.partial else ("valued_time", "participation_support"))
        ),
        Block("paragraph", reconciliation_text(bilan)),
        Block("heading", _("Par source de financement"), level=2),
        Block(
            "table",
            table=_table(
                budget,
                [2, 3, 4, 6, 7],
                list(sources) + [total],
                caption=_("Par source de financement"),
                widths=(2.6, 1.3, 1.3, 1.3, 1.3),
                total=True,
            ),
        ),
        Block("heading", _("Par enjeu"), level=2),
        Block("table", table=_table(budget, [2, 4, 6], themes, caption=_("Par enjeu"), widths=(3.4, 1.3, 1.3))),
        Block("heading", _("Par année du plan (1er avril au 31 mars)"), level=2),
        Block("table", table=_table(budget, [2, 5, 6], years, caption=_("Par année du plan"), widths=(3.4, 1.3, 1.3))),
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

    # The shared indicators of the themes (issue 21, part 1), one table per Results-Based Accountability question
    shared = parts["indicateurs-partages"]
    if shared.rows:
        blocks.append(Block("heading", _("Indicateurs partagés des enjeux"), level=2))
        for question in dict.fromkeys(row[1] for row in shared.rows):
            blocks.append(
                Block(
                    "table",
                    table=_table(
                        shared,
                        [2, 3, 4, 6, 8, 10, 12],
                        [row for row in shared.rows if row[1] == question],
                        caption=question,
                        widths=(1.6, 2, 1, 0.9, 0.9, 0.9, 1),
                    ),
                )
            )

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

    # « Durabilité »: the follow-ups after funding due in the period, as on the page (after the report body)
    if "durabilite" in parts:
        blocks += _durability_blocks(bilan.durability, parts["durabilite"])
    return blocks


def _durability_blocks(durability, table) -> list[Block]:
    blocks = [
        Block("heading", _("Durabilité")),
        Block(
            "paragraph",
            _(
                "Six et douze mois après le rapport final, l'organisation porteuse dit si l'action continue et qui "
                "la finance. Les suivis attendus pendant la période :"
            ),
        ),
    ]
    if not durability.due:
        return [*blocks, Block("paragraph", _("Aucun suivi de durabilité n'était attendu pendant cette période."))]
    rows = table.rows
    return [
        *blocks,
        Block(
            "table",
            table=DocTable(
                caption=_("Suivis de durabilité attendus dans la période et leurs réponses"),
                headers=tuple(header for header, _kind in table.columns),
                rows=tuple((str(row[0]), cell(row[1], table.kinds(index)[1])) for index, row in enumerate(rows)),
                right=(False, True),
                widths=(3, 1.4),
            ),
        ),
    ]


# ---------------------------------------------------------------- PDF (WeasyPrint, tagged)


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for the footer's `content:`)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


def _footer(bilan: Bilan) -> str:
    """« Bilan de l'Alliance — période — page N de M » as a CSS `content:` value, N and M as page counters."""
    marker_page, marker_pages = "\x00PAGE\x00", "\x00PAGES\x00"
    text = footer_text(bilan, marker_page, marker_pages)
    before, _sep, rest = text.partition(marker_page)
    middle, _sep, after = rest.partition(marker_pages)
    return f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) {css_string(after)}"


def pdf_html(bilan: Bilan) -> str:
    """The bilan as the HTML the PDF is printed from (templates/bilan/pdf.html): every project line and highlight,
    the charts with their descriptions."""
    language = get_language() or "fr-ca"
    css = render_to_string("bilan/_pdf.css", {"fonts": FONTS.as_uri(), "footer": _footer(bilan)})
    filters = [
        (_("Enjeu"), bilan.filters.theme),
        (_("Lieu de concertation"), bilan.filters.space),
        (_("Organisation"), bilan.filters.organisation),
        (_("Statut"), bilan.filters.status),
    ]
    title = _("Bilan de l'Alliance — %(period)s") % {"period": bilan.period.label}
    contents = [
        ("en-bref", _("En bref")),
        ("par-statut", _("Projets par statut")),
        ("par-enjeu-projets", _("Projets par enjeu")),
        ("argent", _("L'argent")),
        ("projets", _("Les projets")),
        ("indicateurs", _("Indicateurs")),
        ("rencontres", _("Rencontres tenues")),
        ("faits-saillants", _("Faits saillants")),
    ]
    if bilan.durability is not None:  # None: a bilan cached before the follow-ups were read with it
        contents.append(("durabilite-titre", _("Durabilité")))
    return render_to_string(
        "bilan/pdf.html",
        {
            "bilan": bilan,
            "lang": "en" if language.startswith("en") else "fr-CA",
            "title": title,
            "description": _("%(alliance)s — %(plan)s — bilan du %(start)s au %(end)s")
            % {
                "alliance": bilan.alliance,
                "plan": bilan.plan_title,
                "start": bilan.period.start.isoformat(),
                "end": bilan.period.end.isoformat(),
            },
            "css": mark_safe(css),  # noqa: S308 — our stylesheet; the only text in it is CSS-escaped (css_string)
            "filters": [(label, value) for label, value in filters if value],
            "contents": contents,
            "lines": list(bilan.lines()),
            "all_highlights": list(bilan.all_highlights()),
            "space_rollups": bilan.space_rollups,
            "space_meetings": bilan.meetings,
            "charts": {"sources": sources_chart(bilan), "themes": themes_chart(bilan)},
            "durability": bilan.durability,  # « Durabilité », after the report body as on the page
            "document": True,
        },
    )


def pdf_file(bilan: Bilan):
    """The bilan as a tagged PDF (PDF/UA-1: structure tree, headings, table headers, /Lang, alternative text for the
    charts) in an anonymous temporary file (rewound, ready for FileResponse)."""
    from weasyprint import HTML

    handle = tempfile.TemporaryFile(suffix=".pdf")
    HTML(string=pdf_html(bilan), base_url=FONTS.as_uri() + "/").write_pdf(handle, pdf_variant="pdf/ua-1")
    handle.seek(0)
    return handle


def pdf_bytes(bilan: Bilan) -> bytes:
    """The bilan's tagged PDF (`pdf_file`) as bytes, to be cached."""
    with pdf_file(bilan) as handle:
        return handle.read()


# ---------------------------------------------------------------- the PDF, cached for a state of the plan's data


@dataclass(frozen=True)
class CachedPdf:
    name: str  # the file name (exports.file_name)
    content: bytes


# A PDF is up to about 1 MB: cached for a quarter of an hour at most (asis.figures_cache), enough for the readers of
# one state of the data, without holding a process's memory for a day.
PDF_CACHE_SECONDS = 15 * 60
# The PDF's layout, in its key: raised when a release changes what the PDF holds (issue 20 added « Durabilité »), so a
# shared cache (Redis) that outlives a deployment never serves the previous release's PDF for a quarter of an hour.
PDF_LAYOUT = 2
_building = threading.Lock()


def pdf_key(*, user, plan, period_start, period_end, theme=None, space=None, organisation=None, status=None, **_rest):
    """What a bilan's PDF depends on besides the data: the plan, the period, the filters and whose bilan it is (those
    who read the alliance's figures share one; a partner's holds its organisations' projects)."""
    reader = "figures" if user.reads_figures else ("organisations", *sorted(user.organisation_ids()))
    return (
        plan.pk,
        period_start,
        period_end,
        *(getattr(value, "pk", value) for value in (theme, space, organisation, status)),
        reader,
    )


def cached_pdf(*, version, key: tuple, build) -> CachedPdf:
    """The bilan's PDF for `key` at the plan's `version`, built by `build()` once for that state of the data and
    cached (asis.figures_cache: one request builds it, the others wait for it or serve the previous version's; today's
    date and the language are in the key). One PDF is laid out at a time in a process: two layouts never hold its
    memory at once."""

    def build_one():
        with _building:
            return build()

    return cached("bilan-pdf", version, (PDF_LAYOUT, *key), build_one, timeout=PDF_CACHE_SECONDS)


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
