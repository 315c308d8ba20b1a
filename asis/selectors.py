"""Reads for the pages that join the three apps (plan, spaces and projects, envelope):
the home page, the plan timeline and a theme's page.

Each function returns a template context in a fixed number of queries whatever the data size;
the comment beside each query says what it reads.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from budget.models import Commitment, Disbursement, FundingSource
from chantiers.models import (
    ActionProject,
    Chantier,
    ChantierCitizen,
    ChantierMembership,
    FollowUp,
    Meeting,
    Plan,
    PlanYear,
    ProgressReport,
    ProjectStatus,
    Theme,
)
from organisations.models import Organisation

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)
FOLLOW_UPS_SHOWN = 20  # open follow-ups on the coordinator's home page; the rest are counted
MEETINGS_SHOWN = 10  # upcoming and past meetings listed on a theme's page
# Projects that will not run: left out of the plan's timeline.
NOT_RUNNING = (ProjectStatus.REFUSED, ProjectStatus.WITHDRAWN)


# The current plan is the one that started last (the first loaded when two start the same day).
CURRENT_FIRST = ("-start_date", "pk")


def current_plan() -> Plan | None:
    return (
        Plan.objects.select_related("coordinating_organisation")
        .prefetch_related("years", "principles", "mobilisation_activities")
        .order_by(*CURRENT_FIRST)
        .first()
    )


def _committed_subquery():
    total = (
        Commitment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum(Commitment.CURRENT))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))


def _disbursed_subquery():
    total = (
        Disbursement.objects.filter(commitment__project=OuterRef("pk"))
        .order_by()
        .values("commitment__project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO, output_field=MONEY_FIELD))


def _current_citizens_subquery():
    """How many citizens sit in the space today (a number: the public never sees their names)."""
    count = (
        ChantierCitizen.objects.current()
        .filter(chantier=OuterRef("pk"))
        .order_by()
        .values("chantier")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def plan_overview(user) -> dict:
    """Everything the home page shows, in a fixed number of queries whatever the data size."""
    plan = current_plan()  # 1 plan + 3 prefetches (years, principles, mobilisation activities)
    if plan is None:
        return {"plan": None}

    themes = list(
        plan.themes.prefetch_related(  # 1 themes + 1 spaces (with their lead)
            Prefetch(
                "chantiers",
                queryset=Chantier.objects.active().select_related("lead_organisation").order_by("kind", "name"),
            )
        )
    )
    projects = list(  # 1 projects visible to this user, with lead, space and money committed
        ActionProject.objects.visible_to(user)
        .filter(theme__plan=plan)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("lead", "chantier")
        .annotate(committed=_committed_subquery())
        .order_by("title")
    )
    sources = list(FundingSource.objects.filter(plan=plan))  # 1 funding sources

    by_theme = defaultdict(list)
    for project in projects:
        by_theme[project.theme_id].append(project)
    committed_by_theme = {theme_id: sum((p.committed for p in items), ZERO) for theme_id, items in by_theme.items()}
    for theme in themes:
        theme.visible_projects = by_theme.get(theme.pk, [])
        theme.committed = committed_by_theme.get(theme.pk, ZERO)

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
        "public_project_count": sum(1 for p in projects if p.is_public),
    }
    if user.is_authenticated and not user.sees_everything:
        org_ids = user.organisation_ids()
        context["my_projects"] = [p for p in projects if p.lead_id in org_ids]
    if user.is_authenticated and user.is_coordinator:
        context["awaiting_review"] = [
            p for p in projects if p.status in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS, ProjectStatus.RECOMMENDED)
        ]
        context["pending_organisations"] = Organisation.objects.filter(status=Organisation.Status.PENDING).count()  # 1
        context.update(open_follow_ups())  # 1
    return context


def open_follow_ups(limit: int = FOLLOW_UPS_SHOWN) -> dict:
    """The open follow-ups, soonest due first (undated last), the first `limit` of them and a count of the rest.

    One query: the total is a scalar subquery the database counts once on the index of open follow-ups
    (`chantiers_followup_open_idx`); a window count over the joined rows would join and count every open
    follow-up before the LIMIT.
    """
    count_open = FollowUp.objects.open().order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")[:1]
    follow_ups = list(
        FollowUp.objects.open()
        .select_related("decision__meeting__chantier", "responsible_organisation", "responsible_user")
        .annotate(open_total=Subquery(count_open))
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:limit]
    )
    total = follow_ups[0].open_total if follow_ups else 0
    return {"follow_ups": follow_ups, "follow_ups_more": total - len(follow_ups)}


# ---------------------------------------------------------------- a theme's page


def theme_detail(user, slug: str) -> dict | None:
    """One theme: its active spaces, the projects this user may see, their money and latest
    progress, and the meetings of its spaces (details only for those the user may see).
    None when no theme has this slug."""
    theme = (  # 1 the theme (of the current plan when several plans have this slug) and its plan
        Theme.objects.select_related("plan").filter(slug=slug).order_by("-plan__start_date", "plan_id").first()
    )
    if theme is None:
        return None

    spaces = list(  # 1 active spaces with their lead and citizen count + 1 their current seats with the organisation
        theme.chantiers.active()
        .select_related("lead_organisation")
        .annotate(citizen_count=_current_citizens_subquery())
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ChantierMembership.objects.current().select_related("organisation").order_by("organisation__name"),
                to_attr="current_seats",
            )
        )
        .order_by("kind", "name")
    )
    projects = list(  # 1 projects visible to this user, with lead, space, money committed and paid
        ActionProject.objects.visible_to(user)
        .filter(theme=theme)
        .select_related("lead", "chantier")
        .annotate(committed=_committed_subquery(), disbursed=_disbursed_subquery())
        .prefetch_related(  # 1 the latest report of each (a window query, whatever the number of reports)
            Prefetch(
                "reports",
                queryset=ProgressReport.objects.order_by("-period_end", "-submitted_at", "-pk")[:1],
                to_attr="latest_reports",
            )
        )
        .order_by("title")
    )

    by_status = defaultdict(list)
    for project in projects:
        by_status[project.status].append(project)
    project_groups = [
        {"status": status, "label": label, "projects": by_status[status]}
        for status, label in ProjectStatus.choices
        if by_status[status]
    ]
    progress = sorted(
        ((project, project.latest_reports[0]) for project in projects if project.latest_reports),
        key=lambda pair: (pair[1].period_end, pair[1].submitted_at),
        reverse=True,
    )

    today = timezone.localdate()
    theme_meetings = Meeting.objects.filter(chantier__themes=theme)
    context = {
        "theme": theme,
        "plan": theme.plan,
        "spaces": spaces,
        "projects": projects,
        "project_groups": project_groups,
        "progress": progress,
        "committed": sum((p.committed for p in projects), ZERO),
        "disbursed": sum((p.disbursed for p in projects), ZERO),
        "meetings_held": theme_meetings.filter(date__lt=today).count(),  # 1 meetings held, a number for everyone
        "upcoming_meetings": None,
        "past_meetings": None,
    }
    if user.is_authenticated:
        # Details (date, place) only of the meetings this user may see; the public gets the number alone.
        visible = Meeting.objects.visible_to(user).filter(chantier__themes=theme).select_related("chantier")
        context["upcoming_meetings"] = list(visible.upcoming()[:MEETINGS_SHOWN])  # 1
        context["past_meetings"] = list(visible.past()[:MEETINGS_SHOWN])  # 1
    return context


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


def _space_start(space: Chantier) -> datetime.date:
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


def plan_timeline(user) -> dict:
    """The three plan years side by side: each theme's spaces and projects on the years they
    run, the meetings held and the money committed per year, for the theme and in total."""
    plan = (  # 1 the plan + 1 its years
        Plan.objects.select_related("coordinating_organisation").prefetch_related("years").order_by(*CURRENT_FIRST).first()
    )
    if plan is None:
        return {"plan": None}
    years = list(plan.years.all())

    first_seat = (
        ChantierMembership.objects.filter(chantier=OuterRef("pk"))
        .order_by()
        .values("chantier")
        .annotate(first=Min("joined_on"))
        .values("first")
    )
    themes = list(
        plan.themes.prefetch_related(  # 1 themes + 1 every space (archived ones too), with its first seat
            Prefetch(
                "chantiers",
                queryset=Chantier.objects.annotate(first_seat=Subquery(first_seat)).order_by("kind", "name"),
            )
        )
    )
    visible = ActionProject.objects.visible_to(user).filter(theme__plan=plan)
    projects = list(  # 1 projects visible to this user that will run, with their lead + 1 their plan years
        visible.exclude(status__in=NOT_RUNNING).select_related("lead").prefetch_related("plan_years").order_by("title")
    )

    today = timezone.localdate()
    held = Meeting.objects.filter(chantier__themes__plan=plan, date__lt=today).annotate(year_id=_year_of("date", years))
    meetings_by_theme = {  # 1 meetings held per theme and year
        (row["chantier__themes"], row["year_id"]): row["n"]
        for row in held.filter(year_id__isnull=False).values("chantier__themes", "year_id").annotate(n=Count("pk")).order_by()
    }
    meetings_total = {  # 1 meetings held per year, each counted once even when its space serves two themes
        row["year_id"]: row["n"]
        for row in held.filter(year_id__isnull=False).values("year_id").annotate(n=Count("pk", distinct=True)).order_by()
    }
    committed_by_theme = {  # 1 money committed to the visible projects, per theme and plan year
        (row["project__theme"], row["plan_year"]): row["total"]
        for row in Commitment.objects.filter(project__in=visible.values("pk"), plan_year__plan=plan)
        .values("project__theme", "plan_year")
        .annotate(total=Sum(Commitment.CURRENT))
        .order_by()
    }

    projects_by_theme = defaultdict(list)
    for project in projects:
        projects_by_theme[project.theme_id].append(project)
    rows = []
    for theme in themes:
        spaces = [
            {"space": space, "cells": [(year, _runs(_space_start(space), space.archived_on, year)) for year in years]}
            for space in theme.chantiers.all()
        ]
        theme_projects = [
            {"project": project, "cells": [(year, _project_runs(project, year)) for year in years]}
            for project in projects_by_theme[theme.pk]
        ]
        committed = [committed_by_theme.get((theme.pk, year.pk), ZERO) for year in years]
        rows.append({
            "theme": theme,
            "spaces": spaces,
            "projects": theme_projects,
            "meetings": [meetings_by_theme.get((theme.pk, year.pk), 0) for year in years],
            "committed": committed,
            "committed_total": sum(committed, ZERO),
        })
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
