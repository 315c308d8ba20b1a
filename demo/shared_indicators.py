"""The demo's shared indicators per theme (issue 21, part 1): for each theme of an alliance's current plan, a count
of what its projects did in each unit their indicators share (« Combien avons-nous fait ? »: every demo project's
indicator of that unit linked to it, the target the projects' targets summed and a fifth more) and a question of
quality (« Avons-nous bien fait ? », no project linked yet); and, for the first theme, a population indicator
(« Quelqu'un s'en porte-t-il mieux ? »): the territory's deprivation index, its source and two measures.

Written through the services (plans.services), the links by one update per shared indicator (their units agree by
construction). Idempotent: a theme that has shared indicators is left as it is."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from plans import services
from plans.models import Plan, SharedIndicator
from plans.versions import plan_written
from projects.models import Indicator

HOW_WELL = ("Participants satisfaits des activités", "%", Decimal("80"))
# (territory, source of the index, baseline of 2011, measure of 2016, target) per alliance's slug
POPULATION = {
    "rouyn-noranda": ("Rouyn-Noranda", "INSPQ, indice de défavorisation matérielle et sociale", "0.42", "0.39", "0.35"),
    "temiscamingue": ("Témiscamingue", "INSPQ, indice de défavorisation matérielle et sociale", "0.51", "0.49", "0.45"),
}


def load(alliance_slug: str) -> None:
    plan = Plan.objects.filter(alliance__slug=alliance_slug).select_related("alliance").current()
    if plan is None:
        return
    themes = list(plan.themes.order_by("order"))
    for number, theme in enumerate(themes):
        if theme.shared_indicators.exists():
            continue
        by_unit = {}
        for indicator in Indicator.objects.filter(project__theme=theme, project__is_demo=True).order_by("pk"):
            if indicator.unit.strip():
                by_unit.setdefault(indicator.unit.strip().lower(), []).append(indicator)
        names = set()
        for indicators in list(by_unit.values())[:2]:
            name = (
                indicators[0].name
                if indicators[0].name not in names
                else f"{indicators[0].name} en {indicators[0].unit}"
            )
            names.add(name)
            targets = sum((i.target for i in indicators if i.target is not None), Decimal("0"))
            shared = services.shared_indicator_create(
                theme=theme,
                name=name,  # the projects' own name (« X — theme (unit) » reads as a label doubled)
                unit=indicators[0].unit.strip(),
                category=SharedIndicator.Category.HOW_MUCH,
                baseline=Decimal("0"),
                baseline_on=plan.start_date,
                target=(targets * Decimal("1.2")).quantize(Decimal("1"), rounding=ROUND_HALF_UP) if targets else None,
                target_on=datetime.date(plan.start_date.year + 3, 3, 31),
                source="Rapports d'étape des projets",
            )
            Indicator.objects.filter(pk__in=[i.pk for i in indicators]).update(shared=shared)
        name, unit, target = HOW_WELL
        services.shared_indicator_create(
            theme=theme,
            name=name,
            unit=unit,
            category=SharedIndicator.Category.HOW_WELL,
            target=target,
            target_on=datetime.date(plan.start_date.year + 3, 3, 31),
            source="Sondage de fin d'activité",
        )
        if number == 0 and alliance_slug in POPULATION:
            territory, source, before, after, goal = POPULATION[alliance_slug]
            index = services.shared_indicator_create(
                theme=theme,
                name=f"Indice de défavorisation — {territory}",
                unit="indice",
                kind=SharedIndicator.Kind.POPULATION,
                category=SharedIndicator.Category.BETTER_OFF,
                direction=SharedIndicator.Direction.LOWER,
                baseline=Decimal(before),
                baseline_on=datetime.date(2011, 5, 10),
                target=Decimal(goal),
                target_on=datetime.date(2021, 5, 11),
                source=source,
            )
            services.shared_indicator_measure_add(
                indicator=index, measured_on=datetime.date(2016, 5, 10), value=Decimal(after), source=f"{source}, 2016"
            )
    plan_written(plan.pk)
