"""A project's status: the one way it moves along the review process, with who, when and why."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from figures import services as figures
from projects.models import (
    ActionProject,
    ProjectStatus,
    ProjectStatusChange,
)
from projects.services._common import PROJECTS, project_plan_written


@transaction.atomic
def project_change_status(
    *, project: ActionProject, to_status: str, by=None, comment: str = "", at: datetime.datetime | None = None
) -> ProjectStatusChange:
    """Move a project along the review process, keeping who, when (`at`, now by default) and why.

    The project row is locked and re-read, so the rule applies to its current status;
    the caller's instance is brought up to date.
    """
    caller = project
    project = ActionProject.objects.select_for_update().select_related("theme").get(pk=project.pk)
    before = (project.theme.plan_id, project.theme_id, project.status)
    if to_status not in ProjectStatus.values:
        raise ValidationError(_("Statut inconnu : %(status)s.") % {"status": to_status})
    if not project.can_become(to_status):
        raise ValidationError(
            _("Un projet « %(current)s » ne peut pas passer à « %(target)s ».")
            % {"current": project.get_status_display(), "target": ProjectStatus(to_status).label}
        )
    change = ProjectStatusChange.objects.create(
        project=project,
        from_status=project.status,
        to_status=to_status,
        changed_by=by,
        comment=comment,
        changed_at=at or timezone.now(),
    )
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    project.deadlines_follow_status(before[2])  # withdrawn or its final report filed: its deadlines are awaited no more
    figures.project_moved(project=project, before=before)  # its count and money move to the new status
    caller.status = to_status
    project_plan_written(project, parts=PROJECTS)
    return change
