"""Writes of the plan: its years and the hyperconcertation threshold it sets."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import Plan, PlanYear, SharedIndicator, SharedIndicatorMeasure, Theme
from plans.versions import plan_written


@transaction.atomic
def plan_years_ensure(*, plan: Plan, count: int = 3) -> list[PlanYear]:
    """Give the plan its fiscal years (1 April–31 March) from its start date; leaves existing years as edited."""
    first = Plan.fiscal_year_start(plan.start_date)
    years = []
    for number in range(1, count + 1):
        start, end = PlanYear.fiscal_bounds(first, number - 1)
        year, _created = PlanYear.objects.get_or_create(
            plan=plan, number=number, defaults={"start_date": start, "end_date": end}
        )
        years.append(year)
    plan_written(plan.pk)
    return years


@transaction.atomic
def plan_threshold_update(*, plan: Plan, threshold: int) -> Plan:
    """Set the hyperconcertation threshold (meetings a month) that the pages and the scheduling warning use."""
    plan.meeting_threshold_per_month = threshold
    plan.full_clean()
    plan.save(update_fields=["meeting_threshold_per_month"])
    plan_written(plan.pk)
    return plan


# ---------------------------------------------------------------- shared indicators per theme (issue 21, part 1)
# What the bilan shows of them is cached with its tallies (bilan.selectors.build): every write moves the plan's
# `projects` part (a definition, a link) or `reports` part (a population measure), so the next bilan reads it again.

SHARED_FIELDS = (
    "name",
    "kind",
    "category",
    "unit",
    "direction",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
    "source",
)


@transaction.atomic
def shared_indicator_create(*, theme: Theme, **fields) -> SharedIndicator:
    """A shared indicator of `theme` (its plan open), after the theme's last one."""
    if theme.plan.is_archived:
        raise ValidationError(_("Ce plan est terminé : ses indicateurs partagés ne se modifient plus."))
    last = theme.shared_indicators.order_by("-order").values_list("order", flat=True).first() or 0
    indicator = SharedIndicator(
        theme=theme, order=last + 1, **{name: fields[name] for name in SHARED_FIELDS if name in fields}
    )
    indicator.full_clean()
    indicator.save()
    plan_written(theme.plan_id, parts=("projects",))
    return indicator


@transaction.atomic
def shared_indicator_update(*, indicator: SharedIndicator, **fields) -> SharedIndicator:
    """Change a shared indicator's definition; its unit only to one its projects' linked indicators agree with."""
    indicator = SharedIndicator.objects.select_for_update().select_related("theme__plan").get(pk=indicator.pk)
    if indicator.theme.plan.is_archived:
        raise ValidationError(_("Ce plan est terminé : ses indicateurs partagés ne se modifient plus."))
    for name in SHARED_FIELDS:
        if name in fields:
            setattr(indicator, name, fields[name])
    units = set(indicator.project_indicators.values_list("unit", flat=True))
    disagreeing = sorted(unit for unit in units if not indicator.same_unit(unit))
    if disagreeing:
        raise ValidationError(
            {
                "unit": _("Des indicateurs de projets y sont liés en « %(units)s » : l'unité doit rester la leur.")
                % {"units": ", ".join(disagreeing)}
            }
        )
    indicator.full_clean()
    indicator.save()
    plan_written(indicator.theme.plan_id, parts=("projects",))
    return indicator


@transaction.atomic
def shared_indicator_set_active(*, indicator: SharedIndicator, active: bool) -> SharedIndicator:
    """Archive a shared indicator (no project links to it any more; the links made stay, and so do its values in
    the bilans), or put it back in use."""
    indicator.is_active = active
    indicator.save(update_fields=["is_active"])
    plan_written(indicator.theme.plan_id, parts=("projects",))
    return indicator


@transaction.atomic
def shared_indicator_measure_add(
    *, indicator: SharedIndicator, measured_on: datetime.date, value: Decimal, source: str
) -> SharedIndicatorMeasure:
    """A value of a population indicator, with its source and date (Coordination's own measure)."""
    if indicator.kind != SharedIndicator.Kind.POPULATION:
        raise ValidationError(_("Seul un indicateur de population se mesure ici ; les projets mesurent les autres."))
    measure = SharedIndicatorMeasure(indicator=indicator, measured_on=measured_on, value=value, source=source)
    measure.full_clean()
    measure.save()
    plan_written(indicator.theme.plan_id, parts=("reports",))
    return measure
