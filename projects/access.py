"""Who may do what with the action projects and their reports: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from organisations.access import coordination_required, staff_or_coordination_required  # noqa: F401  (the role gates, defined once)
from projects.models import ActionProject


def get_project_for_user(request, pk, *, write=False, queryset=None) -> ActionProject:
    """A project the user may see (404 otherwise); with `write`, one they may edit (403 with the reason otherwise)."""
    base = queryset if queryset is not None else ActionProject.objects.select_related("lead", "theme")
    project = get_object_or_404(base.visible_to(request.user), pk=pk)
    if write and not project.can_edit(request.user):
        if project.is_lead_member(request.user) and not project.is_editable_by_partner:
            raise PermissionDenied(
                _(
                    "Ce projet est « %(status)s » : il ne se modifie plus. Écrivez un commentaire à la coordination au besoin."
                )
                % {"status": project.get_status_display()}
            )
        raise PermissionDenied(_("Seuls les membres de l'organisation porteuse modifient ce projet."))
    return project


def is_report_reader(user, project: ActionProject, partner_ids) -> bool:
    """Reports and their attachments are private: coordination, staff and members of the lead or a partner
    organisation (`partner_ids`, the project's partner organisations, avoids a query)."""
    if not user.is_authenticated:
        return False
    return user.sees_everything or bool(user.organisation_ids() & ({project.lead_id} | set(partner_ids)))


def report_can_file(project: ActionProject, user) -> bool:
    """Members of the lead organisation file its reports; Personnel only reads. No query (the roles are cached)."""
    return project.is_lead_member(user) and not (user.is_personnel and not user.is_coordinator)


def get_project_for_reports(request, pk, *, file=False, queryset=None) -> ActionProject:
    """A project whose reports the user may read (404 otherwise, even for a public project); with `file`,
    one whose reports they may file (403 otherwise: partners named on it, staff and coordination only read)."""
    project = get_project_for_user(request, pk, queryset=queryset)
    partner_ids = {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
    if not is_report_reader(request.user, project, partner_ids):
        raise Http404
    if file and not report_can_file(project, request.user):
        raise PermissionDenied(_("Seuls les membres de l'organisation porteuse déposent les rapports de ce projet."))
    return project
