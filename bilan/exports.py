"""The bilan as tables, and those tables as CSV (streamed) and XLSX (bilan.xlsx, streamed to a file).

One definition of each table (`tables(bilan)`) feeds every format, so the CSV, the XLSX and, later,
the PDF and DOCX always hold the same figures as the page.

CSV conventions (documented in the README): UTF-8 with a byte order mark (Excel then keeps the
accents), comma separator, fields quoted when needed (RFC 4180), amounts as plain numbers with a
dot and two decimals (`1250.50`, no `$`), dates as `YYYY-MM-DD`. A text cell that starts with
`=`, `+`, `-` or `@` gets a leading apostrophe so a spreadsheet never runs it as a formula.
"""

import csv
import datetime
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bilan import export_rows, xlsx
from bilan.selectors.bilan import Bilan, resolutions_text
from budget.terms import TERMS

MONEY_FORMAT = xlsx.MONEY_FORMAT
TEXT, INT, MONEY, DECIMAL, DATE = "text", "int", "money", "decimal", "date"
FORMULA_START = ("=", "+", "-", "@")

# URL slug -> sheet title (the order of the XLSX sheets)
TABLE_TITLES = {
    "synthese": gettext_lazy("Synthèse"),
    "projets": gettext_lazy("Projets"),
    "budget": gettext_lazy("Budget"),
    "rencontres": gettext_lazy("Rencontres"),
    "rencontres-evitees": gettext_lazy("Rencontres évitées"),
    "indicateurs": gettext_lazy("Indicateurs"),
    "indicateurs-partages": gettext_lazy("Indicateurs partagés"),
    "durabilite": gettext_lazy("Durabilité"),
}

# Column headers the import reads back (bilan.services.progress_import_parse)
PROJECT_ID = gettext_lazy("ID projet")
PERCENT_DONE = gettext_lazy("Avancement (%)")
INDICATOR_ID = gettext_lazy("ID indicateur")
VALUE = gettext_lazy("Valeur")
SHARED = gettext_lazy("Indicateur partagé")  # the shared indicator a project's indicator counts towards (issue 21)


@dataclass(frozen=True)
class Table:
    """A table of the bilan. `rows_of()` gives its rows as an iterator: for the projects and the
    indicators it reads them from the database a chunk at a time, so a writer that streams (CSV,
    XLSX) never holds them all; `rows` is that iterator made a tuple, for the documents."""

    slug: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (header, kind)
    rows_of: Callable[[], Iterable[tuple]]
    row_kinds: tuple[tuple[str, ...], ...] = ()  # per-row kinds, when a column mixes them (the summary)

    @classmethod
    def of(cls, slug, title, columns, rows, row_kinds=()) -> "Table":
        rows = tuple(rows)
        return cls(slug, title, columns, lambda: rows, row_kinds)

    def iter_rows(self) -> Iterator[tuple]:
        return iter(self.rows_of())

    @cached_property
    def rows(self) -> tuple[tuple, ...]:
        return tuple(self.rows_of())

    def kinds(self, index: int) -> tuple[str, ...]:
        return self.row_kinds[index] if self.row_kinds else tuple(kind for _header, kind in self.columns)


_yes_no = export_rows.yes_no


def _project_columns() -> tuple[tuple[str, str], ...]:
    return (
        (str(PROJECT_ID), INT),
        (_("Projet"), TEXT),
        (_("Porteur"), TEXT),
        (_("Partenaires"), TEXT),
        (_("Statut"), TEXT),
        (_("Enjeu"), TEXT),
        (_("Lieu de concertation"), TEXT),
        (str(PERCENT_DONE), INT),
        (_("Personnes rejointes"), INT),
        (_("Citoyens rejoints"), INT),
        (str(TERMS["committed"].label), MONEY),
        (str(TERMS["disbursed"].label), MONEY),
        (_("Faits saillants"), TEXT),
        (_("Résolutions du conseil d'administration"), TEXT),
    )


def _indicator_columns() -> tuple[tuple[str, str], ...]:
    return (
        (str(PROJECT_ID), INT),
        (_("Projet"), TEXT),
        (str(INDICATOR_ID), INT),
        (_("Indicateur"), TEXT),
        (_("Unité"), TEXT),
        (_("Cible"), DECIMAL),
        (str(VALUE), DECIMAL),
        (_("Mesurée le"), DATE),
        (_("Cible atteinte"), TEXT),
        (str(SHARED), TEXT),
    )


def shared_table(bilan: Bilan) -> Table:
    """The shared indicators of the plan's themes (issue 21, part 1), by Results-Based Accountability's question:
    baseline, current (the projects' sum, or a population indicator's latest measure), target and % of the way."""
    rows = tuple(
        (
            s.pk,
            question,
            s.theme,
            s.name,
            s.unit,
            s.get_kind_label(),
            s.baseline,
            s.baseline_on,
            s.current,
            s.measured_on if s.is_population else None,
            s.target,
            s.target_on,
            s.percent,
            s.projects,
            s.source,
        )
        for _category, question, lines in bilan.shared_by_category()
        for s in lines
    )
    return Table.of(
        "indicateurs-partages",
        str(TABLE_TITLES["indicateurs-partages"]),
        (
            (_("ID indicateur partagé"), INT),
            (_("Question"), TEXT),
            (_("Enjeu"), TEXT),
            (str(SHARED), TEXT),
            (_("Unité"), TEXT),
            (_("Nature"), TEXT),
            (_("Départ"), DECIMAL),
            (_("Départ au"), DATE),
            (_("Actuel"), DECIMAL),
            (_("Mesuré le"), DATE),
            (_("Cible"), DECIMAL),
            (_("Cible au"), DATE),
            (_("Du départ vers la cible (%)"), INT),
            (_("Projets"), INT),
            (_("Source"), TEXT),
        ),
        rows,
    )


def durability_table(durability) -> Table:
    """« Durabilité » (sustainability.selectors.durability): the follow-ups due in the period and their answers."""
    rows = [
        (_("Suivis attendus"), durability.due),
        (_("Suivis répondus"), durability.answered),
        (_("Suivis en retard"), durability.late),
        (_("Actions qui continuent entièrement"), durability.continues_yes),
        (_("Actions qui continuent en partie"), durability.continues_partly),
        (_("Actions arrêtées"), durability.continues_no),
    ] + [(_("Financée maintenant par"), funder) for funder in durability.funders]
    return Table.of(
        "durabilite",
        str(TABLE_TITLES["durabilite"]),
        ((_("Indicateur"), TEXT), (_("Valeur"), TEXT)),
        tuple(rows),
        row_kinds=tuple((TEXT, INT if isinstance(value, int) else TEXT) for _label, value in rows),
    )


def avoided_table(bilan: Bilan) -> Table:
    """« Rencontres évitées » (issue 21, part 2): in all, per theme and per organisation spared, beside the meetings
    held: how many and the person-hours they saved."""
    rows = [(_("Total"), "", bilan.meetings_avoided, bilan.person_hours_avoided)]
    rows += [(_("Enjeu"), t.name, t.meetings, t.person_hours) for t in bilan.avoided_by_theme]
    rows += [(_("Organisation"), t.name, t.meetings, t.person_hours) for t in bilan.avoided_by_organisation]
    return Table.of(
        "rencontres-evitees",
        str(TABLE_TITLES["rencontres-evitees"]),
        (
            (_("Par"), TEXT),
            (_("Nom"), TEXT),
            (_("Rencontres évitées"), INT),
            (_("Heures-personnes épargnées"), DECIMAL),
        ),
        tuple(rows),
    )


def tables(bilan: Bilan) -> dict[str, Table]:
    """The bilan's tables, its « Durabilité » (the follow-ups after funding) with them."""
    summary = Table.of(
        "synthese",
        str(TABLE_TITLES["synthese"]),
        ((_("Indicateur"), TEXT), (_("Valeur"), TEXT)),
        tuple((label, value) for label, value, _kind in bilan.summary_rows()),
        row_kinds=tuple((TEXT, kind) for _label, _value, kind in bilan.summary_rows()),
    )
    queryset = export_rows.projects_of(bilan)  # more than one chunk: rows straight from SQL
    period = (bilan.period.start, bilan.period.end)
    projects = Table(
        "projets",
        str(TABLE_TITLES["projets"]),
        _project_columns(),
        (lambda: export_rows.project_rows(queryset, start=period[0], end=period[1]))
        if queryset is not None
        else (
            lambda: (
                (
                    p.pk,
                    p.title,
                    p.lead,
                    "; ".join(p.partners),
                    p.status_label,
                    p.theme,
                    p.space,
                    p.percent_done,
                    p.people_reached,
                    p.citizens_reached,
                    p.committed,
                    p.disbursed,
                    "\n".join(f"{h.period_end.isoformat()} : {h.text}" for h in p.highlights),
                    resolutions_text(p.resolutions),
                )
                for p in bilan.lines()
            )
        ),
    )
    # The committed by decision date (sources, themes, total) and by plan year (years, total) are two columns:
    # each row fills the one it is (budget.terms); the total fills both, the same sum (Bilan.reconciliation).
    money_rows = (
        [
            (_("Source"), line.key, line.label, line.envelope, line.committed, None, line.disbursed, line.left)
            for line in bilan.by_source
        ]
        + [
            (_("Enjeu"), line.key, line.label, None, line.committed, None, line.disbursed, None)
            for line in bilan.by_theme
        ]
        + [
            (_("Année du plan"), line.key, line.label, None, None, line.committed, line.disbursed, None)
            for line in bilan.by_year
        ]
        + [
            (
                _("Total"),
                "",
                _("Total"),
                bilan.envelope,
                bilan.committed,
                sum((line.committed for line in bilan.by_year), Decimal("0.00")),
                bilan.disbursed,
                bilan.left,
            )
        ]
    )
    budget = Table.of(
        "budget",
        str(TABLE_TITLES["budget"]),
        (
            (_("Axe"), TEXT),
            (_("Code"), TEXT),
            (_("Libellé"), TEXT),
            (str(TERMS["envelope"].label), MONEY),
            (str(TERMS["committed"].label), MONEY),
            (str(TERMS["committed_by_year"].label), MONEY),
            (str(TERMS["disbursed"].label), MONEY),
            (str(TERMS["left"].label), MONEY),
        ),
        tuple(money_rows),
    )
    meetings = Table.of(
        "rencontres",
        str(TABLE_TITLES["rencontres"]),
        (
            (_("Lieu de concertation"), TEXT),
            (_("Rencontres tenues"), INT),
            (_("Présences"), INT),
            (_("Présences de citoyens"), INT),
            (_("Citoyens distincts"), INT),
            # concertation as a contribution (issue 21, part 3): who reads the figures only; in kind, not money
            *(
                ()
                if bilan.partial
                else (
                    (_("Heures du personnel des partenaires"), DECIMAL),
                    (str(TERMS["valued_time"].label), MONEY),
                    (str(TERMS["participation_support"].label), MONEY),
                )
            ),
        ),
        tuple(
            (
                m.name,
                m.meetings,
                m.present,
                m.citizen_attendances,
                m.citizens,
                *(() if bilan.partial else (m.staff_hours, m.valued_time, m.support)),
            )
            for m in bilan.meetings
        ),
    )
    avoided = avoided_table(bilan)
    indicators = Table(
        "indicateurs",
        str(TABLE_TITLES["indicateurs"]),
        _indicator_columns(),
        (lambda: export_rows.indicator_rows(queryset, start=period[0], end=period[1]))
        if queryset is not None
        else (
            lambda: (
                (p.pk, p.title, i.pk, i.name, i.unit, i.target, i.value, i.measured_on, _yes_no(i.on_track), i.shared)
                for p in bilan.lines()
                for i in p.indicators
            )
        ),
    )
    durability = bilan.durability
    extra = (durability_table(durability),) if durability is not None else ()  # None: a bilan cached before it
    return {t.slug: t for t in (summary, projects, budget, meetings, avoided, indicators, shared_table(bilan), *extra)}


# ---------------------------------------------------------------- CSV


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_lines(table: Table):
    """The table as CSV lines, one at a time (for StreamingHttpResponse), after a BOM."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow([header for header, _kind in table.columns])
    for row in table.iter_rows():
        yield writer.writerow([_csv_cell(value) for value in row])


# ---------------------------------------------------------------- XLSX


def xlsx_file(bilan: Bilan):
    """The bilan as an XLSX workbook in an anonymous temporary file (rewound, ready for FileResponse).

    bilan.xlsx writes each row to a temporary file per sheet as it comes. Beyond one chunk of
    projects the two long sheets (Projets, Indicateurs) are written side by side from the SQL rows
    of bilan.export_rows, a chunk at a time, in one pass; otherwise from the bilan's lines, which
    it keeps (no query). No sheet's rows are ever all in memory."""
    parts = tables(bilan)
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        with xlsx.Workbook(handle) as workbook:
            sheets = {slug: workbook.add_sheet(table.title, table.columns) for slug, table in parts.items()}
            for slug in (
                "synthese",
                "budget",
                "rencontres",
                "rencontres-evitees",
                "indicateurs-partages",
                "durabilite",
            ):
                if slug not in parts:
                    continue
                table = parts[slug]
                for index, row in enumerate(table.iter_rows()):
                    sheets[slug].append(row, table.kinds(index))
            queryset = export_rows.projects_of(bilan)
            if queryset is None:
                sheets["projets"].extend(parts["projets"].iter_rows())
                sheets["indicateurs"].extend(parts["indicateurs"].iter_rows())
            else:
                for projects, indicators in export_rows.chunks(
                    queryset, start=bilan.period.start, end=bilan.period.end
                ):
                    sheets["projets"].extend(projects)
                    sheets["indicateurs"].extend(indicators)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def file_name(bilan: Bilan, extension: str, table: str | None = None) -> str:
    """`bilan-asis-2014-2015.xlsx`, `bilan-asis-2014-2015-projets.csv`."""
    alliance = (bilan.alliance or "asis").lower().replace(" ", "-")
    parts = ["bilan", alliance, bilan.period.slug] + ([table] if table else [])
    return "-".join(parts) + f".{extension}"


# ---------------------------------------------------------------- open data


OPEN_DATA_COLUMNS = (
    ("id", INT),
    ("titre", TEXT),
    ("organisation_porteuse", TEXT),
    ("enjeu", TEXT),
    ("statut", TEXT),
    ("debut", DATE),
    ("fin", DATE),
    ("engage", MONEY),
    ("verse", MONEY),
    ("resolutions", TEXT),
)


def open_data_row(p) -> tuple:
    """A public project's row of OPEN_DATA_COLUMNS (the region's open data prepends its alliance)."""
    return (
        p.pk,
        p.title,
        p.lead,
        p.theme,
        p.status_label,
        p.start_date,
        p.end_date,
        p.committed,
        p.disbursed,
        resolutions_text(p.resolutions),
    )


def open_data_table(projects: Callable[[], Iterable]) -> Table:
    """The public projects as a table; `projects()` gives them (bilan.selectors.open_data.open_projects streams them)."""
    return Table("projets", _("Projets"), OPEN_DATA_COLUMNS, lambda: (open_data_row(p) for p in projects()))


def open_data_fields(p) -> dict:
    """A public project as its JSON object (the region's open data adds its alliance)."""
    return {
        "id": p.pk,
        "titre": p.title,
        "organisation_porteuse": p.lead,
        "enjeu": p.theme,
        "statut": p.status,
        "statut_libelle": p.status_label,
        "debut": p.start_date.isoformat() if p.start_date else None,
        "fin": p.end_date.isoformat() if p.end_date else None,
        "engage": f"{p.committed:.2f}",
        "verse": f"{p.disbursed:.2f}",
        "resolutions": [{"numero": r.number, "date": r.decided_on.isoformat()} for r in p.resolutions],
    }


def open_data_json_lines(
    data, projects: Iterable, *, title: str | None = None, fields=open_data_fields
) -> Iterator[str]:
    """The open data as one JSON document, written a project at a time (for StreamingHttpResponse); `fields`
    makes a project's object (the region's adds its alliance).

    Amounts as strings with two decimals ("1250.50"): exact, unlike JSON numbers read as floats."""
    head = {
        "titre": title or _("Projets financés par l'Alliance pour la solidarité et l'inclusion sociale"),
        "genere_le": data.generated_at.isoformat(),
        "devise": "CAD",
        "total_engage": f"{data.committed:.2f}",
        "total_verse": f"{data.disbursed:.2f}",
    }
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "projets": ['
    separator = "\n  "
    for p in projects:
        yield separator + json.dumps(fields(p), ensure_ascii=False)
        separator = ",\n  "
    yield "\n ]\n}\n"


# ---------------------------------------------------------------- open data: the practices (issue 20, part 6)

# Stable: the files' readers key on these names (the region's prepends the alliance). No person: a contact is a role.
PRACTICE_COLUMNS = (
    ("id", INT),
    ("titre", TEXT),
    ("organisation", TEXT),
    ("projet_id", INT),
    ("projet", TEXT),
    ("enjeu", TEXT),
    ("pratique", TEXT),
    ("a_reprendre", TEXT),
    ("contact_role", TEXT),
    ("publiee_le", DATE),
)


def practice_row(p) -> tuple:
    """A published practice's row of PRACTICE_COLUMNS."""
    return (
        p.pk,
        p.title,
        p.organisation,
        p.project_id,
        p.project,
        p.theme,
        p.summary,
        p.reuse,
        p.contact_role,
        p.published_on,
    )


def practices_table(practices: Callable[[], Iterable]) -> Table:
    """The published practices as a table; `practices()` gives them (bilan.selectors.open_data.open_practices)."""
    return Table("pratiques", _("Pratiques"), PRACTICE_COLUMNS, lambda: (practice_row(p) for p in practices()))


def practice_fields(p) -> dict:
    """A published practice as its JSON object: PRACTICE_COLUMNS' names (the region's adds its alliance)."""
    return {
        "id": p.pk,
        "titre": p.title,
        "organisation": p.organisation,
        "projet_id": p.project_id,
        "projet": p.project,
        "enjeu": p.theme,
        "pratique": p.summary,
        "a_reprendre": p.reuse,
        "contact_role": p.contact_role,
        "publiee_le": p.published_on.isoformat() if p.published_on else None,
    }


def practices_json_lines(practices: Iterable, *, title: str | None = None, fields=practice_fields) -> Iterator[str]:
    """The published practices as one JSON document, written a practice at a time (for StreamingHttpResponse)."""
    head = {
        "titre": title or _("Pratiques à reprendre publiées par les organisations de l'Alliance"),
        "genere_le": timezone.localtime().isoformat(),
    }
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "pratiques": ['
    separator = "\n  "
    for p in practices:
        yield separator + json.dumps(fields(p), ensure_ascii=False)
        separator = ",\n  "
    yield "\n ]\n}\n"
