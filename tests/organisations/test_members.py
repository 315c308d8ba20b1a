"""The responsable removes members (never deleted; the last responsable stays). Invitations: test_member_invite.py."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_removing_a_member_keeps_the_row(client, cast):
    membership = Membership.objects.get(user=cast.bob)
    client.force_login(cast.alice)
    response = client.post(reverse("organisations:member-remove", args=[cast.org_a.pk, membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_on is not None


def test_the_last_responsable_cannot_be_removed(client, cast):
    membership = Membership.objects.get(user=cast.alice)
    client.force_login(cast.alice)
    response = client.post(reverse("organisations:member-remove", args=[cast.org_a.pk, membership.pk]), follow=True)
    assert "dernière personne responsable" in response.content.decode()
    membership.refresh_from_db()
    assert membership.left_on is None
    # With a second responsable, the first may leave.
    f.make_user("denise", organisation=cast.org_a, role=Membership.Role.RESPONSABLE)
    services.member_remove(membership=membership, by=cast.coordinator)
    membership.refresh_from_db()
    assert membership.left_on is not None


def test_a_membership_of_another_organisation_is_404(client, cast):
    other = Membership.objects.get(user=cast.charlie)
    client.force_login(cast.alice)
    assert client.post(reverse("organisations:member-remove", args=[cast.org_a.pk, other.pk])).status_code == 404
