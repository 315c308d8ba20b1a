"""Writes of the funding sources: a plan's sources are created with it (the envelope is their sum); their running
totals move only through the ledger (budget.services.ledger)."""

from decimal import Decimal

from django.db import transaction

from budget.models import FundingSource
from budget.services._common import positive
from plans.models import Plan
from plans.versions import plan_written


@transaction.atomic
def funding_source_create(
    *, plan: Plan, code: str, name: str, funder: str, amount: Decimal | str, order: int | None = None
) -> FundingSource:
    """A source of the plan's envelope, last unless `order` is given; its code is unique in the plan."""
    if order is None:
        last = plan.funding_sources.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    source = FundingSource(
        plan=plan,
        code=(code or "").strip(),
        name=(name or "").strip(),
        funder=(funder or "").strip(),
        amount=positive(amount),
        order=order,
    )
    source.full_clean()
    source.save()
    plan_written(plan.pk, parts=("money",))  # the envelope is the sum of the plan's sources
    return source
