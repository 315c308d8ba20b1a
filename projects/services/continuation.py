"""A project's continuation in the next plan (succession.services.plan_next_start): a new project of the new plan
that `continues` the old one, with what its lead filed (partners, description, indicators, funding package) and its
status. The old project stays as it was, with its money, reports and history, in the closed plan."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from figures import services as figures
from plans.models import Objective, PlanYear, Theme
from plans.versions import plan_written
from projects.models import (
    ActionProject,
    Indicator,
    OtherFunding,
    ProjectPartner,
    ProjectStatusChange,
    ProjectYearAmount,
    ReportDeadline,
)

# What the lead filed, copied as it is onto the continuation.
FILED_FIELDS = (
    "title",
    "lead_id",
    "space_id",
    "summary",
    "description",
    "objectives",
    "target_population",
    "area_served",
    "start_date",
    "end_date",
    "is_demo",
)


@transaction.atomic
def project_continue(
    *,
    project: ActionProject,
    theme: Theme,
    objective: Objective | None = None,
    requested: dict[PlanYear, Decimal] | None = None,
    comment: str,
    by=None,
    at: datetime.datetime | None = None,
) -> tuple[ActionProject, dict[int, ReportDeadline]]:
    """Continue `project` in `theme`'s plan: a new project, same status, that `continues` it.

    Copied: what the lead filed (FILED_FIELDS), its partners with their answers (a declined one is no partner),
    other funding and indicators (without their values, which belong to the old project's reports), and the report
    deadlines not met yet. `requested` (plan year -> amount) is what the continuation asks of the new envelope.
    Returns the continuation and its copies of the deadlines (old deadline pk -> new deadline)."""
    requested = {year: amount for year, amount in (requested or {}).items() if amount > 0}
    continuation = ActionProject(
        **{name: getattr(project, name) for name in FILED_FIELDS},
        theme=theme,
        objective=objective,
        status=project.status,
        amount_requested=sum(requested.values(), Decimal("0.00")),
        continues=project,
    )
    continuation.full_clean()
    continuation.save()
    figures.project_moved(project=continuation, before=None)  # counted in its theme of the next plan
    plan_written(theme.plan_id)  # the new plan counts the continuation (the old plan's figures are unchanged)
    if requested:
        continuation.plan_years.set(requested)
        for year, amount in requested.items():
            row = ProjectYearAmount(project=continuation, plan_year=year, amount=amount)
            row.full_clean()
            row.save()
    ProjectStatusChange.objects.create(
        project=continuation,
        from_status="",
        to_status=continuation.status,
        changed_by=by,
        comment=comment,
        changed_at=at or timezone.now(),
    )
    for partner in project.partnerships.not_declined().order_by("pk"):
        ProjectPartner.objects.create(
            project=continuation,
            organisation_id=partner.organisation_id,
            contribution_kind=partner.contribution_kind,
            contribution_value=partner.contribution_value,
            contribution_description=partner.contribution_description,
            status=partner.status,  # the partner's answer was about this project: it stands for its continuation
            answered_by_id=partner.answered_by_id,
            answered_at=partner.answered_at,
        )
    OtherFunding.objects.bulk_create(
        OtherFunding(
            project=continuation,
            kind=funding.kind,
            source_name=funding.source_name,
            amount=funding.amount,
            confirmed=funding.confirmed,
        )
        for funding in project.other_funding.order_by("pk")
    )
    # What it carries (confirmed partners' contributions, other funding) counts in its theme of the next plan.
    figures.project_values_changed(project=continuation, before=figures.NO_VALUES)
    Indicator.objects.bulk_create(
        Indicator(project=continuation, name=i.name, unit=i.unit, target=i.target, order=i.order)
        for i in project.indicators.order_by("order", "pk")
    )
    deadlines = {}
    for deadline in project.report_deadlines.pending().order_by("due_on", "pk"):
        copy = ReportDeadline(
            project=continuation, kind=deadline.kind, due_on=deadline.due_on, label=deadline.label, created_by=by
        )
        copy.full_clean()
        copy.save()
        deadlines[deadline.pk] = copy
    return continuation, deadlines
