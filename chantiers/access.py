"""Who may do what with the concertation spaces and their meetings: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page. Everything belongs to the request's alliance (`request.alliance`, the
address's): another alliance's space, meeting or follow-up is 404 on this alliance's pages. A closed plan's
pages are read, never changed: every write under it answers 403 with the reason.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from chantiers.models import FollowUp, Meeting, Space
from organisations.access import coordination_required, staff_or_coordination_required  # noqa: F401  (the role gates, defined once)
from plans.access import closed_plan_refusal, request_plan


def page_plan(request):
    """The request's plan (`plans.access.request_plan`: the address's, else the alliance's current one), read
    once per request."""
    if not hasattr(request, "_chantiers_plan"):
        request._chantiers_plan = request_plan(request)
    return request._chantiers_plan


def refuse_closed_plan(request) -> None:
    """403 with the reason when the request's plan is closed: its pages are read, not changed."""
    plan = page_plan(request)
    if plan is not None and plan.is_archived:
        raise closed_plan_refusal()


def shows_closed_plan(request) -> bool:
    """Whether the page shows a closed plan that its address names (/<alliance>/<plan>/...): it hides its write
    buttons then. One query there, none at the current plan's addresses, as the archived banner
    (`pages.context_processors.alliance`); writes check the request's plan whatever the address."""
    if not getattr(request, "plan_slug", None):
        return False
    plan = page_plan(request)
    return plan is not None and plan.is_archived


def refuse_writes(request) -> None:
    """Coordination of the request's alliance writes, and not under a closed plan."""
    if not request.user.is_coordinator:
        raise PermissionDenied
    refuse_closed_plan(request)


def figures_readers_required(view):
    """Coordination, Personnel and the regional funder: figures that name nobody (the funder reads them, writes
    nothing); partners get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.reads_figures:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_space_for_user(request, pk, *, write=False, queryset=None) -> Space:
    spaces = (queryset if queryset is not None else Space.objects).in_alliance(request.alliance)
    space = get_object_or_404(spaces.visible_to(request.user), pk=pk)
    if write:
        refuse_writes(request)
    return space


def get_meeting_for_user(request, pk, *, write=False, queryset=None) -> Meeting:
    meetings = (queryset if queryset is not None else Meeting.objects).in_alliance(request.alliance)
    meeting = get_object_or_404(meetings.visible_to(request.user), pk=pk)
    if write:
        refuse_writes(request)
    return meeting


def get_follow_up_for_user(request, pk, *, write=False, queryset=None) -> FollowUp:
    """A follow-up of a decision taken at a meeting the user sees, of the request's alliance."""
    follow_ups = (queryset if queryset is not None else FollowUp.objects).in_alliance(request.alliance)
    visible = Meeting.objects.in_alliance(request.alliance).visible_to(request.user)
    follow_up = get_object_or_404(follow_ups.filter(decision__meeting__in=visible), pk=pk)
    if write:
        refuse_writes(request)
    return follow_up
