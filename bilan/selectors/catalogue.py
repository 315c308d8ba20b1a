"""What the open-data catalogue (bilan.catalogue, DCAT) says of each alliance: its names, its coordinating
organisation, its public contact address and the years its plans cover. One query for one alliance or for all."""

import datetime
from dataclasses import dataclass

from django.db.models import Max, Min, Q

from alliances.models import Alliance


@dataclass(frozen=True)
class CatalogueAlliance:
    """An alliance as its catalogue describes it: no person, only the alliance, its coordinating organisation and
    the role's address it publishes (`Alliance.contact_email`, blank: none)."""

    slug: str
    name: str
    territory: str
    region: str
    coordinating_organisation: str
    contact_email: str
    created_at: datetime.datetime
    start: datetime.date | None  # the first day of its plans' years (of the plan the address names)
    end: datetime.date | None  # their last day


def _described(alliances, plans=None):
    """`alliances` with their coordinating organisation and their plans' span: the plan years' first and last days
    (a plan without years yet: its start, and no end). `plans`: only those plans (an address naming one)."""
    where = Q() if plans is None else Q(plans__in=plans)
    return alliances.select_related("coordinating_organisation").annotate(
        first_year_day=Min("plans__years__start_date", filter=where),
        last_year_day=Max("plans__years__end_date", filter=where),
        first_plan_day=Min("plans__start_date", filter=where),
    )


def _catalogue_alliance(alliance) -> CatalogueAlliance:
    return CatalogueAlliance(
        slug=alliance.slug,
        name=alliance.name,
        territory=alliance.territory or alliance.name,
        region=alliance.region,
        coordinating_organisation=alliance.coordinating_organisation.name,
        contact_email=alliance.contact_email,
        created_at=alliance.created_at,
        start=alliance.first_year_day or alliance.first_plan_day,
        end=alliance.last_year_day,
    )


def catalogue_alliance(alliance, plans) -> CatalogueAlliance:
    """The request's alliance as its catalogue describes it, over `plans` (plans.access.request_plans). 1 query."""
    return _catalogue_alliance(_described(Alliance.objects.filter(pk=alliance.pk), plans).get())


def catalogue_alliances() -> list[CatalogueAlliance]:
    """Every alliance as its catalogue describes it, by name (the region's catalogue). 1 query."""
    return [_catalogue_alliance(a) for a in _described(Alliance.objects.order_by("name", "pk"))]
