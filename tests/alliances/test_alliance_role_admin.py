"""Roles in the admin: Coordination's tool, on the alliance's page and in their own list; never deleted."""

import html

import pytest

from alliances.models import AllianceRole

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
def role(cast, plan):
    return AllianceRole.objects.create(user=cast.staff, alliance=plan.alliance, role=R.PERSONNEL)


@pytest.mark.parametrize(
    "who, status", [("coordinator", 200), ("staff", 302), ("alice", 302), ("charlie", 302), ("anonymous", 302)]
)
def test_the_role_admin_opens_for_coordination_only(login, cast, role, who, status):
    client = login(getattr(cast, who))
    base = "/admin/alliances/alliancerole/"
    for url in [base, base + "add/", f"{base}{role.pk}/change/", f"{base}{role.pk}/history/"]:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response["Location"].startswith("/admin/login/")


def test_coordination_cannot_delete_a_role(login, cast, role):
    response = login(cast.coordinator).get(f"/admin/alliances/alliancerole/{role.pk}/delete/")
    assert response.status_code == 403
    assert AllianceRole.objects.filter(pk=role.pk).exists()


def test_coordination_grants_a_role_and_is_recorded_as_granting_it(login, cast, plan):
    response = login(cast.coordinator).post(
        "/admin/alliances/alliancerole/add/", {"user": cast.alice.pk, "alliance": plan.alliance.pk, "role": R.FUNDER}
    )
    assert response.status_code == 302
    granted = AllianceRole.objects.get(user=cast.alice)
    assert (granted.role, granted.granted_by, granted.ended_on) == (R.FUNDER, cast.coordinator, None)


def test_a_second_open_role_is_refused_in_french_and_nothing_is_saved(login, cast, plan, role):
    response = login(cast.coordinator).post(
        "/admin/alliances/alliancerole/add/",
        {"user": cast.staff.pk, "alliance": plan.alliance.pk, "role": R.COORDINATION},
    )
    assert response.status_code == 200
    assert "Cette personne a déjà un rôle en cours dans cette alliance : terminez-le d'abord." in html.unescape(
        response.content.decode()
    )
    assert AllianceRole.objects.filter(user=cast.staff).count() == 1


def test_the_alliance_page_lists_its_roles_and_grants_one(login, cast, plan, role):
    client = login(cast.coordinator)
    url = f"/admin/alliances/alliance/{plan.alliance.pk}/change/"
    assert str(cast.staff) in html.unescape(client.get(url).content.decode())
    alliance = plan.alliance
    data = {
        "name": alliance.name,
        "acronym": alliance.acronym,
        "slug": alliance.slug,
        "coordinating_organisation": alliance.coordinating_organisation_id,
        "roles-TOTAL_FORMS": 2,
        "roles-INITIAL_FORMS": 1,
        "roles-0-id": role.pk,
        "roles-0-alliance": alliance.pk,
        "roles-0-user": cast.staff.pk,
        "roles-0-role": R.PERSONNEL,
        "roles-1-alliance": alliance.pk,
        "roles-1-user": cast.alice.pk,
        "roles-1-role": R.FUNDER,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    granted = AllianceRole.objects.get(user=cast.alice)
    assert (granted.alliance, granted.role, granted.granted_by) == (alliance, R.FUNDER, cast.coordinator)
    # A second open role for the same person in the inline is refused with the same message.
    data.update({"roles-TOTAL_FORMS": 3, "roles-INITIAL_FORMS": 2, "roles-1-id": granted.pk})
    data.update({"roles-2-alliance": alliance.pk, "roles-2-user": cast.staff.pk, "roles-2-role": R.COORDINATION})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Cette personne a déjà un rôle en cours dans cette alliance" in html.unescape(response.content.decode())
    assert AllianceRole.objects.filter(user=cast.staff).count() == 1


def test_a_stored_role_keeps_its_person_and_role_and_cannot_end_before_its_grant(login, cast, plan, role):
    client = login(cast.coordinator)
    alliance = plan.alliance
    url = f"/admin/alliances/alliance/{alliance.pk}/change/"
    data = {
        "name": alliance.name,
        "acronym": alliance.acronym,
        "slug": alliance.slug,
        "coordinating_organisation": alliance.coordinating_organisation_id,
        "roles-TOTAL_FORMS": 1,
        "roles-INITIAL_FORMS": 1,
        "roles-0-id": role.pk,
        "roles-0-alliance": alliance.pk,
        "roles-0-user": cast.alice.pk,
        "roles-0-role": R.COORDINATION,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Un rôle attribué ne change pas de personne ni de rôle" in html.unescape(response.content.decode())
    data.update({"roles-0-user": cast.staff.pk, "roles-0-role": R.PERSONNEL, "roles-0-ended_on": "2000-01-01"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Un rôle ne peut pas se terminer avant d'avoir été attribué." in html.unescape(response.content.decode())
    role.refresh_from_db()
    assert (role.user, role.role, role.ended_on) == (cast.staff, R.PERSONNEL, None)
