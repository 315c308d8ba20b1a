"""The period of a bilan: a plan year (1 April–31 March), the whole plan, or any dates; both ends included."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from plans.models import PlanYear


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str  # « 2014-2015 », « 2013-2016 » (the whole plan), « 2014-05-01 au 2014-09-30 »
    kind: str  # "year", "plan" or "dates"
    slug: str  # for file names: « 2014-2015 », « 2013-2016 », « 2014-05-01-2014-09-30 »

    def contains(self, day: datetime.date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def period_of_year(year: PlanYear) -> Period:
    return Period(year.start_date, year.end_date, year.label, "year", year.label)


def period_of_plan(years: list[PlanYear]) -> Period:
    start, end = years[0].start_date, years[-1].end_date
    label = f"{start.year}-{end.year}"
    return Period(start, end, label, "plan", label)


def period_of_dates(start: datetime.date, end: datetime.date) -> Period:
    return Period(
        start,
        end,
        _("%(start)s au %(end)s") % {"start": start.isoformat(), "end": end.isoformat()},
        "dates",
        f"{start.isoformat()}-{end.isoformat()}",
    )


def period_for(start: datetime.date, end: datetime.date, years: list[PlanYear]) -> Period:
    """The period of these dates: a plan year or the whole plan when they match one, else any dates."""
    for year in years:
        if (year.start_date, year.end_date) == (start, end):
            return period_of_year(year)
    if years and (years[0].start_date, years[-1].end_date) == (start, end):
        return period_of_plan(years)
    return period_of_dates(start, end)
