"""The Alliance's reference data: exactly what the source text states, nothing invented.

Source: « Reflet des régions : Une démarche concertée pour l'ASIS » (shared/domain/). Facts
the source does not give (the plan's exact dates, each activity's date and attendance) are
left empty or marked as a working assumption a coordinator can change.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from alliances.models import Alliance
from budget.models import FundingSource
from organisations.models import Organisation
from plans.models import MobilisationActivity, Plan, Principle, Theme
from plans.services import plan_years_ensure
from projects.models import ReviewCriterion
from projects.services.budget_lines import expense_categories_seed

SOURCE_NOTE = (
    "« Reflet des régions : Une démarche concertée pour l'ASIS ». Sources : Denise Lavallée, "
    "coordonnatrice RNVVS; Dominique Morin, agente de développement RNVVS."
)

COORDINATOR = {
    "name": "Rouyn-Noranda, ville et villages en santé",
    "acronym": "RNVVS",
    "kind": Organisation.Kind.COMMUNITY,
    "phone": "819-797-7110",
    "city": "Rouyn-Noranda",
}

ALLIANCE = {
    "name": "Alliance pour la solidarité et l'inclusion sociale de Rouyn-Noranda",
    "acronym": "ASIS",
    "slug": "rouyn-noranda",
    "territory": "Rouyn-Noranda",
    "region": "Abitibi-Témiscamingue",
    "mandated_by": "CRÉ de l'Abitibi-Témiscamingue",
    "mandate_date": "Hiver 2012",
}
# The alliance's funders are organisations of the portal; the source names the FQIS's ministry and the Ville de
# Rouyn-Noranda only as funders of its two sources (FUNDING_SOURCES' `funder`), not as organisations: none is
# recorded until a coordinator adds them.

PLAN = {
    "title": "Plan de développement social et de lutte contre la pauvreté et l'exclusion",
    "description": (
        "Hiver 2012, Rouyn-Noranda, ville et villages en santé (RNVVS) acceptait le mandat de la CRÉ de "
        "l'Abitibi-Témiscamingue relativement à la mise en œuvre de l'Alliance pour la solidarité et "
        "l'inclusion sociale de Rouyn-Noranda. RNVVS a saisi l'opportunité pour élaborer le premier plan de "
        "développement social et de lutte contre la pauvreté et l'exclusion et identifier les priorités locales "
        "et les pistes d'action jugées souhaitables, sur un horizon de trois ans."
    ),
    "mobilised_organisations": 40,
    "mobilised_people": 60,
    "dates_note": (
        "Le texte source situe le plan sur un horizon de trois ans sans en donner les dates : les années "
        "2013-2014 à 2015-2016 sont une hypothèse de travail que la coordination peut modifier."
    ),
}
# Working assumption (see dates_note): the first fiscal year after the 2013 mobilisation began.
PLAN_START = datetime.date(2013, 4, 1)

THEMES = [
    "Bénévolat et entraide",
    "Emploi, main-d'œuvre et insertion socioprofessionnelle",
    "Logement et habitation",
    "Pauvreté et défavorisation",
    "Petite enfance et famille",
    "Vieillissement de la population",
]

PRINCIPLES = [
    "Il est nécessaire de travailler en partenariat pour augmenter la valeur de nos interventions.",
    "Respecter et miser sur les lieux de concertation déjà en place.",
    "Éviter de contribuer à l'hyperconcertation.",
    "Partir avec les intentions ou projets d'action des organisations en lien avec les enjeux retenus.",
    "Le citoyen doit demeurer au cœur de nos décisions.",
]

FUNDING_SOURCES = [
    {
        "code": "fqis",
        "name": "Fonds québécois d'initiatives sociales (FQIS)",
        "funder": "Gouvernement du Québec, par la CRÉ de l'Abitibi-Témiscamingue",
        "amount": Decimal("467136.00"),
        "order": 1,
    },
    {
        "code": "ville-rn",
        "name": "Contribution de la Ville de Rouyn-Noranda",
        "funder": "Ville de Rouyn-Noranda",
        "amount": Decimal("35000.00"),
        "order": 2,
    },
]

# The analysis grid's usual criteria for projects funded by the FQIS through the alliances.
# Coordinators edit them afterwards; they are seeded once, when a plan has none.
REVIEW_CRITERIA = [
    (
        "Impact sur la pauvreté et l'exclusion sociale",
        "Le projet agit sur les causes ou les effets de la pauvreté et de l'exclusion sociale des personnes visées.",
    ),
    ("Objectifs clairs et mesurables", "Les objectifs, les résultats attendus et les indicateurs sont précis."),
    ("Plan de travail et budget réalistes", "Les activités, l'échéancier et le budget sont cohérents et réalisables."),
    (
        "Capacité de l'organisation et partenariats",
        "L'organisation a l'expertise pour mener le projet et s'appuie sur des partenaires engagés.",
    ),
    (
        "Autres sources de financement",
        "Le projet mobilise d'autres sources : mise de fonds, autres bailleurs, contributions en nature.",
    ),
    ("Caractère novateur ou structurant", "Le projet innove ou laisse des effets durables dans la communauté."),
    ("Appui du milieu", "Le projet est appuyé par le milieu et s'inscrit dans les lieux de concertation existants."),
]

MOBILISATION_PERIOD = (datetime.date(2013, 3, 1), datetime.date(2013, 9, 30))
MOBILISATION_DESCRIPTION = (
    "Une des trois activités de mobilisation-consultation tenues entre mars et septembre 2013 "
    "(date exacte et participation de chaque activité non précisées par la source)."
)


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Create or update the reference rows. Running it twice leaves the same rows."""
    rnvvs, _created = Organisation.objects.update_or_create(
        acronym=COORDINATOR["acronym"],
        is_coordinating_body=True,
        defaults={**COORDINATOR, "status": Organisation.Status.APPROVED},
    )
    alliance, _created = Alliance.objects.update_or_create(
        acronym=ALLIANCE["acronym"], defaults={**ALLIANCE, "coordinating_organisation": rnvvs}
    )
    expense_categories_seed(alliance=alliance)  # the six default categories of expenses, unless it has its own
    # The source's plan is the alliance's first; it is the current one when loaded, and its status then belongs to
    # the coordinators as its dates do.
    plan = alliance.plans.order_by("start_date", "pk").first() or Plan.objects.create(
        alliance=alliance,
        status=Plan.Status.CURRENT,
        start_date=PLAN_START,
        source_note=SOURCE_NOTE,
        **PLAN,
    )
    # Texts follow the source; the dates belong to the coordinators once loaded.
    Plan.objects.filter(pk=plan.pk).update(**PLAN, source_note=SOURCE_NOTE)
    plan.refresh_from_db()
    years = plan_years_ensure(plan=plan, count=3)

    for order, name in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(plan=plan, order=order, defaults={"name": name, "slug": slugify(name)[:80]})
    for number, text in enumerate(PRINCIPLES, start=1):
        Principle.objects.update_or_create(plan=plan, number=number, defaults={"text": text})
    if not plan.review_criteria.exists():
        for order, (name, description) in enumerate(REVIEW_CRITERIA, start=1):
            ReviewCriterion.objects.create(plan=plan, order=order, name=name, description=description)
    for source in FUNDING_SOURCES:
        FundingSource.objects.update_or_create(plan=plan, code=source["code"], defaults=source)
    for number in (1, 2, 3):
        MobilisationActivity.objects.update_or_create(
            plan=plan,
            number=number,
            defaults={
                "title": f"Activité de mobilisation {number}",
                "period_start": MOBILISATION_PERIOD[0],
                "period_end": MOBILISATION_PERIOD[1],
                "description": MOBILISATION_DESCRIPTION,
            },
        )
    return {
        "themes": plan.themes.count(),
        "principles": plan.principles.count(),
        "funding_sources": plan.funding_sources.count(),
        "plan_years": len(years),
        "mobilisation_activities": plan.mobilisation_activities.count(),
        "review_criteria": plan.review_criteria.count(),
    }
