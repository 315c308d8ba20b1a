"""The accountability report (bilan): one read of the three domain apps for a period, returned as
frozen dataclasses that the page and every export (CSV, XLSX; later PDF and DOCX) render as they are.

`build_bilan` costs a fixed number of queries whatever the number of projects, reports and
meetings (the comment beside each query says what it reads; tests/bilan/test_bilan_queries.py).

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
import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from math import ceil

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

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
    projects: tuple[ProjectLine, ...]  # the lines of page `page` only; every line: `lines()`
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
            (_("Organisations partenaires"), self.partner_organisations, "number"),
            (_("Partenaires par projet (moyenne)"), self.partners_per_project, "decimal"),
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
            Q(lead_id__in=org_ids) | Q(pk__in=ProjectPartner.objects.filter(organisation_id__in=org_ids).values("project"))
        )
    if theme is not None:
        projects = projects.filter(theme=theme)
    if space is not None:
        projects = projects.filter(chantier=space)
    if organisation is not None:
        projects = projects.filter(
            Q(lead=organisation) | Q(pk__in=ProjectPartner.objects.filter(organisation=organisation).values("project"))
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


CHUNK = 500  # projects read at a time: each chunk costs the same 5 queries, memory stays flat
PER_PAGE = 50  # project lines shown on one page of the bilan
HIGHLIGHTS_SHOWN = 50  # latest highlights on the page (every one is in the exports)


@dataclass
class _Built:
    """One project's line with what the totals need (ids, money by source and plan year)."""

    project: ActionProject
    line: ProjectLine
    partner_ids: tuple[int, ...]
    committed: dict  # (source, plan year) -> amount
    disbursed: dict


COMMITTED, PAID, CORRECTED = 1, 2, 3


def _money_rows(project_ids: list[int], *, start: datetime.date, end: datetime.date):
    """(project, source, plan year, kind, total) of these projects in the period, in one UNION query:
    committed (decided in it, less reductions), paid in it, corrections dated in it."""
    kind = IntegerField()
    committed = (
        Commitment.objects.filter(project_id__in=project_ids, decided_on__range=(start, end))
        .values_list("project", "source", "plan_year")
        .annotate(kind=Value(COMMITTED, output_field=kind), total=Sum(Commitment.CURRENT))
        .order_by()
    )
    paid = (
        Disbursement.objects.filter(commitment__project_id__in=project_ids, paid_on__range=(start, end))
        .values_list("commitment__project", "commitment__source", "commitment__plan_year")
        .annotate(kind=Value(PAID, output_field=kind), total=Sum("amount"))
        .order_by()
    )
    corrected = (
        DisbursementCorrection.objects.filter(disbursement__commitment__project_id__in=project_ids, corrected_on__range=(start, end))
        .values_list("disbursement__commitment__project", "disbursement__commitment__source", "disbursement__commitment__plan_year")
        .annotate(kind=Value(CORRECTED, output_field=kind), total=Sum("delta"))
        .order_by()
    )
    for project, source, year, row_kind, total in committed.union(paid, corrected, all=True):
        yield project, source, year, row_kind, Decimal(total) if not isinstance(total, Decimal) else total


def _chunk_lines(projects: list[ActionProject], *, start: datetime.date, end: datetime.date) -> list[_Built]:
    """The lines of these projects for the period ending `end`, in their order: 4 queries whatever
    their number (partners, money as one UNION, reports, indicators with their latest value)."""
    project_ids = [p.pk for p in projects]
    partners = defaultdict(list)
    for row in (  # 1 their partners
        ProjectPartner.objects.filter(project_id__in=project_ids)
        .values_list("project_id", "organisation_id", "organisation__name")
        .order_by("organisation__name")
    ):
        partners[row[0]].append((row[1], row[2]))

    # -- money of these projects in the period, by project, source and plan year
    committed = defaultdict(lambda: defaultdict(lambda: ZERO))  # project -> (source, year) -> amount
    disbursed = defaultdict(lambda: defaultdict(lambda: ZERO))
    for project, source, year, kind, total in _money_rows(project_ids, start=start, end=end):  # 1 (a UNION of three)
        (committed if kind == COMMITTED else disbursed)[project][(source, year)] += total

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
    indicators = defaultdict(list)
    latest = IndicatorValue.objects.filter(indicator=OuterRef("pk"), report__period_end__lte=end).order_by(
        "-report__period_end", "-report__submitted_at", "-report__pk"
    )
    for indicator in (  # 1 indicators, each with its latest value up to the end of the period
        Indicator.objects.filter(project_id__in=project_ids)
        .annotate(latest_value=Subquery(latest.values("value")[:1]), measured_on=Subquery(latest.values("report__period_end")[:1]))
        .order_by("order", "pk")
    ):
        indicators[indicator.project_id].append(indicator)

    built = []
    for p in projects:
        report = latest_report.get(p.pk)
        line = ProjectLine(
            pk=p.pk,
            title=p.title,
            lead=p.lead.name,
            partners=tuple(name for _pk, name in partners[p.pk]),
            status=p.status,
            status_label=str(p.get_status_display()),
            theme=p.theme.name,
            space=p.chantier.name if p.chantier else "",
            percent_done=report.percent_done if report else None,
            people_reached=report.people_reached if report else None,
            citizens_reached=report.citizens_reached if report else None,
            committed=_q(sum(committed[p.pk].values(), ZERO)),
            disbursed=_q(sum(disbursed[p.pk].values(), ZERO)),
            indicators=tuple(IndicatorLine(i.pk, i.name, i.unit, i.target, i.latest_value, i.measured_on) for i in indicators[p.pk]),
            highlights=tuple(
                Highlight(p.pk, p.title, r.period_start, r.period_end, r.highlights.strip())
                for r in sorted(highlights[p.pk], key=lambda r: (r.period_end, r.pk))
            ),
        )
        built.append(_Built(p, line, tuple(pk for pk, _name in partners[p.pk]), committed[p.pk], disbursed[p.pk]))
    return built


def _each_built(projects, *, start: datetime.date, end: datetime.date, chunk: int = CHUNK) -> Iterator[_Built]:
    """Every project of this ordered queryset as a line, `chunk` projects at a time (one query for
    the projects and four for their lines per chunk), so that memory does not grow with their number."""
    offset = 0
    while True:
        batch = list(projects[offset:offset + chunk])  # 1 projects of this chunk, with lead, theme and space
        yield from _chunk_lines(batch, start=start, end=end) if batch else ()
        if len(batch) < chunk:
            return
        offset += chunk


class _RollupTally:
    """Indicators of the projects of one space or theme, summed as the project lines go by."""

    def __init__(self, name: str):
        self.name = name
        self.units: dict[str, list] = {}  # unit key -> [label, value sum, target sum, indicators]
        self.projects = 0
        self.on_track = 0

    def add(self, line: ProjectLine) -> None:
        for indicator in line.indicators:
            if indicator.unit.strip() and indicator.target is not None:
                tally = self.units.setdefault(indicator.unit.strip().lower(), [indicator.unit.strip(), ZERO, ZERO, 0])
                tally[1] += indicator.value or ZERO
                tally[2] += indicator.target
                tally[3] += 1
        verdict = line.on_track
        if verdict is not None:
            self.projects += 1
            self.on_track += 1 if verdict else 0

    def rollup(self, level: str) -> "Rollup | None":
        if not self.units and not self.projects:
            return None
        return Rollup(
            level=level,
            name=self.name,
            units=tuple(UnitTotal(unit=label, value=value, target=target, indicators=n) for _key, (label, value, target, n) in sorted(self.units.items())),
            projects=self.projects,
            on_track=self.on_track,
        )


def build_bilan(
    *, user, period_start: datetime.date, period_end: datetime.date, theme: Theme | None = None,
    space: Chantier | None = None, organisation: Organisation | None = None, status: str | None = None,
    plan: Plan | None = None, period: Period | None = None, page: int = 1, per_page: int = PER_PAGE,
    years: list[PlanYear] | None = None, themes: list[Theme] | None = None,
) -> "Bilan":
    """Everything the bilan page and its exports show, for this user, period and filters.

    The projects are read `CHUNK` at a time and summed as they go by; the bilan keeps only the
    lines of page `page` (`per_page` lines; the last page when `page` is beyond it) and the latest
    highlights. `Bilan.lines()` reads every line again, chunk by chunk, for the exports."""
    plan = plan or Plan.objects.current()  # 1 the plan (unless given)
    years = list(plan.years.all()) if years is None else years  # 1 plan years (none when the view gives them)
    if period is None:
        period = period_for(period_start, period_end, years)
    start, end = period.start, period.end
    filtered = bilan_projects(user, plan=plan, theme=theme, space=space, organisation=organisation, status=status)
    ordered = filtered.filter(_active_in(period)).select_related("lead", "theme", "chantier").order_by("theme__order", "title", "pk")

    to_date = (  # every commitment of the source decided up to the end of the period
        Commitment.objects.filter(source=OuterRef("pk"), decided_on__lte=end).order_by().values("source")
        .annotate(total=Sum(Commitment.CURRENT)).values("total")
    )
    sources = list(  # 1 sources, each with what was committed to it up to the end of the period
        FundingSource.objects.filter(plan=plan).annotate(committed_to_date=Subquery(to_date)).order_by("order")
    )
    themes = list(plan.themes.order_by("order")) if themes is None else themes  # 1 themes (none when the view gives them)

    # -- one pass over every project of the bilan (5 queries per CHUNK projects)
    count = 0
    first = max(page - 1, 0) * per_page
    page_lines: list[ProjectLine] = []
    last_lines: deque[ProjectLine] = deque(maxlen=per_page)
    by_status, by_theme_count = defaultdict(int), defaultdict(int)
    leads, partner_orgs, partner_links = set(), set(), 0
    people_reached = citizens_reached = 0
    c_source, d_source = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_year, d_year = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_theme, d_theme = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    space_tallies: dict[int, _RollupTally] = {}
    theme_tallies: dict[tuple, _RollupTally] = {}
    latest_highlights: list = []  # a heap of the HIGHLIGHTS_SHOWN latest
    highlight_count = 0
    kept: list[ProjectLine] | None = []  # every line while they fit in one chunk: the exports then read no more
    for built in _each_built(ordered, start=start, end=end):
        p, line = built.project, built.line
        if kept is not None:
            if len(kept) < CHUNK:
                kept.append(line)
            else:
                kept = None
        if first <= count < first + per_page:
            page_lines.append(line)
        last_lines.append(line)
        count += 1
        by_status[p.status] += 1
        by_theme_count[p.theme_id] += 1
        leads.add(p.lead_id)
        partner_orgs.update(built.partner_ids)
        partner_links += len(built.partner_ids)
        people_reached += line.people_reached or 0
        citizens_reached += line.citizens_reached or 0
        for (source, year), amount in built.committed.items():
            c_source[source] += amount
            c_year[year] += amount
            c_theme[p.theme_id] += amount
        for (source, year), amount in built.disbursed.items():
            d_source[source] += amount
            d_year[year] += amount
            d_theme[p.theme_id] += amount
        if p.chantier_id is not None:
            space_tallies.setdefault(p.chantier_id, _RollupTally(p.chantier.name)).add(line)
        theme_tallies.setdefault((p.theme.order, p.theme_id), _RollupTally(p.theme.name)).add(line)
        for h in line.highlights:
            highlight_count += 1
            item = (h.period_end, h.project_title, -h.project_pk, highlight_count, h)  # the count breaks ties
            if len(latest_highlights) < HIGHLIGHTS_SHOWN:
                heapq.heappush(latest_highlights, item)
            else:
                heapq.heappushpop(latest_highlights, item)
    pages = max(ceil(count / per_page), 1)
    if count and not page_lines:  # beyond the last page: show the last one
        page_lines = list(last_lines)[-(count - (pages - 1) * per_page):]

    by_source = tuple(
        MoneyLine(
            s.code, s.name, _q(c_source[s.pk]), _q(d_source[s.pk]), envelope=_q(s.amount),
            left=_q(s.amount - (s.committed_to_date or ZERO)),
        )
        for s in sources
    )
    by_theme = tuple(MoneyLine(t.slug, t.name, _q(c_theme[t.pk]), _q(d_theme[t.pk])) for t in themes)
    by_year = tuple(MoneyLine(y.label, y.label, _q(c_year[y.pk]), _q(d_year[y.pk])) for y in years)

    # -- meetings held in the period
    meetings = _meetings(user, plan=plan, period=period, theme=theme, space=space, organisation=organisation)

    envelope = _q(sum((s.amount for s in sources), ZERO))
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
        lead_organisations=len(leads),
        partner_organisations=len(partner_orgs),
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
        projects=tuple(page_lines),
        page=min(max(page, 1), pages),
        pages=pages,
        per_page=per_page,
        meetings=meetings["spaces"],
        space_rollups=tuple(
            r for r in (t.rollup("space") for t in sorted(space_tallies.values(), key=lambda t: t.name)) if r
        ),
        theme_rollups=tuple(r for r in (theme_tallies[key].rollup("theme") for key in sorted(theme_tallies)) if r),
        highlights=tuple(item[-1] for item in sorted(latest_highlights, reverse=True)),
        highlight_count=highlight_count,
        lines_of=(lambda: iter(kept)) if kept is not None else partial(_lines_of, ordered, start=start, end=end),
    )


def _lines_of(projects, *, start: datetime.date, end: datetime.date) -> Iterator[ProjectLine]:
    for built in _each_built(projects, start=start, end=end):
        yield built.line


def _meetings(user, *, plan, period, theme, space, organisation) -> dict:
    """Meetings held in the period per space (1 query), and the distinct citizens present (1)."""
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
    counts = list(  # 1 per space: meetings held, everyone present, citizens present, distinct citizens
        Meeting.objects.filter(pk__in=meeting_ids)
        .values("chantier", "chantier__name")
        .annotate(
            n=Count("pk", distinct=True),
            present=Count("attendances", filter=present),
            citizen_attendances=Count("attendances", filter=present & Q(attendances__citizen__isnull=False)),
            citizens=Count("attendances__citizen", filter=present, distinct=True),
        )
        .order_by("chantier__name")
    )
    citizens = (  # 1 distinct citizens present overall
        Attendance.objects.filter(meeting__in=meeting_ids, present=True, citizen__isnull=False).values("citizen").distinct().count()
    )
    spaces = tuple(
        SpaceMeetings(row["chantier"], row["chantier__name"], row["n"], row["present"], row["citizen_attendances"], row["citizens"])
        for row in counts
    )
    return {"spaces": spaces, "citizens": citizens}


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
