"""What the budget's writes share."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from asis.money import to_money
from budget.models import Commitment
from plans.versions import plan_written


def positive(amount) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être supérieur à zéro.")})
    return amount


def commitment_plans_written(commitment_id: int, *, on: datetime.date | None = None) -> None:
    """Money of a commitment moved (committed, reduced, paid, corrected, carried, planned): the plans whose figures
    show it, its source's and its project's (the same but for a commitment carried into the next plan), move the
    version of their money (plans.versions) once the transaction commits. One query.

    `on`: the date of the money row the write adds (a commitment decided, a payment made or corrected on that day),
    which makes its project active in any period holding it (bilan.selectors.build._active_in): unless the
    project's own dates already hold that day (then it is active in every such period anyway), the plans' projects
    move too, and with them the bilan's tallies."""
    row = (
        Commitment.objects.filter(pk=commitment_id)
        .values_list("source__plan_id", "project__theme__plan_id", "project__start_date", "project__end_date")
        .first()
    )
    if row is None:
        return
    source_plan, project_plan, start, end = row
    parts = MONEY
    if on is not None and not _within(on, start, end):
        parts = MONEY_AND_ACTIVITY
    for plan_id in {source_plan, project_plan}:
        plan_written(plan_id, parts=parts)


MONEY, MONEY_AND_ACTIVITY = ("money",), ("money", "projects")  # parts of a plan's figures (plans.versions.PARTS)


def _within(day: datetime.date, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Whether a project of these dates is active, by its dates, in every period that holds `day` (the first test
    of bilan.selectors.build._active_in: at least one date, and no end before nor start after the day)."""
    if start is None and end is None:
        return False
    return (start is None or start <= day) and (end is None or day <= end)
