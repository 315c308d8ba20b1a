"""The accountability report (bilan): one read of the three domain apps for a period, returned as
frozen dataclasses that the page and every export (CSV, XLSX; later PDF and DOCX) render as they are.

`build_bilan` costs a fixed number of queries whatever the number of projects, reports and
meetings (the comment beside each query says what it reads; tests/bilan/test_bilan_queries.py).
Its figures are SQL aggregates (GROUP BY, filtered counts and sums, subqueries): no
project is read into Python for them, only the lines of the page shown; the exports read every
line, a chunk at a time, through `Bilan.lines()`.

The rules, written once here:

- **Period**: a plan year (1 April–31 March), the whole plan, or any dates; both ends included.
- **Projects in the bilan**: those of the plan the user may see in a bilan (Coordination and
  Personnel: all; a partner: only those its organisations lead or are partners of) that match the
  filters and were active in the period: their dates or plan years overlap it, or money was
  committed, paid or corrected, or a report covered part of it.
- **Committed** in the period = Σ (Commitment.amount − reduced_total) of the commitments *decided*
  in the period (a reduction counts against its commitment, whenever it was made).
- **Disbursed** in the period = Σ Disbursement.amount of the payments *paid* in the period
  + Σ DisbursementCorrection.delta of the corrections *dated* in the period. Over the whole plan
  this is Σ (amount + correction_total), i.e. the sources' running `disbursed_total`.
- **Left to commit** (per source) = the source's amount − everything committed to it (every
  project, every user) decided up to the end of the period.
- **Latest** percent done, people and citizens reached, and indicator values: those of the
  report with the latest `period_end` on or before the end of the period (reports are cumulative).
- **Highlights**: the `highlights` of the reports whose `period_end` falls in the period.
- **Citizens taking part**: Attendance rows with a citizen, marked present, at meetings held in
  the period (held = dated in the period and before today); counted as rows and as distinct citizens.
- **On track**: an indicator's latest value ≥ its target; a project is on track when all its
  indicators with a target are.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

from django.db.models import (
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Substr
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.kept import kept
from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
)
from chantiers.models import (
    ActionProject,
    Attendance,
    Chantier,
    Indicator,
    IndicatorValue,
    Meeting,
    Plan,
    PlanYear,
    ProgressReport,
    ProjectPartner,
    ProjectStatus,
    Theme,
)
from organisations.models import Organisation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str  # « 2014-2015 », « 2013-2016 » (the whole plan), « 2014-05-01 au 2014-09-30 »
    kind: str  # "year", "plan" or "dates"
    slug: str  # for file names: « 2014-2015 », « 2013-2016 », « 2014-05-01-2014-09-30 »

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def period_of_year(year: PlanYear) -> Period:
    return Period(year.start_date, year.end_date, year.label, "year", year.label)


def period_of_plan(years: list[PlanYear]) -> Period:
    start, end = years[0].start_date, years[-1].end_date
    label = f"{start.year}-{end.year}"
    return Period(start, end, label, "plan", label)


def period_of_dates(start: datetime.date, end: datetime.date) -> Period:
    return Period(
        start, end, _("%(start)s au %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}, "dates",
        f"{start.isoformat()}-{end.isoformat()}",
    )


def period_for(start: datetime.date, end: datetime.date, years: list[PlanYear]) -> Period:
    """The period of these dates: a plan year or the whole plan when they match one, else any dates."""
    for year in years:
        if (year.start_date, year.end_date) == (start, end):
            return period_of_year(year)
    if years and (years[0].start_date, years[-1].end_date) == (start, end):
        return period_of_plan(years)
    return period_of_dates(start, end)


# ---------------------------------------------------------------- what a bilan holds


@dataclass(frozen=True)
class Tally:
    """A labelled count (projects by status, by theme)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class MoneyLine:
    """One line of the money tables. `envelope` and `left` only for sources."""

    key: str
    label: str
    committed: Decimal
    disbursed: Decimal
    envelope: Decimal | None = None
    left: Decimal | None = None


@dataclass(frozen=True)
class IndicatorLine:
    pk: int
    name: str
    unit: str
    target: Decimal | None
    value: Decimal | None  # latest value on or before the end of the period
    measured_on: datetime.date | None

    @property
    def on_track(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


@dataclass(frozen=True)
class Highlight:
    project_pk: int
    project_title: str
    period_start: datetime.date
    period_end: datetime.date
    text: str


@dataclass(frozen=True)
class ProjectLine:
    pk: int
    title: str
    lead: str
    partners: tuple[str, ...]
    status: str
    status_label: str
    theme: str
    space: str
    percent_done: int | None
    people_reached: int | None
    citizens_reached: int | None
    committed: Decimal
    disbursed: Decimal
    indicators: tuple[IndicatorLine, ...]
    highlights: tuple[Highlight, ...]

    @property
    def on_track(self) -> bool | None:
        verdicts = [i.on_track for i in self.indicators if i.target is not None]
        if not verdicts:
            return None
        return all(v is True for v in verdicts)


@dataclass(frozen=True)
class SpaceMeetings:
    """Meetings held in the period in one concertation space."""

    pk: int
    name: str
    meetings: int
    present: int  # attendance rows marked present (people, citizens, organisations)
    citizen_attendances: int
    citizens: int  # distinct citizens present


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    value: Decimal
    target: Decimal
    indicators: int


@dataclass(frozen=True)
class Rollup:
    """Indicators of the projects of one space (or theme): sums per shared unit; otherwise the
    count of projects on track."""

    level: str  # "space" or "theme"
    name: str
    units: tuple[UnitTotal, ...]
    projects: int  # projects with at least one indicator with a target
    on_track: int


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    space: str = ""
    organisation: str = ""
    status: str = ""

    @property
    def any(self) -> bool:
        return bool(self.theme or self.space or self.organisation or self.status)


@dataclass(frozen=True)
class Bilan:
    plan_title: str
    alliance: str
    period: Period
    filters: Filters
    partial: bool  # a partner's bilan: only its organisations' projects
    generated_at: datetime.datetime
    # Headline figures
    projects_by_status: tuple[Tally, ...]
    projects_by_theme: tuple[Tally, ...]
    lead_organisations: int
    partner_organisations: int
    partners_per_project: Decimal
    meetings_held: int
    attendances: int
    citizen_attendances: int
    citizens: int
    citizens_reached: int
    people_reached: int
    # Money
    envelope: Decimal
    committed: Decimal
    disbursed: Decimal
    left: Decimal
    by_source: tuple[MoneyLine, ...]
    by_theme: tuple[MoneyLine, ...]
    by_year: tuple[MoneyLine, ...]
    # Projects (one page of them), meetings, indicators
    project_count: int
    projects: tuple[ProjectLine, ...]  # the lines of page `page` only (none for an export); every line: `lines()`
    meetings: tuple[SpaceMeetings, ...]
    space_rollups: tuple[Rollup, ...]
    theme_rollups: tuple[Rollup, ...]
    highlights: tuple[Highlight, ...] = field(default=())  # the latest HIGHLIGHTS_SHOWN; every one: `lines()`
    highlight_count: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = 50
    lines_of: Callable[[], Iterator[ProjectLine]] | None = field(default=None, compare=False, repr=False)

    def lines(self) -> Iterator[ProjectLine]:
        """Every project line of the bilan, read again from the database a chunk at a time (exports)."""
        return self.lines_of() if self.lines_of is not None else iter(self.projects)

    def all_highlights(self) -> Iterator[Highlight]:
        """Every highlight of the period, latest first (read again with the lines)."""
        return iter(sorted((h for line in self.lines() for h in line.highlights), key=lambda h: (h.period_end, h.project_title), reverse=True))

    def summary_rows(self) -> list[tuple[str, object, str]]:
        """The headline figures as (label, value, kind) rows: kind is "money", "number" or "text"."""
        rows = [
            (_("Période"), self.period.label, "text"),
            (_("Du"), self.period.start, "date"),
            (_("Au"), self.period.end, "date"),
            (_("Projets"), self.project_count, "number"),
        ]
        rows += [(_("Projets — %(status)s") % {"status": c.label}, c.count, "number") for c in self.projects_by_status]
        rows += [(_("Projets — enjeu : %(theme)s") % {"theme": c.label}, c.count, "number") for c in self.projects_by_theme]
        rows += [
            (_("Organisations porteuses"), self.lead_organisations, "number"),
            (_("Organisations partenaires (confirmées)"), self.partner_organisations, "number"),
            (_("Partenaires confirmés par projet (moyenne)"), self.partners_per_project, "decimal"),
            (_("Rencontres tenues"), self.meetings_held, "number"),
            (_("Présences aux rencontres"), self.attendances, "number"),
            (_("Présences de citoyens et citoyennes"), self.citizen_attendances, "number"),
            (_("Citoyens et citoyennes distincts aux rencontres"), self.citizens, "number"),
            (_("Personnes rejointes par les projets"), self.people_reached, "number"),
            (_("Citoyens et citoyennes rejoints par les projets"), self.citizens_reached, "number"),
            (_("Enveloppe"), self.envelope, "money"),
            (_("Engagé dans la période"), self.committed, "money"),
            (_("Versé dans la période"), self.disbursed, "money"),
            (_("Reste à engager à la fin de la période"), self.left, "money"),
        ]
        return rows


# ---------------------------------------------------------------- building it


def bilan_projects(user, *, plan: Plan, theme=None, space=None, organisation=None, status=None):
    """The projects of the plan this user may see in a bilan, filtered (not yet by period).

    Coordination and Personnel: all; a partner: its organisations' projects (lead or partner),
    not the other public projects; anyone else: none."""
    projects = ActionProject.objects.filter(theme__plan=plan)
    if not user.is_authenticated:
        return projects.none()
    if not user.sees_everything:
        org_ids = user.organisation_ids()
        projects = projects.filter(
            Q(lead_id__in=org_ids) | Q(pk__in=ProjectPartner.objects.not_declined().filter(organisation_id__in=org_ids).values("project"))
        )
    if theme is not None:
        projects = projects.filter(theme=theme)
    if space is not None:
        projects = projects.filter(chantier=space)
    if organisation is not None:
        projects = projects.filter(
            Q(lead=organisation) | Q(pk__in=ProjectPartner.objects.not_declined().filter(organisation=organisation).values("project"))
        )
    if status:
        projects = projects.filter(status=status)
    return projects


def _active_in(period: Period) -> Q:
    """Projects that ran, received or reported something in the period (one WHERE, no join)."""
    start, end = period.start, period.end
    dates = Q(start_date__isnull=False) | Q(end_date__isnull=False)
    overlap = (Q(start_date__isnull=True) | Q(start_date__lte=end)) & (Q(end_date__isnull=True) | Q(end_date__gte=start))
    pk = OuterRef("pk")
    return (
        (dates & overlap)
        | Q(Exists(PlanYear.objects.filter(projects=pk, start_date__lte=end, end_date__gte=start)))
        | Q(Exists(Commitment.objects.filter(project=pk, decided_on__range=(start, end))))
        | Q(Exists(Disbursement.objects.filter(commitment__project=pk, paid_on__range=(start, end))))
        | Q(Exists(DisbursementCorrection.objects.filter(disbursement__commitment__project=pk, corrected_on__range=(start, end))))
        | Q(Exists(ProgressReport.objects.filter(project=pk, period_start__lte=end, period_end__gte=start)))
    )


def _q(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


CHUNK = 500  # project lines read at a time for the exports: each chunk costs the same 3 queries, memory stays flat
PER_PAGE = 50  # project lines shown on one page of the bilan
HIGHLIGHTS_SHOWN = 50  # latest highlights on the page (every one is in the exports)

SUM = DecimalField(max_digits=20, decimal_places=2)  # a sum over every project may pass the 12 digits of one amount
COMMITTED, PAID, CORRECTED = 1, 2, 3
PARTNER, INDICATOR = 0, 1
NO_VALUE = Decimal("-1e13")  # below any value or target (12 digits)


def _latest_reports(end: datetime.date):
    """The reports of the project (OuterRef) up to `end`, the latest first (reports are cumulative)."""
    return ProgressReport.objects.filter(project=OuterRef("pk"), period_end__lte=end).order_by("-period_end", "-submitted_at", "-pk")


def _latest_values(end: datetime.date):
    """The values of the indicator (OuterRef) reported up to `end`, the latest first."""
    return IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__period_end__lte=end).order_by(
        "-report__period_end", "-report__submitted_at", "-report__pk"
    )


def _latest_value(end: datetime.date):
    """The latest value up to `end` of the indicator of the row: the value in its project's latest
    report when there is one (two index lookups, the common case), else that of `_latest_values`."""
    latest_report = ProgressReport.objects.filter(project=OuterRef(OuterRef("project")), period_end__lte=end).order_by(
        "-period_end", "-submitted_at", "-pk"
    )
    in_latest_report = IndicatorValue.objects.filter(indicator=OuterRef("pk"), report=Subquery(latest_report.values("pk")[:1]))
    return Coalesce(
        Subquery(in_latest_report.values("value")[:1]), Subquery(_latest_values(end).values("value")[:1]),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


# ---------------------------------------------------------------- the project lines (a page of them, or every one for the exports)


def _project_money(start: datetime.date, end: datetime.date) -> dict:
    """Annotations of a project: committed in the period (decided in it, less reductions), paid in
    it, and the corrections dated in it."""

    def total(queryset, group: str, expression):
        return Subquery(queryset.order_by().values(group).annotate(t=Sum(expression, output_field=SUM)).values("t"), output_field=SUM)

    pk = OuterRef("pk")
    return {
        "committed_in": total(Commitment.objects.filter(project=pk, decided_on__range=(start, end)), "project", Commitment.CURRENT),
        "paid_in": total(Disbursement.objects.filter(commitment__project=pk, paid_on__range=(start, end)), "commitment__project", "amount"),
        "corrected_in": total(
            DisbursementCorrection.objects.filter(disbursement__commitment__project=pk, corrected_on__range=(start, end)),
            "disbursement__commitment__project", "delta",
        ),
    }


BILAN_ORDER = ("theme__order", "title", "pk")


class _Ordered:
    """The projects in the bilan's order: a slice of them is read (1 query) with lead, theme, space
    and their money in the period, computed for that slice only, not for every project sorted."""

    def __init__(self, projects, *, start: datetime.date, end: datetime.date):
        self.projects, self.start, self.end = projects.order_by(*BILAN_ORDER), start, end

    def __getitem__(self, part: slice) -> list[ActionProject]:
        return list(
            ActionProject.objects.filter(pk__in=self.projects.values("pk")[part])
            .select_related("lead", "theme", "chantier").annotate(**_project_money(self.start, self.end)).order_by(*BILAN_ORDER)
        )


def _details(project_ids: list[int], *, end: datetime.date):
    """The partners (by name) and the indicators (by order, each with its latest value up to `end`)
    of these projects, in one UNION: (kind, project, pk, name, unit, target, value, measured on)."""
    text, number, amount = CharField(), IntegerField(), DecimalField(max_digits=12, decimal_places=2)
    partners = ProjectPartner.objects.not_declined().with_marked_name().filter(project_id__in=project_ids).annotate(
        d_kind=Value(PARTNER, number), d_project=F("project_id"), d_pk=F("organisation_id"), d_name=F("marked_name"),
        d_unit=Value("", text), d_target=Value(None, amount), d_value=Value(None, amount), d_on=Value(None, DateField()),
        d_sort=Value(0, number),
    )
    latest = _latest_values(end)
    indicators = Indicator.objects.filter(project_id__in=project_ids).annotate(
        d_kind=Value(INDICATOR, number), d_project=F("project_id"), d_pk=F("pk"), d_name=F("name"),
        d_unit=F("unit"), d_target=F("target"), d_value=Subquery(latest.values("value")[:1]),
        d_on=Subquery(latest.values("report__period_end")[:1]), d_sort=F("order"),
    )
    columns = ("d_kind", "d_project", "d_pk", "d_name", "d_unit", "d_target", "d_value", "d_on", "d_sort")
    # partners by name, then indicators by (order, pk); the indicators first in the UNION, whose
    # columns convert its values (SQLite: a target read as its field, « 123.00 », as before)
    return (
        indicators.annotate(d_sort_name=Value("", text)).values_list(*columns, "d_sort_name").order_by()
        .union(partners.annotate(d_sort_name=F("organisation__name")).values_list(*columns, "d_sort_name").order_by(), all=True)
        .order_by("d_kind", "d_sort_name", "d_sort", "d_pk")
    )


def _chunk_lines(projects: list[ActionProject], *, start: datetime.date, end: datetime.date) -> list[ProjectLine]:
    """The lines of these projects (a slice of `_Ordered`, so with their money) for the period, in
    their order: 2 queries whatever their number (partners and indicators as one UNION, reports)."""
    project_ids = [p.pk for p in projects]
    partners, indicators = defaultdict(list), defaultdict(list)
    for kind, project, pk, name, unit, target, value, measured_on, *_sort in _details(project_ids, end=end):  # 1
        if kind == PARTNER:
            partners[project].append(name)
        else:
            indicators[project].append(IndicatorLine(pk, name, unit, target, value, measured_on))

    # -- reports: latest state at the end of the period, highlights written in it
    latest_report = {}
    highlights = defaultdict(list)
    for report in (  # 1 reports of these projects up to the end of the period, latest first
        ProgressReport.objects.filter(project_id__in=project_ids, period_end__lte=end)
        .only("pk", "project_id", "period_start", "period_end", "percent_done", "people_reached", "citizens_reached", "highlights", "submitted_at")
        .order_by("-period_end", "-submitted_at", "-pk")
    ):
        latest_report.setdefault(report.project_id, report)
        if report.highlights.strip() and report.period_end >= start:
            highlights[report.project_id].append(report)

    lines = []
    for p in projects:
        report = latest_report.get(p.pk)
        lines.append(ProjectLine(
            pk=p.pk,
            title=p.title,
            lead=p.lead.name,
            partners=tuple(partners[p.pk]),
            status=p.status,
            status_label=str(p.get_status_display()),
            theme=p.theme.name,
            space=p.chantier.name if p.chantier else "",
            percent_done=report.percent_done if report else None,
            people_reached=report.people_reached if report else None,
            citizens_reached=report.citizens_reached if report else None,
            committed=_q(p.committed_in),
            disbursed=_q((p.paid_in or ZERO) + (p.corrected_in or ZERO)),
            indicators=tuple(indicators[p.pk]),
            highlights=tuple(
                Highlight(p.pk, p.title, r.period_start, r.period_end, r.highlights.strip())
                for r in sorted(highlights[p.pk], key=lambda r: (r.period_end, r.pk))
            ),
        ))
    return lines


def _each_built(projects, *, start: datetime.date, end: datetime.date, chunk: int = CHUNK) -> Iterator[ProjectLine]:
    """Every project of these (`_Ordered`) as a line, `chunk` projects at a time
    (one query for the projects and two for their lines per chunk), so that memory does not grow with their number."""
    offset = 0
    while True:
        batch = projects[offset:offset + chunk]  # 1 projects of this chunk, with lead, theme, space and money
        yield from _chunk_lines(batch, start=start, end=end) if batch else ()
        if len(batch) < chunk:
            return
        offset += chunk


class _Lines:
    """`Bilan.lines()`: every line read again chunk by chunk; kept after the first reading when
    they fit in one chunk (an export then reads each project once however many tables it writes)."""

    def __init__(self, projects, *, start: datetime.date, end: datetime.date, count: int, page_lines: list[ProjectLine] | None):
        self.projects, self.start, self.end = projects, start, end
        self.keep = count <= CHUNK
        self.kept = page_lines if page_lines is not None and count <= len(page_lines) else None  # every line is on the page

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


# ---------------------------------------------------------------- the figures, as SQL aggregates


def _money_rows(projects, *, start: datetime.date, end: datetime.date):
    """(source, plan year, theme, kind, total) of these projects in the period, in one UNION query:
    committed (decided in it, less reductions), paid in it, corrections dated in it."""
    kind = IntegerField()
    committed = (
        Commitment.objects.filter(project__in=projects, decided_on__range=(start, end))
        .values_list("source", "plan_year", "project__theme")
        .annotate(kind=Value(COMMITTED, output_field=kind), total=Sum(Commitment.CURRENT, output_field=SUM))
        .order_by()
    )
    paid = (
        Disbursement.objects.filter(commitment__project__in=projects, paid_on__range=(start, end))
        .values_list("commitment__source", "commitment__plan_year", "commitment__project__theme")
        .annotate(kind=Value(PAID, output_field=kind), total=Sum("amount", output_field=SUM))
        .order_by()
    )
    corrected = (
        DisbursementCorrection.objects.filter(disbursement__commitment__project__in=projects, corrected_on__range=(start, end))
        .values_list("disbursement__commitment__source", "disbursement__commitment__plan_year", "disbursement__commitment__project__theme")
        .annotate(kind=Value(CORRECTED, output_field=kind), total=Sum("delta", output_field=SUM))
        .order_by()
    )
    for source, year, theme, row_kind, total in committed.union(paid, corrected, all=True):
        yield source, year, theme, row_kind, Decimal(total) if not isinstance(total, Decimal) else total


def _sort_text(number):
    """An integer as text that sorts as the number does (for a positive id or order)."""
    return Cast(number + Value(10**12), CharField())


def _tallies(projects, *, end: datetime.date):
    """The counts and sums behind the headline figures and the roll-ups, in one UNION of GROUP BYs:
    rows of (level, theme, space, text, extra, n1, n2, n3, d1, d2), where by `level`:

    - "units": the indicators with a target of the projects of a theme and a space, by unit (text):
      extra = the sort text of the earliest in the bilan's order, n1 = how many, d1 = Σ latest
      value up to `end`, d2 = Σ target;
    - "projects": the projects of a theme and a space with a status (text; extra = the space's
      name): n1 = how many, n2 = with an indicator with a target, n3 = below one of their targets
      (no value yet, or a latest value lower than the target; the others of n2 are on track),
      d1 = Σ people reached and d2 = Σ citizens reached by the latest report of each project;
    - "organisations": n1 = distinct leads, n2 = distinct partners, n3 = partner links.

    Each latest value is read once (units, and the verdicts of projects), as is each project.
    """
    text, number = CharField(), IntegerField()

    def row(queryset, level: str, theme, space, label, extra=None, **aggregates):
        counts = {name: aggregates.get(name, Cast(Value(None), output_field=number)) for name in ("n1", "n2", "n3")}
        sums = {name: aggregates.get(name, Cast(Value(None), output_field=SUM)) for name in ("d1", "d2")}
        keys = {"t_theme": theme, "t_space": space, "t_text": label}
        if extra is not None and not getattr(extra, "contains_aggregate", False):
            keys["t_extra"] = extra
        return (
            queryset.order_by().annotate(t_level=Value(level, output_field=text), **keys)
            .values("t_level", *keys)
            .annotate(**({} if "t_extra" in keys else {"t_extra": extra if extra is not None else Value("", output_field=text)}), **counts, **sums)
            .values_list("t_level", "t_theme", "t_space", "t_text", "t_extra", "n1", "n2", "n3", "d1", "d2")
        )

    latest_value = _latest_value(end)
    first = Min(Concat(
        _sort_text(F("project__theme__order")), F("project__title"), Value("\x01"), _sort_text(F("project_id")),
        _sort_text(F("order")), _sort_text(F("pk")), output_field=text,
    ))
    units = row(
        Indicator.objects.filter(project__in=projects.values("pk"), target__isnull=False),
        "units", F("project__theme"), F("project__chantier"), F("unit"), first,
        n1=Count("pk"), d1=Sum(latest_value, output_field=SUM), d2=Sum("target", output_field=SUM),
    )

    latest_report = _latest_reports(end)
    own_targets = Indicator.objects.filter(project=OuterRef("pk"), target__isnull=False)
    # below its target: no value yet, or a lower one (one reading of the latest value: no value sorts lowest)
    below = own_targets.annotate(latest=Coalesce(latest_value, Value(NO_VALUE), output_field=SUM)).filter(latest__lt=F("target"))
    has_targets = Q(Exists(own_targets))
    verdicts = row(
        projects, "projects", F("theme"), F("chantier"), F("status"), F("chantier__name"),
        n1=Count("pk"), n2=Count("pk", filter=has_targets), n3=Count("pk", filter=Q(Exists(below))),
        d1=Sum(Subquery(latest_report.values("people_reached")[:1]), output_field=SUM),
        d2=Sum(Subquery(latest_report.values("citizens_reached")[:1]), output_field=SUM),
    )

    zero, blank = Value(0, output_field=number), Value("", output_field=text)
    organisations = row(
        projects, "organisations", zero, zero, blank,
        # partners that confirmed (an unconfirmed one is only the lead's word)
        n1=Count("lead", distinct=True),
        n2=Count("partnerships__organisation", distinct=True, filter=Q(partnerships__status=ProjectPartner.Status.CONFIRMED)),
        n3=Count("partnerships", filter=Q(partnerships__status=ProjectPartner.Status.CONFIRMED)),
    )
    return units.union(verdicts, organisations, all=True)


def _rollups(level: str, names: dict, verdicts: dict, units: dict) -> list["Rollup"]:
    """The roll-ups of one level, in the order of `names` (key -> name): `verdicts` key -> (projects
    with a target, on track); `units` key -> {unit key -> [label, first, value, target, indicators]}."""
    rollups = []
    for key, name in names.items():
        projects, on_track = verdicts[key] if key in verdicts else (0, 0)
        if not projects:  # a unit counts only indicators with a target: none without such projects
            continue
        rollups.append(Rollup(
            level=level,
            name=name,
            units=tuple(
                UnitTotal(unit=label, value=_q(value), target=_q(target), indicators=n)  # values and targets are to the cent
                for _unit, (label, _first, value, target, n) in sorted(units.get(key, {}).items())
            ),
            projects=projects,
            on_track=on_track,
        ))
    return rollups


WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]  # what Python's str.strip() takes away (the last is U+3000)


def _written(field: str) -> Q:
    """Not blank as Python's str.strip() sees it: a first character that is not white space (cheap),
    else any (a regular expression, only for the few texts that start with a space or a line break)."""
    return ~Q(**{field: ""}) & (~Q(In(Substr(field, 1, 1), WHITESPACE)) | Q(**{f"{field}__regex": r"\S"}))


def _latest_highlights(projects, *, start: datetime.date, end: datetime.date) -> tuple[list["Highlight"], int]:
    """The HIGHLIGHTS_SHOWN latest highlights of these projects written in the period, and how many
    there are (1 query: the count as a subquery, computed once): latest report first, then by
    project title (the latest), project, report."""
    written = ProgressReport.objects.filter(project__in=projects.values("pk"), period_end__range=(start, end)).filter(_written("highlights"))
    count = written.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("pk")).values("n")
    rows = list(
        written.annotate(total=Subquery(count, output_field=IntegerField()))
        .order_by("-period_end", "-project__title", "project_id", "-pk")
        .values_list("project_id", "project__title", "period_start", "period_end", "highlights", "total")[:HIGHLIGHTS_SHOWN]
    )
    shown = [Highlight(project, title, period_start, period_end, text.strip()) for project, title, period_start, period_end, text, _total in rows]
    return shown, rows[0][-1] if rows else 0


def build_bilan(
    *, user, period_start: datetime.date, period_end: datetime.date, theme: Theme | None = None,
    space: Chantier | None = None, organisation: Organisation | None = None, status: str | None = None,
    plan: Plan | None = None, period: Period | None = None, page: int | None = 1, per_page: int = PER_PAGE,
    years: list[PlanYear] | None = None, themes: list[Theme] | None = None,
) -> "Bilan":
    """Everything the bilan page and its exports show, for this user, period and filters.

    The figures are SQL aggregates (GROUP BY, filtered counts and sums, subqueries), so their cost
    does not grow with the number of projects read into Python: none is. Only the lines of page
    `page` (`per_page` lines; the last page when `page` is beyond it; none when `page` is None, as
    for the exports) and the latest highlights are built; `Bilan.lines()` reads every line, chunk by
    chunk, for the exports."""
    plan = plan or Plan.objects.current()  # 1 the plan (unless given)
    years = list(plan.years.all()) if years is None else years  # 1 plan years (none when the view gives them)
    if period is None:
        period = period_for(period_start, period_end, years)
    start, end = period.start, period.end
    filtered = bilan_projects(user, plan=plan, theme=theme, space=space, organisation=organisation, status=status)
    projects = filtered.filter(_active_in(period))

    to_date = (  # every commitment of the source decided up to the end of the period
        Commitment.objects.filter(source=OuterRef("pk"), decided_on__lte=end).order_by().values("source")
        .annotate(total=Sum(Commitment.CURRENT, output_field=SUM)).values("total")
    )
    sources = list(  # 1 sources, each with what was committed to it up to the end of the period
        FundingSource.objects.filter(plan=plan).annotate(committed_to_date=Subquery(to_date, output_field=SUM)).order_by("order")
    )
    themes = list(plan.themes.order_by("order")) if themes is None else themes  # 1 themes (none when the view gives them)

    # -- counts and sums of every project of the bilan (1 query)
    by_status, by_theme_count = defaultdict(int), defaultdict(int)
    theme_verdicts, space_verdicts, space_names = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), {}
    theme_units, space_units = defaultdict(dict), defaultdict(dict)
    leads = partner_orgs = partner_links = people_reached = citizens_reached = 0
    for level, theme_pk, space_pk, label, extra, n1, n2, n3, d1, d2 in _tallies(projects, end=end):
        if level == "units":
            unit = (label or "").strip()
            if not unit:
                continue
            for units in (theme_units[theme_pk], space_units[space_pk]) if space_pk is not None else (theme_units[theme_pk],):
                tally = units.setdefault(unit.lower(), [unit, extra, ZERO, ZERO, 0])
                if extra < tally[1]:  # the label is that of the earliest indicator in the bilan's order
                    tally[0], tally[1] = unit, extra
                tally[2] += d1 or ZERO
                tally[3] += d2 or ZERO
                tally[4] += n1
        elif level == "projects":
            by_status[label] += n1
            by_theme_count[theme_pk] += n1
            verdicts = (theme_verdicts[theme_pk], space_verdicts[space_pk]) if space_pk is not None else (theme_verdicts[theme_pk],)
            for verdict in verdicts:
                verdict[0] += n2
                verdict[1] += n2 - n3  # on track: every indicator with a target reached
            if space_pk is not None:
                space_names[space_pk] = extra
            people_reached += int(d1 or 0)
            citizens_reached += int(d2 or 0)
        elif level == "organisations":
            leads, partner_orgs, partner_links = n1 or 0, n2 or 0, n3 or 0
    count = sum(by_status.values())

    # -- money of every project of the bilan, by source, plan year and theme (1 query, a UNION of three)
    c_source, d_source = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_year, d_year = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_theme, d_theme = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    # (a commitment decided, a payment made or corrected in the period makes its project active in
    # it: the filtered projects are enough, without `_active_in`, and cheaper to read)
    for source, year, theme_pk, kind, total in _money_rows(filtered.values("pk"), start=start, end=end):
        of_source, of_year, of_theme = (c_source, c_year, c_theme) if kind == COMMITTED else (d_source, d_year, d_theme)
        of_source[source] += total
        of_year[year] += total
        of_theme[theme_pk] += total

    # (so does a report ending in the period)
    # 1 the page's latest highlights (the exports read every one with the lines: none here)
    highlights, highlight_count = _latest_highlights(filtered, start=start, end=end) if page is not None else ((), 0)

    # -- the lines of one page (3 queries: the projects with their money, partners and indicators, reports)
    pages = max(ceil(count / per_page), 1)
    ordered = _Ordered(projects, start=start, end=end)
    if page is None:  # an export: no page, every line from `lines()`
        page, page_lines = 1, None
    else:
        page = min(max(page, 1), pages)  # beyond the last page: the last one
        page_lines = _chunk_lines(ordered[(page - 1) * per_page:page * per_page], start=start, end=end) if count else []

    by_source = tuple(
        MoneyLine(
            s.code, s.name, _q(c_source[s.pk]), _q(d_source[s.pk]), envelope=_q(s.amount),
            left=_q(s.amount - (s.committed_to_date or ZERO)),
        )
        for s in sources
    )
    by_theme = tuple(MoneyLine(t.slug, t.name, _q(c_theme[t.pk]), _q(d_theme[t.pk])) for t in themes)
    by_year = tuple(MoneyLine(y.label, y.label, _q(c_year[y.pk]), _q(d_year[y.pk])) for y in years)

    # -- meetings held in the period (1 query)
    meetings = _meetings(user, plan=plan, period=period, theme=theme, space=space, organisation=organisation)

    envelope = _q(sum((s.amount for s in sources), ZERO))
    theme_order = {t.pk: (t.order, t.pk) for t in themes}
    return Bilan(
        plan_title=plan.title,
        alliance=plan.alliance_acronym or plan.alliance_name,
        period=period,
        filters=Filters(
            theme=theme.name if theme else "",
            space=space.name if space else "",
            organisation=organisation.name if organisation else "",
            status=str(ProjectStatus(status).label) if status else "",
        ),
        partial=not (user.is_authenticated and user.sees_everything),
        generated_at=timezone.localtime(),
        projects_by_status=tuple(
            Tally(value, str(label), by_status[value]) for value, label in ProjectStatus.choices if by_status[value]
        ),
        projects_by_theme=tuple(Tally(t.slug, t.name, by_theme_count[t.pk]) for t in themes),
        lead_organisations=leads,
        partner_organisations=partner_orgs,
        partners_per_project=(
            (Decimal(partner_links) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if count else Decimal("0.0")
        ),
        meetings_held=sum(m.meetings for m in meetings["spaces"]),
        attendances=sum(m.present for m in meetings["spaces"]),
        citizen_attendances=sum(m.citizen_attendances for m in meetings["spaces"]),
        citizens=meetings["citizens"],
        citizens_reached=citizens_reached,
        people_reached=people_reached,
        envelope=envelope,
        committed=_q(sum(c_source.values(), ZERO)),
        disbursed=_q(sum(d_source.values(), ZERO)),
        left=_q(sum((line.left for line in by_source), ZERO)),
        by_source=by_source,
        by_theme=by_theme,
        by_year=by_year,
        project_count=count,
        projects=tuple(page_lines or ()),
        page=page,
        pages=pages,
        per_page=per_page,
        meetings=meetings["spaces"],
        space_rollups=tuple(_rollups("space", dict(sorted(space_names.items(), key=lambda item: item[1])), space_verdicts, space_units)),
        theme_rollups=tuple(_rollups(
            "theme", {t.pk: t.name for t in sorted(themes, key=lambda t: theme_order[t.pk])}, theme_verdicts, theme_units,
        )),
        highlights=tuple(highlights),
        highlight_count=highlight_count,
        lines_of=_Lines(ordered, start=start, end=end, count=count, page_lines=page_lines),
    )


def bilan_page(*, version, user, page: int, **arguments) -> "Bilan":
    """The bilan of the page (`build_bilan`, lines of page `page`). Coordination and staff all see the
    same bilan: theirs is kept for the data version (asis.kept), built again after any write. A
    partner's, small and their own, is built each time."""
    if not (user.is_authenticated and user.sees_everything):
        return build_bilan(user=user, page=page, **arguments)
    key = (
        arguments["plan"].pk, arguments["period_start"], arguments["period_end"], page,
        *(getattr(arguments.get(name), "pk", arguments.get(name)) for name in ("theme", "space", "organisation", "status")),
    )
    return kept("bilan", version, key, lambda: build_bilan(user=user, page=page, **arguments))


def _meetings(user, *, plan, period, theme, space, organisation) -> dict:
    """Meetings held in the period per space, with the distinct citizens present overall (1 query)."""
    held_until = min(period.end, timezone.localdate() - datetime.timedelta(days=1))
    meetings = Meeting.objects.visible_to(user).filter(date__range=(period.start, held_until))
    if theme is not None:
        meetings = meetings.filter(chantier__in=theme.chantiers.values("pk"))
    else:
        meetings = meetings.filter(chantier__in=Chantier.objects.filter(themes__plan=plan).values("pk"))
    if space is not None:
        meetings = meetings.filter(chantier=space)
    if organisation is not None:
        meetings = meetings.filter(chantier__in=organisation.chantier_memberships.values("chantier"))
    meeting_ids = meetings.values("pk")
    present = Q(attendances__present=True)
    everyone = (  # distinct citizens present at any of these meetings (one figure, computed once)
        Attendance.objects.filter(meeting__in=meeting_ids, present=True, citizen__isnull=False)
        .annotate(one=Value(1)).values("one").annotate(n=Count("citizen", distinct=True)).values("n")
    )
    counts = list(  # 1 per space: meetings held, everyone present, citizens present, distinct citizens
        Meeting.objects.filter(pk__in=meeting_ids)
        .values("chantier", "chantier__name")
        .annotate(
            n=Count("pk", distinct=True),
            present=Count("attendances", filter=present),
            citizen_attendances=Count("attendances", filter=present & Q(attendances__citizen__isnull=False)),
            citizens=Count("attendances__citizen", filter=present, distinct=True),
            citizens_overall=Max(Subquery(everyone, output_field=IntegerField())),
        )
        .order_by("chantier__name")
    )
    spaces = tuple(
        SpaceMeetings(row["chantier"], row["chantier__name"], row["n"], row["present"], row["citizen_attendances"], row["citizens"])
        for row in counts
    )
    return {"spaces": spaces, "citizens": counts[0]["citizens_overall"] or 0 if counts else 0}


# ---------------------------------------------------------------- open data (public, no personal data)


@dataclass(frozen=True)
class OpenProject:
    """A public project as published: no people, only organisations and money."""

    pk: int
    title: str
    lead: str
    theme: str
    status: str
    status_label: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    committed: Decimal  # Σ (amount − reduced_total) of its commitments
    disbursed: Decimal  # Σ (amount + correction_total) of its payments


@dataclass(frozen=True)
class OpenData:
    generated_at: datetime.datetime
    projects: tuple[OpenProject, ...]  # one page of them on the page; every one: `open_projects()`
    committed: Decimal  # over every public project
    disbursed: Decimal
    count: int = 0


def _open_queryset():
    """The accepted projects (ActionProject.objects.public()) with lead, theme, money committed and paid."""
    from django.db.models import DecimalField, Subquery, Value
    from django.db.models.functions import Coalesce

    money = DecimalField(max_digits=12, decimal_places=2)

    def total(queryset, group: str, expression):
        sub = queryset.order_by().values(group).annotate(total=Sum(expression)).values("total")
        return Coalesce(Subquery(sub, output_field=money), Value(ZERO, output_field=money))

    return (
        ActionProject.objects.public()
        .select_related("lead", "theme")
        .annotate(
            committed=total(Commitment.objects.filter(project=OuterRef("pk")), "project", Commitment.CURRENT),
            disbursed=total(Disbursement.objects.filter(commitment__project=OuterRef("pk")), "commitment__project", Disbursement.CURRENT),
        )
        .order_by("theme__plan_id", "theme__order", "title", "pk")
    )


def _open_project(p) -> OpenProject:
    return OpenProject(
        p.pk, p.title, p.lead.name, p.theme.name, p.status, str(p.get_status_display()), p.start_date, p.end_date,
        _q(p.committed), _q(p.disbursed),
    )


def open_projects() -> Iterator[OpenProject]:
    """Every public project, read 500 at a time (the CSV and JSON exports stream them)."""
    for project in _open_queryset().iterator(chunk_size=CHUNK):
        yield _open_project(project)


def open_totals() -> OpenData:
    """The money committed to and paid on every public project (2 queries), no project lines."""
    public = ActionProject.objects.public()
    committed = Commitment.objects.filter(project__in=public).aggregate(t=Sum(Commitment.CURRENT))["t"]
    disbursed = Disbursement.objects.filter(commitment__project__in=public).aggregate(t=Sum(Disbursement.CURRENT))["t"]
    return OpenData(generated_at=timezone.localtime(), projects=(), committed=_q(committed), disbursed=_q(disbursed))


def open_data(*, page=None, per_page: int = PER_PAGE):
    """(OpenData, Page): the totals of every public project (2 queries) and one page of them (2: count, page)."""
    from dataclasses import replace

    from django.core.paginator import Paginator

    shown = Paginator(_open_queryset(), per_page).get_page(page)
    data = replace(open_totals(), projects=tuple(_open_project(p) for p in shown.object_list), count=shown.paginator.count)
    return data, shown
