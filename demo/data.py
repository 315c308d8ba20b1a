"""Fictional demonstration data and logins, for development and demos only (never in production).

Everything here is invented: the organisations, spaces and objectives carry « (démo) » in their
name and every row that has the field is `is_demo=True`. Projects go through the real review
process and money through budget.services, so the demo obeys the same rules as real data.

Two alliances: ASIS (the reference data, `load_asis`) gets its demo organisations, spaces and projects; a second,
smaller one, « Alliance du Témiscamingue (démo) » (demo/temiscamingue.py), has a closed plan 2010-2013 and a current
plan 2013-2016. The six logins are those of USERS: four in ASIS, `coordination2` who coordinates the second alliance
only, and `region`, the regional funder who reads both.

Idempotent: each alliance's demo is created once (ASIS's when its demo organisations are missing, the second's when
its alliance is); on every run the logins, their memberships and their roles in the alliances are re-ensured.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from alliances.models import Alliance, AllianceRole
from alliances.selectors import role_in
from alliances.services import alliance_role_end, alliance_role_grant
from budget.figures_check import figures_rewrite
from budget.models import Commitment, Disbursement, FundingSource, TargetMove
from budget.services.agreements import (
    agreement_create,
    planned_payment_add,
    planned_payment_release,
    report_deadline_add,
)
from budget.services.ledger import commitment_create, disbursement_create
from budget.services.targets import target_move, targets_set
from chantiers.models import (
    Attendance,
    Invitation,
    Meeting,
    ParticipationRole,
    Space,
    SpaceCitizen,
    SpaceMembership,
)
from chantiers.services import decision_record, meeting_schedule
from demo import (
    api_tokens,
    avoided,
    budget_lines,
    changes,
    citizen_account,
    committee,
    contribution,
    facilitators,
    notifications,
    shared_indicators,
    sustainability,
    temiscamingue,
)
from demo import resolutions as demo_resolutions
from figures import services as figures
from organisations.models import Citizen, Membership, Organisation, User
from organisations.roles import COORDINATION, PARTENAIRE, PERSONNEL, ensure_role_groups
from plans.models import Objective, Plan, PlanAction, Theme
from plans.services import plan_years_ensure
from privacy.models import Consent, ConsentPurpose
from privacy.services import consent_give
from projects.models import (
    ActionProject,
    BoardDecision,
    Indicator,
    IndicatorValue,
    OtherFunding,
    ProgressReport,
    ProjectPartner,
    ProjectReview,
    ProjectStatus,
    ProjectYearAmount,
    ReportDeadline,
    ReviewCriterion,
)
from projects.services.filing import project_create
from projects.services.reports import deadlines_filed_update, report_attachments_add
from projects.services.review import board_decision_record, review_open, review_recommend, review_save_scores
from projects.services.status import project_change_status
from reference.data import ALLIANCE, REVIEW_CRITERIA, load_reference_data
from succession.services import plan_close

S = ProjectStatus
D = datetime.date
Kind = Organisation.Kind
Role = ParticipationRole
Contribution = ProjectPartner.Contribution
Funding = OtherFunding.Kind

REFUSAL = (
    "load_demo refuse de s'exécuter : DEBUG est désactivé. "
    "Les comptes de démonstration n'existent jamais en production."
)
DEMO_PASSWORD = "demo-asis-2013"
RNVVS = "rnvvs"  # the coordinating body, from the reference data (not a demo row)

# The six reference themes, by their order in the plan (reference.data.THEMES).
VOLUNTEERING, EMPLOYMENT, HOUSING, POVERTY, FAMILY, AGEING = 1, 2, 3, 4, 5, 6


class DemoRefused(Exception):
    """Raised when asked to load the demo with DEBUG off."""


# ---------------------------------------------------------------- people and organisations

ORGANISATIONS = {
    "famille": {
        "name": "Maison de la famille des Collines (démo)",
        "acronym": "MFC",
        "kind": Kind.COMMUNITY,
        "sector": "Famille et petite enfance",
        "description": "Organisme communautaire fictif offrant des activités aux parents et aux jeunes enfants.",
        "address": "112, avenue des Collines",
        "postal_code": "J9X 0A1",
        "phone": "819-555-0101",
        "email": "info@maisonfamille.example.org",
        # Fictional NEQs (10 digits, the only rule checked): typed as printed, the portal keeps the digits
        "neq": "0000 000 101",
    },
    "emploi": {
        "name": "Carrefour emploi Témis-Nord (démo)",
        "acronym": "CETN",
        "kind": Kind.COMMUNITY,
        "sector": "Employabilité",
        "description": "Service d'aide à l'emploi fictif pour les jeunes adultes et les personnes éloignées du marché du travail.",
        "address": "45, rue du Portage",
        "postal_code": "J9X 0A2",
        "phone": "819-555-0102",
        "email": "accueil@carrefouremploi.example.org",
        "neq": "0000000102",
    },
    "benevolat": {
        "name": "Centre de bénévolat Entraide-Abitibi (démo)",
        "acronym": "CBEA",
        "kind": Kind.COMMUNITY,
        "sector": "Action bénévole",
        "description": "Centre d'action bénévole fictif : jumelage, accompagnement, reconnaissance des bénévoles.",
        "address": "8, rue des Bouleaux",
        "postal_code": "J9X 0A3",
        "phone": "819-555-0103",
        "email": "benevoles@entraide.example.org",
    },
    "habitation": {
        "name": "Coopérative d'habitation Le Rocher (démo)",
        "acronym": "",
        "kind": Kind.COMMUNITY,
        "sector": "Logement social et communautaire",
        "description": "Coopérative d'habitation fictive de 36 logements.",
        "address": "230, rue du Rocher",
        "postal_code": "J9X 0A4",
        "phone": "819-555-0104",
        "email": "coop@lerocher.example.org",
    },
    "sante": {
        "name": "Centre de services de santé Osisko (démo)",
        "acronym": "CSSO",
        "kind": Kind.PUBLIC,
        "sector": "Santé et services sociaux",
        "description": "Établissement public fictif : organisation communautaire et santé publique.",
        "address": "1, boulevard du Lac",
        "postal_code": "J9X 0A5",
        "phone": "819-555-0105",
        "email": "organisation.communautaire@csso.example.org",
    },
    "evain": {
        "name": "Service communautaire du secteur Évain (démo)",
        "acronym": "",
        "kind": Kind.MUNICIPAL,
        "sector": "Loisirs et vie de quartier",
        "description": "Service municipal fictif d'un quartier rural de la ville.",
        "address": "15, rue de l'Hôtel-de-Ville",
        "postal_code": "J0Z 0A6",
        "phone": "819-555-0106",
        "email": "evain@ville.example.org",
    },
    "epicerie": {
        "name": "Épicerie solidaire Boréale inc. (démo)",
        "acronym": "",
        "kind": Kind.PRIVATE,
        "sector": "Alimentation",
        "description": "Entreprise d'économie sociale fictive : épicerie à prix modique et frigo communautaire.",
        "address": "77, avenue Principale",
        "postal_code": "J9X 0A7",
        "phone": "819-555-0107",
        "email": "bonjour@epicerieboreale.example.org",
    },
    "aines": {
        "name": "Regroupement des aînés actifs de Granada (démo)",
        "acronym": "RAAG",
        "kind": Kind.CITIZENS,
        "sector": "Aînés",
        "description": "Regroupement de citoyens aînés fictif qui organise entraide et sorties.",
        "address": "3, chemin du Village",
        "postal_code": "J0Z 0A8",
        "phone": "819-555-0108",
        "email": "raag@example.org",
    },
    "cuisines": {
        "name": "Collectif des cuisines partagées du Vieux-Noranda (démo)",
        "acronym": "",
        "kind": Kind.CITIZENS,
        "sector": "Sécurité alimentaire",
        "description": "Collectif de citoyens fictif qui vient de demander à se joindre à l'Alliance.",
        "address": "",
        "postal_code": "",
        "phone": "819-555-0109",
        "email": "cuisines@example.org",
        "status": Organisation.Status.PENDING,  # one for the coordination to approve
    },
}

ASIS = ALLIANCE["slug"]
SECOND = temiscamingue.ALLIANCE["slug"]
AllianceRoleKind = AllianceRole.Role

# The demo logins. `group` is the global Django group (None: none), `alliance_roles` the role held in each alliance
# (by slug). The groups are global: the second alliance's coordinator and the regional funder hold no Coordination or
# Personnel group, which would reach every alliance; what they do comes from their role in the alliances.
USERS = [
    {
        "username": "coordination",
        "first_name": "Sophie",
        "last_name": "Lachance",
        "group": COORDINATION,
        "is_staff": True,
        "organisation": RNVVS,
        "role": Membership.Role.RESPONSABLE,
        "alliance_roles": [(ASIS, AllianceRoleKind.COORDINATION)],
    },
    {
        "username": "personnel",
        "first_name": "Marc-André",
        "last_name": "Gagnon",
        "group": PERSONNEL,
        "is_staff": False,
        "organisation": RNVVS,
        "role": Membership.Role.MEMBER,
        "alliance_roles": [(ASIS, AllianceRoleKind.PERSONNEL)],
    },
    {
        "username": "partenaire",
        "first_name": "Julie",
        "last_name": "Perron",
        "group": PARTENAIRE,
        "is_staff": False,
        "organisation": "famille",
        "role": Membership.Role.RESPONSABLE,
        "alliance_roles": [],
    },
    {
        "username": "partenaire2",
        "first_name": "Karim",
        "last_name": "Belkacem",
        "group": PARTENAIRE,
        "is_staff": False,
        "organisation": "emploi",
        "role": Membership.Role.RESPONSABLE,
        "alliance_roles": [],
    },
    {
        "username": "coordination2",
        "first_name": "Nadia",
        "last_name": "Rivest",
        "group": None,
        "is_staff": True,  # as ASIS's coordination: the admin's access, with none of its global permissions
        "organisation": temiscamingue.COORDINATING,
        "role": Membership.Role.RESPONSABLE,
        "alliance_roles": [(SECOND, AllianceRoleKind.COORDINATION)],
    },
    {
        "username": "region",
        "first_name": "Robert",
        "last_name": "Dallaire",
        "group": None,
        "is_staff": False,
        # A plain member: a responsable would manage the funder organisation's members.
        "organisation": temiscamingue.REGIONAL_FUNDER,
        "role": Membership.Role.MEMBER,
        "alliance_roles": [(ASIS, AllianceRoleKind.FUNDER), (SECOND, AllianceRoleKind.FUNDER)],
    },
]
USERNAMES = [user["username"] for user in USERS]

CITIZENS = {
    "lise": {"first_name": "Lise", "last_name": "Bergeron", "neighbourhood": "Granada", "consent_on": D(2013, 5, 14)},
    "rejean": {"first_name": "Réjean", "last_name": "Dubé", "neighbourhood": "Évain", "consent_on": D(2013, 6, 3)},
    "amelie": {
        "first_name": "Amélie",
        "last_name": "Tremblay",
        "neighbourhood": "Noranda-Nord",
        "consent_on": D(2013, 9, 20),
    },
    "nathan": {"first_name": "Nathan", "last_name": "Côté", "neighbourhood": "Vieux-Noranda", "consent_on": None},
    "fatou": {"first_name": "Fatou", "last_name": "Diallo", "neighbourhood": "Rouyn-Sud", "consent_on": D(2014, 2, 11)},
    "gilles": {"first_name": "Gilles", "last_name": "Lapointe", "neighbourhood": "Cadillac", "consent_on": None},
    "manon": {
        "first_name": "Manon",
        "last_name": "Gauthier",
        "neighbourhood": "McWatters",
        "consent_on": D(2014, 10, 7),
    },
    "yves": {"first_name": "Yves", "last_name": "Pelletier", "neighbourhood": "Bellecombe", "consent_on": None},
}

# ---------------------------------------------------------------- the plan: objectives and actions

OBJECTIVES = {
    VOLUNTEERING: {
        "title": "Soutenir le recrutement et la reconnaissance des bénévoles (démo)",
        "action": "Mettre en commun le recrutement des bénévoles entre organismes (démo)",
        "lead": "benevolat",
        "partners": ["aines", "sante"],
        "indicators": "Nombre de bénévoles inscrits; nombre d'organismes utilisateurs.",
    },
    EMPLOYMENT: {
        "title": "Favoriser l'insertion en emploi des personnes éloignées du marché du travail (démo)",
        "action": "Offrir des parcours d'insertion avec des employeurs du territoire (démo)",
        "lead": "emploi",
        "partners": ["epicerie"],
        "indicators": "Nombre de participants; nombre d'emplois ou de retours aux études.",
    },
    HOUSING: {
        "title": "Améliorer l'accès à un logement abordable et salubre (démo)",
        "action": "Tenir à jour un répertoire des logements abordables (démo)",
        "lead": "habitation",
        "partners": ["evain"],
        "indicators": "Nombre de logements répertoriés; nombre de ménages accompagnés.",
    },
    POVERTY: {
        "title": "Améliorer l'accès à une alimentation saine et abordable (démo)",
        "action": "Développer les points de distribution alimentaire à prix modique (démo)",
        "lead": "epicerie",
        "partners": ["sante", "cuisines"],
        "indicators": "Nombre de ménages desservis; kilogrammes d'aliments redistribués.",
    },
    FAMILY: {
        "title": "Soutenir les parents de jeunes enfants dans leur rôle (démo)",
        "action": "Offrir des ateliers parents-enfants dans les quartiers (démo)",
        "lead": "famille",
        "partners": ["sante"],
        "indicators": "Nombre de familles participantes; taux de retour aux ateliers.",
    },
    AGEING: {
        "title": "Briser l'isolement des personnes aînées (démo)",
        "action": "Organiser l'accompagnement et les visites d'amitié (démo)",
        "lead": "aines",
        "partners": ["benevolat"],
        "indicators": "Nombre d'aînés rejoints; nombre d'accompagnements.",
    },
}

# ---------------------------------------------------------------- concertation spaces

PLACES = {
    "rnvvs": "Salle du conseil, bureaux de RNVVS, Rouyn-Noranda",
    "famille": "Maison de la famille des Collines, 112, avenue des Collines",
    "emploi": "Carrefour emploi Témis-Nord, salle 2",
    "evain": "Centre communautaire d'Évain",
    "granada": "Salle paroissiale de Granada",
}

CHANTIERS = {
    "entraide": {
        "name": "Chantier Entraide et bénévolat (démo)",
        "kind": Space.Kind.CHANTIER,
        "themes": [VOLUNTEERING, AGEING],
        "mandate": "Mettre en commun le recrutement, la formation et la reconnaissance des bénévoles.",
        "lead": "benevolat",
        "members": [("aines", Role.MEMBER, D(2013, 10, 1)), (RNVVS, Role.OBSERVER, D(2013, 10, 1))],
        "citizens": [("lise", Role.MEMBER, D(2013, 10, 1)), ("gilles", Role.MEMBER, D(2014, 1, 15))],
        "meetings": [(D(2013, 10, 8), "rnvvs"), (D(2014, 5, 13), "rnvvs"), (D(2015, 3, 10), "granada")],
    },
    "emploi": {
        "name": "Chantier Emploi et insertion (démo)",
        "kind": Space.Kind.CHANTIER,
        "themes": [EMPLOYMENT, POVERTY],
        "mandate": "Rapprocher les personnes éloignées du marché du travail et les employeurs du territoire.",
        "lead": "emploi",
        "members": [
            ("epicerie", Role.MEMBER, D(2013, 10, 15)),
            ("sante", Role.MEMBER, D(2013, 10, 15)),
            (RNVVS, Role.OBSERVER, D(2013, 10, 15)),
        ],
        "citizens": [("nathan", Role.MEMBER, D(2014, 2, 4))],
        "meetings": [(D(2013, 11, 5), "emploi"), (D(2014, 9, 16), "emploi"), (D(2015, 6, 9), "rnvvs")],
    },
    "logement": {
        "name": "Comité logement abordable (démo)",
        "kind": Space.Kind.COMMITTEE,
        "themes": [HOUSING],
        "mandate": "Comité déjà en place qui suit l'offre de logements abordables et salubres.",
        "lead": "habitation",
        "members": [("evain", Role.MEMBER, D(2013, 11, 1)), ("sante", Role.OBSERVER, D(2014, 3, 1))],
        "citizens": [("fatou", Role.MEMBER, D(2014, 2, 11)), ("yves", Role.OBSERVER, D(2014, 4, 1))],
        "meetings": [(D(2013, 11, 19), "evain"), (D(2014, 4, 22), "evain"), (D(2015, 10, 6), "rnvvs")],
    },
    "enfance": {
        "name": "Table petite enfance des Collines (démo)",
        "kind": Space.Kind.TABLE,
        "themes": [FAMILY],
        "mandate": "Table existante de concertation en petite enfance, associée à l'Alliance (principe 2).",
        "lead": "famille",
        "members": [("sante", Role.MEMBER, D(2013, 9, 1)), ("evain", Role.OBSERVER, D(2014, 9, 1))],
        "citizens": [("amelie", Role.MEMBER, D(2013, 9, 20)), ("manon", Role.MEMBER, D(2014, 10, 7))],
        "meetings": [(D(2013, 12, 3), "famille"), (D(2014, 10, 21), "famille"), (D(2016, 2, 16), "famille")],
    },
    "alimentation": {
        "name": "Comité sécurité alimentaire (démo)",
        "kind": Space.Kind.COMMITTEE,
        "themes": [POVERTY],
        "mandate": "Comité déjà en place sur l'accès à une alimentation saine et abordable.",
        "lead": "sante",
        "members": [
            ("epicerie", Role.MEMBER, D(2013, 9, 1)),
            ("famille", Role.MEMBER, D(2013, 9, 1)),
            ("cuisines", Role.OBSERVER, D(2015, 9, 1)),
        ],
        "citizens": [("nathan", Role.MEMBER, D(2014, 3, 1)), ("rejean", Role.MEMBER, D(2013, 9, 1))],
        "meetings": [(D(2014, 1, 21), "rnvvs"), (D(2014, 11, 18), "rnvvs"), (D(2015, 9, 22), "rnvvs")],
    },
    "aines": {
        "name": "Table des aînés de Rouyn-Noranda (démo)",
        "kind": Space.Kind.TABLE,
        "themes": [AGEING],
        "mandate": "Table existante des organismes et des citoyens aînés.",
        "lead": "aines",
        "members": [("benevolat", Role.MEMBER, D(2013, 9, 1)), ("sante", Role.MEMBER, D(2013, 9, 1))],
        "citizens": [("lise", Role.LEAD, D(2013, 9, 1)), ("rejean", Role.MEMBER, D(2014, 5, 1))],
        "meetings": [(D(2014, 2, 25), "granada"), (D(2015, 1, 27), "granada"), (D(2015, 11, 24), "granada")],
    },
}
# Two meetings still to come, relative to the day the demo is loaded.
UPCOMING_MEETINGS = [("enfance", 14, "famille"), ("emploi", 35, "emploi")]
MEETING_HOURS = (datetime.time(13, 30), datetime.time(15, 30))
AGENDA = (
    "1. Mot de bienvenue et tour de table\n"
    "2. Suivi des projets d'action\n"
    "3. Nouvelles des organisations membres\n"
    "4. Prochaine rencontre"
)
MINUTES = (
    "Tour de table des organisations présentes. Suivi des projets d'action en cours et des besoins "
    "observés sur le terrain. Décision : partager les outils de promotion entre les membres."
)

# ---------------------------------------------------------------- action projects

REVIEW_LINE = [
    S.SUBMITTED,
    S.UNDER_ANALYSIS,
    S.RECOMMENDED,
    S.ACCEPTED,
    S.AGREEMENT_SIGNED,
    S.IN_PROGRESS,
    S.COMPLETED,
    S.FINAL_REPORT,
]
STEP_COMMENTS = {
    S.DRAFT: "L'intention est devenue un projet.",
    S.SUBMITTED: "Demande déposée par le porteur.",
    S.UNDER_ANALYSIS: "Transmis au comité d'analyse.",
    S.RECOMMENDED: "Le comité d'analyse recommande le projet.",
    S.ACCEPTED: "Accepté par le conseil d'administration.",
    S.REFUSED: "Refusé : les immobilisations ne sont pas admissibles au FQIS.",
    S.AGREEMENT_SIGNED: "Convention de financement signée.",
    S.IN_PROGRESS: "Début des activités.",
    S.COMPLETED: "Activités terminées.",
    S.FINAL_REPORT: "Rapport final reçu et accepté.",
    S.WITHDRAWN: "Retiré à la demande du porteur.",
}

# Each project: where it ends up (`status`), leaving the review line after `via` when refused or
# withdrawn. Commitments are made when the project is accepted; `paid` are its disbursements.
PROJECTS = [
    {
        "title": "Banque de bénévoles partagée",
        "lead": "benevolat",
        "theme": VOLUNTEERING,
        "space": "entraide",
        "status": S.FINAL_REPORT,
        "summary": "Une banque commune de bénévoles pour les organismes du territoire.",
        "target_population": "Personnes qui souhaitent faire du bénévolat; organismes qui en cherchent.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2013, 6, 1), D(2014, 5, 31)),
        "years": [1],
        "amount_requested": Decimal("32000.00"),
        "partners": [("aines", Contribution.SERVICES, Decimal("2500.00"), "Recrutement auprès des aînés")],
        "other_funding": [(Funding.OWN, "Centre de bénévolat Entraide-Abitibi", Decimal("4000.00"), True)],
        "indicators": [
            ("Bénévoles inscrits", "personnes", Decimal("120")),
            ("Organismes utilisateurs", "organismes", Decimal("15")),
        ],
        "commitments": [
            {
                "source": "fqis",
                "year": 1,
                "amount": "30000.00",
                "decided_on": D(2013, 5, 22),
                "reference": "CA-2013-05-04",
                "paid": [("18000.00", D(2013, 6, 15)), ("12000.00", D(2014, 4, 15))],
            },
        ],
        "reports": [
            {
                "period": (D(2013, 6, 1), D(2013, 12, 31)),
                "percent": 60,
                "people": 85,
                "values": ["74", "9"],
                "narrative": "Lancement de la banque, formation des responsables de l'accueil.",
                "highlights": "Neuf organismes utilisent déjà la banque.",
            },
            {
                "period": (D(2014, 1, 1), D(2014, 5, 31)),
                "percent": 100,
                "people": 160,
                "values": ["131", "16"],
                "final": True,
                "narrative": "Consolidation de la banque et soirée de reconnaissance des bénévoles.",
                "highlights": "Cible dépassée : 131 bénévoles inscrits.",
            },
        ],
    },
    {
        "title": "Accompagnement-transport des aînés",
        "lead": "aines",
        "theme": AGEING,
        "space": "aines",
        "status": S.COMPLETED,
        "summary": "Des bénévoles accompagnent les aînés des quartiers ruraux à leurs rendez-vous.",
        "target_population": "Personnes aînées des quartiers ruraux, sans moyen de transport.",
        "area_served": "Granada, Évain, Cadillac, McWatters",
        "dates": (D(2014, 5, 1), D(2015, 3, 31)),
        "years": [2],
        "amount_requested": Decimal("27850.75"),
        "partners": [
            ("benevolat", Contribution.SERVICES, Decimal("3000.00"), "Recrutement et filtrage des bénévoles"),
            ("sante", Contribution.IN_KIND, None, "Références des intervenants"),
        ],
        "other_funding": [],
        "indicators": [("Accompagnements réalisés", "déplacements", Decimal("400"))],
        "commitments": [
            {
                "source": "fqis",
                "year": 2,
                "amount": "25000.00",
                "decided_on": D(2014, 4, 16),
                "reference": "CA-2014-04-02",
                "paid": [("15000.00", D(2014, 6, 2)), ("7500.00", D(2015, 1, 15))],
            },
            {
                "source": "ville-rn",
                "year": 2,
                "amount": "2850.75",
                "decided_on": D(2014, 4, 16),
                "reference": "CA-2014-04-03",
                "paid": [("2850.75", D(2014, 6, 2))],
            },
        ],
        "reports": [
            {
                "period": (D(2014, 5, 1), D(2015, 3, 31)),
                "percent": 100,
                "people": 96,
                "values": ["438"],
                "narrative": "Accompagnements vers les rendez-vous médicaux et l'épicerie.",
                "highlights": "Un réseau de 22 bénévoles chauffeurs.",
            },
        ],
    },
    {
        "title": "Ateliers parents-enfants Bouger en famille",
        "lead": "famille",
        "theme": FAMILY,
        "space": "enfance",
        "status": S.IN_PROGRESS,
        "start": S.INTENTION,
        "summary": "Des ateliers hebdomadaires de jeu actif pour les parents et leurs enfants de 0 à 5 ans.",
        "target_population": "Familles avec de jeunes enfants, en particulier à faible revenu.",
        "area_served": "Quartiers Noranda-Nord et Rouyn-Sud",
        "dates": (D(2014, 9, 1), D(2016, 3, 31)),
        "years": [2, 3],
        "amount_requested": Decimal("48000.00"),
        "partners": [("sante", Contribution.SERVICES, Decimal("6500.00"), "Une infirmière à chaque atelier")],
        "other_funding": [
            (Funding.OTHER_FUNDER, "Fondation fictive pour l'enfance", Decimal("10000.00"), True),
            (Funding.IN_KIND, "Prêt de locaux par une école", Decimal("3200.00"), False),
        ],
        "indicators": [
            ("Familles participantes", "familles", Decimal("60")),
            ("Ateliers tenus", "ateliers", Decimal("50")),
        ],
        "commitments": [
            {
                "source": "fqis",
                "year": 2,
                "amount": "24000.00",
                "decided_on": D(2014, 8, 20),
                "reference": "CA-2014-08-01",
                "paid": [("12000.00", D(2014, 9, 1)), ("12000.00", D(2015, 2, 2))],
            },
            {
                "source": "fqis",
                "year": 3,
                "amount": "21500.50",
                "decided_on": D(2014, 8, 20),
                "reference": "CA-2014-08-01",
                "paid": [("8000.00", D(2015, 5, 4))],
            },
        ],
        "reports": [
            {
                "period": (D(2014, 9, 1), D(2015, 3, 31)),
                "percent": 45,
                "people": 41,
                "values": ["34", "24"],
                "narrative": "Vingt-quatre ateliers tenus dans deux quartiers.",
                "highlights": "Les pères participent plus que prévu.",
            },
        ],
    },
    {
        "title": "Halte-garderie communautaire",
        "lead": "famille",
        "theme": FAMILY,
        "space": "enfance",
        "status": S.DRAFT,
        "summary": "Une halte-garderie à coût modique pour donner du répit aux parents.",
        "target_population": "Parents d'enfants de 0 à 5 ans sans place en service de garde.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2015, 9, 1), D(2016, 3, 31)),
        "years": [3],
        "amount_requested": Decimal("36000.00"),
        "partners": [("evain", Contribution.IN_KIND, Decimal("1800.00"), "Prêt d'un local")],
        "other_funding": [(Funding.OWN, "Maison de la famille des Collines", Decimal("2500.00"), False)],
        "indicators": [("Heures de répit offertes", "heures", Decimal("1500"))],
    },
    {
        "title": "Cuisines collectives dans les quartiers",
        "lead": "famille",
        "theme": POVERTY,
        "space": "alimentation",
        "status": S.WITHDRAWN,
        "via": S.UNDER_ANALYSIS,
        "summary": "Des cuisines collectives mensuelles dans trois quartiers.",
        "target_population": "Personnes seules et familles à faible revenu.",
        "area_served": "Vieux-Noranda, Rouyn-Sud, Évain",
        "dates": (D(2014, 10, 1), D(2015, 9, 30)),
        "years": [2, 3],
        "amount_requested": Decimal("18750.00"),
        "partners": [("epicerie", Contribution.IN_KIND, Decimal("2000.00"), "Denrées à prix coûtant")],
        "other_funding": [],
        "indicators": [("Repas cuisinés", "portions", Decimal("3000"))],
    },
    {
        "title": "Parcours vers l'emploi pour jeunes adultes",
        "lead": "emploi",
        "theme": EMPLOYMENT,
        "space": "emploi",
        "status": S.AGREEMENT_SIGNED,
        "summary": "Un parcours de douze semaines : ateliers, stage et suivi en emploi.",
        "target_population": "Jeunes adultes de 18 à 30 ans sans emploi ni études.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2015, 9, 1), D(2016, 3, 31)),
        "years": [3],
        "amount_requested": Decimal("41200.00"),
        "partners": [
            ("epicerie", Contribution.SERVICES, Decimal("4000.00"), "Stages en entreprise"),
            ("sante", Contribution.SERVICES, None, "Références et soutien psychosocial"),
        ],
        "other_funding": [(Funding.OTHER_FUNDER, "Fonds fictif de la jeunesse", Decimal("8000.00"), True)],
        "indicators": [
            ("Participants", "personnes", Decimal("24")),
            ("Retours en emploi ou aux études", "personnes", Decimal("15")),
        ],
        "commitments": [
            {
                "source": "fqis",
                "year": 3,
                "amount": "38000.00",
                "decided_on": D(2015, 6, 17),
                "reference": "CA-2015-06-03",
                "paid": [("15000.00", D(2015, 9, 15))],
            },
            {
                "source": "ville-rn",
                "year": 3,
                "amount": "3200.00",
                "decided_on": D(2015, 6, 17),
                "reference": "CA-2015-06-04",
                "paid": [],
            },
        ],
    },
    {
        "title": "Stages d'insertion dans les entreprises locales",
        "lead": "emploi",
        "theme": EMPLOYMENT,
        "space": None,
        "status": S.ACCEPTED,
        "summary": "Des stages rémunérés dans de petites entreprises du territoire.",
        "target_population": "Personnes prestataires de l'aide sociale prêtes à intégrer un emploi.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2015, 11, 1), D(2016, 3, 31)),
        "years": [3],
        "amount_requested": Decimal("29500.00"),
        "partners": [("epicerie", Contribution.CASH, Decimal("3000.00"), "Une part du salaire des stagiaires")],
        "other_funding": [],
        "indicators": [("Stages complétés", "stages", Decimal("10"))],
        "commitments": [
            {
                "source": "fqis",
                "year": 3,
                "amount": "27500.00",
                "decided_on": D(2015, 10, 21),
                "reference": "CA-2015-10-02",
                "paid": [],
            },
        ],
    },
    {
        "title": "Frigo communautaire et épicerie à prix modique",
        "lead": "epicerie",
        "theme": POVERTY,
        "space": "alimentation",
        "status": S.IN_PROGRESS,
        "summary": "Un frigo communautaire ouvert tous les jours et un comptoir de produits à prix coûtant.",
        "target_population": "Ménages à faible revenu.",
        "area_served": "Vieux-Noranda",
        "dates": (D(2014, 11, 1), D(2016, 3, 31)),
        "years": [2, 3],
        "amount_requested": Decimal("38400.25"),
        "partners": [
            ("sante", Contribution.SERVICES, Decimal("2000.00"), "Formation en salubrité"),
            ("cuisines", Contribution.IN_KIND, None, "Bénévoles pour la récupération des denrées"),
        ],
        "other_funding": [(Funding.OWN, "Épicerie solidaire Boréale inc.", Decimal("6000.00"), True)],
        "indicators": [
            ("Ménages desservis", "ménages", Decimal("250")),
            ("Aliments redistribués", "kg", Decimal("12000")),
        ],
        "commitments": [
            {
                "source": "fqis",
                "year": 2,
                "amount": "20000.00",
                "decided_on": D(2014, 10, 15),
                "reference": "CA-2014-10-05",
                "paid": [("10000.00", D(2014, 11, 3)), ("4750.25", D(2015, 4, 1))],
            },
            {
                "source": "ville-rn",
                "year": 2,
                "amount": "10000.00",
                "decided_on": D(2014, 10, 15),
                "reference": "CA-2014-10-06",
                "paid": [("5000.00", D(2014, 11, 3))],
            },
        ],
        "reports": [
            {
                "period": (D(2014, 11, 1), D(2015, 3, 31)),
                "percent": 35,
                "people": 140,
                "values": ["140", "3820.5"],
                "narrative": "Installation du frigo et ouverture du comptoir.",
                "highlights": "Trois commerces donnent leurs invendus chaque semaine.",
            },
            {
                "period": (D(2015, 4, 1), D(2015, 9, 30)),
                "percent": 70,
                "people": 205,
                "values": ["205", "8110"],
                "narrative": "Ouverture le samedi et ateliers sur le budget alimentaire.",
                "highlights": "Plus de huit tonnes d'aliments redistribuées.",
            },
        ],
    },
    {
        "title": "Répertoire des logements abordables",
        "lead": "habitation",
        "theme": HOUSING,
        "space": "logement",
        "status": S.COMPLETED,
        "summary": "Un répertoire à jour des logements abordables, en ligne et sur papier.",
        "target_population": "Ménages à faible revenu à la recherche d'un logement.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2013, 9, 1), D(2014, 8, 31)),
        "years": [1, 2],
        "amount_requested": Decimal("26000.00"),
        "partners": [("evain", Contribution.SERVICES, Decimal("1500.00"), "Relevé des logements des quartiers ruraux")],
        "other_funding": [(Funding.IN_KIND, "Impression par un imprimeur local", Decimal("900.00"), True)],
        "indicators": [
            ("Logements répertoriés", "logements", Decimal("300")),
            ("Ménages accompagnés", "ménages", Decimal("80")),
        ],
        "commitments": [
            {
                "source": "fqis",
                "year": 1,
                "amount": "20000.00",
                "decided_on": D(2013, 8, 21),
                "reference": "CA-2013-08-02",
                "paid": [("12000.00", D(2013, 9, 3)), ("8000.00", D(2014, 3, 3))],
            },
            {
                "source": "ville-rn",
                "year": 1,
                "amount": "6000.00",
                "decided_on": D(2013, 8, 21),
                "reference": "CA-2013-08-03",
                "paid": [("4500.00", D(2013, 9, 3))],
            },
        ],
        "reports": [
            {
                "period": (D(2013, 9, 1), D(2014, 8, 31)),
                "percent": 100,
                "people": 92,
                "values": ["318", "92"],
                "narrative": "Relevé terrain, mise en ligne et distribution du répertoire.",
                "highlights": "Le répertoire est désormais mis à jour chaque trimestre.",
            },
        ],
    },
    {
        "title": "Rénovation écoénergétique de logements sociaux",
        "lead": "evain",
        "theme": HOUSING,
        "space": "logement",
        "status": S.REFUSED,
        "via": S.RECOMMENDED,
        "summary": "Isolation et fenêtres neuves dans douze logements sociaux.",
        "target_population": "Locataires de logements sociaux.",
        "area_served": "Évain",
        "dates": (D(2014, 6, 1), D(2015, 5, 31)),
        "years": [2],
        "amount_requested": Decimal("65000.00"),
        "partners": [("habitation", Contribution.SERVICES, None, "Gestion du chantier")],
        "other_funding": [
            (Funding.OTHER_FUNDER, "Programme fictif d'efficacité énergétique", Decimal("40000.00"), False)
        ],
        "indicators": [("Logements rénovés", "logements", Decimal("12"))],
    },
    {
        "title": "Reconnaissance des bénévoles dans les quartiers ruraux",
        "lead": "benevolat",
        "theme": VOLUNTEERING,
        "space": "entraide",
        "status": S.SUBMITTED,
        "summary": "Des soirées de reconnaissance et un réseau de bénévoles dans les quartiers ruraux.",
        "target_population": "Bénévoles des quartiers ruraux.",
        "area_served": "Quartiers ruraux de Rouyn-Noranda",
        "dates": (D(2015, 10, 1), D(2016, 3, 31)),
        "years": [3],
        "amount_requested": Decimal("12500.50"),
        "partners": [("aines", Contribution.SERVICES, None, "Organisation des soirées")],
        "other_funding": [],
        "indicators": [("Bénévoles honorés", "personnes", Decimal("150"))],
    },
    {
        "title": "Jardins communautaires intergénérationnels",
        "lead": "evain",
        "theme": AGEING,
        "space": "aines",
        "status": S.UNDER_ANALYSIS,
        "summary": "Des jardins où aînés et familles cultivent ensemble.",
        "target_population": "Personnes aînées et familles du quartier.",
        "area_served": "Évain",
        "dates": (D(2015, 5, 1), D(2015, 10, 31)),
        "years": [3],
        "amount_requested": Decimal("15300.00"),
        "partners": [
            ("aines", Contribution.SERVICES, None, "Jardiniers expérimentés"),
            ("famille", Contribution.SERVICES, None, "Animation auprès des familles"),
        ],
        "other_funding": [(Funding.OWN, "Service communautaire du secteur Évain", Decimal("3000.00"), True)],
        "indicators": [("Jardinets cultivés", "jardinets", Decimal("30"))],
    },
    {
        "title": "Café-rencontre des proches aidants",
        "lead": "sante",
        "theme": AGEING,
        "space": None,
        "status": S.RECOMMENDED,
        "summary": "Un café-rencontre mensuel pour briser l'isolement des proches aidants d'aînés.",
        "target_population": "Proches aidants de personnes aînées.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (D(2015, 9, 1), D(2016, 3, 31)),
        "years": [3],
        "amount_requested": Decimal("9800.00"),
        "partners": [("benevolat", Contribution.SERVICES, None, "Répit pendant les rencontres")],
        "other_funding": [],
        "indicators": [("Proches aidants rejoints", "personnes", Decimal("40"))],
    },
    {
        "title": "Logements de transition pour jeunes",
        "lead": "habitation",
        "theme": HOUSING,
        "space": "logement",
        "status": S.INTENTION,
        "start": S.INTENTION,
        "summary": "Quelques logements avec soutien pour les jeunes qui quittent un centre jeunesse.",
        "target_population": "Jeunes de 18 à 25 ans en situation de précarité résidentielle.",
        "area_served": "Ville de Rouyn-Noranda",
        "dates": (None, None),
        "years": [],
        "amount_requested": Decimal("0.00"),
        "partners": [("emploi", Contribution.SERVICES, None, "Accompagnement vers l'emploi")],
        "other_funding": [],
        "indicators": [("Jeunes logés", "personnes", Decimal("6"))],
    },
]


# ---------------------------------------------------------------- loading


@transaction.atomic
def load_demo_data() -> dict[str, int | bool]:
    """Load the demo (each alliance's once) and (re)set the demo logins; counts of demo rows, and whether this run
    created any.

    Refuses (DemoRefused) when DEBUG is off: demo accounts must never exist in production.
    """
    if not settings.DEBUG:
        raise DemoRefused(REFUSAL)
    if not Plan.objects.exists():
        load_reference_data()
    ensure_role_groups()
    asis_missing = not Organisation.objects.filter(
        is_demo=True, name__in=[data["name"] for data in ORGANISATIONS.values()]
    ).exists()
    second_missing = not Alliance.objects.filter(slug=SECOND).exists()
    if asis_missing:
        _create_organisations(ORGANISATIONS)
    if second_missing:
        _create_organisations(temiscamingue.ORGANISATIONS)
        _create_second_alliance(_organisations_by_key())
    orgs = _organisations_by_key()
    _ensure_regional_funder(orgs)
    users = _ensure_users(orgs)
    if asis_missing:
        _create_demo(orgs, users)
    if second_missing:
        _create_second_demo(orgs, users)
    if asis_missing or second_missing:
        # The past meetings and their attendance were written around the services (as they were held): the plans'
        # kept totals (figures) are counted from the rows once.
        figures_rewrite()
    return {**demo_counts(), "created": asis_missing or second_missing}


def demo_counts() -> dict[str, int]:
    demo_projects = ActionProject.objects.filter(is_demo=True)
    return {
        "alliances": Alliance.objects.filter(slug__in=[ASIS, SECOND]).count(),
        "organisations": Organisation.objects.filter(is_demo=True).count(),
        "citizens": Citizen.objects.filter(is_demo=True).count(),
        "spaces": Space.objects.filter(is_demo=True).count(),
        "meetings": Meeting.objects.filter(is_demo=True).count(),
        "projects": demo_projects.count(),
        "commitments": Commitment.objects.filter(project__in=demo_projects).count(),
        "disbursements": Disbursement.objects.filter(commitment__project__in=demo_projects).count(),
        "reports": ProgressReport.objects.filter(project__in=demo_projects).count(),
        "users": User.objects.filter(username__in=USERNAMES).count(),
    }


def demo_logins() -> list[tuple[str, str, str]]:
    """(login, role, where) of each demo account: a partner's organisation; for a login whose role comes from the
    alliances alone (no group), the role and the alliances it holds it in; nothing for ASIS's Coordination and
    Personnel."""
    orgs = _organisations_by_key()
    alliances = {alliance.slug: alliance for alliance in Alliance.objects.filter(slug__in=[ASIS, SECOND])}
    logins = []
    for user in USERS:
        if user["group"] is None:
            roles = dict.fromkeys(role for _slug, role in user["alliance_roles"])
            where = " et ".join(
                alliances[slug].acronym or alliances[slug].name for slug, _role in user["alliance_roles"]
            )
            logins.append((user["username"], ", ".join(str(role.label) for role in roles), where))
        else:
            where = orgs[user["organisation"]].name if user["group"] == PARTENAIRE else ""
            logins.append((user["username"], user["group"], where))
    logins.append(citizen_account.demo_login())
    return logins


def _create_demo(orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    """ASIS's demo: citizens, objectives, spaces and meetings, targets, projects and their money."""
    plan = Alliance.objects.get(slug=ASIS).plans.order_by("start_date", "pk").first()
    themes = {theme.order: theme for theme in plan.themes.all()}
    years = {year.number: year for year in plan.years.all()}
    sources = {source.code: source for source in plan.funding_sources.all()}

    delegates = _delegates(orgs, users)
    citizens = _create_citizens(CITIZENS)
    objectives = _create_objectives(themes, orgs, OBJECTIVES, timeline="2013-2014 à 2015-2016")
    spaces = _create_spaces(CHANTIERS, themes, orgs, citizens, users["coordination"])
    _create_meetings(CHANTIERS, PLACES, spaces, citizens, delegates)
    _schedule_upcoming_meetings(spaces)
    demo_resolutions.load(plan.alliance, users["coordination"])
    _set_targets(plan, themes, years, users["coordination"])
    for data in PROJECTS:
        _create_project(
            data,
            themes=themes,
            objectives=objectives,
            years=years,
            sources=sources,
            orgs=orgs,
            spaces=spaces,
            by=users["coordination"],
            delegates=delegates,
        )
    _move_targets(plan, themes, years, users["coordination"])
    facilitators.load(users)
    committee.load(alliance_slug=ASIS, orgs=orgs, users=users)
    sustainability.load(users)  # the follow-ups after funding and a practice of the register (issue 20, part 6)
    budget_lines.load(plan)  # its projects' budget by line, their reports' spending by line (issue 20, part 3)
    changes.load(users)  # an amendment (an accepted change request) and a pending request (issue 20, part 4)
    contribution.load(plan, users)  # an hourly rate for the valued time, support to citizens (issue 21, part 3)
    shared_indicators.load(ASIS)  # shared indicators per theme, the projects' linked, a population one (issue 21)
    citizen_account.load(DEMO_PASSWORD, users["coordination"])  # a citizen's own account: `citoyen` (issue 21, part 5)
    avoided.load(users)  # a written consultation answered and a meeting avoided (issue 21, part 2)
    notifications.load(users)  # partenaire2 on a daily digest of meetings, one notice waiting (issue 21, part 4)
    api_tokens.load(ASIS, users["coordination"])  # a token for the regional funder's dashboard (issue 22, part 3)


def _delegates(orgs: dict[str, Organisation], users: dict[str, User]) -> dict[int, User]:
    """Who speaks for an organisation that has a demo login: it attends meetings and files reports for it.
    Personnel and the regional funder only read, so they speak for no one."""
    return {
        orgs[data["organisation"]].pk: users[data["username"]]
        for data in USERS
        if data["group"] != PERSONNEL
        and not (data["alliance_roles"] and all(role == AllianceRoleKind.FUNDER for _s, role in data["alliance_roles"]))
    }


# ---------------------------------------------------------------- the second alliance (demo/temiscamingue.py)


def _create_second_alliance(orgs: dict[str, Organisation]) -> Alliance:
    """The alliance itself, before the logins, which hold their roles in it."""
    alliance = Alliance(**temiscamingue.ALLIANCE, coordinating_organisation=orgs[temiscamingue.COORDINATING])
    alliance.full_clean()
    alliance.save()
    alliance.funders.set([orgs[key] for key in temiscamingue.FUNDERS])
    return alliance


def _ensure_regional_funder(orgs: dict[str, Organisation]) -> None:
    """The regional funder funds both demo alliances (listed among each one's funders)."""
    funder = orgs[temiscamingue.REGIONAL_FUNDER]
    for alliance in Alliance.objects.filter(slug__in=[ASIS, SECOND]):
        alliance.funders.add(funder)


def _create_second_demo(orgs: dict[str, Organisation], users: dict[str, User]) -> None:
    """The second alliance's plans, oldest first: each is current while its work is recorded, as it was at the
    time; then the first is closed and the next one starts."""
    alliance = Alliance.objects.get(slug=SECOND)
    coordinator = users["coordination2"]
    delegates = _delegates(orgs, users)
    citizens = _create_citizens(temiscamingue.CITIZENS)
    plans = temiscamingue.PLANS
    for index, spec in enumerate(plans):
        plan = Plan(
            alliance=alliance,
            status=Plan.Status.CURRENT,
            source_note="Données fictives, pour la démonstration du portail.",
            **spec["plan"],
        )
        plan.full_clean()
        plan.save()
        years = {year.number: year for year in plan_years_ensure(plan=plan, count=3)}
        themes = {
            order: Theme.objects.create(plan=plan, order=order, name=name, slug=slugify(name)[:80])
            for order, name in spec["themes"].items()
        }
        for order, (name, description) in enumerate(REVIEW_CRITERIA, start=1):
            ReviewCriterion.objects.create(plan=plan, order=order, name=name, description=description)
        sources = {source["code"]: FundingSource.objects.create(plan=plan, **source) for source in spec["sources"]}
        objectives = _create_objectives(themes, orgs, spec["objectives"], timeline=spec["timeline"])
        spaces = _create_spaces(spec["spaces"], themes, orgs, citizens, coordinator)
        is_past = index < len(plans) - 1
        _create_meetings(spec["spaces"], temiscamingue.PLACES, spaces, citizens, delegates, all_done=is_past)
        for data in spec["projects"]:
            _create_project(
                data,
                themes=themes,
                objectives=objectives,
                years=years,
                sources=sources,
                orgs=orgs,
                spaces=spaces,
                by=coordinator,
                delegates=delegates,
            )
        budget_lines.load(plan)  # its projects by line, as ASIS's: before a past plan's bilan is frozen with them
        if is_past:
            _close_past_plan(plan, coordinator)
    shared_indicators.load(SECOND)  # the current plan's shared indicators per theme (issue 21, part 1)


def _close_past_plan(plan: Plan, by: User) -> None:
    """Close a plan whose work is all recorded, as its coordinator would in the portal: its final bilan is frozen
    as a dated document (page, PDF, XLSX, DOCX)."""
    plan_close(plan=plan, closed_by=by, note="Plan de démonstration terminé : son bilan final est figé.")


# ---------------------------------------------------------------- targets (ASIS)


# The envelope's shares as the coordination could have set them in April 2013 (fictitious):
# per theme, and per plan year (the three years add up to the envelope, 502 136,00 $).
THEME_TARGETS = {1: "70000.00", 2: "95000.00", 3: "90000.00", 4: "85000.00", 5: "85000.00", 6: "77136.00"}
YEAR_TARGETS = {1: "167378.66", 2: "167378.67", 3: "167378.67"}


def _set_targets(plan, themes, years, by) -> None:
    targets_set(
        plan=plan,
        by=by,
        themes={themes[order]: Decimal(amount) for order, amount in THEME_TARGETS.items()},
        years={years[number]: Decimal(amount) for number, amount in YEAR_TARGETS.items()},
    )


def _move_targets(plan, themes, years, by) -> None:
    """What the first year left uncommitted goes to the second; one reallocation between themes."""
    targets = {(t.theme_id, t.plan_year_id): t for t in plan.budget_targets.all()}
    year_target = lambda number: targets[(None, years[number].pk)]  # noqa: E731
    theme_target = lambda order: targets[(themes[order].pk, None)]  # noqa: E731
    target_move(
        kind=TargetMove.Kind.CARRY_OVER,
        from_target=year_target(1),
        to_target=year_target(2),
        amount="40000.00",
        moved_on=datetime.date(2014, 4, 15),
        resolution=demo_resolutions.of_number(plan.alliance_id, "CA-2014-04-15", datetime.date(2014, 4, 15)),
        by=by,
        reason="Les projets de la première année ont démarré plus tard que prévu : le solde passe à 2014-2015.",
    )
    target_move(
        kind=TargetMove.Kind.REALLOCATION,
        from_target=theme_target(3),
        to_target=theme_target(2),
        amount="10000.00",
        moved_on=datetime.date(2014, 9, 10),
        resolution=demo_resolutions.of_number(plan.alliance_id, "CA-2014-09-10", datetime.date(2014, 9, 10)),
        by=by,
        reason="Le chantier logement a trouvé d'autres sources; l'insertion en emploi compte plus de projets que prévu.",
    )


# ---------------------------------------------------------------- people, organisations, the plan's rows


def _organisations_by_key() -> dict[str, Organisation]:
    """Every demo organisation by its key (both alliances'), and the reference data's coordinating body."""
    everyone = {**ORGANISATIONS, **temiscamingue.ORGANISATIONS}
    names = {data["name"]: key for key, data in everyone.items()}
    orgs = {names[org.name]: org for org in Organisation.objects.filter(name__in=names)}
    orgs[RNVVS] = Organisation.objects.get(is_coordinating_body=True)
    return orgs


def _create_organisations(organisations: dict[str, dict]) -> None:
    for data in organisations.values():
        org = Organisation(**{"status": Organisation.Status.APPROVED, "city": "Rouyn-Noranda", **data}, is_demo=True)
        org.full_clean()
        org.save()


def _ensure_users(orgs: dict[str, Organisation]) -> dict[str, User]:
    """Create or reset the demo logins: password, names, group, staff flag, membership, roles in the alliances."""
    users = {}
    for data in USERS:
        user, _created = User.objects.get_or_create(username=data["username"])
        user.first_name = data["first_name"]
        user.last_name = data["last_name"]
        user.email = f"{data['username']}@example.org"
        user.is_staff = data["is_staff"]
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name=data["group"]) if data["group"] else [])
        Membership.objects.update_or_create(
            user=user, organisation=orgs[data["organisation"]], defaults={"role": data["role"], "left_on": None}
        )
        users[data["username"]] = user
    _ensure_alliance_roles(users)
    return users


def _ensure_alliance_roles(users: dict[str, User]) -> None:
    """Each login holds the role USERS gives it in each alliance; a role changed or ended since is replaced (the
    ended one kept, as every ended role is)."""
    alliances = {alliance.slug: alliance for alliance in Alliance.objects.filter(slug__in=[ASIS, SECOND])}
    for data in USERS:
        user = users[data["username"]]
        for slug, wanted in data["alliance_roles"]:
            alliance = alliances[slug]
            if role_in(user, alliance) == wanted:
                continue
            for held in AllianceRole.objects.open().filter(user=user, alliance=alliance):
                alliance_role_end(role=held, by=None)
            alliance_role_grant(user=user, alliance=alliance, role=wanted, by=None)


def _create_citizens(people: dict[str, dict]) -> dict[str, Citizen]:
    citizens = {}
    numbered = Citizen.objects.filter(is_demo=True).count()  # phone numbers follow the other alliance's citizens
    for key, data in people.items():
        consent_on = data["consent_on"]
        citizen = Citizen(
            first_name=data["first_name"],
            last_name=data["last_name"],
            neighbourhood=data["neighbourhood"],
            email=f"{key}@example.org" if consent_on else "",
            phone=f"819-555-02{numbered + len(citizens) + 1:02d}" if consent_on else "",
            consent_to_contact=consent_on is not None,
            consent_given_on=consent_on,
            notes="Personne fictive (démonstration).",
            is_demo=True,
        )
        citizen.full_clean()
        citizen.save()
        if consent_on:  # the consent as Law 25 keeps it: its purpose, the text shown, its date
            consent = consent_give(person=citizen, purpose=ConsentPurpose.CONTACT, source=Consent.Source.COORDINATION)
            Consent.objects.filter(pk=consent.pk).update(
                given_at=timezone.make_aware(datetime.datetime.combine(consent_on, datetime.time(10)))
            )
            Citizen.objects.filter(pk=citizen.pk).update(consent_given_on=consent_on)  # the old column, in step
        citizens[key] = citizen
    return citizens


def _create_objectives(
    themes: dict[int, Theme], orgs: dict[str, Organisation], objectives_data: dict, *, timeline: str
) -> dict[int, Objective]:
    objectives = {}
    for theme_order, data in objectives_data.items():
        objective = Objective.objects.create(
            theme=themes[theme_order],
            order=1,
            title=data["title"],
            is_demo=True,
            description="Objectif fictif, pour la démonstration du portail.",
        )
        action = PlanAction.objects.create(
            objective=objective,
            order=1,
            title=data["action"],
            lead=orgs[data["lead"]],
            timeline=timeline,
            indicators=data["indicators"],
            is_demo=True,
        )
        action.partners.set([orgs[key] for key in data["partners"]])
        objectives[theme_order] = objective
    return objectives


def _create_spaces(chantiers: dict, themes, orgs, citizens, coordinator) -> dict[str, Space]:
    spaces = {}
    for key, data in chantiers.items():
        space = Space(
            alliance=themes[data["themes"][0]].plan.alliance,  # the alliance of the plan its themes belong to
            name=data["name"],
            kind=data["kind"],
            mandate=data["mandate"],
            lead_organisation=orgs[data["lead"]],
            coordinator=coordinator,
            is_demo=True,
        )
        space.full_clean()
        space.save()
        space.themes.set([themes[order] for order in data["themes"]])
        first_meeting = data["meetings"][0][0]
        SpaceMembership.objects.create(
            space=space, organisation=orgs[data["lead"]], role=Role.LEAD, joined_on=first_meeting
        )
        for org_key, role, joined_on in data["members"]:
            SpaceMembership.objects.create(space=space, organisation=orgs[org_key], role=role, joined_on=joined_on)
        for citizen_key, role, joined_on in data["citizens"]:
            SpaceCitizen.objects.create(space=space, citizen=citizens[citizen_key], role=role, joined_on=joined_on)
        spaces[key] = space
    return spaces


def _create_meetings(chantiers: dict, places: dict, spaces, citizens, delegates, *, all_done: bool = False) -> None:
    """Past meetings with invitations, minutes, attendance and a decision with its follow-ups;
    organisations without a demo login attend as such. `all_done`: every follow-up is done (a closed plan's)."""
    for key, data in chantiers.items():
        space = spaces[key]
        members = list(space.memberships.select_related("organisation").order_by("pk"))
        meetings = []
        for number, (day, place) in enumerate(data["meetings"], start=1):
            meeting = _meeting(space, day, places[place], minutes=MINUTES)
            meetings.append(meeting)
            seated = [m for m in members if m.joined_on <= day]
            seated_citizens = [citizens[c] for c, _role, joined_on in data["citizens"] if joined_on <= day]
            Invitation.objects.bulk_create(
                [Invitation(meeting=meeting, organisation=m.organisation) for m in seated]
                + [Invitation(meeting=meeting, citizen=c) for c in seated_citizens]
            )
            for index, membership in enumerate(seated):
                delegate = delegates.get(membership.organisation_id)
                Attendance.objects.create(
                    meeting=meeting,
                    user=delegate,
                    organisation=membership.organisation,
                    present=(index + number) % 5 != 0,  # now and then someone sends regrets
                )
            for citizen in seated_citizens:
                Attendance.objects.create(meeting=meeting, citizen=citizen)
        _record_decision(meetings[-1], members, all_done=all_done)


def _schedule_upcoming_meetings(spaces: dict[str, Space]) -> None:
    """Two of ASIS's meetings still to come, scheduled as a coordinator would (members invited)."""
    today = timezone.localdate()
    for key, days_ahead, place in UPCOMING_MEETINGS:
        meeting_schedule(
            space=spaces[key],
            date=today + datetime.timedelta(days=days_ahead),
            start_time=MEETING_HOURS[0],
            end_time=MEETING_HOURS[1],
            place=PLACES[place],
            agenda=AGENDA,
            is_demo=True,
        )


DECISION = "Mettre en commun les listes d'attente des organisations membres (décision fictive)."
FOLLOW_UPS = [
    # (what, days after the meeting (done) or from today (still open), done)
    ("Rassembler les listes d'attente et les anonymiser", 30, True),
    ("Présenter la liste commune à la prochaine rencontre", 15, False),
]


def _record_decision(meeting: Meeting, members, *, all_done: bool = False) -> None:
    lead = members[0].organisation
    today = timezone.localdate()
    decision_record(
        meeting=meeting,
        text=DECISION,
        follow_ups=[
            {
                "what": what,
                "responsible_organisation": lead,
                "due_on": (meeting.date if done else today) + datetime.timedelta(days=days),
                "done": done,
                "done_on": meeting.date + datetime.timedelta(days=days - 5) if done else None,
            }
            for what, days, done in ((what, days, done or all_done) for what, days, done in FOLLOW_UPS)
        ],
    )


def _meeting(space: Space, day: datetime.date, place: str, *, minutes: str) -> Meeting:
    meeting = Meeting(
        space=space,
        date=day,
        start_time=MEETING_HOURS[0],
        end_time=MEETING_HOURS[1],
        place=place,
        agenda=AGENDA,
        minutes=minutes,
        is_demo=True,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


def _steps(data: dict) -> list[str]:
    """The statuses a project goes through after its creation, to reach data["status"]."""
    status = data["status"]
    steps = [S.DRAFT] if data.get("start") == S.INTENTION and status != S.INTENTION else []
    if status in REVIEW_LINE:
        return steps + REVIEW_LINE[: REVIEW_LINE.index(status) + 1]
    if status in (S.REFUSED, S.WITHDRAWN):
        via = data.get("via")
        return steps + (REVIEW_LINE[: REVIEW_LINE.index(via) + 1] if via else []) + [status]
    return steps


def _create_project(data, *, themes, objectives, years, sources, orgs, spaces, by, delegates) -> ActionProject:
    theme = themes[data["theme"]]
    start_date, end_date = data["dates"]
    steps = _steps(data)
    times = _history_times(start_date, end_date, steps)
    project = project_create(
        by=by,
        at=times[0],
        status=data.get("start", S.DRAFT),
        title=data["title"],
        lead=orgs[data["lead"]],
        theme=theme,
        objective=objectives[data["theme"]],
        space=spaces[data["space"]] if data["space"] else None,
        summary=data["summary"],
        description=f"{data['summary']} Projet fictif, pour la démonstration du portail.",
        target_population=data["target_population"],
        area_served=data["area_served"],
        start_date=start_date,
        end_date=end_date,
        plan_years=[years[number] for number in data["years"]],
        amount_requested=data["amount_requested"],
        is_demo=True,
    )
    _split_request(project, [years[number] for number in data["years"]], data["amount_requested"])
    before = figures.project_values(project)  # its partners and funding count in its theme's kept row
    for org_key, kind, value, description in data["partners"]:
        ProjectPartner.objects.create(
            project=project,
            organisation=orgs[org_key],
            contribution_kind=kind,
            contribution_value=value,
            contribution_description=description,
            status=ProjectPartner.Status.CONFIRMED,  # the demo's partners are agreed in the source text
        )
    for kind, source_name, amount, confirmed in data["other_funding"]:
        OtherFunding.objects.create(
            project=project, kind=kind, source_name=source_name, amount=amount, confirmed=confirmed
        )
    figures.project_values_changed(project=project, before=before)
    indicators = [
        Indicator.objects.create(project=project, name=name, unit=unit, target=target, order=order)
        for order, (name, unit, target) in enumerate(data["indicators"], start=1)
    ]

    commitments = []
    review = None
    for previous, status, at in zip([None, *steps], steps, times[1:]):
        if status == S.UNDER_ANALYSIS:
            review = review_open(project=project, by=by, comment=STEP_COMMENTS[status], committee=COMMITTEE, at=at)
        elif status == S.RECOMMENDED:
            _score(review, by)
            review_recommend(
                review=review,
                recommendation=ProjectReview.Recommendation.FAVORABLE,
                note=STEP_COMMENTS[status],
                amount=project.amount_requested or None,
                by=by,
                at=at,
            )
        elif status in (S.ACCEPTED, S.REFUSED) and previous == S.RECOMMENDED:
            accepted = status == S.ACCEPTED
            board_decision_record(
                project=project,
                by=by,
                at=at,
                decided_on=at.date(),
                outcome=BoardDecision.Outcome.ACCEPTED if accepted else BoardDecision.Outcome.REFUSED,
                resolution_number=f"CA-{at:%Y}-{project.pk:03d}",
                granted_amount=project.amount_requested if accepted else None,
                note="" if accepted else STEP_COMMENTS[S.REFUSED],
            )
        elif status == S.AGREEMENT_SIGNED:
            agreement = agreement_create(
                project=project,
                signed_on=at.date(),
                reference=f"CONV-{at:%Y}-{project.pk:03d}",
                by=by,
                at=at,
                note="Convention fictive (démonstration).",
            )
        else:
            project_change_status(project=project, to_status=status, by=by, comment=STEP_COMMENTS[status], at=at)
        if status == S.ACCEPTED:  # money is committed while the project is fundable
            commitments = [_commit(project, spec, sources, years, by) for spec in data.get("commitments", [])]
    agreement = getattr(project, "agreement", None) if S.AGREEMENT_SIGNED in steps else None
    for commitment, spec in zip(commitments, data.get("commitments", [])):
        for amount, paid_on in spec["paid"]:
            reference = f"VERS-{paid_on:%Y%m%d}-{commitment.pk}"
            if agreement is None:
                disbursement_create(
                    commitment=commitment, amount=Decimal(amount), paid_on=paid_on, reference=reference, by=by
                )
            else:  # paid as the agreement's schedule planned it
                planned = planned_payment_add(
                    agreement=agreement, commitment=commitment, due_on=paid_on, amount=amount, by=by
                )
                planned_payment_release(planned=planned, paid_on=paid_on, reference=reference, by=by)
    author = delegates.get(project.lead_id)
    for spec in data.get("reports", []):
        deadline = None
        if agreement is not None:
            deadline = report_deadline_add(
                agreement=agreement,
                by=by,
                due_on=spec["period"][1] + datetime.timedelta(days=30),
                kind=ReportDeadline.Kind.FINAL if spec.get("final") else ReportDeadline.Kind.PROGRESS,
            )
        _report(project, indicators, spec, submitted_by=author, deadline=deadline, commitments=commitments)
    if agreement is not None and project.status in (S.AGREEMENT_SIGNED, S.IN_PROGRESS):
        _pending_schedule(project, agreement, commitments, data, by)
    return project


def _pending_schedule(project, agreement, commitments, data, by) -> None:
    """A project still under way waits for its next progress report, and its next payment waits for it."""
    last_period_end = max((spec["period"][1] for spec in data.get("reports", [])), default=agreement.signed_on)
    deadline = report_deadline_add(
        agreement=agreement,
        by=by,
        kind=ReportDeadline.Kind.PROGRESS,
        label="Rapport d'étape de mi-parcours",
        due_on=last_period_end + datetime.timedelta(days=180),
    )
    report_deadline_add(
        agreement=agreement,
        by=by,
        kind=ReportDeadline.Kind.FINAL,
        label="Rapport final",
        due_on=(project.end_date or deadline.due_on) + datetime.timedelta(days=60),
    )
    for commitment in commitments:
        commitment.refresh_from_db()
        if commitment.remaining > 0:
            planned_payment_add(
                agreement=agreement,
                commitment=commitment,
                amount=commitment.remaining,
                required_report=deadline,
                due_on=deadline.due_on + datetime.timedelta(days=15),
                note="Solde, à la réception du rapport d'étape.",
                by=by,
            )


UNDATED_PROJECT_START = datetime.date(2015, 9, 1)
COMMITTEE = (
    "Comité d'analyse de l'Alliance : deux membres de la coordination, trois partenaires sans projet déposé (démo)."
)


def _score(review: ProjectReview, by) -> None:
    """The committee's grid: believable scores (from 3 to the maximum), the same on every load."""
    criteria = review.project.theme.plan.review_criteria.filter(is_active=True)
    review_save_scores(
        review=review,
        by=by,
        scores={
            criterion: (max(1, criterion.max_score - (review.project.pk + index) % 3), "")
            for index, criterion in enumerate(criteria)
        },
    )


def _history_times(start: datetime.date, end: datetime.date, steps: list[str]) -> list[datetime.datetime]:
    """Believable dates for a project's history: filed and reviewed in the months before it
    starts (two weeks a step), started on its start date, completed on its end date, the final
    report a month later."""

    def at(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))

    start = start or UNDATED_PROJECT_START  # intentions and drafts have no dates yet
    end = end or start
    before = [st for st in steps if st not in (S.IN_PROGRESS, S.COMPLETED, S.FINAL_REPORT)]
    day = start - datetime.timedelta(days=15 * (len(before) + 1))
    times = [at(day)]
    for status in steps:
        if status == S.IN_PROGRESS:
            day = max(day, start)
        elif status == S.COMPLETED:
            day = max(day, end)
        elif status == S.FINAL_REPORT:
            day = max(day, end) + datetime.timedelta(days=30)
        else:
            day = day + datetime.timedelta(days=15)
        times.append(at(day))
    return times


def _split_request(project: ActionProject, years, total: Decimal) -> None:
    """The requested amount spread over the project's plan years (cents on the last), as a partner would enter it."""
    if not years or not total:
        return
    share = (total / len(years)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    amounts = [share] * (len(years) - 1) + [total - share * (len(years) - 1)]
    ProjectYearAmount.objects.bulk_create(
        ProjectYearAmount(project=project, plan_year=year, amount=amount) for year, amount in zip(years, amounts)
    )


def _commit(project, spec, sources, years, by) -> Commitment:
    return commitment_create(
        source=sources[spec["source"]],
        project=project,
        plan_year=years[spec["year"]],
        amount=Decimal(spec["amount"]),
        decided_on=spec["decided_on"],
        resolution=demo_resolutions.of_number(
            sources[spec["source"]].plan.alliance_id, spec["reference"], spec["decided_on"], by
        ),
        note="Engagement fictif (démonstration).",
        by=by,
    )


def _report(project, indicators, spec, *, submitted_by, deadline=None, commitments=()) -> ProgressReport:
    """A report as filed at the end of its period (the demo's history: its dates are in the past)."""
    period_start, period_end = spec["period"]
    committed = sum((c.amount - c.reduced_total for c in commitments), Decimal("0.00"))
    report = ProgressReport(
        project=project,
        deadline=deadline,
        period_start=period_start,
        period_end=period_end,
        percent_done=spec["percent"],
        narrative=spec["narrative"],
        highlights=spec["highlights"],
        people_reached=spec["people"],
        citizens_reached=spec["people"] // 3,
        expenses=(committed * spec["percent"] / 100).quantize(Decimal("0.01")) if committed else None,
        gaps="" if spec["percent"] >= 50 else "Démarrage plus lent que prévu : recrutement des participants.",
        is_final=spec.get("final", False),
        submitted_by=submitted_by,
        submitted_at=timezone.make_aware(datetime.datetime.combine(period_end, datetime.time(16, 0))),
    )
    report.full_clean()
    before = figures.project_values(project)
    report.save()
    figures.project_values_changed(project=project, before=before)  # its people reached, when the latest report
    if deadline is not None:
        deadlines_filed_update(deadline_ids={deadline.pk})  # answered: neither pending nor late
    partners = list(project.partners.all())
    if partners:
        report.partners_involved.set(partners)
    for indicator, value in zip(indicators, spec["values"]):
        IndicatorValue.objects.create(report=report, indicator=indicator, value=Decimal(value))
    if submitted_by is not None and not report.is_final:
        report_attachments_add(
            report=report, by=submitted_by, files=[ContentFile(DEMO_PDF, name="Compte-rendu des activités.pdf")]
        )
    return report


# A one-page PDF (« Document de démonstration »): the report's supporting document in the demo.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 58>>stream\nBT /F1 24 Tf 72 700 Td (Document de demonstration) Tj ET\nendstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
