"""Reads of the alliance: who holds which role where. Only open roles count; anonymous visitors hold none."""

from alliances.models import Alliance, AllianceRole

READING_ROLES = (AllianceRole.Role.COORDINATION, AllianceRole.Role.PERSONNEL, AllianceRole.Role.FUNDER)


def _open_roles_of(user):
    if user is None or not user.is_authenticated:
        return AllianceRole.objects.none()
    return AllianceRole.objects.open().filter(user=user)


def alliances_coordinated_by(user):
    """The alliances where `user` holds an open coordination role."""
    roles = _open_roles_of(user).filter(role=AllianceRole.Role.COORDINATION)
    return Alliance.objects.filter(pk__in=roles.values("alliance"))


def alliances_read_by(user):
    """The alliances whose pages `user` reads as a role holder: coordination, personnel or regional funder."""
    roles = _open_roles_of(user).filter(role__in=READING_ROLES)
    return Alliance.objects.filter(pk__in=roles.values("alliance"))


def role_in(user, alliance: Alliance) -> AllianceRole.Role | None:
    """`user`'s open role in `alliance` (AllianceRole.Role), or None."""
    role = _open_roles_of(user).filter(alliance=alliance).values_list("role", flat=True).first()
    return AllianceRole.Role(role) if role else None
