"""Who may do what with the concertation spaces and their meetings: one place, used by every view.

An outsider gets 404 (nothing to enumerate), a logged-in user without the right 403,
an anonymous visitor the login page. Everything belongs to the request's alliance (`request.alliance`, the
address's): another alliance's space, meeting or follow-up is 404 on this alliance's pages. A closed plan's
pages are read, never changed: every write under it answers 403 with the reason.

Running a space's meetings (scheduling, attendance, minutes, decisions, follow-ups) is Coordination's and that
space's facilitators' (`SpaceFacilitator`): `can_run_meetings`, no query once the person's spaces are loaded.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from chantiers.models import Consultation, FollowUp, Meeting, Space, SpaceFacilitator, SpaceMembership
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


def facilitated_spaces(user) -> dict[int, int]:
    """{space pk: alliance pk} of the spaces whose meetings `user` runs now: an open `SpaceFacilitator` row while one
    of their organisations still sits in the space (the seat it speaks for). One query, then kept on the user."""
    if not user.is_authenticated:
        return {}
    if not hasattr(user, "_chantiers_facilitated"):
        seated = SpaceMembership.objects.current().filter(organisation_id__in=user.organisation_ids())
        user._chantiers_facilitated = dict(
            SpaceFacilitator.objects.current()
            .filter(user=user, space_id__in=seated.values("space_id"))
            .values_list("space_id", "space__alliance_id")
        )
    return user._chantiers_facilitated


def runs_meetings_in(user, alliance) -> bool:
    """Coordination of the alliance, or a facilitator of one of its spaces."""
    if user.is_coordinator:
        return True
    return alliance is not None and alliance.pk in facilitated_spaces(user).values()


def can_run_meetings(user, space) -> bool:
    """May schedule `space`'s meetings and record their attendance, minutes, decisions and follow-ups: Coordination,
    or a facilitator of that space. `space` is a Space or its pk."""
    if user.is_coordinator:
        return True
    return getattr(space, "pk", space) in facilitated_spaces(user)


def meeting_runners_required(view):
    """The pages that run meetings: an anonymous visitor signs in; a person who runs no meeting of the request's
    alliance (neither Coordination nor a facilitator there) gets 403 without a look at the object, as before there
    were facilitators; a facilitator then gets 404 for a space they do not see, 403 for another space they see."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not runs_meetings_in(request.user, getattr(request, "alliance", None)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def refuse_runs(request, space) -> None:
    """Coordination or a facilitator of `space` runs its meetings, and not under a closed plan."""
    if not can_run_meetings(request.user, space):
        raise PermissionDenied
    refuse_closed_plan(request)


def get_space_for_user(request, pk, *, write=False, run=False, queryset=None) -> Space:
    """`write`: Coordination's changes (settings, seats, facilitators, archive); `run`: running its meetings."""
    spaces = (queryset if queryset is not None else Space.objects).in_alliance(request.alliance)
    space = get_object_or_404(spaces.visible_to(request.user), pk=pk)
    if write:
        refuse_writes(request)
    if run:
        refuse_runs(request, space)
    return space


def get_meeting_for_user(request, pk, *, write=False, run=False, queryset=None) -> Meeting:
    meetings = (queryset if queryset is not None else Meeting.objects).in_alliance(request.alliance)
    meeting = get_object_or_404(meetings.visible_to(request.user), pk=pk)
    if write:
        refuse_writes(request)
    if run:
        refuse_runs(request, meeting.space_id)
    return meeting


def get_follow_up_for_user(request, pk, *, write=False, run=False, queryset=None) -> FollowUp:
    """A follow-up of a decision taken at a meeting the user sees, of the request's alliance."""
    follow_ups = (queryset if queryset is not None else FollowUp.objects).in_alliance(request.alliance)
    visible = Meeting.objects.in_alliance(request.alliance).visible_to(request.user)
    follow_up = get_object_or_404(follow_ups.filter(decision__meeting__in=visible), pk=pk)
    if write:
        refuse_writes(request)
    if run:
        refuse_runs(request, follow_up.decision.meeting.space_id)
    return follow_up


def get_consultation_for_user(request, pk, *, run=False, queryset=None) -> Consultation:
    """A written consultation of the request's alliance that the user sees: Coordination and staff every one, a
    facilitator those of their spaces, a partner those their organisation answers (404 for any other); `run`:
    Coordination or the space's facilitator (its decision), not under a closed plan."""
    consultations = (queryset if queryset is not None else Consultation.objects).in_alliance(request.alliance)
    consultation = get_object_or_404(consultations.visible_to(request.user), pk=pk)
    if run:
        refuse_runs(request, consultation.space_id)
    return consultation
