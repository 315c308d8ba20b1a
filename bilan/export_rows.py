"""The bilan's two long tables (Projets, Indicateurs) read straight from SQL for the exports.

`bilan.selectors.lines` builds a `ProjectLine` per project for the page; an export of every project needs
no objects, only rows. Here five queries read everything, whatever the number of projects, each
through a cursor `CHUNK` rows at a time: the bilan's projects in its order with their money (a
correlated sum per figure), and beside them, sorted in the same order, their partners, their reports
(each with its indicator values), their indicators and the board resolutions behind their commitments. The rows of one project are taken from each
stream as the projects go by (`_Side`), so memory holds one chunk; each chunk gives its rows of both
tables at once, and the XLSX writes its two long sheets in one pass.

The rules are those of `bilan.selectors` (the package's docstring), and the rows are those `exports.tables`
builds from `Bilan.lines()` (tests/bilan/test_export_rows.py checks both give the same rows):

- committed = Σ (amount − reduced_total) of the commitments decided in the period; disbursed =
  Σ amount of the payments paid in it + Σ delta of the corrections dated in it; to the cent;
- percent done, people and citizens reached: the project's latest report ending on or before the end
  of the period (latest `period_end`, then `submitted_at`, then id); an indicator's value: its value
  in the latest such report that has one, and that report's end (« Mesurée le »);
- highlights: those of the reports ending in the period, oldest first, one per line;
- resolutions: the board's resolutions of the commitments decided in the period, each once, by date then number.
"""

import datetime
import functools
import itertools
from collections.abc import Iterator

from django.db.models import (
    Case,
    DecimalField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)

from bilan.selectors._common import ZERO, to_cents
from bilan.selectors.bilan import ResolutionRef, resolutions_text
from budget.models import Commitment, Disbursement, DisbursementCorrection
from projects.models import ActionProject, Indicator, ProgressReport, ProjectPartner, ProjectStatus

CHUNK = 1000  # projects per chunk: one cursor fetch and six queries each
MONEY = DecimalField(max_digits=14, decimal_places=2)
NOTHING = (None, None, None)
NO_VALUE = (None, None)


def yes_no(value: bool | None) -> str:
    from django.utils.translation import gettext as _

    if value is None:
        return ""
    return _("Oui") if value else _("Non")


def projects_of(bilan) -> QuerySet | None:
    """The ordered queryset of the bilan's projects, which `Bilan.lines()` reads again chunk by chunk
    (its `lines_of` holds it); None when the bilan keeps its lines in memory (they then cost no query)."""
    lines_of = getattr(bilan, "lines_of", None)
    if lines_of is None or getattr(lines_of, "kept", None) is not None:
        return None
    candidates = [getattr(lines_of, "project_queryset", None), getattr(lines_of, "projects", None)]
    if isinstance(lines_of, functools.partial):
        candidates += [*lines_of.args, *lines_of.keywords.values()]
    for candidate in candidates:
        if isinstance(candidate, QuerySet) and candidate.model is ActionProject:
            return candidate
    return None


def _total(queryset, group: str, expression) -> Subquery:
    """Σ expression of these rows for the outer project (a correlated subquery, NULL when none)."""
    return Subquery(
        queryset.order_by().values(group).annotate(total=Sum(expression)).values("total"), output_field=MONEY
    )


def _annotated(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> QuerySet:
    """The projects as rows (pk, title, lead, status, theme, space, committed, paid, corrected): one
    query, a correlated subquery per sum (each reads a few rows through an index on the project)."""
    project = OuterRef("pk")
    return projects.values_list("pk", "title", "lead__name", "status", "theme__name", "space__name").annotate(
        committed_in=_total(
            Commitment.objects.filter(project=project, decided_on__range=(start, end)), "project", Commitment.CURRENT
        ),
        paid_in=_total(
            Disbursement.objects.filter(commitment__project=project, paid_on__range=(start, end)),
            "commitment__project",
            "amount",
        ),
        corrected_in=_total(
            DisbursementCorrection.objects.filter(
                disbursement__commitment__project=project, corrected_on__range=(start, end)
            ),
            "disbursement__commitment__project",
            "delta",
        ),
    )


def _side_order(projects: QuerySet) -> list[str]:
    """The projects' ordering, seen from a row that points at its project (`project__title`...)."""
    order = list(projects.query.order_by or projects.model._meta.ordering)
    if not order or order[-1] not in ("pk", "id", "-pk", "-id"):
        order.append("pk")
    return [f"-project__{o[1:]}" if o.startswith("-") else f"project__{o}" for o in order]


class _Side:
    """Rows of another table read beside the projects, in the projects' order (their first column
    is the project's id): `of(pk)` gives the rows of project `pk` (none when it has none)."""

    def __init__(self, rows: Iterator[tuple]):
        self.groups = ((project, list(group)) for project, group in itertools.groupby(rows, key=lambda row: row[0]))
        self.next = next(self.groups, None)

    def of(self, pk: int) -> list[tuple]:
        if self.next is not None and self.next[0] == pk:
            rows, self.next = self.next[1], next(self.groups, None)
            return rows
        return []

    def close(self) -> None:
        if self.next is not None:  # a row of a project never met: the two orders differ (a bug)
            raise RuntimeError(f"bilan export: rows of project {self.next[0]} out of the projects' order")


def chunks(
    projects: QuerySet, *, start: datetime.date, end: datetime.date, chunk: int | None = None
) -> Iterator[tuple[list[tuple], list[tuple]]]:
    """(Projets rows, Indicateurs rows) of these ordered projects, `chunk` projects at a time.

    Five queries whatever the number of projects, each read through a cursor `chunk` rows at a
    time: the projects with their money and, in the same order, their partners, their reports
    (latest first, each with its indicator values), their indicators and their commitments' resolutions."""
    chunk = chunk or CHUNK
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    verdicts = {None: yes_no(None), True: yes_no(True), False: yes_no(False)}
    order = _side_order(projects)
    of_these = projects.values("pk")
    main = _annotated(projects, start=start, end=end).iterator(chunk_size=chunk)  # 1 the projects and their figures
    partners = _Side(  # 1 their partners, by name (not those that declined; « (non confirmé) » after the others until they confirm)
        ProjectPartner.objects.not_declined()
        .with_marked_name()
        .filter(project__in=of_these)
        .values_list("project_id", "marked_name")
        .order_by(*order, "organisation__name", "pk")
        .iterator(chunk_size=chunk)
    )
    reports = _Side(  # 1 reports up to the end of the period, latest first, each with its indicator values
        ProgressReport.objects.filter(project__in=of_these, period_end__lte=end)
        .values_list(
            "project_id",
            "pk",
            "period_end",
            "percent_done",
            "people_reached",
            "citizens_reached",
            "indicator_values__indicator",
            "indicator_values__value",
        )
        .annotate(
            said=Case(When(period_end__gte=start, then="highlights"), default=Value(""), output_field=TextField())
        )
        .order_by(*order, "-period_end", "-submitted_at", "-pk")
        .iterator(chunk_size=chunk)
    )
    indicators = _Side(  # 1 indicators
        Indicator.objects.filter(project__in=of_these)
        .values_list("project_id", "pk", "name", "unit", "target", "shared__name")
        .order_by(*order, "order", "pk")
        .iterator(chunk_size=chunk)
    )
    resolutions = _Side(  # 1 the resolutions of their commitments decided in the period, by date then number
        Commitment.objects.filter(project__in=of_these, decided_on__range=(start, end))
        .values_list("project_id", "resolution__number", "resolution__decided_on")
        .order_by(*order, "resolution__decided_on", "resolution__number", "pk")
        .iterator(chunk_size=chunk)
    )
    while batch := list(itertools.islice(main, chunk)):
        project_rows, indicator_rows = [], []
        for pk, title, lead, status, theme, space, committed, paid, corrected in batch:
            its_reports = reports.of(pk)
            percent, people, citizens = its_reports[0][3:6] if its_reports else NOTHING
            values, said, seen = {}, [], set()
            for _pk, report, day, _percent, _people, _citizens, indicator, value, text in its_reports:  # latest first
                if indicator is not None and indicator not in values:
                    values[indicator] = (value, day)  # its latest value, and when
                if report not in seen:
                    seen.add(report)
                    if text.strip():
                        said.append((day, report, text.strip()))
            project_rows.append(
                (
                    pk,
                    title,
                    lead,
                    "; ".join(name for _pk, name in partners.of(pk)),
                    labels.get(status, status),
                    theme,
                    space or "",
                    percent,
                    people,
                    citizens,
                    to_cents(committed),
                    to_cents((paid or ZERO) + (corrected or ZERO)),
                    "\n".join(f"{day.isoformat()} : {text}" for day, _report, text in sorted(said)),
                    resolutions_text(
                        dict.fromkeys(ResolutionRef(number, day) for _pk, number, day in resolutions.of(pk))
                    ),
                )
            )
            for _pk, indicator, name, unit, target, shared in indicators.of(pk):
                value, measured_on = values.get(indicator, NO_VALUE)
                on_track = None if target is None or value is None else value >= target
                indicator_rows.append(
                    (pk, title, indicator, name, unit, target, value, measured_on, verdicts[on_track], shared or "")
                )
        yield project_rows, indicator_rows
    for side in (partners, reports, indicators, resolutions):
        side.close()


def project_rows(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> Iterator[tuple]:
    for rows, _indicators in chunks(projects, start=start, end=end):
        yield from rows


def indicator_rows(projects: QuerySet, *, start: datetime.date, end: datetime.date) -> Iterator[tuple]:
    for _rows, rows in chunks(projects, start=start, end=end):
        yield from rows
