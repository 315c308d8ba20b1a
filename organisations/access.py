"""Who may do what with organisations: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from organisations.models import Organisation


def coordination_required(view):
    """Only Coordination runs the plan: approves organisations, manages spaces, meetings and the envelope."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_coordinator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def staff_or_coordination_required(view):
    """Coordination and Personnel (they read everything); partners get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.sees_everything:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_organisation_for_user(request, pk, *, edit=False, manage=False, queryset=None) -> Organisation:
    """Members, Coordination and Personnel see an organisation; members edit it; its responsables manage members."""
    organisation = get_object_or_404(
        (queryset if queryset is not None else Organisation.objects).visible_to(request.user), pk=pk
    )
    if edit and not organisation.can_edit(request.user):
        raise PermissionDenied
    if manage and not organisation.can_manage_members(request.user):
        raise PermissionDenied
    return organisation
