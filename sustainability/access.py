"""Who may see and answer a sustainability check, and who edits a practice: an outsider gets 404 (nothing to
enumerate), a reader without the right 403. Every row is looked up among the request's alliance's own."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.access import get_project_for_user
from sustainability.models import Practice, SustainabilityCheck
from sustainability.services import can_answer, practice_can_edit


def checks_of(request):
    """The request's alliance's checks the user may see: Coordination and staff every one, a partner its own."""
    return SustainabilityCheck.objects.in_alliance(request.alliance).visible_to(request.user)


def get_check_for_user(request, pk, *, answer=False) -> SustainabilityCheck:
    check = get_object_or_404(
        checks_of(request).select_related("project__lead", "project__theme__plan", "final_report", "answered_by"),
        pk=pk,
    )
    if answer and not can_answer(check, request.user):
        raise PermissionDenied
    return check


def get_project_for_practice(request, pk):
    """A project of the request's alliance the user sees (404 otherwise) whose practice they write (403 otherwise)."""
    project = get_project_for_user(request, pk)
    if not practice_can_edit(project, request.user):
        raise PermissionDenied
    return project


def practices_of(request):
    """The request's alliance's practices the user may read: published ones; their own and, for Coordination and
    staff, every one."""
    return Practice.objects.in_alliance(request.alliance).visible_to(request.user)


def get_practice_for_edit(request, pk) -> Practice:
    practice = get_object_or_404(practices_of(request).select_related("project__lead"), pk=pk)
    if not practice_can_edit(practice.project, request.user):
        raise PermissionDenied
    return practice
