"""The responsable invites members by e-mail and removes them (never deleted; the last responsable stays)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations import services
from organisations.models import Membership, User
from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def test_inviting_an_unknown_address_creates_an_account_and_sends_a_password_link(
    client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(
            organisation=cast.org_a, email="Nouvelle@Example.org", by=cast.alice, base_url=BASE, first_name="Nadia"
        )
    user = membership.user
    assert membership.role == Membership.Role.MEMBER and membership.organisation == cast.org_a
    assert not user.has_usable_password() and user.email == "Nouvelle@example.org"
    assert user.groups.filter(name="Partenaire").exists()
    body = mail.outbox[0].body
    assert mail.outbox[0].to == ["Nouvelle@example.org"] and "Organisme A" in body
    link = next(line for line in body.splitlines() if "/mot-de-passe/nouveau/" in line)
    # The link lets the person choose a password, then log in.
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "Abitibi-Temiscamingue-1", "new_password2": "Abitibi-Temiscamingue-1"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Abitibi-Temiscamingue-1")


def test_inviting_a_known_person_adds_them(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(organisation=cast.org_a, email=cast.charlie.email or "x@x.org", by=cast.alice, base_url=BASE)
    denise = f.make_user("denise", email="denise@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_invite(organisation=cast.org_a, email="DENISE@example.org", by=cast.alice, base_url=BASE)
    assert membership.user == denise and denise.has_usable_password()
    assert User.objects.filter(email__iexact="denise@example.org").count() == 1
    assert "/connexion/" in mail.outbox[-1].body


def test_inviting_a_current_member_is_refused(cast):
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    with pytest.raises(ValidationError):
        services.member_invite(organisation=cast.org_a, email="bob@example.org", by=cast.alice, base_url=BASE)


def test_the_invite_view(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.alice)
    url = reverse("organisations:member-invite", args=[cast.org_a.pk])
    response = client.post(url, {"email": "pas-un-courriel"})
    assert response.status_code == 200 and "Saisissez une adresse de courriel valide" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nadia@example.org", "first_name": "Nadia", "last_name": "Roy"})
    assert response.status_code == 302
    assert cast.org_a.memberships.filter(user__email="nadia@example.org", left_on__isnull=True).exists()
    assert len(mail.outbox) == 1


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


def test_a_former_member_can_be_invited_back(cast):
    membership = Membership.objects.get(user=cast.bob)
    services.member_remove(membership=membership, by=cast.alice)
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    again = services.member_invite(organisation=cast.org_a, email="bob@example.org", by=cast.alice, base_url=BASE)
    assert again.pk == membership.pk and again.left_on is None
