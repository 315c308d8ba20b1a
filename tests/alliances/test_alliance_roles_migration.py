"""The data migration: members of the Coordination and Personnel groups get that role in every existing alliance
(the groups are global today); a fresh database gets none."""

import pytest

pytestmark = pytest.mark.django_db
BEFORE = [("alliances", "0002_alliance_role")]
AFTER = [("alliances", "0003_roles_from_groups")]


@pytest.fixture
def migrate(scratch):
    """Migrations applied on an empty scratch database (tests/alliances/conftest.py), not on the test database."""
    return scratch


@pytest.fixture
def at_0002(migrate):
    """A database as alliances' 0002 left it."""
    return migrate(BEFORE)


def test_a_fresh_database_gets_no_role_and_group_members_get_their_role_in_every_alliance(at_0002, migrate):
    # Both checks on one scratch database: first a fresh one
    fresh = migrate(AFTER)
    assert not fresh.get_model("alliances", "AllianceRole").objects.exists()
    at_0002 = migrate(BEFORE)  # one migration back

    Organisation = at_0002.get_model("organisations", "Organisation")
    Alliance = at_0002.get_model("alliances", "Alliance")
    User = at_0002.get_model("organisations", "User")
    Group = at_0002.get_model("auth", "Group")
    AllianceRole = at_0002.get_model("alliances", "AllianceRole")
    AllianceRole.objects.all().delete()
    org = Organisation.objects.create(name="RNVVS", kind="community", status="approved")
    north = Alliance.objects.create(name="Nord", slug="nord-migration", coordinating_organisation=org)
    south = Alliance.objects.create(name="Sud", slug="sud-migration", coordinating_organisation=org)
    coordination, _ = Group.objects.get_or_create(name="Coordination")
    personnel, _ = Group.objects.get_or_create(name="Personnel")
    partenaire, _ = Group.objects.get_or_create(name="Partenaire")
    coordo = User.objects.create(username="coordo-migration")
    coordo.groups.add(coordination)
    staff = User.objects.create(username="staff-migration")
    staff.groups.add(personnel)
    both = User.objects.create(username="both-migration")
    both.groups.add(personnel, coordination)
    partner = User.objects.create(username="partner-migration")
    partner.groups.add(partenaire)

    after = migrate(AFTER)

    AllianceRole = after.get_model("alliances", "AllianceRole")
    roles = set(AllianceRole.objects.values_list("user__username", "alliance_id", "role", "ended_on"))
    assert roles == {
        (user, alliance.pk, role, None)
        for user, role in [
            ("coordo-migration", "coordination"),
            ("staff-migration", "personnel"),
            # A member of both groups coordinates: one open role per person and alliance.
            ("both-migration", "coordination"),
        ]
        for alliance in (north, south)
    }
