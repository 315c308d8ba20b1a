"""The grants of the open data, as the 360Giving Data Standard sees them (issue 22): one grant per commitment of the
envelope (budget.Commitment) to a public project (`ActionProject.objects.public()`, as the projects' open data), at
its current amount (the decision less its reductions and cancellation), with what is paid on it (the payments as
corrected). No person: the recipient is the project's lead organisation, the funders are the alliance and the
funder of the commitment's source.

Read 500 at a time in one query (the money, the project, its lead, theme, plan and alliance, the source, and when the
grant last changed are columns of one row), so neither memory nor the number of queries grows with the grants."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from bilan.selectors._common import to_cents
from bilan.selectors.lines import CHUNK
from budget.models import Commitment, CommitmentReduction, Disbursement, DisbursementCorrection
from projects.models import PUBLIC_STATUSES


@dataclass(frozen=True)
class Grant:
    """A commitment to a public project as published: organisations and money, never a person."""

    pk: int  # the commitment's
    alliance_slug: str
    alliance_name: str
    territory: str  # the alliance's territory (« Rouyn-Noranda »), else its region
    plan_slug: str
    plan_title: str
    project_id: int
    title: str
    description: str  # the project's public summary, else its description (both on its public page)
    start_date: datetime.date | None
    end_date: datetime.date | None
    theme_slug: str
    theme_name: str
    recipient_id: int
    recipient_name: str
    recipient_neq: str  # blank: not known
    recipient_city: str
    funder: str  # the funder of the commitment's source (« Fonds québécois d'initiatives sociales »)
    source_code: str
    source_name: str
    awarded: Decimal  # amount − reductions and cancellation, to the cent
    disbursed: Decimal  # the payments as corrected (the commitment's kept disbursed_total)
    decided_on: datetime.date
    modified: datetime.datetime  # the latest of its entry, its reductions, payments and their corrections, its project
    carried_from_id: int | None  # the previous plan's commitment whose remainder it carries


def _latest(queryset):
    """When the newest row of `queryset` (rows of the OuterRef commitment) was written; NULL without one."""
    return Subquery(queryset.order_by("-created_at").values("created_at")[:1])


def grants_queryset(plans=None):
    """The commitments to the public projects of these plans (of every plan: None, the region's), a fully cancelled
    one left out (nothing is awarded any more), each with what its 360Giving grant needs as columns of its row, by
    alliance then decision date."""
    commitments = Commitment.objects.filter(project__status__in=PUBLIC_STATUSES, amount__gt=F("reduced_total"))
    if plans is not None:
        commitments = commitments.filter(project__theme__plan__in=plans)
    this = OuterRef("pk")
    created = F("created_at")
    return commitments.annotate(
        # Each Coalesce'd to the entry's own date: SQLite's MAX() of several values is NULL when one is.
        modified=Greatest(
            created,
            Coalesce(_latest(CommitmentReduction.objects.filter(commitment=this)), created),
            Coalesce(_latest(Disbursement.objects.filter(commitment=this)), created),
            Coalesce(_latest(DisbursementCorrection.objects.filter(disbursement__commitment=this)), created),
            F("project__updated_at"),
            F("project__lead__updated_at"),
        ),
    ).order_by("project__theme__plan__alliance__name", "project__theme__plan__alliance_id", "decided_on", "pk")


_COLUMNS = (
    "pk",
    "project__theme__plan__alliance__slug",
    "project__theme__plan__alliance__name",
    "project__theme__plan__alliance__territory",
    "project__theme__plan__alliance__region",
    "project__theme__plan__slug",
    "project__theme__plan__title",
    "project_id",
    "project__title",
    "project__summary",
    "project__description",
    "project__start_date",
    "project__end_date",
    "project__theme__slug",
    "project__theme__name",
    "project__lead_id",
    "project__lead__name",
    "project__lead__neq",
    "project__lead__city",
    "source__funder",
    "source__code",
    "source__name",
    "amount",
    "reduced_total",
    "disbursed_total",
    "decided_on",
    "modified",
    "carried_from_id",
)


def grants(plans=None) -> Iterator[Grant]:
    """Every grant of these plans' public projects (of every plan: None), read 500 at a time: one query."""
    rows = grants_queryset(plans).values_list(*_COLUMNS)
    for (
        pk,
        alliance_slug,
        alliance_name,
        territory,
        region,
        plan_slug,
        plan_title,
        project_id,
        title,
        summary,
        description,
        start_date,
        end_date,
        theme_slug,
        theme_name,
        recipient_id,
        recipient_name,
        recipient_neq,
        recipient_city,
        funder,
        source_code,
        source_name,
        amount,
        reduced,
        disbursed,
        decided_on,
        modified,
        carried_from_id,
    ) in rows.iterator(chunk_size=CHUNK):
        yield Grant(
            pk=pk,
            alliance_slug=alliance_slug,
            alliance_name=alliance_name,
            territory=territory or region,
            plan_slug=plan_slug,
            plan_title=plan_title,
            project_id=project_id,
            title=title,
            description=summary or description or title,
            start_date=start_date,
            end_date=end_date,
            theme_slug=theme_slug,
            theme_name=theme_name,
            recipient_id=recipient_id,
            recipient_name=recipient_name,
            recipient_neq=recipient_neq,
            recipient_city=recipient_city,
            funder=funder,
            source_code=source_code,
            source_name=source_name,
            awarded=to_cents(amount - reduced),
            disbursed=to_cents(disbursed),
            decided_on=decided_on,
            modified=modified,
            carried_from_id=carried_from_id,
        )
