"""What the action projects' writes share."""

from collections import defaultdict

from organisations.models import Membership


def organisation_recipients(org_ids) -> dict[int, list[str]]:
    """Per organisation: its responsables' addresses, or its members' when no responsable has one. One query."""
    rows = (
        Membership.objects.current()
        .filter(organisation_id__in=org_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "role", "user__email")
    )
    responsables, members = defaultdict(set), defaultdict(set)
    for org_id, role, email in rows:
        (responsables if role == Membership.Role.RESPONSABLE else members)[org_id].add(email)
    return {org_id: sorted(responsables[org_id] or members[org_id]) for org_id in org_ids}
