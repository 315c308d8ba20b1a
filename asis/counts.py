"""Counts that stop at a cap (issue 18): « how many wait » read in the same time whatever the volume.

A queue of « À traiter » shows its first rows and how many wait in all. Counting them all (a window count, a
COUNT(*)) reads every waiting row: 60 000 unread reports at scale 100 took half a second. Past COUNT_CAP the exact
figure changes nothing to what a coordinator does next (the queue is long; its full list, paginated, says how
long), so the count stops there: the database reads at most COUNT_CAP + 1 rows, and the page says « 100 et plus ».
"""

from django.db.models import IntegerField, Subquery

COUNT_CAP = 100


class CappedCount(Subquery):
    """How many rows `queryset` holds, up to `cap` + 1 (more than `cap`: « `cap` et plus »). An uncorrelated scalar
    subquery, to annotate on the rows a page shows: read in their query (no query more), computed once, and the
    database stops after `cap` + 1 rows, so it costs the same however many rows wait."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"

    def __init__(self, queryset, cap: int = COUNT_CAP, *, ordered: bool = False):
        # `ordered`: counted in the queryset's order, so the database walks the index the rows are read from and
        # stops at cap + 1. Unordered, it may walk another index in which the rows counted sit far apart (the open
        # follow-ups of one alliance among every alliance's, in the order of their decisions: 20 000 rows read).
        if not ordered:
            queryset = queryset.order_by()
        super().__init__(queryset.values("pk")[: cap + 1], output_field=IntegerField())


def capped_count(queryset, cap: int = COUNT_CAP) -> int:
    """`CappedCount` as a query of its own (Django counts a sliced queryset over the slice): at most `cap` + 1."""
    return queryset.order_by().values("pk")[: cap + 1].count()
