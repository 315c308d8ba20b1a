"""Building a bilan: the projects a user may see in it, and `build_bilan`, one read of the three domain apps."""

import dataclasses
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from math import ceil

from django.db.models import (
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone

from asis.figures_cache import cached
from bilan.selectors._common import PER_PAGE, ZERO, to_cents
from bilan.selectors.bilan import Bilan, Filters, MoneyLine, SharedLine, Tally, ThemeContribution
from bilan.selectors.figures import (
    COMMITTED,
    PAID,
    SEPARATOR,
    latest_highlights,
    meetings_of,
    money_rows_of,
    number_day,
    rollups_of,
    tallies_of,
)
from bilan.selectors.lines import Lines, Ordered, chunk_lines
from bilan.selectors.period import Period, period_for
from budget.models import (
    Commitment,
    Disbursement,
    DisbursementCorrection,
    FundingSource,
)
from chantiers.models import Space
from figures.selectors import source_committed_up_to, theme_money_of
from organisations.models import Organisation
from plans.models import Plan, PlanYear, SharedIndicator, Theme
from projects.models import ActionProject, ProgressReport, ProjectPartner, ProjectStatus, own_project_ids
from sustainability.models import ANSWER_DAYS, SustainabilityCheck
from sustainability.selectors import FUNDERS_SHOWN, Durability


def bilan_projects(user, *, plan: Plan, theme=None, space=None, organisation=None, status=None, themes=None):
    """The projects of the plan this user may see in a bilan, filtered (not yet by period).

    Coordination, Personnel and the regional funder: all; a partner: its organisations' projects (lead or
    partner), not the other public projects; anyone else: none.

    `themes`: the plan's themes, when the caller has them. The projects are then those of these themes, named in
    the query: the same projects, but PostgreSQL knows how many of them there are (the themes' statistics), where
    from the plan it guesses a few hundred of 20 000 in the grown plan and reads the commitments, payments and
    reports of the bilan one project at a time (scale 100: its money and highlights in a third of the time)."""
    if themes:
        projects = ActionProject.objects.filter(theme_id__in=[t.pk for t in themes if t.plan_id == plan.pk])
    else:
        projects = ActionProject.objects.filter(theme__plan=plan)
    if not user.is_authenticated:
        return projects.none()
    if not user.reads_figures:
        projects = projects.filter(pk__in=own_project_ids(user.organisation_ids()))
    if theme is not None:
        projects = projects.filter(theme=theme)
    if space is not None:
        projects = projects.filter(space=space)
    if organisation is not None:
        projects = projects.filter(
            Q(lead=organisation)
            | Q(pk__in=ProjectPartner.objects.not_declined().filter(organisation=organisation).values("project"))
        )
    if status:
        projects = projects.filter(status=status)
    return projects


def _active_in(period: Period) -> Q:
    """Projects that ran, received or reported something in the period (one WHERE, no join)."""
    start, end = period.start, period.end
    dates = Q(start_date__isnull=False) | Q(end_date__isnull=False)
    overlap = (Q(start_date__isnull=True) | Q(start_date__lte=end)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    pk = OuterRef("pk")
    return (
        (dates & overlap)
        | Q(Exists(PlanYear.objects.filter(projects=pk, start_date__lte=end, end_date__gte=start)))
        | Q(Exists(Commitment.objects.filter(project=pk, decided_on__range=(start, end))))
        | Q(Exists(Disbursement.objects.filter(commitment__project=pk, paid_on__range=(start, end))))
        | Q(
            Exists(
                DisbursementCorrection.objects.filter(
                    disbursement__commitment__project=pk, corrected_on__range=(start, end)
                )
            )
        )
        | Q(Exists(ProgressReport.objects.filter(project=pk, period_start__lte=end, period_end__gte=start)))
    )


@dataclasses.dataclass
class _Scope:
    """What every part of one bilan reads: its plan, period, themes and years, filters and projects (querysets, not
    read yet)."""

    user: object
    plan: Plan
    years: list
    themes: list
    period: Period
    theme: Theme | None
    space: Space | None
    organisation: Organisation | None
    status: str | None
    projects: object  # the filtered projects active in the period: tallies and lines
    named: object  # the filtered projects, their themes named: money and highlights

    @property
    def start(self) -> datetime.date:
        return self.period.start

    @property
    def end(self) -> datetime.date:
        return self.period.end


def _scope(
    *, user, period_start, period_end, theme, space, organisation, status, plan, period, years, themes
) -> _Scope:
    plan = plan or Plan.objects.select_related("alliance").current()  # 1 the plan and its alliance (unless given)
    years = list(plan.years.all()) if years is None else years  # 1 plan years (none when the view gives them)
    if period is None:
        period = period_for(period_start, period_end, years)
    themes = (
        list(plan.themes.order_by("order")) if themes is None else themes
    )  # 1 themes (none when the view gives them)
    chosen = {"theme": theme, "space": space, "organisation": organisation, "status": status}
    filtered = bilan_projects(user, plan=plan, **chosen)
    return _Scope(
        user=user,
        plan=plan,
        years=years,
        themes=themes,
        period=period,
        **chosen,
        projects=filtered.filter(_active_in(period)),
        # The same projects, their themes named (`bilan_projects`): what reads their commitments, payments and
        # reports (money, highlights) is planned for their number. The lines and tallies keep `filtered`, whose
        # first page is read from the index on (theme, title) and stops there.
        named=bilan_projects(user, plan=plan, **chosen, themes=themes),
    )


# The parts of a bilan, each built by one function from a `_Scope` into plain data (dicts of the `Bilan`'s fields:
# cached as they are, asis.figures_cache), and what each reads (plans.versions.PARTS: `bilan_page` caches each
# under the versions of these):
#   `_tallies`    projects (which, their status, theme, space, lead, partners, indicators and targets), reports
#                 (latest values, people reached) and which projects were active in the period (activity);
#   `_highlights` projects (which, their titles) and reports;
#   `_money`      money (commitments, payments, corrections, sources) and projects (which, their theme and status);
#   `_meetings`   meetings (spaces, their members, meetings, attendance);
#   `_lines`      everything (the page's project lines: a project's money, partners, indicators, reports).


def _checks_due(scope: _Scope, today: datetime.date):
    """The follow-ups after funding (sustainability) of the bilan's projects due in its period, up to today; a
    partner's bilan holds those of the projects its organisations lead (only the lead answers them)."""
    checks = SustainabilityCheck.objects.filter(
        project__in=scope.named.values("pk"), due_on__gte=scope.start, due_on__lte=min(scope.end, today)
    )
    if not scope.user.reads_figures:
        checks = checks.filter(project__lead_id__in=scope.user.organisation_ids())
    return checks


def _shared_of(scope: _Scope):
    """The shared indicators of the bilan (issue 21): those of the plan's themes (of the theme chosen)."""
    shared = SharedIndicator.objects.filter(theme__plan=scope.plan)
    return shared.filter(theme=scope.theme) if scope.theme is not None else shared


def _shared_lines(parts: dict, themes: dict) -> tuple[SharedLine, ...]:
    """The bilan's shared indicators from the tallies' rows (figures.shared_rows), by theme then in their order; an
    archived one only when projects' values still count towards it."""
    lines = []
    for pk, (theme_pk, label, extra, baseline_on, target_on, _n3, baseline, target) in parts["shared"].items():
        name, unit, source = (label.split(SEPARATOR) + ["", ""])[:3]
        kind, category, direction, active = (extra.split(SEPARATOR) + ["", "", "", "1"])[:4]
        _theme, _label, _extra, linked, with_value, projects, projects_value, _d2 = parts["linked"].get(
            pk, (None, "", "", 0, 0, 0, None, None)
        )
        measured_on = measured = None
        if pk in parts["measured"]:
            row = parts["measured"][pk]
            measured_on, measured = number_day(row[3]), row[6]
        if active != "1" and not linked:
            continue
        theme = themes.get(theme_pk)
        lines.append(
            SharedLine(
                pk=pk,
                theme_pk=theme_pk,
                theme=theme.name if theme else "",
                name=name,
                unit=unit,
                source=source,
                kind=kind,
                category=category,
                direction=direction,
                is_active=active == "1",
                baseline=None if baseline is None else to_cents(baseline),
                baseline_on=number_day(baseline_on),
                target=None if target is None else to_cents(target),
                target_on=number_day(target_on),
                linked=int(linked or 0),
                with_value=int(with_value or 0),
                projects=int(projects or 0),
                projects_value=to_cents(projects_value) if with_value else None,
                measured=None if measured is None else to_cents(measured),
                measured_on=measured_on,
            )
        )
    order = {pk: (t.order, pk) for pk, t in themes.items()}
    return tuple(sorted(lines, key=lambda line: (order.get(line.theme_pk, (0, 0)), line.pk)))


def _tallies(scope: _Scope) -> dict:
    """The counts of the bilan's projects, their partners, people reached and roll-ups (1 query)."""
    by_status, by_theme_count = defaultdict(int), defaultdict(int)
    theme_verdicts, space_verdicts, space_names = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), {}
    theme_units, space_units = defaultdict(dict), defaultdict(dict)
    leads = partner_orgs = partner_links = people_reached = citizens_reached = 0
    due = answered = late = 0
    continuing, funders = defaultdict(int), set()
    shared_parts = {"shared": {}, "measured": {}, "linked": {}}
    # a few projects (a partner's own, an organisation's, a space's): the verdicts read their indicators alone;
    # the plan's or a theme's: every indicator with a target, hashed once, costs less than looking for theirs
    few = scope.organisation is not None or scope.space is not None or not scope.user.reads_figures
    today = timezone.localdate()
    for level, theme_pk, space_pk, label, extra, n1, n2, n3, d1, d2 in tallies_of(
        scope.projects,
        end=scope.end,
        among=scope.named if few else None,
        checks=_checks_due(scope, today),
        late_before=today - datetime.timedelta(days=ANSWER_DAYS),
        shared=_shared_of(scope),
    ):
        if level in ("shared", "measured", "linked"):
            shared_parts[level][space_pk] = (theme_pk, label, extra, n1, n2, n3, d1, d2)
        elif level == "units":
            unit = (label or "").strip()
            if not unit:
                continue
            for units in (
                (theme_units[theme_pk], space_units[space_pk]) if space_pk is not None else (theme_units[theme_pk],)
            ):
                tally = units.setdefault(unit.lower(), [unit, extra, ZERO, ZERO, 0])
                if extra < tally[1]:  # the label is that of the earliest indicator in the bilan's order
                    tally[0], tally[1] = unit, extra
                tally[2] += d1 or ZERO
                tally[3] += d2 or ZERO
                tally[4] += n1
        elif level == "projects":
            by_status[label] += n1
            by_theme_count[theme_pk] += n1
            verdicts = (
                (theme_verdicts[theme_pk], space_verdicts[space_pk])
                if space_pk is not None
                else (theme_verdicts[theme_pk],)
            )
            for verdict in verdicts:
                verdict[0] += n2
                verdict[1] += n2 - n3  # on track: every indicator with a target reached
            if space_pk is not None:
                space_names[space_pk] = extra
            people_reached += int(d1 or 0)
            citizens_reached += int(d2 or 0)
        elif level == "organisations":
            leads, partner_orgs, partner_links = n1 or 0, n2 or 0, n3 or 0
        elif level == "durability":
            due, answered, late = due + n1, answered + n2, late + n3
            continuing[label] += n2
            if n2 and (extra or "").strip():
                funders.add(extra.strip())
    count = sum(by_status.values())
    theme_order = {t.pk: (t.order, t.pk) for t in scope.themes}
    shared = _shared_lines(shared_parts, {t.pk: t for t in scope.themes})
    continues = SustainabilityCheck.Continues
    durability = Durability(
        due=due,
        answered=answered,
        late=late,
        continues_yes=continuing[continues.YES],
        continues_partly=continuing[continues.PARTLY],
        continues_no=continuing[continues.NO],
        funders=tuple(sorted(funders)[:FUNDERS_SHOWN]),
    )
    return {
        "shared": shared,
        "durability": durability,
        "projects_by_status": tuple(
            Tally(value, str(label), by_status[value]) for value, label in ProjectStatus.choices if by_status[value]
        ),
        "projects_by_theme": tuple(Tally(t.slug, t.name, by_theme_count[t.pk]) for t in scope.themes),
        "lead_organisations": leads,
        "partner_organisations": partner_orgs,
        "partners_per_project": (
            (Decimal(partner_links) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if count
            else Decimal("0.0")
        ),
        "citizens_reached": citizens_reached,
        "people_reached": people_reached,
        "project_count": count,
        "space_rollups": tuple(
            rollups_of(
                "space", dict(sorted(space_names.items(), key=lambda item: item[1])), space_verdicts, space_units
            )
        ),
        "theme_rollups": tuple(
            rollups_of(
                "theme",
                {t.pk: t.name for t in sorted(scope.themes, key=lambda t: theme_order[t.pk])},
                theme_verdicts,
                theme_units,
            )
        ),
    }


def _highlights(scope: _Scope) -> dict:
    """The page's latest highlights and how many there are (1 query; a report ending in the period makes its
    project active in it: the filtered projects are enough). The exports read every one with the lines."""
    highlights, highlight_count = latest_highlights(
        scope.named, start=scope.start, end=scope.end, plan=scope.plan if _every_project(scope) else None
    )
    return {"highlights": tuple(highlights), "highlight_count": highlight_count}


def _every_project(scope: _Scope, *, of_theme: bool = False) -> bool:
    """The bilan counts every project of its plan (`of_theme`: or of the one theme chosen): who reads the figures,
    no other filter."""
    return (
        (of_theme or scope.theme is None)
        and scope.space is None
        and scope.organisation is None
        and not scope.status
        and scope.user.is_authenticated
        and scope.user.reads_figures
    )


def _money_rows(scope: _Scope):
    """(source, plan year, theme, kind, total) of the bilan's money in the period. Every project of the plan or of
    one of its themes (who reads the figures, no other filter): summed from the kept days (figures.ThemeMoney, as
    the writes of money keep them), a few rows per day and theme. Otherwise (a space, an organisation, a status, a
    partner's own projects): from the commitments and payments of those projects (`money_rows_of`)."""
    if not _every_project(scope, of_theme=True):
        # (a commitment decided, a payment made or corrected in the period makes its project active in
        # it: the filtered projects are enough, without `_active_in`, and cheaper to read)
        yield from money_rows_of(scope.named.values("pk"), start=scope.start, end=scope.end)
        return
    themes = [scope.theme.pk] if scope.theme else [t.pk for t in scope.themes if t.plan_id == scope.plan.pk]
    for source, year, theme_pk, committed, paid in theme_money_of(themes, start=scope.start, end=scope.end):
        yield source, year, theme_pk, COMMITTED, committed
        yield source, year, theme_pk, PAID, paid


def _money(scope: _Scope) -> dict:
    """The money of every project of the bilan, by source, plan year and theme (2 queries: the sources, then the
    kept days or the commitments and payments, `_money_rows`)."""
    end = scope.end
    sources = list(  # 1 sources, each with what was committed to it up to the end of the period (its kept days)
        FundingSource.objects.filter(plan=scope.plan)
        .annotate(committed_to_date=source_committed_up_to(end))
        .order_by("order")
    )
    c_source, d_source = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_year, d_year = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    c_theme, d_theme = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for source, year, theme_pk, kind, total in _money_rows(scope):
        of_source, of_year, of_theme = (c_source, c_year, c_theme) if kind == COMMITTED else (d_source, d_year, d_theme)
        of_source[source] += total
        of_year[year] += total
        of_theme[theme_pk] += total
    by_source = tuple(
        MoneyLine(
            s.code,
            s.name,
            to_cents(c_source[s.pk]),
            to_cents(d_source[s.pk]),
            envelope=to_cents(s.amount),
            left=to_cents(s.amount - (s.committed_to_date or ZERO)),
        )
        for s in sources
    )
    return {
        "envelope": to_cents(sum((s.amount for s in sources), ZERO)),
        "committed": to_cents(sum(c_source.values(), ZERO)),
        "disbursed": to_cents(sum(d_source.values(), ZERO)),
        "left": to_cents(sum((line.left for line in by_source), ZERO)),
        "by_source": by_source,
        "by_theme": tuple(
            MoneyLine(t.slug, t.name, to_cents(c_theme[t.pk]), to_cents(d_theme[t.pk])) for t in scope.themes
        ),
        "by_year": tuple(
            MoneyLine(y.label, y.label, to_cents(c_year[y.pk]), to_cents(d_year[y.pk])) for y in scope.years
        ),
    }


def _meetings(scope: _Scope) -> dict:
    """The meetings held in the period (1 query)."""
    meetings = meetings_of(
        scope.user,
        plan=scope.plan,
        period=scope.period,
        theme=scope.theme,
        space=scope.space,
        organisation=scope.organisation,
    )
    names = {t.pk: t.name for t in scope.themes}
    return {
        "staff_hours": sum((m.staff_hours for m in meetings["spaces"]), ZERO),
        "valued_time": sum((m.valued_time for m in meetings["spaces"]), ZERO),
        "support_total": meetings["support_total"],
        "contribution_by_theme": tuple(
            ThemeContribution(t.pk, t.name, *meetings["by_theme"][t.pk])
            for t in scope.themes
            if t.pk in meetings["by_theme"] and t.pk in names
        ),
        "meetings_held": sum(m.meetings for m in meetings["spaces"]),
        "attendances": sum(m.present for m in meetings["spaces"]),
        "citizen_attendances": sum(m.citizen_attendances for m in meetings["spaces"]),
        "citizens": meetings["citizens"],
        "meetings": meetings["spaces"],
        "meetings_avoided": meetings["avoided"],
        "avoided_minutes": meetings["avoided_minutes"],
        "avoided_by_theme": meetings["avoided_by_theme"],
        "avoided_by_organisation": meetings["avoided_by_organisation"],
    }


def _ordered(scope: _Scope) -> Ordered:
    return Ordered(scope.projects, start=scope.start, end=scope.end)


def _lines(scope: _Scope, *, count: int, page: int, per_page: int) -> dict:
    """The lines of page `page` (the last page when beyond it) of the bilan's `count` projects (3 queries: the
    projects with their money, partners and indicators, reports)."""
    pages = max(ceil(count / per_page), 1)
    page = min(max(page, 1), pages)  # beyond the last page: the last one
    ordered = _ordered(scope)
    page_lines = (
        chunk_lines(ordered[(page - 1) * per_page : page * per_page], start=scope.start, end=scope.end) if count else []
    )
    return {"page": page, "pages": pages, "projects": tuple(page_lines)}


def _bilan(scope: _Scope, *parts: dict, per_page: int = PER_PAGE, lines_of=None) -> Bilan:
    """The bilan of these parts (`_tallies`, `_highlights`, `_money`, `_meetings`, `_lines`), for `scope`."""
    plan, user = scope.plan, scope.user
    return Bilan(
        plan_title=plan.title,
        alliance=plan.alliance.acronym or plan.alliance.name,
        period=scope.period,
        filters=Filters(
            theme=scope.theme.name if scope.theme else "",
            space=scope.space.name if scope.space else "",
            organisation=scope.organisation.name if scope.organisation else "",
            status=str(ProjectStatus(scope.status).label) if scope.status else "",
        ),
        partial=not (user.is_authenticated and user.reads_figures),
        generated_at=timezone.localtime(),
        per_page=per_page,
        lines_of=lines_of,
        **{name: value for part in parts for name, value in part.items()},
    )


def build_bilan(
    *,
    user,
    period_start: datetime.date,
    period_end: datetime.date,
    theme: Theme | None = None,
    space: Space | None = None,
    organisation: Organisation | None = None,
    status: str | None = None,
    plan: Plan | None = None,
    period: Period | None = None,
    page: int | None = 1,
    per_page: int = PER_PAGE,
    years: list[PlanYear] | None = None,
    themes: list[Theme] | None = None,
) -> "Bilan":
    """Everything the bilan page and its exports show, for this user, period and filters.

    The figures are SQL aggregates (GROUP BY, filtered counts and sums, subqueries), so their cost
    does not grow with the number of projects read into Python: none is. Only the lines of page
    `page` (`per_page` lines; the last page when `page` is beyond it; none when `page` is None, as
    for the exports) and the latest highlights are built; `Bilan.lines()` reads every line, chunk by
    chunk, for the exports."""
    scope = _scope(
        user=user,
        period_start=period_start,
        period_end=period_end,
        theme=theme,
        space=space,
        organisation=organisation,
        status=status,
        plan=plan,
        period=period,
        years=years,
        themes=themes,
    )
    tallies = _tallies(scope)
    count = tallies["project_count"]
    money = _money(scope)
    # the page's latest highlights (the exports read every one with the lines: none here)
    highlights = _highlights(scope) if page is not None else {"highlights": (), "highlight_count": 0}
    if page is None:  # an export: no page, every line from `lines()`
        lines = {"page": 1, "pages": max(ceil(count / per_page), 1), "projects": ()}
    else:
        lines = _lines(scope, count=count, page=page, per_page=per_page)
    meetings = _meetings(scope)
    page_lines = list(lines["projects"]) if page is not None else None
    return _bilan(
        scope,
        tallies,
        money,
        highlights,
        lines,
        meetings,
        per_page=per_page,
        lines_of=Lines(_ordered(scope), start=scope.start, end=scope.end, count=count, page_lines=page_lines),
    )


def _activity(scope: _Scope, versions: dict) -> tuple:
    """The versions of the money rows dated outside their projects' dates that the period can hold (plans.versions:
    `activity` within the plan's years, `activity_beyond` outside them): a bilan of a plan year or of the plan is not
    built again for a payment made after the plan."""
    days = [day for year in scope.years for day in (year.start_date, year.end_date)]
    if days and min(days) <= scope.start and scope.end <= max(days):
        return (versions["activity"],)
    return versions["activity"], versions["activity_beyond"]


def bilan_page(*, versions: dict | None, user, page: int, **arguments) -> "Bilan":
    """The bilan of the page (`build_bilan`, lines of page `page`). Coordination, staff and the regional funder
    all see the same bilan: theirs is cached in parts (asis.figures_cache), each under the versions of the parts of
    the plan's figures it reads (`versions`: plans.versions.versions_of; None: built, not cached), so a write
    builds again only what it changed: a payment the money (and the page's lines), a report the tallies and
    highlights. A partner's, small and their own, is built each time. The cached bilan holds its page's lines only
    (`lines_of` None: it reads the database, and `lines()` then gives the page's lines)."""
    if not (user.is_authenticated and user.reads_figures):
        return build_bilan(user=user, page=page, **arguments)
    if versions is None:
        return dataclasses.replace(build_bilan(user=user, page=page, **arguments), lines_of=None)
    scope = _scope(
        user=user,
        **{
            name: arguments.get(name)
            for name in (
                "period_start",
                "period_end",
                "theme",
                "space",
                "organisation",
                "status",
                "plan",
                "period",
                "years",
                "themes",
            )
        },
    )
    key = (
        scope.plan.pk,
        scope.start,
        scope.end,
        *(getattr(value, "pk", value) for value in (scope.theme, scope.space, scope.organisation, scope.status)),
    )
    projects, reports = versions["projects"], versions["reports"]
    # which projects were active in the period: money dated outside a project's dates counts too (`_activity`)
    tallies = cached(
        "bilan-tallies",
        (projects, reports, *_activity(scope, versions)),
        key,
        lambda: {**_tallies(scope), **_highlights(scope)},
    )
    money = cached("bilan-money", (versions["money"], projects), key, lambda: _money(scope))
    meetings = cached("bilan-meetings", versions["meetings"], key, lambda: _meetings(scope))
    count = tallies["project_count"]
    # the page's lines read every part: under the plan's whole version (and the count they were cut from)
    lines = cached(
        "bilan-lines",
        versions["all"],
        (*key, page, count),
        lambda: _lines(scope, count=count, page=page, per_page=PER_PAGE),
    )
    return _bilan(scope, tallies, money, meetings, lines)
