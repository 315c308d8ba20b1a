"""Reads of concertation as a contribution (issue 21, part 3): the valued time of partners' staff at meetings and
the support paid to help citizens take part.

**Valued time** (« Temps valorisé ») = Σ over the attendance rows of partner staff (present, for an organisation, not
a citizen) of the meeting's duration × the alliance's hourly rate in force on the meeting's day (`ContributionRate`,
the latest `valid_from` on or before it; none: the meeting is not valued). A citizen's attendance is never valued as
staff time. It is an in-kind contribution, not money: shown beside the envelope and the other funding, never added
to a cash total nor to the leverage.

The expressions here are folded into queries the pages already make (the bilan's meetings per space, the envelope's
themes and years): no query of their own. The product is summed in whole cents × minutes (an integer on every
database: SQLite would sum decimals as floats), then divided by 60 and rounded to the cent here."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round

from budget.models import ContributionRate, ParticipationSupport

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MINUTES_PER_HOUR = 60


def rate_cents_on(alliance, day):
    """The hourly rate in cents of `alliance` in force on `day` (expressions: OuterRef or F), NULL before any."""
    rates = ContributionRate.objects.filter(alliance_id=alliance, valid_from__lte=day).order_by("-valid_from")
    return Cast(Round(Subquery(rates.values("hourly_rate")[:1]) * 100), IntegerField())


def staff_q(prefix: str = "") -> Q:
    """Attendance rows of partner staff: present, for an organisation, not a citizen (`prefix`: the path to them)."""
    return Q(**{f"{prefix}present": True, f"{prefix}citizen__isnull": True, f"{prefix}organisation__isnull": False})


def staff_minutes(prefix: str = "attendances__"):
    """Σ the meeting's minutes over its partner staff present, in a Meeting query joined to its attendance."""
    return Sum("duration_minutes", filter=staff_q(prefix), default=0)


def staff_cent_minutes(prefix: str = "attendances__"):
    """Σ minutes × rate in cents over the partner staff present, in a Meeting query joined to its attendance."""
    return Sum(
        Cast("duration_minutes", IntegerField()) * rate_cents_on(OuterRef("space__alliance_id"), OuterRef("date")),
        filter=staff_q(prefix),
        default=0,
        output_field=IntegerField(),
    )


def staff_cent_minutes_of(attendances):
    """A one-row subquery: Σ minutes × rate in cents over `attendances` of partner staff (for an `annotate`)."""
    rows = (
        attendances.filter(staff_q())
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(
            n=Sum(
                Cast("meeting__duration_minutes", IntegerField())
                * rate_cents_on(OuterRef("meeting__space__alliance_id"), OuterRef("meeting__date")),
                output_field=IntegerField(),
            )
        )
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def valued(cent_minutes) -> Decimal:
    """Σ minutes × cents to dollars, to the cent (half up)."""
    return (Decimal(int(cent_minutes or 0)) / (100 * MINUTES_PER_HOUR)).quantize(CENT, rounding=ROUND_HALF_UP)


def hours(minutes) -> Decimal:
    """Minutes to hours, to the hundredth."""
    return (Decimal(int(minutes or 0)) / MINUTES_PER_HOUR).quantize(CENT, rounding=ROUND_HALF_UP)


def support_sum(spaces, *, start, end, field: str = "amount"):
    """Σ `field` of the support payments not cancelled of `spaces` (a Space queryset or OuterRef) paid in the period:
    a one-row subquery for an `annotate`."""
    lookup = "space_id__in" if hasattr(spaces, "query") else "space_id"
    rows = (
        ParticipationSupport.objects.active()
        .filter(**{lookup: spaces, "paid_on__range": (start, end)})
        .order_by()  # no ORDER BY in a sum (PostgreSQL refuses the model's ordering beside the GROUP BY)
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Sum(field))
        .values("n")
    )
    return Subquery(rows)


def rate_history(alliance):
    """The alliance's hourly rates, latest first, with who set them (1 query)."""
    return list(ContributionRate.objects.in_alliance(alliance).select_related("set_by").order_by("-valid_from"))


def supports_of(alliance, *, spaces=None, limit: int = 200):
    """The alliance's support payments, latest first, with their space, meeting and category (1 query); `spaces`:
    only those of these space ids (a facilitator's)."""
    rows = ParticipationSupport.objects.in_alliance(alliance).select_related(
        "space", "meeting", "category", "cancelled_by"
    )
    if spaces is not None:
        rows = rows.filter(space_id__in=spaces)
    return list(rows.order_by("-paid_on", "-pk")[:limit])


def support_totals(alliance, *, spaces=None) -> dict:
    """Σ amount and people of the alliance's support payments not cancelled (1 query)."""
    rows = ParticipationSupport.objects.in_alliance(alliance).active()
    if spaces is not None:
        rows = rows.filter(space_id__in=spaces)
    totals = rows.aggregate(amount=Sum("amount", default=ZERO), people=Sum("people", default=0), count=Sum(Value(1)))
    return {"amount": totals["amount"], "people": totals["people"], "count": totals["count"] or 0}
