"""Who may do what with the concertation spaces and their meetings: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from chantiers.models import Meeting, Space
from organisations.access import coordination_required, staff_or_coordination_required  # noqa: F401  (the role gates, defined once)


def get_space_for_user(request, pk, *, write=False, queryset=None) -> Space:
    space = get_object_or_404((queryset if queryset is not None else Space.objects).visible_to(request.user), pk=pk)
    if write and not request.user.is_coordinator:
        raise PermissionDenied
    return space


def get_meeting_for_user(request, pk, *, write=False, queryset=None) -> Meeting:
    meeting = get_object_or_404((queryset if queryset is not None else Meeting.objects).visible_to(request.user), pk=pk)
    if write and not request.user.is_coordinator:
        raise PermissionDenied
    return meeting
