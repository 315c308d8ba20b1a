"""Writes of the plan: its years and the hyperconcertation threshold it sets."""

from django.db import transaction

from plans.models import Plan, PlanYear
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
