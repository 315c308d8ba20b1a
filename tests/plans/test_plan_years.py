import datetime

import pytest
from django.core.exceptions import ValidationError

from plans.models import Plan, PlanYear

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day, expected",
    [(datetime.date(2013, 4, 1), 2013), (datetime.date(2014, 3, 31), 2013), (datetime.date(2013, 12, 2), 2013)],
)
def test_the_quebec_fiscal_year_starts_on_1_april(day, expected):
    assert Plan.fiscal_year_start(day) == datetime.date(expected, 4, 1)


def test_a_plan_has_three_fiscal_years_written_2013_2014(plan):
    years = list(plan.years.all())
    assert [y.label for y in years] == ["2013-2014", "2014-2015", "2015-2016"]
    assert years[0].start_date == datetime.date(2013, 4, 1)
    assert years[0].end_date == datetime.date(2014, 3, 31)
    assert years[2].end_date == datetime.date(2016, 3, 31)


def test_a_coordinator_can_move_a_year_but_not_onto_another(plan):
    year = plan.years.get(number=2)
    year.start_date = datetime.date(2014, 7, 1)
    year.full_clean()  # moving the start later is fine
    year.start_date = datetime.date(2014, 3, 1)
    with pytest.raises(ValidationError) as error:
        year.full_clean()
    assert "chevauche" in str(error.value)


def test_a_year_ends_after_it_starts(plan):
    year = PlanYear(plan=plan, number=9, start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2020, 3, 1))
    with pytest.raises(ValidationError):
        year.full_clean()
