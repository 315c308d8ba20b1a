"""The current plan: an alliance's plan in progress; the instance's is the first alliance's."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from alliances.models import Alliance
from plans.models import Plan
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
CURRENT, CLOSED, PREPARATION = Plan.Status.CURRENT, Plan.Status.CLOSED, Plan.Status.PREPARATION


def test_an_alliance_without_a_plan_has_no_current_plan():
    assert f.make_alliance().current_plan() is None
    assert Alliance.objects.default() is not None


def test_the_current_plan_is_the_one_in_progress_even_when_a_later_one_is_prepared():
    alliance = f.make_alliance()
    closed = f.make_plan(alliance=alliance, status=CLOSED, start_date=D(2010, 4, 1))
    current = f.make_plan(alliance=alliance, status=CURRENT, start_date=D(2013, 4, 1))
    f.make_plan(alliance=alliance, status=PREPARATION, start_date=D(2016, 4, 1))
    assert alliance.current_plan() == current
    assert Plan.objects.current() == current
    assert closed != current


def test_without_a_plan_in_progress_the_latest_start_is_current_as_before():
    alliance = f.make_alliance()
    f.make_plan(alliance=alliance, start_date=D(2013, 4, 1))
    later = f.make_plan(alliance=alliance, start_date=D(2016, 4, 1))
    assert alliance.current_plan() == later == Plan.objects.current()


def test_with_two_alliances_the_instance_shows_the_first_alliances_current_plan():
    first, second = f.make_alliance(name="Première"), f.make_alliance(name="Seconde")
    ours = f.make_plan(alliance=first, status=CURRENT, start_date=D(2013, 4, 1))
    # The second alliance's plan starts later and is current too: it is that alliance's, not the instance's.
    theirs = f.make_plan(alliance=second, status=CURRENT, start_date=D(2016, 4, 1))
    assert Alliance.objects.default() == first
    assert Plan.objects.current() == ours
    assert first.current_plan() == ours and second.current_plan() == theirs
    assert Plan.objects.filter(alliance=second).current() == theirs
    assert Plan.objects.current_first().values("pk")[:1].get()["pk"] == ours.pk


def test_an_alliance_has_at_most_one_current_plan_in_the_database():
    plan = f.make_plan(status=CURRENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(alliance=plan.alliance, title="Deuxième", status=CURRENT, start_date=D(2016, 4, 1))
    # Two alliances each have theirs; any number of prepared and closed plans.
    f.make_plan(status=CURRENT)
    f.make_plan(alliance=plan.alliance, status=CLOSED)
    f.make_plan(alliance=plan.alliance, status=CLOSED)
    f.make_plan(alliance=plan.alliance, status=PREPARATION)
    assert Plan.objects.filter(status=CURRENT).count() == 2
