"""Access to the plan's pages."""

from django.http import Http404
from django.utils.translation import gettext as _

from plans.models import Plan


def current_plan_or_404(plans=None) -> Plan:
    """The current plan (`Plan.objects.current()`) of `plans` (every plan by default, or a queryset that reads
    more with it): 404 on a page that needs a plan when none is loaded yet."""
    plan = (plans if plans is not None else Plan.objects).current()
    if plan is None:
        raise Http404(_("Aucun plan d'action n'est encore chargé."))
    return plan
