"""The region's comparison as an XLSX workbook (bilan.xlsx, as the bilan's), and the region's open data as CSV
and JSON: the alliance's open data (bilan.exports) with the alliance of each project first."""

import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from bilan import xlsx
from bilan.exports import (
    DECIMAL,
    INT,
    MONEY,
    OPEN_DATA_COLUMNS,
    PRACTICE_COLUMNS,
    TEXT,
    Table,
    open_data_fields,
    open_data_json_lines,
    open_data_row,
    practice_fields,
    practice_row,
    practices_json_lines,
)
from bilan.selectors.comparison import Comparison, ComparisonRow
from budget.terms import TERMS


def comparison_columns(comparison: Comparison) -> tuple[tuple[str, str], ...]:
    return (
        (_("Alliance"), TEXT),
        (_("Région"), TEXT),
        (_("Plan en cours"), TEXT),
        (str(TERMS["envelope"].label), MONEY),
        (str(TERMS["committed_to_date"].label), MONEY),
        (_("Engagé à ce jour (% de l'enveloppe)"), DECIMAL),
        (str(TERMS["disbursed"].label), MONEY),
        (_("Versé (% de l'enveloppe)"), DECIMAL),
        (_("Projets"), INT),
        *((_("Projets — %(status)s") % {"status": label}, INT) for _value, label in comparison.statuses),
        (_("Personnes rejointes par les projets"), INT),
        (_("Citoyens et citoyennes rejoints par les projets"), INT),
        (_("Rapports en retard"), INT),
        (_("Autres sources (effet de levier)"), MONEY),
        (_("%(leverage)s ($ par $ engagé)") % {"leverage": TERMS["leverage"].label}, DECIMAL),
    )


def comparison_row(row: ComparisonRow) -> tuple:
    """A row of the comparison's sheet: numbers as numbers, money to the cent, nothing where nothing applies."""
    return (
        row.label,
        row.alliance.region if row.alliance else "",
        row.plan.title if row.plan else "",
        row.envelope,
        row.committed,
        row.percent_committed,
        row.paid,
        row.percent_paid,
        row.project_count,
        *(t.count for t in row.projects_by_status),
        row.people_reached,
        row.citizens_reached,
        row.late_reports,
        row.other_funding,
        row.leverage,
    )


def comparison_xlsx_file(comparison: Comparison):
    """The comparison as an XLSX workbook in an anonymous temporary file (rewound, ready for FileResponse): the
    alliances then their totals on one sheet, each alliance's themes on another."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        with xlsx.Workbook(handle) as workbook:
            sheet = workbook.add_sheet(_("Comparaison"), comparison_columns(comparison))
            sheet.extend(comparison_row(row) for row in (*comparison.rows, *comparison.totals))
            themes = workbook.add_sheet(
                _("Enjeux"),
                (
                    (_("Alliance"), TEXT),
                    (_("Enjeu"), TEXT),
                    (str(TERMS["committed_to_date"].label), MONEY),
                    (_("Engagé à ce jour (% de l'enveloppe)"), DECIMAL),
                ),
            )
            themes.extend(
                (row.label, theme.name, theme.committed, theme.percent)
                for row in comparison.rows
                for theme in row.themes
            )
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def comparison_file_name(comparison: Comparison) -> str:
    return f"comparaison-alliances-{comparison.generated_at:%Y-%m-%d}.xlsx"


# ---------------------------------------------------------------- the region's open data

REGION_OPEN_DATA_COLUMNS = (("alliance", TEXT), ("alliance_nom", TEXT), *OPEN_DATA_COLUMNS)


def region_open_data_table(projects: Callable[[], Iterable]) -> Table:
    """The public projects of every alliance as a table, each with its alliance (slug and name) first."""
    return Table(
        "projets",
        _("Projets"),
        REGION_OPEN_DATA_COLUMNS,
        lambda: ((p.alliance_slug, p.alliance_name, *open_data_row(p.project)) for p in projects()),
    )


def _region_fields(p) -> dict:
    return {"alliance": p.alliance_slug, "alliance_nom": p.alliance_name, **open_data_fields(p.project)}


def region_open_data_json_lines(data, projects: Iterable) -> Iterator[str]:
    """The region's open data as one JSON document, written a project at a time (totals over every alliance)."""
    return open_data_json_lines(
        data,
        projects,
        title=_("Projets financés par les alliances pour la solidarité et l'inclusion sociale de la région"),
        fields=_region_fields,
    )


REGION_PRACTICE_COLUMNS = (("alliance", TEXT), ("alliance_nom", TEXT), *PRACTICE_COLUMNS)


def region_practices_table(practices: Callable[[], Iterable]) -> Table:
    """The published practices of every alliance as a table, each with its alliance (slug and name) first."""
    return Table(
        "pratiques",
        _("Pratiques"),
        REGION_PRACTICE_COLUMNS,
        lambda: ((p.alliance_slug, p.alliance_name, *practice_row(p)) for p in practices()),
    )


def _region_practice_fields(p) -> dict:
    return {"alliance": p.alliance_slug, "alliance_nom": p.alliance_name, **practice_fields(p)}


def region_practices_json_lines(practices: Iterable) -> Iterator[str]:
    """The region's published practices as one JSON document, each with its alliance."""
    return practices_json_lines(
        practices,
        title=_("Pratiques à reprendre publiées par les organisations des alliances de la région"),
        fields=_region_practice_fields,
    )
