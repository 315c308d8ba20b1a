"""What the budget's writes share."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from asis.money import to_money
from budget.models import Commitment
from plans.models import PlanYear
from plans.versions import plan_written
from projects.models import Resolution


def positive(amount) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être supérieur à zéro.")})
    return amount


def resolution_of_alliance(resolution: Resolution, *, alliance_id: int) -> Resolution:
    """The board's resolution an amount of `alliance_id`'s money points to: the one given, which must be of that
    alliance. There is no default: every amount is a board decision, and its caller names it (issue 20)."""
    if resolution is None:
        raise ValidationError(
            {"resolution": _("Choisissez la résolution du conseil d'administration qui décide ce montant.")}
        )
    if resolution.alliance_id != alliance_id:
        raise ValidationError(
            {
                "resolution": _(
                    "Cette résolution est celle d'une autre alliance : choisissez une résolution de la vôtre."
                )
            }
        )
    return resolution


def commitment_plans_written(commitment_id: int, *, on: datetime.date | None = None) -> None:
    """Money of a commitment moved (committed, reduced, paid, corrected, carried, planned): the plans whose figures
    show it, its source's and its project's (the same but for a commitment carried into the next plan), move the
    version of their money (plans.versions) once the transaction commits. One query.

    `on`: the date of the money row the write adds (a commitment decided, a payment made or corrected on that day),
    which makes its project active in any period holding it (bilan.selectors.build._active_in): unless the
    project's own dates already hold that day (it is then active in every such period anyway), its plan's activity
    moves too (`activity` for a day within the plan's years, else `activity_beyond`), and with it the bilan's
    tallies of the periods it can reach."""
    years = PlanYear.objects.filter(plan=OuterRef("project__theme__plan_id"))
    row = (
        Commitment.objects.filter(pk=commitment_id)
        .annotate(
            first_day=Subquery(years.order_by("start_date").values("start_date")[:1]),
            last_day=Subquery(years.order_by("-end_date").values("end_date")[:1]),
        )
        .values_list(
            "source__plan_id",
            "project__theme__plan_id",
            "project__start_date",
            "project__end_date",
            "first_day",
            "last_day",
        )
        .first()
    )
    if row is None:
        return
    source_plan, project_plan, start, end, first_day, last_day = row
    plan_written(source_plan, parts=MONEY)
    if on is None or _within(on, start, end):
        plan_written(project_plan, parts=MONEY)
    elif first_day is not None and first_day <= on <= last_day:
        plan_written(project_plan, parts=(*MONEY, "activity"))
    else:
        plan_written(project_plan, parts=(*MONEY, "activity_beyond"))


MONEY = ("money",)  # the part of a plan's figures that money is (plans.versions.PARTS)


def _within(day: datetime.date, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Whether a project of these dates is active, by its dates, in every period that holds `day` (the first test
    of bilan.selectors.build._active_in: at least one date, and no end before nor start after the day)."""
    if start is None and end is None:
        return False
    return (start is None or start <= day) and (end is None or day <= end)
