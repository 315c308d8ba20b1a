"""Writes of the plan and of action projects that carry a rule or a history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.models import (
    ActionProject,
    Plan,
    PlanYear,
    ProjectStatus,
    ProjectStatusChange,
)


@transaction.atomic
def project_change_status(
    *, project: ActionProject, to_status: str, by=None, comment: str = "", at: datetime.datetime | None = None
) -> ProjectStatusChange:
    """Move a project along the review process, keeping who, when (`at`, now by default) and why.

    The project row is locked and re-read, so the rule applies to its current status;
    the caller's instance is brought up to date.
    """
    caller = project
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if to_status not in ProjectStatus.values:
        raise ValidationError(_("Statut inconnu : %(status)s.") % {"status": to_status})
    if not project.can_become(to_status):
        raise ValidationError(
            _("Un projet « %(current)s » ne peut pas passer à « %(target)s ».")
            % {"current": project.get_status_display(), "target": ProjectStatus(to_status).label}
        )
    change = ProjectStatusChange.objects.create(
        project=project, from_status=project.status, to_status=to_status, changed_by=by, comment=comment,
        changed_at=at or timezone.now(),
    )
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    caller.status = to_status
    return change


@transaction.atomic
def project_create(
    *, by=None, status: str = ProjectStatus.DRAFT, comment: str = "", at: datetime.datetime | None = None, **fields
) -> ActionProject:
    """Create a project (an intention or a draft) and the first line of its history."""
    if status not in (ProjectStatus.INTENTION, ProjectStatus.DRAFT):
        raise ValidationError(_("Un projet commence comme intention ou comme brouillon."))
    plan_years = fields.pop("plan_years", None)
    project = ActionProject(status=status, **fields)
    project.full_clean()
    project.save()
    if plan_years:
        project.plan_years.set(plan_years)
    ProjectStatusChange.objects.create(
        project=project, from_status="", to_status=status, changed_by=by, comment=comment, changed_at=at or timezone.now()
    )
    return project


@transaction.atomic
def plan_years_ensure(*, plan: Plan, count: int = 3) -> list[PlanYear]:
    """Give the plan its fiscal years (1 April–31 March) from its start date; leaves existing years as edited."""
    first = Plan.fiscal_year_start(plan.start_date)
    years = []
    for number in range(1, count + 1):
        start, end = PlanYear.fiscal_bounds(first, number - 1)
        year, _created = PlanYear.objects.get_or_create(
            plan=plan, number=number, defaults={"start_date": start, "end_date": end}
        )
        years.append(year)
    return years


def plan_year_for(plan: Plan, day: datetime.date) -> PlanYear | None:
    return next((year for year in plan.years.all() if year.contains(day)), None)
