"""Reads of the board's resolutions with the money that comes from each (projects.Resolution: the record; the
commitments, reductions and moves that point to it are the budget's)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from budget.models import MONEY, ZERO, Commitment, CommitmentReduction, TargetMove
from projects.models import Resolution


def _summed(model, amount: str = "amount"):
    """The sum of `model`'s amounts that point to the outer resolution (a subquery: no join multiplies them)."""
    rows = model.objects.filter(resolution=OuterRef("pk")).order_by().values("resolution")
    return Coalesce(Subquery(rows.annotate(s=Sum(amount)).values("s")), ZERO, output_field=models.DecimalField(**MONEY))


def resolutions_of(alliance) -> list[Resolution]:
    """The alliance's resolutions, the latest first, each with `committed`, `reduced` and `moved`: the amounts of
    the commitments (as decided), reductions and moves that come from it. One query."""
    return list(
        Resolution.objects.filter(alliance=alliance)
        .annotate(
            committed=_summed(Commitment),
            reduced=_summed(CommitmentReduction),
            moved=_summed(TargetMove),
        )
        .order_by("-decided_on", "-pk")
    )


@dataclass
class ResolutionMoney:
    """What comes from one resolution, each list with its total to the cent."""

    commitments: list = field(default_factory=list)
    reductions: list = field(default_factory=list)
    moves: list = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return sum((c.amount for c in self.commitments), ZERO)

    @property
    def reduced(self) -> Decimal:
        return sum((r.amount for r in self.reductions), ZERO)

    @property
    def moved(self) -> Decimal:
        return sum((m.amount for m in self.moves), ZERO)


def resolution_money(resolution: Resolution) -> ResolutionMoney:
    """The commitments, reductions and moves that come from `resolution`, with what a page shows of each. Three
    queries."""
    return ResolutionMoney(
        commitments=list(
            resolution.commitments.select_related("project", "source", "plan_year").order_by("decided_on", "pk")
        ),
        reductions=list(
            resolution.reductions.select_related("commitment__project", "commitment__source").order_by(
                "reduced_on", "pk"
            )
        ),
        moves=list(
            resolution.target_moves.select_related(
                "from_target__theme", "from_target__plan_year", "to_target__theme", "to_target__plan_year"
            ).order_by("moved_on", "pk")
        ),
    )
