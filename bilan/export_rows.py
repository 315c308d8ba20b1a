"""The bilan's two long tables (Projets, Indicateurs) read straight from SQL for the exports.

`bilan.selectors` builds a `ProjectLine` per project for the page; an export of every project
needs no objects, only rows. Here the projects of the bilan are read with `values_list()` in one
ordered query (a cursor read `CHUNK` rows at a time), and for each chunk five queries read the rest
with `project_id IN (the chunk)`: partners, money (one UNION of committed, paid and corrected),
reports, indicators and indicator values. Each chunk gives its rows of both tables at once, so the
XLSX writes its two long sheets in one pass; memory holds one chunk.

The rules are those of `bilan.selectors` (its docstring), and the rows are those `exports.tables`
builds from `Bilan.lines()` (tests/bilan/test_export_rows.py checks both give the same rows):

- committed = Σ (amount − reduced_total) of the commitments decided in the period; disbursed =
  Σ amount of the payments paid in it + Σ delta of the corrections dated in it; to the cent;
- percent done, people and citizens reached: the project's latest report ending on or before the end
  of the period (latest `period_end`, then `submitted_at`, then id); an indicator's value: the value
  in the latest such report that has one;
- highlights: those of the reports ending in the period, oldest first, one per line.
"""

import datetime
import functools
import itertools
from collections import defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum

from budget.models import Commitment, Disbursement, DisbursementCorrection
from chantiers.models import (
    ActionProject,
    Indicator,
    IndicatorValue,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
)

CHUNK = 1000  # projects per chunk: one cursor fetch and five queries each
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _q(value) -> Decimal:
    if value is None:
        return ZERO
    if not isinstance(value, Decimal):  # SQLite may give a float for a sum in a UNION
        value = Decimal(str(value))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def yes_no(value: bool | None) -> str:
    from django.utils.translation import gettext as _

    if value is None:
        return ""
    return _("Oui") if value else _("Non")


def projects_of(bilan) -> QuerySet | None:
    """The ordered queryset of the bilan's projects, when the bilan reads its lines again from the
    database (more than one chunk of projects); None when it keeps them (then they cost no query)."""
    queryset = getattr(bilan, "project_queryset", None)
    if isinstance(queryset, QuerySet):
        return queryset
    lines_of = getattr(bilan, "lines_of", None)
    if isinstance(lines_of, functools.partial):
        for arg in itertools.chain(lines_of.args, lines_of.keywords.values()):
            if isinstance(arg, QuerySet) and arg.model is ActionProject:
                return arg
    return None


def _total(queryset, group: str, expression) -> Subquery:
    """Σ expression of these rows for the outer project (a correlated subquery, NULL when none)."""
    return Subquery(queryset.order_by().values(group).annotate(total=Sum(expression)).values("total"), output_field=MONEY)


def _annotated(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> QuerySet:
    """The projects as rows (pk, title, lead, status, theme, space, percent done, people and citizens
    reached, committed, paid, corrected): one query, a correlated subquery per figure (each reads a
    few rows through an index on the project)."""
    project = OuterRef("pk")
    latest = ProgressReport.objects.filter(project=project, period_end__lte=end).order_by("-period_end", "-submitted_at", "-pk")
    return projects.values_list("pk", "title", "lead__name", "status", "theme__name", "chantier__name").annotate(
        last_percent=Subquery(latest.values("percent_done")[:1]),
        last_people=Subquery(latest.values("people_reached")[:1]),
        last_citizens=Subquery(latest.values("citizens_reached")[:1]),
        committed_in=_total(Commitment.objects.filter(project=project, decided_on__range=(start, end)), "project", Commitment.CURRENT),
        paid_in=_total(Disbursement.objects.filter(commitment__project=project, paid_on__range=(start, end)), "commitment__project", "amount"),
        corrected_in=_total(
            DisbursementCorrection.objects.filter(disbursement__commitment__project=project, corrected_on__range=(start, end)),
            "disbursement__commitment__project", "delta",
        ),
    )


def _chunk(projects: list[tuple], *, start: datetime.date, end: datetime.date, labels: dict, yes_no: dict) -> tuple[list[tuple], list[tuple]]:
    """The Projets and Indicateurs rows of these projects (rows of `_annotated`): three queries."""
    ids = [p[0] for p in projects]
    partners = defaultdict(list)
    for project, name in (  # 1 their partners, by name
        ProjectPartner.objects.filter(project_id__in=ids).values_list("project_id", "organisation__name").order_by("organisation__name")
    ):
        partners[project].append(name)

    highlights = defaultdict(list)
    for project, pk, period_end, text in (  # 1 reports ending in the period with highlights
        ProgressReport.objects.filter(project_id__in=ids, period_end__range=(start, end)).exclude(highlights="")
        .values_list("project_id", "pk", "period_end", "highlights").order_by("period_end", "pk")
    ):
        text = text.strip()
        if text:
            highlights[project].append(f"{period_end.isoformat()} : {text}")

    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__period_end__lte=end).order_by(
        "-report__period_end", "-report__submitted_at", "-report__pk"
    )
    indicators = defaultdict(list)
    for row in (  # 1 indicators, each with its latest value up to the end of the period
        Indicator.objects.filter(project_id__in=ids)
        .values_list("project_id", "pk", "name", "unit", "target")
        .annotate(value=Subquery(latest.values("value")[:1]), measured_on=Subquery(latest.values("report__period_end")[:1]))
        .order_by("order", "pk")
    ):
        indicators[row[0]].append(row)

    project_rows, indicator_rows = [], []
    for pk, title, lead, status, theme, space, percent, people, citizens, committed, paid, corrected in projects:
        said = highlights.get(pk)
        project_rows.append((
            pk, title, lead, "; ".join(partners.get(pk, ())), labels.get(status, status), theme, space or "",
            percent, people, citizens, _q(committed), _q((paid or ZERO) + (corrected or ZERO)), "\n".join(said) if said else "",
        ))
        for _project, indicator, name, unit, target, value, measured_on in indicators.get(pk, ()):
            on_track = None if target is None or value is None else value >= target
            indicator_rows.append((pk, title, indicator, name, unit, target, value, measured_on, yes_no[on_track]))
    return project_rows, indicator_rows


def chunks(projects: QuerySet, *, start: datetime.date, end: datetime.date, chunk: int | None = None) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(Projets rows, Indicateurs rows) of these ordered projects, `chunk` projects at a time: the
    projects come from one query read through a cursor, plus five queries per chunk."""
    chunk = chunk or CHUNK
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    verdicts = {None: yes_no(None), True: yes_no(True), False: yes_no(False)}
    rows = _annotated(projects, start=start, end=end).iterator(chunk_size=chunk)  # 1 the projects, read a chunk at a time
    while batch := list(itertools.islice(rows, chunk)):
        yield _chunk(batch, start=start, end=end, labels=labels, yes_no=verdicts)


def project_rows(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> Iterator[tuple]:
    for rows, _indicators in chunks(projects, start=start, end=end):
        yield from rows


def indicator_rows(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> Iterator[tuple]:
    for _rows, rows in chunks(projects, start=start, end=end):
        yield from rows
