"""The project lines of a bilan: a page of them, or every one for the exports, a chunk at a time."""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.db.models import (
    CharField,
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bilan.selectors._common import SUM, ZERO, to_cents
from bilan.selectors.bilan import Highlight, IndicatorLine, ProjectLine, ResolutionRef
from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
)
from projects.models import ActionProject, Indicator, IndicatorValue, ProgressReport, ProjectPartner

CHUNK = 500  # project lines read at a time for the exports: each chunk costs the same 3 queries, memory stays flat
PARTNER, INDICATOR, RESOLUTION = 0, 1, 2


def latest_indicator_values(end: datetime.date):
    """The values of the indicator (OuterRef) reported up to `end`, the latest first."""
    return IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__period_end__lte=end).order_by(
        "-report__period_end", "-report__submitted_at", "-report__pk"
    )


def _project_money(start: datetime.date, end: datetime.date) -> dict:
    """Annotations of a project: committed in the period (decided in it, less reductions), paid in
    it, and the corrections dated in it."""

    def total(queryset, group: str, expression):
        return Subquery(
            queryset.order_by().values(group).annotate(t=Sum(expression, output_field=SUM)).values("t"),
            output_field=SUM,
        )

    pk = OuterRef("pk")
    return {
        "committed_in": total(
            Commitment.objects.filter(project=pk, decided_on__range=(start, end)), "project", Commitment.CURRENT
        ),
        "paid_in": total(
            Disbursement.objects.filter(commitment__project=pk, paid_on__range=(start, end)),
            "commitment__project",
            "amount",
        ),
        "corrected_in": total(
            DisbursementCorrection.objects.filter(
                disbursement__commitment__project=pk, corrected_on__range=(start, end)
            ),
            "disbursement__commitment__project",
            "delta",
        ),
    }


def resolutions_of(
    project_ids, *, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[int, tuple[ResolutionRef, ...]]:
    """The board resolutions behind the commitments of these projects (decided in the period, when given), each
    once, by date then number: 1 query."""
    commitments = Commitment.objects.filter(project_id__in=project_ids)
    if start is not None:
        commitments = commitments.filter(decided_on__range=(start, end))
    found = defaultdict(list)
    for project, number, decided_on in (
        commitments.values_list("project_id", "resolution__number", "resolution__decided_on")
        .distinct()
        .order_by("project_id", "resolution__decided_on", "resolution__number")
    ):
        found[project].append(ResolutionRef(number, decided_on))
    return {project: tuple(refs) for project, refs in found.items()}


BILAN_ORDER = ("theme__order", "title", "pk")


class Ordered:
    """The projects in the bilan's order: a slice of them is read (1 query) with lead, theme, space
    and their money in the period, computed for that slice only, not for every project sorted."""

    def __init__(self, projects, *, start: datetime.date, end: datetime.date):
        self.projects, self.start, self.end = projects.order_by(*BILAN_ORDER), start, end

    def __getitem__(self, part: slice) -> list[ActionProject]:
        return list(
            ActionProject.objects.filter(pk__in=self.projects.values("pk")[part])
            .select_related("lead", "theme", "space")
            .annotate(**_project_money(self.start, self.end))
            .order_by(*BILAN_ORDER)
        )


def _details(project_ids: list[int], *, start: datetime.date, end: datetime.date):
    """The partners (by name), the indicators (by order, each with its latest value up to `end`) and the board
    resolutions behind their commitments decided in the period (number, date: once per commitment) of these projects,
    in one UNION: (kind, project, pk, name, unit, target, value, measured on)."""
    text, number, amount = CharField(), IntegerField(), DecimalField(max_digits=12, decimal_places=2)
    partners = (
        ProjectPartner.objects.not_declined()
        .with_marked_name()
        .filter(project_id__in=project_ids)
        .annotate(
            d_kind=Value(PARTNER, number),
            d_project=F("project_id"),
            d_pk=F("organisation_id"),
            d_name=F("marked_name"),
            d_unit=Value("", text),
            d_target=Value(None, amount),
            d_value=Value(None, amount),
            d_on=Value(None, DateField()),
            d_sort=Value(0, number),
        )
    )
    latest = latest_indicator_values(end)
    indicators = Indicator.objects.filter(project_id__in=project_ids).annotate(
        d_kind=Value(INDICATOR, number),
        d_project=F("project_id"),
        d_pk=F("pk"),
        d_name=F("name"),
        d_unit=F("unit"),
        d_target=F("target"),
        d_value=Subquery(latest.values("value")[:1]),
        d_on=Subquery(latest.values("report__period_end")[:1]),
        d_sort=F("order"),
    )
    resolutions = Commitment.objects.filter(project_id__in=project_ids, decided_on__range=(start, end)).annotate(
        d_kind=Value(RESOLUTION, number),
        d_project=F("project_id"),
        d_pk=F("resolution_id"),
        d_name=F("resolution__number"),
        d_unit=Value("", text),
        d_target=Value(None, amount),
        d_value=Value(None, amount),
        d_on=F("resolution__decided_on"),
        d_sort=Value(0, number),
    )
    columns = ("d_kind", "d_project", "d_pk", "d_name", "d_unit", "d_target", "d_value", "d_on", "d_sort")
    # partners by name, then indicators by (order, pk); the indicators first in the UNION, whose
    # columns convert its values (SQLite: a target read as its field, « 123.00 », as before)
    # the last column: an indicator's shared indicator (issue 21), blank for the others
    none = Value("", text)
    return (
        indicators.annotate(d_sort_name=Value("", text), d_shared=Coalesce(F("shared__name"), none, output_field=text))
        .values_list(*columns, "d_sort_name", "d_shared")
        .order_by()
        .union(
            partners.annotate(d_sort_name=F("organisation__name"), d_shared=none)
            .values_list(*columns, "d_sort_name", "d_shared")
            .order_by(),
            resolutions.annotate(d_sort_name=F("resolution__number"), d_shared=none)
            .values_list(*columns, "d_sort_name", "d_shared")
            .order_by(),
            all=True,
        )
        .order_by("d_kind", "d_sort_name", "d_sort", "d_pk")
    )


def chunk_lines(projects: list[ActionProject], *, start: datetime.date, end: datetime.date) -> list[ProjectLine]:
    """The lines of these projects (a slice of `Ordered`, so with their money) for the period, in
    their order: 2 queries whatever their number (partners, indicators and the resolutions behind their commitments
    of the period as one UNION, reports)."""
    project_ids = [p.pk for p in projects]
    partners, indicators, resolutions = defaultdict(list), defaultdict(list), defaultdict(dict)
    details = _details(project_ids, start=start, end=end)
    for kind, project, pk, name, unit, target, value, measured_on, *_sort, shared in details:  # 1
        if kind == PARTNER:
            partners[project].append(name)
        elif kind == RESOLUTION:
            resolutions[project][pk] = ResolutionRef(name, measured_on)  # each once (several commitments of one)
        else:
            indicators[project].append(IndicatorLine(pk, name, unit, target, value, measured_on, shared or ""))

    # -- reports: latest state at the end of the period, highlights written in it
    latest_report = {}
    highlights = defaultdict(list)
    for report in (  # 1 reports of these projects up to the end of the period, latest first
        ProgressReport.objects.filter(project_id__in=project_ids, period_end__lte=end)
        .only(
            "pk",
            "project_id",
            "period_start",
            "period_end",
            "percent_done",
            "people_reached",
            "citizens_reached",
            "highlights",
            "submitted_at",
        )
        .order_by("-period_end", "-submitted_at", "-pk")
    ):
        latest_report.setdefault(report.project_id, report)
        if report.highlights.strip() and report.period_end >= start:
            highlights[report.project_id].append(report)

    lines = []
    for p in projects:
        report = latest_report.get(p.pk)
        lines.append(
            ProjectLine(
                pk=p.pk,
                title=p.title,
                lead=p.lead.name,
                partners=tuple(partners[p.pk]),
                status=p.status,
                status_label=p.get_status_display(),
                theme=p.theme.name,
                space=p.space.name if p.space else "",
                percent_done=report.percent_done if report else None,
                people_reached=report.people_reached if report else None,
                citizens_reached=report.citizens_reached if report else None,
                committed=to_cents(p.committed_in),
                disbursed=to_cents((p.paid_in or ZERO) + (p.corrected_in or ZERO)),
                indicators=tuple(indicators[p.pk]),
                highlights=tuple(
                    Highlight(p.pk, p.title, r.period_start, r.period_end, r.highlights.strip())
                    for r in sorted(highlights[p.pk], key=lambda r: (r.period_end, r.pk))
                ),
                resolutions=tuple(sorted(resolutions[p.pk].values(), key=lambda r: (r.decided_on, r.number))),
            )
        )
    return lines


def _each_built(projects, *, start: datetime.date, end: datetime.date, chunk: int = CHUNK) -> Iterator[ProjectLine]:
    """Every project of these (`Ordered`) as a line, `chunk` projects at a time
    (one query for the projects and two for their lines per chunk), so that memory does not grow with their number."""
    offset = 0
    while True:
        batch = projects[offset : offset + chunk]  # 1 projects of this chunk, with lead, theme, space and money
        yield from chunk_lines(batch, start=start, end=end) if batch else ()
        if len(batch) < chunk:
            return
        offset += chunk


class Lines:
    """`Bilan.lines()`: every line read again chunk by chunk; kept after the first reading when
    they fit in one chunk (an export then reads each project once however many tables it writes)."""

    def __init__(
        self, projects, *, start: datetime.date, end: datetime.date, count: int, page_lines: list[ProjectLine] | None
    ):
        self.projects, self.start, self.end = projects, start, end
        self.keep = count <= CHUNK
        self.kept = (
            page_lines if page_lines is not None and count <= len(page_lines) else None
        )  # every line is on the page

    @property
    def project_queryset(self):
        """The bilan's projects in its order (BILAN_ORDER): the exports read their rows from it (bilan.export_rows)."""
        return self.projects.projects

    def __call__(self) -> Iterator[ProjectLine]:
        if self.kept is not None:
            return iter(self.kept)
        lines = _each_built(self.projects, start=self.start, end=self.end)
        if self.keep:
            self.kept = list(lines)
            return iter(self.kept)
        return lines
