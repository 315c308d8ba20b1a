"""Who coordinates or reads which alliance, with two alliances: only open roles count."""

import datetime

import pytest

from alliances.models import AllianceRole
from alliances.selectors import alliances_coordinated_by, alliances_read_by, role_in
from tests import factories as f

pytestmark = pytest.mark.django_db
R = AllianceRole.Role


@pytest.fixture(autouse=True)
def _the_cast_starts_without_alliance_roles(cast):
    """The cast's Coordination and Personnel users hold their role in the test alliance (tests/factories.py): these
    tests grant roles themselves, from none."""
    AllianceRole.objects.all().delete()
    for user in (cast.coordinator, cast.staff):
        user.forget_roles()


@pytest.fixture
def two(cast, plan):
    north, south = plan.alliance, f.make_alliance(name="Alliance du Sud")
    funder = f.make_user("bailleur")
    AllianceRole.objects.create(user=cast.coordinator, alliance=north, role=R.COORDINATION)
    AllianceRole.objects.create(user=cast.coordinator, alliance=south, role=R.PERSONNEL)
    AllianceRole.objects.create(user=cast.staff, alliance=south, role=R.PERSONNEL)
    AllianceRole.objects.create(user=funder, alliance=north, role=R.FUNDER)
    # Ended: grants nothing.
    AllianceRole.objects.create(
        user=cast.staff, alliance=north, role=R.COORDINATION, ended_on=datetime.date(2020, 1, 1)
    )
    return north, south, funder


def test_coordinated_alliances_are_those_of_an_open_coordination_role(cast, two):
    north, south, funder = two
    assert list(alliances_coordinated_by(cast.coordinator)) == [north]
    assert list(alliances_coordinated_by(cast.staff)) == []
    assert list(alliances_coordinated_by(funder)) == []
    assert list(alliances_coordinated_by(cast.anonymous)) == []


def test_read_alliances_are_those_of_any_open_role(cast, two):
    north, south, funder = two
    assert set(alliances_read_by(cast.coordinator)) == {north, south}
    assert list(alliances_read_by(cast.staff)) == [south]
    assert list(alliances_read_by(funder)) == [north]
    assert list(alliances_read_by(cast.alice)) == []
    assert list(alliances_read_by(cast.anonymous)) == []


def test_role_in_says_the_open_role_or_none(cast, two):
    north, south, funder = two
    assert role_in(cast.coordinator, north) == R.COORDINATION
    assert role_in(cast.coordinator, south) == R.PERSONNEL
    assert role_in(cast.staff, north) is None
    assert role_in(funder, north) == R.FUNDER
    assert role_in(cast.anonymous, north) is None
