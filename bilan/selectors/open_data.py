"""Open data: the public projects and their money, with no personal data. Each alliance publishes its own: every
function takes the plans whose projects it publishes (`plans.access.request_plans`: the alliance's, or one plan's)."""

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    OuterRef,
    Sum,
)
from django.utils import timezone

from asis.first_rows import FirstOfEach
from bilan.selectors._common import PER_PAGE, ZERO, to_cents
from bilan.selectors.bilan import ResolutionRef
from bilan.selectors.lines import CHUNK, resolutions_of
from budget.models import (
    Commitment,
)
from figures import selectors as kept_totals
from plans.models import Theme
from projects.models import PUBLIC_STATUSES, ActionProject
from sustainability.models import Practice


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
    resolutions: tuple[ResolutionRef, ...] = ()  # the board's decisions behind its commitments, by date


@dataclass(frozen=True)
class OpenData:
    generated_at: datetime.datetime
    projects: tuple[OpenProject, ...]  # one page of them on the page; every one: `open_projects()`
    committed: Decimal  # over every public project
    disbursed: Decimal
    count: int = 0


OPEN_ORDER = ("theme__plan_id", "theme__order", "title", "pk")


def _public(plans=None):
    """The accepted projects (ActionProject.objects.public()) of these plans (of every plan: None, the region's)."""
    public = ActionProject.objects.public()
    return public if plans is None else public.filter(theme__plan__in=plans)


def _open_queryset(plans=None):
    """The accepted projects of these plans (of every plan: None) with lead, theme, money committed and paid."""
    from django.db.models import DecimalField, Subquery, Value
    from django.db.models.functions import Coalesce

    money = DecimalField(max_digits=12, decimal_places=2)

    def total(queryset, group: str, expression):
        sub = queryset.order_by().values(group).annotate(total=Sum(expression)).values("total")
        return Coalesce(Subquery(sub, output_field=money), Value(ZERO, output_field=money))

    # Paid: the commitments' kept `disbursed_total`, the payments as corrected (budget.services.ledger keeps it,
    # check_budget checks it): read on the commitments' project index, without joining every payment.
    commitments = Commitment.objects.filter(project=OuterRef("pk"))
    return (
        _public(plans)
        .select_related("lead", "theme")
        .annotate(
            committed=total(commitments, "project", Commitment.CURRENT),
            disbursed=total(commitments, "project", "disbursed_total"),
        )
        .order_by(*OPEN_ORDER)
    )


def _open_project(p, resolutions=()) -> OpenProject:
    return OpenProject(
        p.pk,
        p.title,
        p.lead.name,
        p.theme.name,
        p.status,
        str(p.get_status_display()),
        p.start_date,
        p.end_date,
        to_cents(p.committed),
        to_cents(p.disbursed),
        resolutions,
    )


def open_projects(plans) -> Iterator[OpenProject]:
    """Every public project of these plans, read 500 at a time (the CSV and JSON exports stream them), each chunk
    with the resolutions behind its commitments (+ 1 query a chunk)."""
    projects = _open_queryset(plans).iterator(chunk_size=CHUNK)
    while batch := list(itertools.islice(projects, CHUNK)):
        resolutions = resolutions_of([p.pk for p in batch])
        for project in batch:
            yield _open_project(project, resolutions.get(project.pk, ()))


def open_totals(plans=None) -> OpenData:
    """The money committed to and paid on every public project of these plans (of every plan: None, the region's),
    and how many they are, in 2 queries over the kept totals (figures: a few rows per theme, plan year and source),
    never over the projects. Paid is the commitments' kept `disbursed_total`: the payments as corrected."""
    where = {} if plans is None else {"theme__plan__in": plans}
    money = kept_totals.money_rows(PUBLIC_STATUSES, **where).aggregate(  # 1
        committed_sum=Sum("committed"), paid_sum=Sum("paid")
    )
    count = kept_totals.project_rows(PUBLIC_STATUSES, **where).aggregate(n=Sum("projects"))["n"]  # 1
    return OpenData(
        generated_at=timezone.localtime(),
        projects=(),
        committed=to_cents(money["committed_sum"]),
        disbursed=to_cents(money["paid_sum"]),
        count=count or 0,
    )


def open_data(*, plans, page=None, per_page: int = PER_PAGE):
    """(OpenData, Page): the totals of every public project of these plans and how many they are (2 queries over
    the kept totals) and one page of them (1: the paginator is given the count)."""
    from dataclasses import replace

    from django.core.paginator import Paginator

    totals = open_totals(plans)
    # The page's projects are picked from the projects and their theme alone (no lead, no money), then read with their
    # lead and money: 1 query.
    paginator = Paginator(_public(plans).order_by(*OPEN_ORDER).values("pk"), per_page)
    paginator.count = totals.count  # a cached_property: once set, the database is not asked
    shown = paginator.get_page(page)
    if plans is not None:
        # Sorting every public project of the plans (12 500 at scale 100) to keep 50 is avoidable: the projects of
        # pages 1 to n are among the first n × per_page of their theme, each read in title order on the (theme,
        # title) index and stopped there (asis.first_rows); those few are sorted. Page 1, the one people open,
        # reads 50 a theme. + 1 query: the plans' themes.
        end = shown.number * per_page
        themes = Theme.objects.filter(plan__in=plans).values_list("pk", flat=True)
        first = FirstOfEach(
            _public().filter(theme_id=theme).order_by("title", "pk").values("pk")[:end] for theme in themes
        )
        if first.members:
            shown.object_list = (
                # by these keys alone (the members are the plans' public projects): the database starts from them
                ActionProject.objects.filter(pk__in=first).order_by(*OPEN_ORDER).values("pk")[end - per_page : end]
            )
    # Read by the page's keys alone (already the plans' public projects): the database starts from these 50.
    shown.object_list = list(_open_queryset().filter(pk__in=shown.object_list))
    resolutions = resolutions_of([p.pk for p in shown.object_list])  # + 1: the resolutions behind their money
    projects = tuple(_open_project(p, resolutions.get(p.pk, ())) for p in shown.object_list)
    return replace(totals, projects=projects), shown


# ---------------------------------------------------------------- the practices (issue 20, part 6)


@dataclass(frozen=True)
class OpenPractice:
    """A practice of the public register as published: the organisation's, never a person's (the contact is a
    role), with its project and the alliance it belongs to (the region's file names it)."""

    pk: int
    title: str
    organisation: str
    project_id: int
    project: str
    theme: str
    summary: str
    reuse: str
    contact_role: str
    published_on: datetime.date | None
    alliance_slug: str
    alliance_name: str


def open_practices(plans=None) -> Iterator[OpenPractice]:
    """The published practices of these plans' projects (of every plan: None, the region's, by alliance), as the
    register publishes them: an unpublished one never. One query, read 500 at a time."""
    practices = Practice.objects.published()
    if plans is not None:
        practices = practices.filter(project__theme__plan__in=plans)
    rows = practices.order_by(
        "project__theme__plan__alliance__name", "project__theme__plan__alliance_id", "title", "pk"
    ).values_list(
        "pk",
        "title",
        "organisation__name",
        "project_id",
        "project__title",
        "project__theme__name",
        "summary",
        "reuse",
        "contact_role",
        "published_at",
        "project__theme__plan__alliance__slug",
        "project__theme__plan__alliance__name",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        published_at = row[9]
        yield OpenPractice(*row[:9], timezone.localdate(published_at) if published_at else None, row[10], row[11])
