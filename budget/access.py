"""Who may read and write the envelope, and where: one place, used by every view of the budget.

Every object a page fetches by its number is one of the request's alliance (`request.alliance`): another
alliance's commitment, payment, agreement or project answers 404, as an unknown one (nothing to enumerate).
Coordination writes; Coordination, Personnel and the regional funder read the figures (the funder writes nothing).
A closed plan's pages are read, never changed: every write of one answers 403 with the reason.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from budget.models import Agreement, Commitment, Disbursement
from plans.access import closed_plan_refusal, current_plan_or_404, request_plan
from projects.models import ActionProject, ProjectPartner


def archived_plan_refusal() -> PermissionDenied:
    return closed_plan_refusal()


def refuse_if_archived(request, plan=None) -> None:
    """403 when `plan` (the plan of the object written to), or the plan the request's address names, is closed."""
    if plan is not None and plan.is_archived:
        raise archived_plan_refusal()
    if getattr(request, "plan_slug", None):  # /<alliance>/<plan>/...: the page of a plan other than the current one
        named = request_plan(request)
        if named is not None and named.is_archived:
            raise archived_plan_refusal()


def figures_readers_only(view):
    """Coordination, Personnel and the regional funder read the envelope and its figures; partners get 403,
    an anonymous visitor the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.reads_figures:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def plan_for(request, plans=None, *, write: bool = False):
    """The request's plan (404 without one); with `write`, 403 when it is closed."""
    plan = current_plan_or_404(request, plans)
    if write and plan.is_archived:
        raise archived_plan_refusal()
    return plan


def can_write(request, plan) -> bool:
    """Whether the page shows its write buttons: Coordination, on a plan that is not closed."""
    return request.user.is_coordinator and not plan.is_archived


def get_commitment(request, pk, *, write: bool = False) -> Commitment:
    """A commitment of the request's alliance (404 otherwise); with `write`, 403 when its plan is closed."""
    commitment = get_object_or_404(
        Commitment.objects.in_alliance(request.alliance).select_related("project", "source__plan", "plan_year"),
        pk=pk,
    )
    if write:
        refuse_if_archived(request, commitment.source.plan)
    return commitment


def get_disbursement(request, pk, *, write: bool = False) -> Disbursement:
    """A payment of the request's alliance (404 otherwise); with `write`, 403 when its plan is closed."""
    disbursement = get_object_or_404(
        Disbursement.objects.in_alliance(request.alliance).select_related(
            "commitment__project", "commitment__source__plan", "commitment__plan_year"
        ),
        pk=pk,
    )
    if write:
        refuse_if_archived(request, disbursement.commitment.source.plan)
    return disbursement


def get_agreement(request, pk, *, write: bool = False) -> Agreement:
    """An agreement of the request's alliance the user may read (404 otherwise: Coordination, Personnel and the
    funder read them all, members of the lead or partner organisations their own); with `write`, Coordination
    only (403), on a plan that is not closed (403)."""
    agreement = get_object_or_404(
        Agreement.objects.in_alliance(request.alliance)
        .visible_to(request.user)
        .select_related("project__lead", "project__theme__plan"),
        pk=pk,
    )
    if write:
        if not request.user.is_coordinator:
            raise PermissionDenied
        refuse_if_archived(request, agreement.project.theme.plan)
    return agreement


def get_project_for_budget(request, pk) -> ActionProject:
    """A project of the request's alliance whose budget the user may read: Coordination, Personnel and the funder
    every one; members of its lead or partner organisations theirs (read-only); anyone else gets 404."""
    projects = ActionProject.objects.filter(theme__plan__alliance=request.alliance).select_related(
        "lead", "theme__plan", "latest_report"
    )
    if not request.user.reads_figures:
        org_ids = request.user.organisation_ids()
        partnered = ProjectPartner.objects.not_declined().filter(organisation_id__in=org_ids).values("project_id")
        projects = projects.filter(Q(lead_id__in=org_ids) | Q(pk__in=partnered))
    return get_object_or_404(projects, pk=pk)


def reads_project_money(user, project) -> bool:
    """Whether `user` reads the « Financement » panel of `project` (issue 23): Coordination, Personnel and the
    funder every project's; members of its lead or of a partner organisation that has not declined their own,
    read-only. No query when the project's partnerships are prefetched (the project page)."""
    if not user.is_authenticated:
        return False
    if user.reads_figures:
        return True
    named = {project.lead_id} | {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
    return bool(user.organisation_ids() & named)
