"""What the budget's reads share: the money constants and the plan's sources."""

from asis.money import CENT, ZERO
from budget.models import FundingSource

__all__ = ["CENT", "ZERO", "source_ids"]


def source_ids(plan, sources):
    """The ids of the plan's sources: from `sources` when already loaded, else as a subquery."""
    return [s.pk for s in sources] if sources is not None else FundingSource.objects.filter(plan=plan).values("pk")
