"""The demo's second alliance: « Alliance du Témiscamingue (démo) », smaller than ASIS, fictional.

Data only; demo/data.py loads it (`load_demo`). The alliance has its own coordinating organisation, a plan
2010-2013 that is closed and a plan 2013-2016 that is current, each with its themes, funding sources (FQIS and
the MRC), a concertation space with its meetings, projects across statuses with their money and reports. The
regional funder's organisation funds both demo alliances; `partenaire2`'s organisation (« emploi », ASIS's
demo) works here too: it leads a project of the current plan and is a partner of another.
"""

import datetime
from decimal import Decimal

from chantiers.models import ParticipationRole, Space
from organisations.models import Organisation
from projects.models import OtherFunding, ProjectPartner, ProjectStatus

S = ProjectStatus
D = datetime.date
Kind = Organisation.Kind
Role = ParticipationRole
Contribution = ProjectPartner.Contribution
Funding = OtherFunding.Kind

ALLIANCE = {
    "name": "Alliance du Témiscamingue (démo)",
    "acronym": "",
    "slug": "temiscamingue",
    "territory": "Témiscamingue",
    "region": "Abitibi-Témiscamingue",
    "mandated_by": "CRÉ de l'Abitibi-Témiscamingue",
    "mandate_date": "Automne 2009",
    "contact_email": "coordination@cdctemis.example.org",  # a role's address: the open-data catalogue publishes it
}
COORDINATING = "cdc-temis"  # the alliance's coordinating organisation (key below)
REGIONAL_FUNDER = "direction-regionale"  # funds both demo alliances; the `region` login is its member
FUNDERS = [REGIONAL_FUNDER, "mrc-temis"]
PARTNER2 = "emploi"  # partenaire2's organisation, from ASIS's demo (demo.data.ORGANISATIONS)

ORGANISATIONS = {
    COORDINATING: {
        "name": "Corporation de développement communautaire du Témiscamingue (démo)",
        "acronym": "CDCT",
        "kind": Kind.COMMUNITY,
        "sector": "Développement communautaire",
        "description": "Regroupement fictif des organismes communautaires du Témiscamingue, mandaté pour coordonner l'Alliance.",
        "address": "21, rue Notre-Dame Nord",
        "city": "Ville-Marie",
        "postal_code": "J9V 0B1",
        "phone": "819-555-0301",
        "email": "coordination@cdctemis.example.org",
    },
    REGIONAL_FUNDER: {
        "name": "Direction régionale — Fonds québécois d'initiatives sociales (démo)",
        "acronym": "DR-FQIS",
        "kind": Kind.PUBLIC,
        "sector": "Financement public",
        "description": "Direction régionale fictive qui répartit le FQIS entre les alliances territoriales de la région.",
        "address": "170, avenue Principale",
        "city": "Rouyn-Noranda",
        "postal_code": "J9X 0B2",
        "phone": "819-555-0302",
        "email": "fqis.region@example.org",
    },
    "mrc-temis": {
        "name": "MRC de Témiscamingue (démo)",
        "acronym": "",
        "kind": Kind.MUNICIPAL,
        "sector": "Administration municipale",
        "description": "Municipalité régionale de comté fictive, qui contribue à l'enveloppe de l'Alliance.",
        "address": "1, rue Industrielle",
        "city": "Ville-Marie",
        "postal_code": "J9V 0B3",
        "phone": "819-555-0303",
        "email": "mrc@temiscamingue.example.org",
    },
    "jeunes-temis": {
        "name": "Maison des jeunes du Témiscamingue (démo)",
        "acronym": "",
        "kind": Kind.COMMUNITY,
        "sector": "Jeunesse",
        "description": "Maison des jeunes fictive : local ouvert, aide aux devoirs, activités d'été.",
        "address": "8, rue Sainte-Anne",
        "city": "Ville-Marie",
        "postal_code": "J9V 0B4",
        "phone": "819-555-0304",
        "email": "mdj@temiscamingue.example.org",
    },
    "comptoir-temis": {
        "name": "Comptoir alimentaire du Témiscamingue (démo)",
        "acronym": "",
        "kind": Kind.COMMUNITY,
        "sector": "Sécurité alimentaire",
        "description": "Organisme fictif de dépannage alimentaire, de paniers et de cuisines collectives.",
        "address": "40, rue Saint-Gabriel",
        "city": "Ville-Marie",
        "postal_code": "J9V 0B5",
        "phone": "819-555-0305",
        "email": "comptoir@temiscamingue.example.org",
        "neq": "0000-000-305",  # fictional, typed with dashes: kept as its 10 digits
    },
    "transport-temis": {
        "name": "Transport collectif du Témiscamingue (démo)",
        "acronym": "",
        "kind": Kind.COMMUNITY,
        "sector": "Transport",
        "description": "Organisme fictif de transport collectif et adapté entre les villages.",
        "address": "3, rue Principale",
        "city": "Notre-Dame-du-Nord",
        "postal_code": "J0Z 0B6",
        "phone": "819-555-0306",
        "email": "transport@temiscamingue.example.org",
    },
    "aines-temis": {
        "name": "Club des aînés de Notre-Dame-du-Nord (démo)",
        "acronym": "",
        "kind": Kind.CITIZENS,
        "sector": "Aînés",
        "description": "Regroupement fictif de citoyens aînés.",
        "address": "",
        "city": "Notre-Dame-du-Nord",
        "postal_code": "",
        "phone": "819-555-0307",
        "email": "aines.ndn@example.org",
    },
}

CITIZENS = {
    "colette": {
        "first_name": "Colette",
        "last_name": "Rivard",
        "neighbourhood": "Ville-Marie",
        "consent_on": D(2011, 1, 20),
    },
    "benoit": {"first_name": "Benoît", "last_name": "Lafrenière", "neighbourhood": "Latulipe", "consent_on": None},
}

PLACES = {
    "ville-marie": "Salle du conseil de la MRC de Témiscamingue, Ville-Marie",
    "ndn": "Salle communautaire de Notre-Dame-du-Nord",
}

# Theme orders, in each plan.
FOOD, YOUTH, TRANSPORT = 1, 2, 3

# The two plans, oldest first: the first is closed once loaded (demo.data._close_past_plan).
PLANS = [
    {
        "plan": {
            "title": "Plan d'action 2010-2013 de l'Alliance du Témiscamingue (démo)",
            "start_date": D(2010, 4, 1),
            "description": "Premier plan fictif de l'Alliance du Témiscamingue : sécurité alimentaire et réussite des jeunes.",
        },
        "timeline": "2010-2011 à 2012-2013",
        "themes": {
            FOOD: "Sécurité alimentaire",
            YOUTH: "Persévérance scolaire et insertion des jeunes",
        },
        "objectives": {
            FOOD: {
                "title": "Rendre les aliments sains accessibles dans les villages (démo)",
                "action": "Livrer des paniers solidaires dans les villages éloignés (démo)",
                "lead": "comptoir-temis",
                "partners": ["aines-temis"],
                "indicators": "Nombre de ménages desservis; nombre de paniers livrés.",
            },
            YOUTH: {
                "title": "Soutenir la réussite scolaire des jeunes des villages (démo)",
                "action": "Offrir l'aide aux devoirs après l'école (démo)",
                "lead": "jeunes-temis",
                "partners": ["aines-temis"],
                "indicators": "Nombre d'élèves inscrits; taux de présence.",
            },
        },
        "sources": [
            {
                "code": "fqis",
                "name": "Fonds québécois d'initiatives sociales (FQIS)",
                "funder": "Gouvernement du Québec, par la CRÉ de l'Abitibi-Témiscamingue",
                "amount": Decimal("100000.00"),
                "order": 1,
            },
            {
                "code": "mrc",
                "name": "Contribution de la MRC de Témiscamingue",
                "funder": "MRC de Témiscamingue",
                "amount": Decimal("8000.00"),
                "order": 2,
            },
        ],
        "spaces": {
            "comite-2010": {
                "name": "Comité sécurité alimentaire et réussite des jeunes du Témiscamingue (démo)",
                "kind": Space.Kind.COMMITTEE,
                "themes": [FOOD, YOUTH],
                "mandate": "Comité de suivi du premier plan de l'Alliance, formé des porteurs de projets.",
                "lead": "comptoir-temis",
                "members": [
                    ("jeunes-temis", Role.MEMBER, D(2010, 9, 1)),
                    (COORDINATING, Role.OBSERVER, D(2010, 9, 1)),
                ],
                "citizens": [("colette", Role.MEMBER, D(2011, 1, 20))],
                "meetings": [(D(2011, 2, 15), "ville-marie"), (D(2012, 5, 8), "ville-marie")],
            },
        },
        "projects": [
            {
                "title": "Paniers solidaires dans les villages",
                "lead": "comptoir-temis",
                "theme": FOOD,
                "space": "comite-2010",
                "status": S.FINAL_REPORT,
                "summary": "Des paniers d'aliments à prix modique livrés chaque semaine dans les villages éloignés.",
                "target_population": "Ménages à faible revenu des villages sans épicerie.",
                "area_served": "Villages du Témiscamingue",
                "dates": (D(2010, 9, 1), D(2012, 6, 30)),
                "years": [1, 2, 3],
                "amount_requested": Decimal("58000.00"),
                "partners": [("aines-temis", Contribution.SERVICES, Decimal("1500.00"), "Bénévoles pour la livraison")],
                "other_funding": [(Funding.OWN, "Comptoir alimentaire du Témiscamingue", Decimal("3000.00"), True)],
                "indicators": [
                    ("Ménages desservis", "ménages", Decimal("180")),
                    ("Paniers livrés", "paniers", Decimal("2400")),
                ],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 1,
                        "amount": "30000.00",
                        "decided_on": D(2010, 8, 2),
                        "reference": "CA-T-2010-08-01",
                        "paid": [("15000.00", D(2010, 9, 15)), ("15000.00", D(2011, 3, 15))],
                    },
                    {
                        "source": "fqis",
                        "year": 2,
                        "amount": "25000.00",
                        "decided_on": D(2010, 8, 2),
                        "reference": "CA-T-2010-08-01",
                        "paid": [("12500.00", D(2011, 9, 15)), ("12500.00", D(2012, 4, 16))],
                    },
                    {
                        "source": "mrc",
                        "year": 2,
                        "amount": "3000.00",
                        "decided_on": D(2010, 8, 2),
                        "reference": "CA-T-2010-08-02",
                        "paid": [("3000.00", D(2011, 9, 15))],
                    },
                ],
                "reports": [
                    {
                        "period": (D(2010, 9, 1), D(2011, 8, 31)),
                        "percent": 55,
                        "people": 140,
                        "values": ["121", "1150"],
                        "narrative": "Livraisons hebdomadaires dans sept villages.",
                        "highlights": "Les aînés bénévoles livrent la moitié des paniers.",
                    },
                    {
                        "period": (D(2011, 9, 1), D(2012, 6, 30)),
                        "percent": 100,
                        "people": 210,
                        "values": ["196", "2530"],
                        "final": True,
                        "narrative": "Consolidation de la livraison et entente avec deux épiceries.",
                        "highlights": "Cible dépassée : 2 530 paniers livrés.",
                    },
                ],
            },
            {
                "title": "Aide aux devoirs dans les villages",
                "lead": "jeunes-temis",
                "theme": YOUTH,
                "space": "comite-2010",
                "status": S.COMPLETED,
                "summary": "L'aide aux devoirs après l'école dans trois villages, avec des grands-parents bénévoles.",
                "target_population": "Élèves du primaire des villages.",
                "area_served": "Latulipe, Béarn, Notre-Dame-du-Nord",
                "dates": (D(2011, 1, 10), D(2012, 12, 20)),
                "years": [1, 2, 3],
                "amount_requested": Decimal("46000.00"),
                "partners": [
                    ("aines-temis", Contribution.SERVICES, Decimal("1200.00"), "Des grands-parents bénévoles")
                ],
                "other_funding": [
                    (Funding.OTHER_FUNDER, "Commission scolaire fictive du Lac-Témiscamingue", Decimal("5000.00"), True)
                ],
                "indicators": [("Élèves inscrits", "élèves", Decimal("60"))],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 2,
                        "amount": "40000.00",
                        "decided_on": D(2010, 12, 8),
                        "reference": "CA-T-2010-12-03",
                        "paid": [("20000.00", D(2011, 1, 17)), ("20000.00", D(2011, 9, 12))],
                    },
                    {
                        "source": "mrc",
                        "year": 2,
                        "amount": "4000.00",
                        "decided_on": D(2010, 12, 8),
                        "reference": "CA-T-2010-12-04",
                        "paid": [("4000.00", D(2011, 1, 17))],
                    },
                ],
                "reports": [
                    {
                        "period": (D(2011, 1, 10), D(2012, 12, 20)),
                        "percent": 100,
                        "people": 72,
                        "values": ["64"],
                        "narrative": "Deux années scolaires d'aide aux devoirs, trois soirs par semaine.",
                        "highlights": "Seize grands-parents bénévoles engagés.",
                    },
                ],
            },
            {
                "title": "Camion de cuisine collective itinérante",
                "lead": "comptoir-temis",
                "theme": FOOD,
                "space": None,
                "status": S.REFUSED,
                "via": S.RECOMMENDED,
                "summary": "L'achat d'un camion aménagé pour tenir des cuisines collectives dans les villages.",
                "target_population": "Personnes seules et familles des villages.",
                "area_served": "Villages du Témiscamingue",
                "dates": (D(2011, 9, 1), D(2012, 8, 31)),
                "years": [2, 3],
                "amount_requested": Decimal("85000.00"),
                "partners": [],
                "other_funding": [(Funding.OTHER_FUNDER, "Fondation fictive des régions", Decimal("20000.00"), False)],
                "indicators": [("Villages desservis", "villages", Decimal("12"))],
            },
            {
                "title": "Petits déjeuners dans les écoles de village",
                "lead": "jeunes-temis",
                "theme": FOOD,
                "space": "comite-2010",
                "status": S.WITHDRAWN,
                "via": S.UNDER_ANALYSIS,
                "summary": "Un petit déjeuner offert chaque matin d'école dans quatre écoles de village.",
                "target_population": "Élèves du primaire.",
                "area_served": "Écoles de village du Témiscamingue",
                "dates": (D(2012, 1, 9), D(2012, 12, 21)),
                "years": [2, 3],
                "amount_requested": Decimal("22000.00"),
                "partners": [("comptoir-temis", Contribution.IN_KIND, None, "Denrées")],
                "other_funding": [],
                "indicators": [("Déjeuners servis", "repas", Decimal("9000"))],
            },
        ],
    },
    {
        "plan": {
            "title": "Plan d'action 2013-2016 de l'Alliance du Témiscamingue (démo)",
            "start_date": D(2013, 4, 1),
            "description": "Second plan fictif de l'Alliance du Témiscamingue : il reprend les deux enjeux du premier "
            "et ajoute le transport en milieu rural.",
        },
        "timeline": "2013-2014 à 2015-2016",
        "themes": {
            FOOD: "Sécurité alimentaire",
            YOUTH: "Persévérance scolaire et insertion des jeunes",
            TRANSPORT: "Transport et mobilité en milieu rural",
        },
        "objectives": {
            FOOD: {
                "title": "Rapprocher l'épicerie des villages (démo)",
                "action": "Faire circuler une épicerie mobile (démo)",
                "lead": "comptoir-temis",
                "partners": ["mrc-temis"],
                "indicators": "Nombre de villages desservis; nombre de ménages clients.",
            },
            YOUTH: {
                "title": "Accompagner les jeunes vers l'emploi ou les études (démo)",
                "action": "Offrir un parcours d'insertion aux jeunes des villages (démo)",
                "lead": PARTNER2,
                "partners": ["jeunes-temis"],
                "indicators": "Nombre de jeunes accompagnés; retours en emploi ou aux études.",
            },
            TRANSPORT: {
                "title": "Rendre les services de Ville-Marie accessibles sans voiture (démo)",
                "action": "Organiser une navette et du covoiturage entre les villages (démo)",
                "lead": "transport-temis",
                "partners": ["aines-temis"],
                "indicators": "Nombre de déplacements; nombre d'usagers.",
            },
        },
        "sources": [
            {
                "code": "fqis",
                "name": "Fonds québécois d'initiatives sociales (FQIS)",
                "funder": "Gouvernement du Québec, par la CRÉ de l'Abitibi-Témiscamingue",
                "amount": Decimal("180000.00"),
                "order": 1,
            },
            {
                "code": "mrc",
                "name": "Contribution de la MRC de Témiscamingue",
                "funder": "MRC de Témiscamingue",
                "amount": Decimal("10000.00"),
                "order": 2,
            },
        ],
        "spaces": {
            "table-temis": {
                "name": "Table de développement social du Témiscamingue (démo)",
                "kind": Space.Kind.TABLE,
                "themes": [FOOD, YOUTH, TRANSPORT],
                "mandate": "Table existante des organismes du territoire, associée à l'Alliance pour son second plan.",
                "lead": COORDINATING,
                "members": [
                    ("comptoir-temis", Role.MEMBER, D(2013, 9, 1)),
                    ("jeunes-temis", Role.MEMBER, D(2013, 9, 1)),
                    ("transport-temis", Role.MEMBER, D(2013, 9, 1)),
                    (PARTNER2, Role.MEMBER, D(2014, 1, 1)),
                    ("mrc-temis", Role.OBSERVER, D(2013, 9, 1)),
                ],
                "citizens": [("colette", Role.MEMBER, D(2013, 9, 1)), ("benoit", Role.OBSERVER, D(2014, 9, 1))],
                "meetings": [
                    (D(2013, 10, 22), "ville-marie"),
                    (D(2014, 11, 18), "ndn"),
                    (D(2015, 10, 20), "ville-marie"),
                ],
            },
        },
        "projects": [
            {
                "title": "Parcours emploi des jeunes du Témiscamingue",
                "lead": PARTNER2,
                "theme": YOUTH,
                "space": "table-temis",
                "status": S.IN_PROGRESS,
                "summary": "Un parcours d'insertion de six mois pour les jeunes des villages : ateliers, stages, suivi.",
                "target_population": "Jeunes de 16 à 30 ans des villages, sans emploi ni études.",
                "area_served": "MRC de Témiscamingue",
                "dates": (D(2014, 1, 13), D(2015, 12, 18)),
                "years": [1, 2, 3],
                "amount_requested": Decimal("45000.00"),
                "partners": [
                    ("jeunes-temis", Contribution.SERVICES, Decimal("2000.00"), "Recrutement des jeunes participants")
                ],
                "other_funding": [(Funding.OTHER_FUNDER, "Fonds fictif de la jeunesse", Decimal("6000.00"), True)],
                "indicators": [
                    ("Jeunes accompagnés", "personnes", Decimal("30")),
                    ("Retours en emploi ou aux études", "personnes", Decimal("18")),
                ],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 1,
                        "amount": "15000.00",
                        "decided_on": D(2013, 12, 11),
                        "reference": "CA-T-2013-12-02",
                        "paid": [("15000.00", D(2014, 1, 20))],
                    },
                    {
                        "source": "fqis",
                        "year": 2,
                        "amount": "15000.00",
                        "decided_on": D(2013, 12, 11),
                        "reference": "CA-T-2013-12-02",
                        "paid": [("10000.00", D(2014, 7, 15))],
                    },
                    {
                        "source": "fqis",
                        "year": 3,
                        "amount": "12000.00",
                        "decided_on": D(2013, 12, 11),
                        "reference": "CA-T-2013-12-02",
                        "paid": [],
                    },
                ],
                "reports": [
                    {
                        "period": (D(2014, 1, 13), D(2014, 6, 30)),
                        "percent": 35,
                        "people": 19,
                        "values": ["19", "4"],
                        "narrative": "Première cohorte : ateliers de groupe et stages chez six employeurs.",
                        "highlights": "Quatre jeunes ont trouvé un emploi avant la fin du parcours.",
                    },
                ],
            },
            {
                "title": "Navette des aînés vers Ville-Marie",
                "lead": "transport-temis",
                "theme": TRANSPORT,
                "space": "table-temis",
                "status": S.COMPLETED,
                "summary": "Une navette hebdomadaire des villages vers les services de Ville-Marie.",
                "target_population": "Personnes aînées des villages, sans voiture.",
                "area_served": "Villages du nord du Témiscamingue",
                "dates": (D(2013, 10, 1), D(2014, 9, 30)),
                "years": [1, 2],
                "amount_requested": Decimal("24000.00"),
                "partners": [("aines-temis", Contribution.SERVICES, None, "Inscriptions et accueil des usagers")],
                "other_funding": [],
                "indicators": [("Déplacements réalisés", "déplacements", Decimal("600"))],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 1,
                        "amount": "11000.00",
                        "decided_on": D(2013, 9, 4),
                        "reference": "CA-T-2013-09-01",
                        "paid": [("11000.00", D(2013, 10, 15))],
                    },
                    {
                        "source": "fqis",
                        "year": 2,
                        "amount": "10000.00",
                        "decided_on": D(2013, 9, 4),
                        "reference": "CA-T-2013-09-01",
                        "paid": [("10000.00", D(2014, 4, 15))],
                    },
                    {
                        "source": "mrc",
                        "year": 2,
                        "amount": "3000.00",
                        "decided_on": D(2013, 9, 4),
                        "reference": "CA-T-2013-09-02",
                        "paid": [("3000.00", D(2014, 4, 15))],
                    },
                ],
                "reports": [
                    {
                        "period": (D(2013, 10, 1), D(2014, 9, 30)),
                        "percent": 100,
                        "people": 85,
                        "values": ["642"],
                        "narrative": "Une navette chaque mardi, réservée la veille par téléphone.",
                        "highlights": "Les rendez-vous médicaux manqués ont diminué, selon le CLSC.",
                    },
                ],
            },
            {
                "title": "Épicerie mobile des villages",
                "lead": "comptoir-temis",
                "theme": FOOD,
                "space": "table-temis",
                "status": S.AGREEMENT_SIGNED,
                "summary": "Un camion-épicerie qui s'arrête chaque semaine dans huit villages.",
                "target_population": "Ménages des villages sans épicerie.",
                "area_served": "Huit villages du Témiscamingue",
                "dates": (D(2015, 6, 1), D(2016, 3, 31)),
                "years": [3],
                "amount_requested": Decimal("32000.00"),
                "partners": [
                    ("mrc-temis", Contribution.IN_KIND, Decimal("2500.00"), "Stationnement et électricité aux arrêts")
                ],
                "other_funding": [],
                "indicators": [("Villages desservis", "villages", Decimal("8"))],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 3,
                        "amount": "28000.00",
                        "decided_on": D(2015, 4, 15),
                        "reference": "CA-T-2015-04-01",
                        "paid": [("8000.00", D(2015, 6, 15))],
                    },
                    {
                        "source": "mrc",
                        "year": 3,
                        "amount": "4000.00",
                        "decided_on": D(2015, 4, 15),
                        "reference": "CA-T-2015-04-02",
                        "paid": [],
                    },
                ],
            },
            {
                "title": "Maison des jeunes ouverte l'été",
                "lead": "jeunes-temis",
                "theme": YOUTH,
                "space": None,
                "status": S.ACCEPTED,
                "summary": "La maison des jeunes ouverte tout l'été, animée par des jeunes embauchés pour la saison.",
                "target_population": "Jeunes de 12 à 17 ans.",
                "area_served": "Ville-Marie et villages voisins",
                "dates": (D(2015, 6, 22), D(2015, 8, 28)),
                "years": [3],
                "amount_requested": Decimal("14000.00"),
                "partners": [(PARTNER2, Contribution.SERVICES, Decimal("1800.00"), "Recrutement des animateurs d'été")],
                "other_funding": [],
                "indicators": [("Jeunes participants", "jeunes", Decimal("80"))],
                "commitments": [
                    {
                        "source": "fqis",
                        "year": 3,
                        "amount": "12500.00",
                        "decided_on": D(2015, 5, 20),
                        "reference": "CA-T-2015-05-03",
                        "paid": [],
                    },
                ],
            },
            {
                "title": "Covoiturage solidaire en milieu rural",
                "lead": "transport-temis",
                "theme": TRANSPORT,
                "space": "table-temis",
                "status": S.SUBMITTED,
                "summary": "Une plateforme et un répondant pour partager les trajets entre villages.",
                "target_population": "Résidents des villages sans transport.",
                "area_served": "MRC de Témiscamingue",
                "dates": (D(2015, 10, 1), D(2016, 3, 31)),
                "years": [3],
                "amount_requested": Decimal("9500.00"),
                "partners": [],
                "other_funding": [],
                "indicators": [("Trajets partagés", "trajets", Decimal("300"))],
            },
        ],
    },
]
