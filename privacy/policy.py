"""What the portal tells people under Quebec's Law 25, defined once: who is in charge of the protection of
personal information, what is collected, why and for how long, and the text of each consent.

The public page shows them; the services store the consent texts with their version, the purge applies the
retention periods.
"""

import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy

from organisations.models import Citizen
from privacy.models import INCIDENT_YEARS, ConsentPurpose

# The person in charge -----------------------------------------------------------------------------

OFFICER_DEFAULTS = {
    "PRIVACY_OFFICER_NAME": "Direction générale de RNVVS",
    "PRIVACY_OFFICER_TITLE": "Responsable de la protection des renseignements personnels",
    "PRIVACY_OFFICER_EMAIL": "confidentialite@rnvvs.ca",
    "PRIVACY_OFFICER_PHONE": "",
    "PRIVACY_OFFICER_ADDRESS": "Rouyn-Noranda, ville et villages en santé, Rouyn-Noranda (Québec)",
}


def privacy_officer() -> dict:
    """Name, title and contact of the person in charge: settings first, then the environment, then RNVVS's defaults."""
    return {
        key.removeprefix("PRIVACY_OFFICER_").lower(): getattr(settings, key, None) or os.environ.get(key) or default
        for key, default in OFFICER_DEFAULTS.items()
    }


# What is kept, why, and for how long --------------------------------------------------------------

CITIZEN_INACTIVE_YEARS = 3
USER_INACTIVE_YEARS = 3


@dataclass(frozen=True)
class Retention:
    what: str
    why: str
    how_long_text: str
    years: int | None = None

    @property
    def how_long(self) -> str:
        """Translated when shown (a lazy string formatted at import would stay in French)."""
        return str(self.how_long_text) % {"years": self.years} if self.years else str(self.how_long_text)


RETENTION = [
    Retention(
        gettext_lazy("Comptes des partenaires : nom, courriel, téléphone, organisation, rôle"),
        gettext_lazy(
            "Vous donner accès au portail, vous inviter aux rencontres, suivre les projets de votre organisation."
        ),
        gettext_lazy(
            "Tant que vous êtes membre d'une organisation; anonymisés %(years)s ans après votre départ ou votre dernière connexion."
        ),
        USER_INACTIVE_YEARS,
    ),
    Retention(
        gettext_lazy("Citoyens et citoyennes : nom, courriel, téléphone, quartier ou village"),
        gettext_lazy(
            "Les inviter aux lieux de concertation où ils siègent et compter la participation citoyenne (principe 5)."
        ),
        gettext_lazy("Anonymisés %(years)s ans après leur dernière activité (rencontre, siège, consentement)."),
        CITIZEN_INACTIVE_YEARS,
    ),
    Retention(
        gettext_lazy("Présences aux rencontres et sièges dans les lieux de concertation"),
        gettext_lazy("Rendre compte de la concertation et prévenir l'hyperconcertation (principe 3)."),
        gettext_lazy(
            "Pour la durée de l'Alliance; le nom disparaît avec l'anonymisation de la personne, le décompte reste."
        ),
    ),
    Retention(
        gettext_lazy("Consentements, demandes et journal de ce qui a été fait de vos renseignements"),
        gettext_lazy("Prouver votre consentement et répondre de nos actions."),
        gettext_lazy("Tant que la personne est connue du portail; rien d'identifiant n'y reste après l'anonymisation."),
    ),
    Retention(
        gettext_lazy("Registre des incidents de confidentialité"),
        gettext_lazy("Obligation du Règlement sur les incidents de confidentialité."),
        gettext_lazy("%(years)s ans après la prise de connaissance de l'incident."),
        INCIDENT_YEARS,
    ),
    Retention(
        gettext_lazy("Rapports des projets et pièces justificatives"),
        gettext_lazy("Reddition de comptes au bailleur de fonds (FQIS)."),
        gettext_lazy("Environ cinq ans après le rapport final, comme l'exige le bailleur de fonds."),
    ),
]


# Consents -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurposeText:
    purpose: str
    version: str
    text: str
    for_users: bool
    for_citizens: bool


PURPOSES = {
    ConsentPurpose.NEWS: PurposeText(
        ConsentPurpose.NEWS,
        "2026-11-v1",
        gettext_lazy(
            "J'accepte de recevoir par courriel les nouvelles de l'Alliance et les invitations à ses activités "
            "publiques. Je peux me désabonner en tout temps."
        ),
        for_users=True,
        for_citizens=True,
    ),
    ConsentPurpose.SHARE_CONTACT: PurposeText(
        ConsentPurpose.SHARE_CONTACT,
        "2026-11-v1",
        gettext_lazy(
            "J'accepte que les autres membres de mon organisation voient mon courriel dans le portail. "
            "Sans cet accord, seule la coordination de l'Alliance le voit."
        ),
        for_users=True,
        for_citizens=False,
    ),
    ConsentPurpose.CONTACT: PurposeText(
        ConsentPurpose.CONTACT,
        "2026-11-v1",
        gettext_lazy(
            "J'accepte que la coordination de l'Alliance me joigne par courriel ou par téléphone au sujet des "
            "rencontres et des lieux de concertation où je siège."
        ),
        for_users=False,
        for_citizens=True,
    ),
    # A citizen's own access (issue 21, part 5): Coordination offers an account only once this consent is noted.
    ConsentPurpose.ACCESS: PurposeText(
        ConsentPurpose.ACCESS,
        "2026-12-v1",
        gettext_lazy(
            "J'accepte d'avoir un compte citoyen dans le portail : j'y vois les rencontres et les consultations "
            "écrites des lieux de concertation où je siège, j'y dis si je serai là et j'y réponds. La coordination "
            "peut fermer ce compte à ma demande en tout temps."
        ),
        for_users=False,
        for_citizens=True,
    ),
}
LEGACY_CONTACT_VERSION = "avant-loi-25"
USER_PURPOSES = [p for p in PURPOSES.values() if p.for_users]
CITIZEN_PURPOSES = [p for p in PURPOSES.values() if p.for_citizens]


def purposes_for(person) -> list[PurposeText]:
    citizen = isinstance(person, Citizen)
    return [p for p in PURPOSES.values() if (p.for_citizens if citizen else p.for_users)]
