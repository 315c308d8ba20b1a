"""A role in an alliance: one open role per person and alliance; granted and ended through the services, kept once
ended."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alliances.models import AllianceRole
from alliances.services import alliance_role_end, alliance_role_grant
from tests import factories as f

pytestmark = pytest.mark.django_db
R = AllianceRole.Role
DUPLICATE = "Cette personne a déjà un rôle en cours dans cette alliance : terminez-le d'abord."


@pytest.fixture(autouse=True)
def _the_cast_starts_without_alliance_roles(cast):
    """The cast's Coordination and Personnel users hold their role in the test alliance (tests/factories.py): these
    tests grant roles themselves, from none."""
    AllianceRole.objects.all().delete()
    for user in (cast.coordinator, cast.staff):
        user.forget_roles()


def test_the_database_refuses_a_second_open_role_in_the_same_alliance(cast, plan):
    AllianceRole.objects.create(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL)
    with pytest.raises(IntegrityError), transaction.atomic():
        AllianceRole.objects.create(user=cast.staff, alliance=plan.alliance, role=R.COORDINATION)


def test_an_ended_role_and_another_alliance_leave_room_for_an_open_one(cast, plan):
    AllianceRole.objects.create(
        user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL, ended_on=datetime.date(2020, 1, 1)
    )
    AllianceRole.objects.create(user=cast.staff, alliance=plan.alliance, role=R.COORDINATION)
    AllianceRole.objects.create(user=cast.staff, alliance=f.make_alliance(), role=R.FUNDER)
    assert AllianceRole.objects.open().count() == 2


def test_grant_records_who_granted_it_and_its_history(cast, plan):
    role = alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL, by=cast.coordinator)
    role.refresh_from_db()
    assert (role.role, role.granted_by, role.ended_on) == (R.PERSONNEL, cast.coordinator, None)
    assert role.granted_at is not None
    assert role.history.get().history_user == cast.coordinator


def test_granting_twice_is_refused_in_french_and_saves_nothing(cast, plan):
    alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL, by=cast.coordinator)
    with pytest.raises(ValidationError) as refused:
        alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.COORDINATION, by=cast.coordinator)
    assert DUPLICATE in refused.value.messages
    assert list(AllianceRole.objects.values_list("role", flat=True)) == [R.PERSONNEL]


def test_end_keeps_the_row_with_its_end_date_and_allows_a_new_grant(cast, plan):
    role = alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL, by=cast.coordinator)
    today = role.granted_at.date()
    alliance_role_end(role=role, by=cast.coordinator, on=today)
    role.refresh_from_db()
    assert role.ended_on == today
    assert not AllianceRole.objects.open().exists()
    assert role.history.count() == 2
    alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.COORDINATION, by=cast.coordinator)
    assert AllianceRole.objects.filter(user=cast.staff).count() == 2


def test_end_is_refused_twice_and_before_the_grant(cast, plan):
    role = alliance_role_grant(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL, by=None)
    with pytest.raises(ValidationError, match="Un rôle ne peut pas se terminer avant d'avoir été attribué."):
        alliance_role_end(role=role, by=None, on=datetime.date(2000, 1, 1))
    alliance_role_end(role=role, by=None)
    with pytest.raises(ValidationError, match="Ce rôle est déjà terminé."):
        alliance_role_end(role=role, by=None)
