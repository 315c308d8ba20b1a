"""The demo's API token (issue 22, part 3): ASIS's Coordination issued one for the regional funder's dashboard, so the
register « Jetons d'accès à l'API » shows what a token looks like. Its secret is never known: only its hash is kept,
as for every token (a demo that needs to call the API issues its own)."""

from alliances.models import Alliance
from api.models import Role
from api.services import token_issue

NAME = "Tableau de bord du bailleur régional (démo)"


def load(alliance_slug: str, coordinator) -> None:
    alliance = Alliance.objects.get(slug=alliance_slug)
    coordinator.bind_alliance(alliance)  # its role there issues the token, as on the alliance's page
    try:
        token_issue(alliance=alliance, role=Role.FUNDER, name=NAME, by=coordinator)
    finally:
        coordinator.bind_alliance(None)
