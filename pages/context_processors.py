from django.utils.functional import SimpleLazyObject

from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL, ROLE_LABELS


def roles(request):
    """The current user's role and first organisation, for navigation: at most two queries, cached on the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role": None, "role_label": ""}
    # « Mon organisation »: read only when a template asks, through User.organisation_ids()
    # (one query cached on the user, often already loaded by the view).
    first_organisation_id = SimpleLazyObject(lambda: min(user.organisation_ids(), default=None))
    if user.is_coordinator:
        role = COORDINATION
    elif user.is_personnel:
        role = PERSONNEL
    else:
        role = PARTENAIRE
    return {"role": role, "role_label": ROLE_LABELS[role], "my_organisation_id": first_organisation_id}
