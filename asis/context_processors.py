from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL, ROLE_LABELS


def roles(request):
    """The current user's role, for navigation. Costs one query per request, cached on the user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"role": None, "role_label": ""}
    if user.is_coordinator:
        role = COORDINATION
    elif user.is_personnel:
        role = PERSONNEL
    else:
        role = PARTENAIRE
    return {"role": role, "role_label": ROLE_LABELS[role]}
