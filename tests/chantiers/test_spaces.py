"""Concertation spaces: who may see and manage them; seats kept after leaving; archived, never deleted."""

import datetime

import pytest
from django.urls import reverse

from chantiers.models import ParticipationRole, Space, SpaceMembership
from chantiers.services import (
    space_create,
    space_seat_citizen,
    space_seat_organisation,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode().replace("\xa0", " ")


@pytest.fixture
def space(cast, theme):
    """A table where organisation A sits (lead) and a citizen takes part."""
    space = space_create(
        themes=[theme],
        name="Table logement",
        kind=Space.Kind.TABLE,
        lead_organisation=cast.org_a,
        coordinator=cast.coordinator,
    )
    space_seat_citizen(space=space, citizen=f.make_citizen(first_name="Jeanne", last_name="Citoyenne"))
    return space


@pytest.fixture
def other_space(cast, theme):
    return space_create(themes=[theme], name="Chantier de B", lead_organisation=cast.org_b)


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("alice", 200), ("bob", 200), ("charlie", 404), ("staff", 200), ("coordinator", 200)],
)
def test_space_detail_access(client, login, cast, space, who, status):
    response = login(getattr(cast, who)).get(reverse("chantiers:space-detail", args=[space.pk]))
    assert response.status_code == status
    if status == 302:
        assert "/connexion/" in response["Location"]


def test_a_partner_lists_only_the_spaces_their_organisation_sits_in(client, cast, space, other_space):
    client.force_login(cast.alice)
    text = page(client.get(reverse("chantiers:space-list")))
    assert "Table logement" in text and "Chantier de B" not in text
    client.force_login(cast.staff)
    text = page(client.get(reverse("chantiers:space-list")))
    assert "Table logement" in text and "Chantier de B" in text


def test_citizens_names_are_for_coordination_and_staff_only(client, cast, space):
    client.force_login(cast.alice)
    text = page(client.get(reverse("chantiers:space-detail", args=[space.pk])))
    assert "Jeanne Citoyenne" not in text and "1 citoyen ou citoyenne y participe" in text
    client.force_login(cast.coordinator)
    assert "Jeanne Citoyenne" in page(client.get(reverse("chantiers:space-detail", args=[space.pk])))


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("charlie", 403), ("staff", 403)])
def test_only_coordination_creates_spaces(client, login, cast, theme, who, status):
    c = login(getattr(cast, who))
    assert c.get(reverse("chantiers:space-create")).status_code == status
    response = c.post(reverse("chantiers:space-create"), {"name": "X", "kind": "chantier", "themes": [theme.pk]})
    assert response.status_code == status
    assert not Space.objects.filter(name="X").exists()


def test_a_coordinator_creates_an_existing_table_under_a_theme(client, cast, theme):
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("chantiers:space-create"),
        {
            "name": "Table des aînés",
            "kind": "table",
            "themes": [theme.pk],
            "mandate": "Concerter les aînés",
            "lead_organisation": cast.org_b.pk,
            "coordinator": cast.coordinator.pk,
        },
    )
    space = Space.objects.get(name="Table des aînés")
    assert response.status_code == 302 and response["Location"] == reverse("chantiers:space-detail", args=[space.pk])
    assert list(space.themes.all()) == [theme]
    # The lead organisation takes the first seat, as lead.
    assert list(space.memberships.values_list("organisation__name", "role")) == [
        ("Organisme B", ParticipationRole.LEAD)
    ]


def test_a_space_needs_a_name_and_a_theme(client, cast):
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:space-create"), {"name": "", "kind": "chantier"})
    assert response.status_code == 200
    text = page(response)
    assert "Ce champ est obligatoire" in text
    assert not Space.objects.exists()


@pytest.mark.parametrize("who, status", [("alice", 403), ("staff", 403), ("charlie", 403)])
def test_only_coordination_edits_or_archives(client, cast, space, who, status):
    client.force_login(getattr(cast, who))
    assert client.post(reverse("chantiers:space-archive", args=[space.pk])).status_code == status
    assert client.post(reverse("chantiers:space-update", args=[space.pk]), {"name": "Piraté"}).status_code == status
    space.refresh_from_db()
    assert (space.name, space.status) == ("Table logement", Space.Status.ACTIVE)


def test_archiving_keeps_everything_and_get_is_refused(client, cast, space):
    f.make_meeting(space)
    client.force_login(cast.coordinator)
    assert client.get(reverse("chantiers:space-archive", args=[space.pk])).status_code == 405
    response = client.post(reverse("chantiers:space-archive", args=[space.pk]))
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.status == Space.Status.ARCHIVED and space.archived_on == datetime.date.today()
    assert space.meetings.count() == 1 and space.memberships.count() == 1
    client.post(reverse("chantiers:space-restore", args=[space.pk]))
    space.refresh_from_db()
    assert space.status == Space.Status.ACTIVE and space.archived_on is None


def test_adding_and_removing_a_member_keeps_the_history(client, cast, space):
    client.force_login(cast.coordinator)
    url = reverse("chantiers:space-member-add", args=[space.pk])
    response = client.post(
        url, {"org-organisation": cast.org_b.pk, "org-role": "observer", "org-joined_on": "2014-02-03"}
    )
    assert response.status_code == 302
    seat = space.memberships.get(organisation=cast.org_b)
    assert (seat.role, seat.joined_on) == ("observer", datetime.date(2014, 2, 3))
    client.post(reverse("chantiers:space-member-remove", args=[space.pk, seat.pk]))
    seat.refresh_from_db()
    assert seat.left_on == datetime.date.today()
    # Rejoining opens a new seat; the old one stays.
    client.post(url, {"org-organisation": cast.org_b.pk, "org-role": "member"})
    assert space.memberships.filter(organisation=cast.org_b).count() == 2
    assert space.memberships.current().filter(organisation=cast.org_b).count() == 1


def test_adding_a_member_twice_or_nobody_gets_a_french_error(client, cast, space):
    client.force_login(cast.coordinator)
    url = reverse("chantiers:space-member-add", args=[space.pk])
    response = client.post(url, {"org-organisation": cast.org_a.pk, "org-role": "member"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page(response)
    response = client.post(url, {"org-role": "member"})
    assert "Ce champ est obligatoire" in page(response)
    assert space.memberships.count() == 1


def test_a_pending_organisation_cannot_take_a_seat(client, cast, space):
    pending = f.make_organisation(status="pending")
    client.force_login(cast.coordinator)
    client.post(
        reverse("chantiers:space-member-add", args=[space.pk]), {"org-organisation": pending.pk, "org-role": "member"}
    )
    assert not SpaceMembership.objects.filter(organisation=pending).exists()


def test_a_seat_cannot_be_removed_from_another_space(client, cast, space, other_space):
    seat = other_space.memberships.get()
    client.force_login(cast.coordinator)
    response = client.post(reverse("chantiers:space-member-remove", args=[space.pk, seat.pk]))
    assert response.status_code == 404
    seat.refresh_from_db()
    assert seat.left_on is None


def test_space_list_queries_do_not_grow(client, cast, theme, django_assert_max_num_queries):
    client.force_login(cast.coordinator)

    def grow(n):
        for _ in range(n):
            org = f.make_organisation()
            space = space_create(themes=[theme], name=f"Lieu {f.n()}", lead_organisation=org)
            space_seat_organisation(space=space, organisation=cast.org_a)
            space_seat_citizen(space=space, citizen=f.make_citizen())
            f.make_meeting(space, date=datetime.date.today() + datetime.timedelta(days=7))

    grow(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("chantiers:space-list"))
    grow(30)
    # session, user, groups, count, spaces with their counts, themes
    with django_assert_max_num_queries(8):
        response = client.get(reverse("chantiers:space-list"))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("chantiers:space-list"))
    assert len(large) == len(small)


def test_space_detail_queries_do_not_grow(client, cast, space, django_assert_max_num_queries):
    for _ in range(20):
        space_seat_organisation(space=space, organisation=f.make_organisation())
        space_seat_citizen(space=space, citizen=f.make_citizen())
        f.make_meeting(space)
        f.make_project(lead=cast.org_a, theme=space.themes.first(), space=space)
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("chantiers:space-detail", args=[space.pk])).status_code == 200


@pytest.mark.parametrize("who, status", [("anonymous", 302), ("alice", 403), ("staff", 403)])
def test_only_coordination_seats_citizens_or_restores_a_space(client, login, cast, space, who, status):
    seat = space.citizen_memberships.get()
    newcomer = f.make_citizen()
    c = login(getattr(cast, who))
    assert (
        c.post(
            reverse("chantiers:space-citizen-add", args=[space.pk]), {"cit-citizen": newcomer.pk, "cit-role": "member"}
        ).status_code
        == status
    )
    assert c.post(reverse("chantiers:space-citizen-remove", args=[space.pk, seat.pk])).status_code == status
    assert (
        c.post(
            reverse("chantiers:space-member-add", args=[space.pk]),
            {"org-organisation": cast.org_b.pk, "org-role": "member"},
        ).status_code
        == status
    )
    assert c.post(reverse("chantiers:space-restore", args=[space.pk])).status_code == status
    seat.refresh_from_db()
    assert seat.left_on is None
    assert not space.citizen_memberships.filter(citizen=newcomer).exists()
    assert not space.memberships.filter(organisation=cast.org_b).exists()
