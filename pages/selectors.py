"""Reads for the pages that join the three apps (plan, spaces and projects, envelope):
the home page, the plan timeline and a theme's page.

Each function returns a template context in a fixed number of queries whatever the data size;
the comment beside each query says what it reads.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from operator import attrgetter

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from asis.figures_cache import cached
from asis.first_rows import FirstOfEach
from budget.models import Commitment, FundingSource
from chantiers.models import Meeting, Space, SpaceCitizen, SpaceMembership
from figures import selectors as kept_totals
from organisations.models import Organisation
from plans.models import Plan, PlanYear, Theme
from plans.versions import plans_versions, version_of, version_subquery
from projects.models import (
    PUBLIC_STATUSES,
    ActionProject,
    ProjectStatus,
    own_projects_q,
)

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
HOME_SPACES_SHOWN = 8  # spaces listed per theme on the home page; the theme's page lists them all
HOME_PROJECTS_SHOWN = 8  # projects listed per theme on the home page; the theme's page lists them all
MEETINGS_SHOWN = 10  # upcoming and past meetings listed on a theme's page
THEME_PER_PAGE = 25  # spaces, and projects, a page on a theme's page
PROGRESS_SHOWN = 10  # latest progress reports on a theme's page
# What the page shows of a latest report (its long texts are left in the database).
PROGRESS_FIELDS = ("period_end", "is_final", "percent_done", "people_reached", "highlights")
# The projects by their kept latest report, newest first: LATEST_REPORT on the keys the project keeps of it.
LATEST_PROGRESS = ("-latest_period_end", "-latest_submitted_at", "-latest_report_id")
TIMELINE_SHOWN = 10  # spaces, and projects, of each theme on the plan's timeline; the theme's page lists them all
# Projects that will not run: left out of the plan's timeline.
NOT_RUNNING = (ProjectStatus.REFUSED, ProjectStatus.WITHDRAWN)


SPACE_ORDER = ("kind", "name", "pk")  # spaces listed by kind, then name


def _current_citizens_subquery():
    """How many citizens sit in the space today (a number: the public never sees their names)."""
    count = (
        SpaceCitizen.objects.current()
        .filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _visible_projects(user):
    """The projects of the current plan's pages this user may see (withdrawn ones are left out)."""
    return ActionProject.objects.visible_to(user).exclude(status=ProjectStatus.WITHDRAWN)


def _seen(user, *, leaving_out=()) -> tuple[tuple | None, object]:
    """What this user sees of the plan's projects, as the kept totals (figures) read it: (the statuses whose rows
    they sum, None for every one; the queryset of their own projects beyond those statuses, None without any).
    Coordination and staff read every status; the public the accepted ones; a partner the accepted ones plus their
    organisations' own projects, which are few and summed from their rows. `leaving_out`: statuses not counted."""
    if user.is_authenticated and user.sees_everything:
        return (tuple(s for s in ProjectStatus.values if s not in leaving_out) if leaving_out else None), None
    own = own_projects_q(user)
    statuses = tuple(s for s in PUBLIC_STATUSES if s not in leaving_out)
    if own is None:
        return statuses, None
    return statuses, ActionProject.objects.filter(own).exclude(status__in=(*PUBLIC_STATUSES, *leaving_out)).order_by()


def _own_money_subquery(own, amount):
    """The sum of `amount` over the commitments of the outer theme's projects among `own` (a partner's own projects
    beyond the public ones: a few rows)."""
    entries = Commitment.objects.filter(project__in=own.values("pk"), project__theme=OuterRef("pk"))
    total = entries.order_by().values("project__theme").annotate(total=Sum(amount)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))


def _theme_figures(user, *, leaving_out=(), **money) -> dict:
    """Annotations of a theme query: `project_count`, the projects this user sees (but `leaving_out`), and each of
    `money` ({name: (kept field, commitment expression)}), summed from the kept rows of the statuses they see, plus
    their own projects' rows for a partner."""
    statuses, own = _seen(user, leaving_out=leaving_out)
    figures = {"project_count": kept_totals.theme_projects(statuses)}
    for name, (field, _amount) in money.items():
        figures[name] = kept_totals.theme_money(field, statuses)
    if own is not None:
        figures["project_count"] = figures["project_count"] + _count_subquery(own, "theme")
        for name, (_field, amount) in money.items():
            figures[name] = figures[name] + _own_money_subquery(own, amount)
    return figures


def _count_subquery(queryset, field: str):
    """How many rows of `queryset` have `field` equal to the outer row's pk."""
    count = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _first_spaces_of(themes: list[Theme], spaces, *, limit: int) -> dict[int, list[Space]]:
    """The first `limit` of `spaces` (SPACE_ORDER) of each theme, with their lead, by theme pk. One query on the
    spaces' links to their themes: one LIMIT subquery per theme, each read on an index (a sliced prefetch would
    number every space of every theme with a window)."""
    if not themes:
        return {}
    links = Space.themes.through.objects
    first = Q()
    for theme in themes:
        first |= Q(theme=theme, space__in=spaces.filter(themes=theme).order_by(*SPACE_ORDER).values("pk")[:limit])
    by_theme = defaultdict(list)
    for link in links.filter(first).select_related("space__lead_organisation"):
        by_theme[link.theme_id].append(link.space)
    return {theme.pk: sorted(by_theme[theme.pk], key=attrgetter(*SPACE_ORDER)) for theme in themes}


def _first_projects_of(themes: list[Theme], projects, *, limit: int, read) -> dict[int, list[ActionProject]]:
    """The first `limit` of `projects` (by title) of each theme, read with the queryset `read` (its joins,
    annotations and prefetches), by theme pk. One query: the pks of each theme's first projects come from one
    LIMIT subquery per theme, each read in title order on the (theme, title) index, and their keys looked up
    (asis.first_rows; a window over every project, as a sliced prefetch does, would number thousands of rows to keep
    a few, and compute their annotations)."""
    if not themes:
        return {}
    first = FirstOfEach(projects.filter(theme=theme).order_by("title", "pk").values("pk")[:limit] for theme in themes)
    by_theme = defaultdict(list)
    for project in read.filter(pk__in=first):
        by_theme[project.theme_id].append(project)
    return {theme.pk: sorted(by_theme[theme.pk], key=lambda p: (p.title, p.pk)) for theme in themes}


def visitor(user) -> tuple:
    """Who sees the same figures on the public pages: the public, coordination, staff; each partner alone
    (their own projects are added to the public ones)."""
    if not user.is_authenticated:
        return ("public",)
    if user.is_coordinator:
        return ("coordination",)
    if user.sees_everything:
        return ("staff",)
    return ("user", user.pk)


def overview_plans():
    """The plans as the home page reads its plan (the view picks the request's one among them, plans.access): in
    1 query with its figures' version (plans.versions) + 3 prefetches (years, principles, mobilisation activities)."""
    return (
        Plan.objects.select_related("alliance__coordinating_organisation")
        .annotate(figures_version=version_subquery())
        .prefetch_related("years", "principles", "mobilisation_activities")
    )


def plan_overview(user, plan) -> dict:
    """Everything the home page shows of `plan` (read from `overview_plans`; None: no plan yet), in a fixed number
    of queries whatever the data size: each theme shows its first spaces and projects (HOME_SPACES_SHOWN,
    HOME_PROJECTS_SHOWN) with how many there are in all, and its money is summed by the database. What is read
    after the plan is cached under the plan's version (asis.figures_cache) for this kind of visitor, until the next
    write to the plan."""
    if plan is None:
        return {"plan": None}
    figures = cached("home", version_of(plan), (plan.pk, visitor(user)), lambda: _overview(user, plan))
    return {**figures, "plan": plan}


def _overview(user, plan) -> dict:
    """The overview's themes and money for this user (the plan read by `plan_overview`). What a partner has to do
    (their projects, the partnerships awaiting their answer) is « Mon espace », Coordination's queues « À traiter »
    (worklist): the overview is the plan and its money, as a citizen reads it."""
    visible = _visible_projects(user)
    active_spaces = Space.objects.active()
    counts = {
        "space_count": _count_subquery(active_spaces, "themes"),
        # Withdrawn projects are left out of the overview.
        **_theme_figures(user, leaving_out=(ProjectStatus.WITHDRAWN,), committed=("committed", Commitment.CURRENT)),
    }
    themes = list(
        # 1 themes with their counts and money (projects this user may see), read from the kept totals (figures)
        plan.themes.annotate(**counts)
    )
    first_spaces = _first_spaces_of(themes, active_spaces, limit=HOME_SPACES_SHOWN)  # 1 with their lead
    for theme in themes:
        theme.shown_spaces = first_spaces[theme.pk]
    first = _first_projects_of(  # 1 the first projects of each theme, with lead and money committed
        themes,
        visible,
        limit=HOME_PROJECTS_SHOWN,
        read=ActionProject.objects.select_related("lead").with_money(),
    )
    for theme in themes:
        theme.visible_projects = first[theme.pk]
    sources = list(FundingSource.objects.filter(plan=plan))  # 1 funding sources

    envelope = sum((s.amount for s in sources), ZERO)
    committed = sum((s.committed_total for s in sources), ZERO)
    disbursed = sum((s.disbursed_total for s in sources), ZERO)
    context = {
        "plan": plan,
        "themes": themes,
        "sources": sources,
        "envelope": envelope,
        "committed": committed,
        "disbursed": disbursed,
        "remaining": envelope - committed,
        "committed_percent": int(committed * 100 / envelope) if envelope else 0,
    }
    return context


# ---------------------------------------------------------------- a theme's page


class KnownCountPaginator(Paginator):
    """A paginator given its count (already read with other figures): no COUNT query of its own."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    def __getstate__(self):
        """Cached with its page (asis.figures_cache pickles it): the page's rows are read and the count known, so the
        queryset they came from is left out (pickling a queryset would read every one of its rows)."""
        return {**self.__dict__, "object_list": (), "count": self._known_count}


class ByStatus:
    """The pks of `projects` in the order of a theme's page (status along the review path, then title), sliced for a
    page (Paginator.page) on the statuses its rows hold alone: `counts`, how many of `projects` each status has (the
    kept totals, exact), places the page among the statuses, so the database sorts the projects of one or two
    statuses, not every project of the theme."""

    def __init__(self, projects, counts: dict):
        self.projects, self.counts = projects, counts

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, window: slice):
        chosen, before, start = [], 0, 0
        for status in ProjectStatus.values:
            n = self.counts.get(status, 0)
            if n and start < window.stop and start + n > window.start:
                before = start if not chosen else before  # the rows of the statuses before the page's first
                chosen.append(status)
            start += n
        if len(chosen) == 1:  # most pages: one status, by title
            ordered = self.projects.filter(status=chosen[0]).order_by("title", "pk")
        else:
            rows = self.projects.filter(status__in=chosen) if chosen else self.projects
            ordered = rows.order_by(_status_order(), "title", "pk")
        return ordered.values("pk")[window.start - before : window.stop - before]


def _seated_names(space_ids: list[int]) -> dict[int, list[str]]:
    """{space pk: the short names (Organisation.short_name) of the organisations seated in it now, by name}, in 1
    query (none without a space). Names, not a seat and an organisation instance each, built and cached for every
    space of the page; each seat's organisation read by its key (a join has the database hash every organisation of
    the instance for the page's few hundred seats)."""
    if not space_ids:
        return {}
    organisation = Organisation.objects.filter(pk=OuterRef("organisation_id")).order_by()
    seats = (
        SpaceMembership.objects.current()
        .filter(space__in=space_ids)
        .annotate(
            organisation_name=Subquery(organisation.values("name")[:1]),
            organisation_acronym=Subquery(organisation.values("acronym")[:1]),
        )
        .order_by("organisation_name")
        .values_list("space_id", "organisation_acronym", "organisation_name")
    )
    seated = defaultdict(list)
    for space_id, acronym, name in seats:
        seated[space_id].append(acronym or name)  # Organisation.short_name
    return seated


def _status_order() -> Case:
    """A project's status as its rank in ProjectStatus (the order of the review path), for ORDER BY."""
    return Case(
        *[When(status=value, then=Value(rank)) for rank, value in enumerate(ProjectStatus.values)],
        default=Value(len(ProjectStatus.values)),
        output_field=IntegerField(),
    )


def theme_detail(user, slug: str, *, plans, scope: tuple, space_page=None, project_page=None) -> dict | None:
    """`_theme_detail`, cached under the versions of the `plans` it may read (plans.versions, 1 query), the `scope`
    the `plans` are (for instance the alliance's pk and the plan its address names: two alliances may both have a
    theme of this slug) and this kind of visitor, until the next write to one of these plans. Its spaces and meetings
    are cached apart under the versions of the meetings' part alone (`_theme_spaces`): the money, projects and reports
    written between two requests do not build them again."""
    versions = plans_versions(plans, parts=("meetings",))
    combined, meetings = versions if versions is not None else (None, None)
    figures = cached(
        "theme",
        combined,
        (*scope, slug, space_page, project_page, visitor(user)),
        lambda: _theme_detail(
            user, slug, plans=plans, space_page=space_page, project_page=project_page, spaces_version=meetings
        ),
    )
    return dict(figures) if figures is not None else None


def _theme_spaces(user, theme, *, space_page=None) -> dict:
    """What a theme's page shows of its spaces, which only the writes of the meetings' part change (plans.versions:
    spaces, seats, meetings, invitations): a page of its active spaces (THEME_PER_PAGE, `theme.space_count` of them)
    with the organisations seated in each, and the meetings of its spaces this user may see (details only for them:
    none for the public, who get the number of meetings held)."""
    spaces = (
        theme.spaces.active()
        .select_related("lead_organisation")
        .only("name", "kind", "lead_organisation__name")  # what the page shows: no long text read and cached
        .annotate(citizen_count=_current_citizens_subquery())
        .order_by("kind", "name", "pk")
    )
    # 1 a page of active spaces with their lead and citizen count + 1 the organisations seated in them
    spaces_page = KnownCountPaginator(spaces, THEME_PER_PAGE, count=theme.space_count).get_page(space_page)
    spaces_page.object_list = list(spaces_page.object_list)
    seated = _seated_names([space.pk for space in spaces_page.object_list])
    for space in spaces_page.object_list:
        space.seated = seated.get(space.pk, [])
    shown = {"spaces": spaces_page.object_list, "spaces_page": spaces_page}
    shown["upcoming_meetings"] = shown["past_meetings"] = None
    if user.is_authenticated:
        visible_meetings = Meeting.objects.visible_to(user).filter(space__themes=theme).select_related("space")
        shown["upcoming_meetings"] = list(visible_meetings.upcoming()[:MEETINGS_SHOWN])  # 1
        shown["past_meetings"] = list(visible_meetings.past()[:MEETINGS_SHOWN])  # 1
    return shown


def _theme_detail(user, slug: str, *, plans, space_page=None, project_page=None, spaces_version=None) -> dict | None:
    """One theme of `plans` (a queryset: the alliance's plans, or one of them; the current plan's theme first, then
    the latest plan's): its active spaces and the projects this user may see, a page of each (THEME_PER_PAGE), with
    the theme's money and project counts summed by the database, the latest progress of its projects
    (PROGRESS_SHOWN) and the meetings of its spaces (details only for those the user may see); the spaces and meetings
    (`_theme_spaces`) cached under `spaces_version` (None: built). None when no theme has this slug. The number of queries and the rows read stay the same whatever the
    number of spaces, projects and reports."""
    visible = ActionProject.objects.visible_to(user)
    not_current = Case(When(plan__status=Plan.Status.CURRENT, then=Value(0)), default=Value(1))
    today = timezone.localdate()
    # 1 the theme (of the current plan when several plans have this slug), its plan, counts, money and meetings held
    theme = (
        Theme.objects.select_related("plan")
        .filter(slug=slug, plan__in=plans)
        .annotate(
            space_count=_count_subquery(Space.objects.active(), "themes"),
            # Meetings held (before today), a number for everyone: from the kept totals (figures), per day.
            meetings_held=kept_totals.theme_meetings_held(today),
            # The money from the kept totals (figures); paid as corrected (the commitments' disbursed_total).
            **_theme_figures(user, committed=("committed", Commitment.CURRENT), disbursed=("paid", "disbursed_total")),
        )
        .order_by(not_current, "-plan__start_date", "plan_id")
        .first()
    )
    if theme is None:
        return None
    # its spaces and meetings (2 to 4 queries), cached apart under `spaces_version`, the meetings' part's versions
    spaces = cached(
        "theme-spaces",
        spaces_version,
        (theme.pk, space_page, visitor(user)),
        lambda: _theme_spaces(user, theme, space_page=space_page),
    )

    theme_projects = visible.filter(theme=theme)
    statuses, own = _seen(user)
    by_status = (  # the kept totals (figures) of the statuses this user sees
        kept_totals.project_rows(statuses, theme=theme)
        .values("status")
        .annotate(n=Sum("projects"))
        .values_list("status", "n")
    )
    if own is not None:  # and a partner's own projects beyond them, counted from their rows
        by_status = by_status.union(
            own.filter(theme=theme).values("status").annotate(n=Count("pk")).values_list("status", "n"), all=True
        )
    counts = defaultdict(int)
    for status, n in by_status:  # 1 the projects this user may see, counted by status
        counts[status] += n
    counts = {status: n for status, n in counts.items() if n}
    ordered = ByStatus(theme_projects, counts)
    projects_page = KnownCountPaginator(ordered, THEME_PER_PAGE, count=sum(counts.values())).get_page(project_page)
    rank = {value: i for i, value in enumerate(ProjectStatus.values)}
    projects = sorted(  # 1 the projects of this page (chosen on the projects alone), with lead and money
        ActionProject.objects.filter(pk__in=projects_page.object_list)
        .select_related("lead")
        .only("title", "status", "lead__name", "lead__acronym")  # what the page shows: no long text read and cached
        .with_money(),
        key=lambda p: (rank.get(p.status, len(rank)), p.title, p.pk),
    )
    projects_page.object_list = projects
    project_groups = [
        {
            "status": status,
            "label": label,
            "count": counts[status],
            "projects": [p for p in projects if p.status == status],
        }
        for status, label in ProjectStatus.choices
        if counts.get(status)
    ]

    # The theme's projects that have a report, read newest report first (LATEST_REPORT) on their index of the keys
    # their kept latest report is the latest by (ActionProject.latest_period_end, latest_submitted_at), stopping at
    # the PROGRESS_SHOWN-th: whatever the number of reports, no report but these is read.
    with_report = (
        theme_projects.filter(latest_report__isnull=False)
        .select_related("latest_report")
        .only("title", "latest_report", *(f"latest_report__{name}" for name in PROGRESS_FIELDS))
    )
    progress = [  # 1 the latest report of the theme's projects that have one, newest first
        (project, project.latest_report) for project in with_report.order_by(*LATEST_PROGRESS)[:PROGRESS_SHOWN]
    ]

    return {
        **spaces,
        "theme": theme,
        "plan": theme.plan,
        "space_count": theme.space_count,
        "projects": projects,
        "projects_page": projects_page,
        "project_count": projects_page.paginator.count,
        "project_groups": project_groups,
        "progress": progress,
        "committed": theme.committed,
        "disbursed": theme.disbursed,
        "meetings_held": theme.meetings_held,
    }


# ---------------------------------------------------------------- the plan's timeline


def _year_of(field: str, years: list[PlanYear]) -> Case:
    """The pk of the plan year whose dates contain `field` (NULL outside the plan)."""
    return Case(
        *[When(**{f"{field}__range": (year.start_date, year.end_date)}, then=Value(year.pk)) for year in years],
        default=Value(None),
        output_field=IntegerField(),
    )


def _runs(start: datetime.date | None, end: datetime.date | None, year: PlanYear) -> bool:
    """Whether [start, end] overlaps the year; an open end runs on, an unknown start never starts."""
    if start is None:
        return False
    return start <= year.end_date and (end is None or end >= year.start_date)


def _space_start(space: Space) -> datetime.date:
    """A space runs from its first seat or its creation, whichever came first (seats are often back-dated)."""
    created = timezone.localdate(space.created_at)
    return min(space.first_seat, created) if space.first_seat else created


def _project_runs(project: ActionProject, year: PlanYear) -> bool:
    """Linked to the year, or its dates overlap it (a missing date is taken to equal the other one)."""
    if year in project.plan_years.all():
        return True
    start = project.start_date or project.end_date
    end = project.end_date or project.start_date
    return start is not None and start <= year.end_date and end >= year.start_date


def timeline_plans():
    """The plans as the timeline reads its plan (the view picks the request's one among them, plans.access): in
    1 query with its figures' version (plans.versions) + 1 its years."""
    return (
        Plan.objects.select_related("alliance__coordinating_organisation")
        .prefetch_related("years")
        .annotate(figures_version=version_subquery())
    )


def plan_timeline(user, plan) -> dict:
    """The three plan years of `plan` (read from `timeline_plans`; None: no plan yet) side by side: each theme's
    spaces and projects on the years they run, the meetings held and the money committed per year, for the theme
    and in total."""
    if plan is None:
        return {"plan": None}
    # What is read after the plan is cached under its version for this kind of visitor, until the next write to it.
    return {**cached("plan", version_of(plan), (plan.pk, visitor(user)), lambda: _timeline(user, plan)), "plan": plan}


def _timeline(user, plan) -> dict:
    """The timeline's themes, spaces, projects, meetings and money (the plan read by `plan_timeline`)."""
    years = list(plan.years.all())

    first_seat = (
        SpaceMembership.objects.filter(space=OuterRef("pk"))
        .order_by()
        .values("space")
        .annotate(first=Min("joined_on"))
        .values("first")
    )
    running = ActionProject.objects.visible_to(user).exclude(status__in=NOT_RUNNING)
    themes = list(
        plan.themes.annotate(  # 1 themes with how many spaces (archived ones too) and running projects they have
            space_count=_count_subquery(Space.objects.all(), "themes"),
            **_theme_figures(user, leaving_out=NOT_RUNNING),  # from the kept totals (figures)
        ).prefetch_related(  # + 1 the first spaces of each theme, with their first seat
            Prefetch(
                "spaces",
                queryset=Space.objects.annotate(first_seat=Subquery(first_seat)).order_by("kind", "name", "pk")[
                    :TIMELINE_SHOWN
                ],
                to_attr="timeline_spaces",
            )
        )
    )
    first_projects = _first_projects_of(  # 1 the first running projects of each theme, with their lead + 1 plan years
        themes,
        running,
        limit=TIMELINE_SHOWN,
        read=ActionProject.objects.select_related("lead").prefetch_related("plan_years"),
    )

    today = timezone.localdate()
    # Meetings held (before today) in each plan year, from the kept totals (figures): a row per theme, or plan, and day.
    year_of = _year_of("date", years)
    held = kept_totals.theme_meeting_rows(plan=plan, date__lt=today).annotate(year_id=year_of)
    meetings_by_theme = {  # 1 meetings held per theme and year
        (theme_id, year_id): n
        for theme_id, year_id, n in held.filter(year_id__isnull=False)
        .values("theme_id", "year_id")
        .annotate(n=Sum("meetings"))
        .values_list("theme_id", "year_id", "n")
    }
    held = kept_totals.plan_meeting_rows(plan=plan, date__lt=today).annotate(year_id=year_of)
    meetings_total = dict(  # 1 meetings held per year, each counted once even when its space serves two themes
        held.filter(year_id__isnull=False).values("year_id").annotate(n=Sum("meetings")).values_list("year_id", "n")
    )
    statuses, own = _seen(user)
    committed_rows = (  # the kept totals (figures) of the plan's themes and years, of the statuses this user sees
        kept_totals.money_rows(statuses, theme__plan=plan, plan=plan)
        .values("theme_id", "plan_year_id")
        .annotate(total=Sum("committed"))
        .values_list("theme_id", "plan_year_id", "total")
    )
    if own is not None:  # and a partner's own projects beyond the public ones, summed from their commitments
        committed_rows = committed_rows.union(
            Commitment.objects.filter(project__in=own.values("pk"), project__theme__plan=plan, plan_year__plan=plan)
            .order_by()
            .values("project__theme_id", "plan_year_id")
            .annotate(total=Sum(Commitment.CURRENT))
            .values_list("project__theme_id", "plan_year_id", "total"),
            all=True,
        )
    committed_by_theme = defaultdict(lambda: ZERO)
    for theme_id, year_id, total in committed_rows:  # 1 money committed to the visible projects, per theme and year
        committed_by_theme[(theme_id, year_id)] += total or ZERO

    rows = []
    for theme in themes:
        spaces = [
            {"space": space, "cells": [(year, _runs(_space_start(space), space.archived_on, year)) for year in years]}
            for space in theme.timeline_spaces
        ]
        theme_projects = [
            {"project": project, "cells": [(year, _project_runs(project, year)) for year in years]}
            for project in first_projects[theme.pk]
        ]
        committed = [committed_by_theme.get((theme.pk, year.pk), ZERO) for year in years]
        rows.append(
            {
                "theme": theme,
                "spaces": spaces,
                "projects": theme_projects,
                "more_spaces": theme.space_count - len(spaces),
                "more_projects": theme.project_count - len(theme_projects),
                "meetings": [meetings_by_theme.get((theme.pk, year.pk), 0) for year in years],
                "committed": committed,
                "committed_total": sum(committed, ZERO),
            }
        )
    committed_per_year = [sum((row["committed"][i] for row in rows), ZERO) for i in range(len(years))]
    return {
        "plan": plan,
        "years": years,
        "rows": rows,
        "meetings_per_year": [meetings_total.get(year.pk, 0) for year in years],
        "meetings_total": sum(meetings_total.values()),
        "committed_per_year": committed_per_year,
        "committed_total": sum(committed_per_year, ZERO),
    }
