"""An organisation's page: profile, members and, for its responsable, the invitation form."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_profile_and_members(client, cast):
    cast.org_a.sector = "Sécurité alimentaire"
    cast.org_a.save()
    client.force_login(cast.bob)
    text = client.get(reverse("organisations:organisation-detail", args=[cast.org_a.pk])).content.decode()
    assert "Sécurité alimentaire" in text and "alice" in text and "bob" in text
    assert text.count('data-testid="member"') == 2
    assert "Inviter une personne" not in text  # bob is not a responsable


def test_the_responsable_sees_the_invitation_form(client, cast):
    client.force_login(cast.alice)
    text = client.get(reverse("organisations:organisation-detail", args=[cast.org_a.pk])).content.decode()
    assert "Inviter une personne" in text and "Retirer" in text


def test_a_refused_organisation_shows_its_reason(client, cast):
    pending = f.make_organisation(name="Refusée", status=Organisation.Status.PENDING)
    denise = f.make_user("denise", organisation=pending, role="responsable")
    services.organisation_refuse(organisation=pending, by=cast.coordinator, reason="Hors territoire")
    client.force_login(denise)
    text = client.get(reverse("organisations:organisation-detail", args=[pending.pk])).content.decode()
    assert "Hors territoire" in text and "archivée" in text


def test_queries_do_not_grow_with_the_members(client, cast, django_assert_max_num_queries):
    url = reverse("organisations:organisation-detail", args=[cast.org_a.pk])
    client.force_login(cast.alice)
    for i in range(30):
        f.make_user(organisation=cast.org_a)
        services.member_invite(organisation=cast.org_a, email=f"invite{i}@example.org", by=cast.alice, base_url="/")
    # session, user, groups and memberships (role), the organisation, its members with their people,
    # the invitations waiting for an answer (shown to the responsables)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('data-testid="member"') == 32 and page.count('data-testid="invitation"') == 30
