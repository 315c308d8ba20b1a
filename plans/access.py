"""Access to the plan's pages: the plan a request is about."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from plans.models import Plan, SharedIndicator


def closed_plan_refusal() -> PermissionDenied:
    """The 403 every app gives a change to a closed plan (its pages are read, never changed)."""
    return PermissionDenied(_("Ce plan est terminé : ses pages se consultent, elles ne se modifient plus."))


def request_plans(request, plans=None):
    """The plans of the request's alliance (`plans`: a queryset that reads more with them, every plan by default),
    narrowed to the plan its address names (/<alliance>/<plan>/...); none on a page of no alliance."""
    plans = plans if plans is not None else Plan.objects.all()
    alliance = getattr(request, "alliance", None)
    if alliance is None:
        return plans.none()
    plans = plans.filter(alliance=alliance)
    if getattr(request, "plan_slug", None):
        plans = plans.filter(slug=request.plan_slug)
    return plans


def request_plan(request, plans=None) -> Plan | None:
    """The plan a request is about: the one its address names, else its alliance's current plan (None without
    one). A queryset `plans` reads more in the same query (annotate, select_related, prefetch_related)."""
    return request_plans(request, plans).current()


def current_plan_or_404(request, plans=None) -> Plan:
    """`request_plan`, or 404 on a page that needs a plan: none loaded yet, or an address naming no plan."""
    plan = request_plan(request, plans)
    if plan is None:
        raise Http404(_("Aucun plan d'action n'est encore chargé."))
    return plan


def reads_shared_indicators(user) -> bool:
    """The alliance's shared indicators (issue 21): Coordination writes them; Personnel and the regional funder read
    them; a partner reads them to link its projects' own (an active member of an organisation). No query after the
    roles' one."""
    return user.is_authenticated and (user.reads_figures or bool(user.organisation_ids()))


def get_shared_indicator(request, pk, *, write=False):
    """A shared indicator of the request's alliance (404 otherwise: another alliance's is never found); with
    `write`, Coordination's, of a plan still open (403 otherwise)."""
    indicator = get_object_or_404(
        SharedIndicator.objects.in_alliance(getattr(request, "alliance", None)).select_related("theme__plan"), pk=pk
    )
    if write and indicator.theme.plan.is_archived:
        raise closed_plan_refusal()
    return indicator
