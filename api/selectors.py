"""What a token reads: each list is its alliance's rows that the token's role reads on the pages, read with what its
columns need in one query (the kept totals, never sums over every payment)."""

from django.db.models import IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budget.models import BudgetTarget, Commitment, Disbursement
from figures import selectors as kept_totals
from figures.models import ZERO
from plans.models import SharedIndicator, SharedIndicatorMeasure, Theme
from projects.models import PUBLIC_STATUSES, ActionProject


def projects(principal):
    """Coordination and staff: every project of the alliance, whatever its status; the regional funder: the accepted
    ones (public money), as on the projects' pages (ActionProject.objects.visible_to)."""
    return (
        ActionProject.objects.in_alliance(principal.api_token.alliance)
        .visible_to(principal)
        .with_money()
        .select_related("lead", "theme__plan")
        .order_by("theme__plan__start_date", "theme__order", "title", "pk")
    )


def commitments(principal):
    """The alliance's commitments (who reads the envelope reads them all: budget.access.figures_readers_only)."""
    return (
        Commitment.objects.in_alliance(principal.api_token.alliance)
        .select_related("project__lead", "project__theme", "source__plan", "plan_year", "resolution", "created_by")
        .annotate(current=Commitment.CURRENT)
        .order_by("decided_on", "pk")
    )


def payments(principal):
    return (
        Disbursement.objects.in_alliance(principal.api_token.alliance)
        .select_related("commitment__project__theme", "commitment__source__plan", "created_by")
        .annotate(paid=Disbursement.CURRENT)
        .order_by("paid_on", "pk")
    )


def indicators(principal):
    """The shared indicators of the alliance's plans, each with its latest measure (plan pages are public)."""
    latest = SharedIndicatorMeasure.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-pk")
    return (
        SharedIndicator.objects.filter(theme__plan__alliance=principal.api_token.alliance)
        .select_related("theme__plan")
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
            latest_source=Subquery(latest.values("source")[:1]),
        )
        .order_by("theme__plan__start_date", "theme__order", "order", "pk")
    )


def bilan_themes(principal):
    """A row per theme of the alliance's plans: its target, its projects accepted, the money committed to and paid on
    its projects (every status, as the envelope counts it), the other funding and the partners' contributions of its
    accepted projects; read over the kept totals (figures), a few rows per theme, never over the projects."""
    money = lambda field: Coalesce(  # noqa: E731
        Subquery(
            kept_totals.money_rows(theme=OuterRef("pk")).values("theme").annotate(t=Sum(field)).values("t"),
        ),
        Value(ZERO),
    )
    public = lambda field: Coalesce(  # noqa: E731
        Subquery(
            kept_totals.project_rows(PUBLIC_STATUSES, theme=OuterRef("pk"))
            .values("theme")
            .annotate(t=Sum(field))
            .values("t")
        ),
        Value(0 if field == "projects" else ZERO),
        output_field=IntegerField() if field == "projects" else None,
    )
    # A theme has one target (unique per plan and theme): its share as first set, with the moves in and out
    targets = BudgetTarget.objects.filter(theme=OuterRef("pk")).with_current().values("current")[:1]
    return (
        Theme.objects.filter(plan__alliance=principal.api_token.alliance)
        .select_related("plan")
        .annotate(
            target=Coalesce(Subquery(targets), Value(ZERO)),
            accepted_projects=public("projects"),
            committed=money("committed"),
            paid=money("paid"),
            other_funding=public("other_funding"),
            contributions=public("contributions"),
        )
        .order_by("plan__start_date", "order", "pk")
    )
