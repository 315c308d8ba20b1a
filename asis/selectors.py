"""Reads for the home page, which joins the three apps (plan, spaces and projects, envelope)."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budget.models import Commitment, FundingSource
from chantiers.models import ActionProject, Chantier, Plan, ProjectStatus
from organisations.models import Organisation

ZERO = Decimal("0.00")


def current_plan() -> Plan | None:
    return (
        Plan.objects.select_related("coordinating_organisation")
        .prefetch_related("years", "principles", "mobilisation_activities")
        .order_by("-start_date")
        .first()
    )


def _committed_subquery():
    money = DecimalField(max_digits=12, decimal_places=2)
    total = (
        Commitment.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=money), Value(ZERO, output_field=money))


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
    return context
