"""What the action projects' writes share."""

from collections import defaultdict

from organisations.models import Membership
from plans.models import Theme
from plans.versions import plan_written
from projects.models import ActionProject


def organisation_recipients(org_ids) -> dict[int, list[str]]:
    """Per organisation: its responsables' addresses, or its members' when no responsable has one. One query."""
    return {
        org_id: sorted({user.email for user in users})
        for org_id, users in organisation_recipient_users(org_ids).items()
    }


def organisation_recipient_users(org_ids) -> dict[int, list]:
    """As organisation_recipients, the people themselves (active, with an address), whom notifications.notify writes
    to each as they chose, in their language: {org id: [users]}. One query."""
    memberships = (
        Membership.objects.current()
        .filter(organisation_id__in=org_ids, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "pk")
    )
    responsables, members = defaultdict(dict), defaultdict(dict)
    for membership in memberships:
        (responsables if membership.role == Membership.Role.RESPONSABLE else members)[membership.organisation_id][
            membership.user_id
        ] = membership.user
    return {org_id: list((responsables[org_id] or members[org_id]).values()) for org_id in org_ids}


def project_alliance_id(project) -> int:
    """The alliance of `project` (through its theme's plan), which its e-mails carry to the outbox. One query."""
    return Theme.objects.filter(pk=project.theme_id).values_list("plan__alliance_id", flat=True).get()


PROJECTS = ("projects",)  # the part of a plan's figures that the project's own rows are (plans.versions.PARTS)


def project_plan_written(project, *, parts=None) -> None:
    """What the project shows in its plan's figures changed, in the part(s) `parts` (plans.versions.PARTS; None:
    every part): its plan's version moves once the transaction commits. No query when the project's theme is read
    already, one otherwise."""
    if ActionProject._meta.get_field("theme").is_cached(project):
        plan_written(project.theme.plan_id, parts=parts)
    else:
        plan_written(Theme.objects.filter(pk=project.theme_id).values_list("plan_id", flat=True).first(), parts=parts)
