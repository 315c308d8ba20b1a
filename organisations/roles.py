"""The three roles of the portal, as Django groups.

- Coordination (RNVVS staff): everything, through the portal and the admin.
- Personnel: reads everything and exports reports; changes nothing.
- Partenaire: only their own organisation's projects and reports
  (granted through membership, not through global permissions).
"""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

COORDINATION = "Coordination"
PERSONNEL = "Personnel"
PARTENAIRE = "Partenaire"
# The regional funder is a role in alliances only (alliances.AllianceRole), never a portal-wide group.
FUNDER = "Bailleur"

ROLE_LABELS = {
    COORDINATION: _("Coordination"),
    PERSONNEL: _("Personnel"),
    PARTENAIRE: _("Partenaire"),
    FUNDER: _("Bailleur de fonds régional"),
}

DOMAIN_APPS = ("organisations", "alliances", "privacy", "plans", "chantiers", "projects", "budget", "succession")

# Rows that money or history hang on are archived, never deleted, even by coordination.
NEVER_DELETED = {
    "organisation",
    "alliance",
    "alliancerole",
    "user",
    "citizen",
    "plan",
    "planyear",
    "theme",
    "space",
    "meeting",
    "actionproject",
    "projectstatuschange",
    "progressreport",
    "fundingsource",
    "commitment",
    "disbursement",
    "frozenbilan",  # a closed plan's final bilan, as it was frozen
    # Law 25: proof of consent, people's requests, the log of what was done, the incident register (five years)
    "consent",
    "privacyrequest",
    "privacyaction",
    "confidentialityincident",
}


def _role_permissions():
    domain = Permission.objects.filter(content_type__app_label__in=DOMAIN_APPS).select_related("content_type")
    coordination, personnel = [], []
    for perm in domain:
        action, _sep, model = perm.codename.partition("_")
        if action == "delete" and perm.content_type.model in NEVER_DELETED:
            continue
        coordination.append(perm)
        if action == "view" or perm.codename in {"view_all_projects", "export_reports"}:
            personnel.append(perm)
    return {COORDINATION: coordination, PERSONNEL: personnel, PARTENAIRE: []}


def ensure_role_groups(**kwargs):
    """Create the three groups and (re)set their permissions. Idempotent."""
    for name, perms in _role_permissions().items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(perms)
