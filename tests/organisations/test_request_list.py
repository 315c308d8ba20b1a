"""Coordination's page of pending organisations and requests to join."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Membership, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("organisations:request-list")


def grow(cast, n):
    for _ in range(n):
        org = f.make_organisation(status=Organisation.Status.PENDING)
        f.make_user(organisation=org, role=Membership.Role.RESPONSABLE, email="r@example.org")
        services.membership_request_create(user=f.make_user(email="j@example.org"), organisation=cast.org_a)


def test_lists_pending_organisations_and_requests_only(client, cast):
    grow(cast, 2)
    f.make_organisation(name="Déjà archivée", status=Organisation.Status.ARCHIVED)
    client.force_login(cast.coordinator)
    response = client.get(URL)
    text = response.content.decode()
    assert text.count('data-testid="pending-organisation"') == 2
    assert text.count('data-testid="pending-request"') == 2
    assert "Déjà archivée" not in text and "Organisme B" not in text


def test_the_page_is_empty_but_clear(client, cast):
    client.force_login(cast.coordinator)
    text = client.get(URL).content.decode()
    assert "Aucune organisation en attente." in text


def test_queries_do_not_grow_with_the_rows(client, cast, django_assert_max_num_queries):
    client.force_login(cast.coordinator)
    grow(cast, 2)
    client.get(URL)
    grow(cast, 25)
    # session, user, groups and memberships (role), pending organisations, their responsables,
    # pending requests with their people and organisations
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.content.decode().count('data-testid="pending-request"') == 27
