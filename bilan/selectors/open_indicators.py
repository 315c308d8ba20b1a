"""Open data: the shared indicators of the plans' themes (issue 21, part 1), with their targets and the measures
Coordination recorded (issue 22). What a plan's public pages say of its aims, nothing of a person: no one is recorded
as having measured, only the measure's date, value and source.

One row per (indicator, measure), in one query read 500 at a time: the measures joined to their indicator (an
indicator without a measure comes once, its measure empty). Archived indicators are published too, marked: the
targets a plan set stay part of its record (plans.models.SharedIndicator is archived, never deleted)."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from bilan.selectors.lines import CHUNK
from plans.models import SharedIndicator


@dataclass(frozen=True)
class OpenIndicatorRow:
    """A shared indicator with one of its measures (`measured_on` None: an indicator not measured)."""

    pk: int
    plan: str  # its address part: 2013-2016
    plan_title: str
    theme: str
    name: str
    category: str
    kind: str
    unit: str
    direction: str
    baseline: Decimal | None
    baseline_on: datetime.date | None
    target: Decimal | None
    target_on: datetime.date | None
    source: str
    is_active: bool
    measured_on: datetime.date | None
    value: Decimal | None
    measure_source: str | None
    alliance_slug: str
    alliance_name: str

    @property
    def category_label(self) -> str:
        return str(SharedIndicator.Category(self.category).label)

    @property
    def kind_label(self) -> str:
        return str(SharedIndicator.Kind(self.kind).label)


FIELDS = (
    "pk",
    "theme__plan__slug",
    "theme__plan__title",
    "theme__name",
    "name",
    "category",
    "kind",
    "unit",
    "direction",
    "baseline",
    "baseline_on",
    "target",
    "target_on",
    "source",
    "is_active",
    "measures__measured_on",
    "measures__value",
    "measures__source",
    "theme__plan__alliance__slug",
    "theme__plan__alliance__name",
)


def open_indicators(plans=None) -> Iterator[OpenIndicatorRow]:
    """The shared indicators of these plans (of every plan: None, the region's, by alliance), each with each of its
    measures in date order: by plan, theme and the indicators' order. One query (the plans a subquery)."""
    indicators = SharedIndicator.objects.all()
    if plans is not None:
        indicators = indicators.filter(theme__plan__in=plans)
    rows = indicators.order_by(
        "theme__plan__alliance__name",
        "theme__plan__alliance_id",
        "theme__plan__start_date",
        "theme__plan_id",
        "theme__order",
        "theme_id",
        "order",
        "pk",
        "measures__measured_on",
    ).values_list(*FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        yield OpenIndicatorRow(*row)
