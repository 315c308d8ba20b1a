"""The alliances of the instance side by side, with their current plan's envelope: what the home page of an
instance with several alliances lists."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from alliances.models import Alliance
from budget.models import ZERO, FundingSource
from plans.models import Plan


@dataclass(frozen=True)
class AllianceEnvelope:
    alliance: Alliance
    plan: Plan | None  # its current plan
    envelope: Decimal
    committed: Decimal
    paid: Decimal


def alliance_envelopes() -> list[AllianceEnvelope]:
    """Every alliance (by name) with its current plan and that plan's envelope, committed and paid, to the cent.
    Three queries whatever the number of alliances: the money is summed from the running totals the ledger keeps
    on each funding source (FundingSource.committed_total, disbursed_total)."""
    alliances = list(Alliance.objects.order_by("name"))  # 1
    plans = {plan.alliance_id: plan for plan in Plan.objects.filter(status=Plan.Status.CURRENT)}  # 1
    sums = {
        row["plan_id"]: row
        for row in FundingSource.objects.filter(plan__status=Plan.Status.CURRENT)  # 1
        .values("plan_id")
        .annotate(
            envelope=Sum("amount", default=ZERO),
            committed=Sum("committed_total", default=ZERO),
            paid=Sum("disbursed_total", default=ZERO),
        )
        .filter(~Q(plan_id=None))
    }
    rows = []
    for alliance in alliances:
        plan = plans.get(alliance.pk)
        money = sums.get(plan.pk, {}) if plan else {}
        rows.append(
            AllianceEnvelope(
                alliance=alliance,
                plan=plan,
                envelope=money.get("envelope", ZERO),
                committed=money.get("committed", ZERO),
                paid=money.get("paid", ZERO),
            )
        )
    return rows
