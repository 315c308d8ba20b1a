"""What the action projects' writes share."""

from collections import defaultdict

from organisations.models import Membership
from plans.models import Theme
from plans.versions import plan_written
from projects.models import ActionProject


def organisation_recipients(org_ids) -> dict[int, list[str]]:
    """Per organisation: its responsables' addresses, or its members' when no responsable has one. One query."""
    return {
        org_id: sorted({email for emails in by_language.values() for email in emails})
        for org_id, by_language in organisation_recipients_by_language(org_ids).items()
    }


def organisation_recipients_by_language(org_ids) -> dict[int, dict[str, list[str]]]:
    """As organisation_recipients, each organisation's addresses by the language their person chose in the portal
    (User.language; "" for the portal's own): {org id: {language: [addresses]}}, to write to each in theirs. One
    query."""
    rows = (
        Membership.objects.current()
        .filter(organisation_id__in=org_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("organisation_id", "role", "user__email", "user__language")
    )
    responsables, members = defaultdict(dict), defaultdict(dict)
    for org_id, role, email, language in rows:
        (responsables if role == Membership.Role.RESPONSABLE else members)[org_id][email] = language
    recipients = {}
    for org_id in org_ids:
        languages = defaultdict(list)
        for email, language in sorted((responsables[org_id] or members[org_id]).items()):
            languages[language].append(email)
        recipients[org_id] = dict(languages)
    return recipients


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
