from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy

from organisations.citizen_accounts import session_citizen_id
from organisations.roles import COORDINATION, FUNDER, PARTENAIRE, PERSONNEL, ROLE_LABELS
from plans.models import Plan


def roles(request):
    """The current user's role and first organisation, for navigation: at most two queries, cached on the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role": None, "role_label": ""}
    if session_citizen_id(request) is not None:  # a citizen's own account (issue 21, part 5): no role, no query
        return {"role": None, "role_label": gettext_lazy("Citoyen"), "citizen_account": True}
    # « Mon organisation »: read only when a template asks, through User.organisation_ids()
    # (one query cached on the user, often already loaded by the view).
    first_organisation_id = SimpleLazyObject(lambda: min(user.organisation_ids(), default=None))
    if user.is_coordinator:
        role = COORDINATION
    elif user.is_personnel:
        role = PERSONNEL
    elif user.is_funder:
        role = FUNDER
    else:
        role = PARTENAIRE
    return {
        "role": role,
        "role_label": ROLE_LABELS[role],
        "my_organisation_id": first_organisation_id,
        # the portal-wide pages (sign-up requests, privacy registers, the admin) belong to the portal's operators
        "runs_portal": user.runs_portal,
    }


def alliance(request):
    """The alliance of the page (None on a page of no alliance) and, on a page of a plan named by its address
    (/<alliance>/<plan>/...), that plan: read only when a template asks (one query), to mark an archived plan."""
    plan_slug = getattr(request, "plan_slug", None)
    current_alliance = getattr(request, "alliance", None)
    viewed_plan = None
    if current_alliance is not None and plan_slug:
        viewed_plan = SimpleLazyObject(lambda: Plan.objects.filter(alliance=current_alliance, slug=plan_slug).first())
    return {"alliance": current_alliance, "viewed_plan": viewed_plan}
