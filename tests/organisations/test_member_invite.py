"""Invitations: only an approved organisation's responsables invite; a person joins only by accepting the
e-mailed link (once, before it expires), signed in as the invited address or by creating an account from it.
No answer reveals whether an address has an account, and the e-mail holds no text the inviter wrote."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import Membership, MembershipInvitation, MembershipRequest, Organisation, User
from organisations.roles import COORDINATION
from tests import factories as f

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def invite_url(organisation):
    return reverse("organisations:member-invite", args=[organisation.pk])


def link_in(message) -> str:
    """The invitation's path, read from the e-mail (the only place its secret exists)."""
    return re.search(r"https?://testserver(/invitation/\S+/)", message.body).group(1)


def invite(client, organisation, email, capture):
    with capture(execute=True):
        return client.post(invite_url(organisation), {"email": email}, follow=True)


# Who may invite ------------------------------------------------------------------------------------


def test_a_pending_organisation_cannot_invite(client, cast, django_capture_on_commit_callbacks):
    """A just-signed-up organisation, not yet approved, pulls nobody in (the attacker's test)."""
    pending = f.make_organisation(name="Nouvelle", status=Organisation.Status.PENDING)
    mallory = f.make_user("mallory", organisation=pending, role=Membership.Role.RESPONSABLE)
    client.force_login(mallory)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url(pending), {"email": "alice@example.org"})
    assert response.status_code == 403
    assert not mail.outbox and not MembershipInvitation.objects.exists()
    page = client.get(reverse("organisations:organisation-detail", args=[pending.pk])).content.decode()
    assert "dès que la coordination aura approuvé" in page and 'name="email"' not in page
    with pytest.raises(ValidationError):
        services.member_invite(organisation=pending, email="x@example.org", by=mallory, base_url=BASE)


def test_a_member_without_rights_cannot_invite(client, cast):
    client.force_login(cast.bob)
    assert client.post(invite_url(cast.org_a), {"email": "x@example.org"}).status_code == 403


def test_coordination_may_still_invite(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    response = invite(client, cast.org_a, "nadia@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200 and len(mail.outbox) == 1


# Consent ------------------------------------------------------------------------------------------


def test_a_coordinator_is_not_added_without_consent(client, cast, django_capture_on_commit_callbacks):
    cast.coordinator.email = "coordination@example.org"
    cast.coordinator.save()
    client.force_login(cast.alice)
    invite(client, cast.org_a, "coordination@example.org", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=cast.coordinator, organisation=cast.org_a).exists()
    assert MembershipInvitation.objects.get().status == MembershipInvitation.Status.PENDING


def test_the_invited_account_joins_by_accepting(client, cast, django_capture_on_commit_callbacks):
    denise = f.make_user("denise", email="Denise@Example.org", first_name="Denise", last_name="Roy")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.force_login(denise)
    page = client.get(path).content.decode()
    assert "Organisme A" in page and "Accepter" in page
    response = client.post(path + "accepter/")
    assert response.status_code == 302 and response["Location"] == cast.org_a.get_absolute_url()
    membership = Membership.objects.get(user=denise, organisation=cast.org_a)
    assert membership.role == Membership.Role.MEMBER and membership.left_on is None
    invitation = MembershipInvitation.objects.get()
    assert invitation.status == MembershipInvitation.Status.ACCEPTED and invitation.answered_by == denise


def test_the_link_serves_once(client, cast, django_capture_on_commit_callbacks):
    denise = f.make_user("denise", email="denise@example.org")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.force_login(denise)
    assert client.post(path + "accepter/").status_code == 302
    services.member_remove(membership=Membership.objects.get(user=denise), by=cast.alice)
    # The same link again: it no longer works, and she stays out.
    assert client.post(path + "accepter/").status_code == 404
    response = client.get(path)
    assert response.status_code == 404 and "ne fonctionne plus" in response.content.decode()
    assert Membership.objects.get(user=denise).left_on is not None


def test_the_link_expires(client, cast, django_capture_on_commit_callbacks, settings):
    denise = f.make_user("denise", email="denise@example.org")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    invitation = MembershipInvitation.objects.get()
    valid_for = invitation.expires_at - invitation.created_at
    assert abs(valid_for - datetime.timedelta(days=settings.INVITATION_EXPIRY_DAYS)) < datetime.timedelta(minutes=1)
    MembershipInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(denise)
    assert client.get(path).status_code == 404
    assert client.post(path + "accepter/").status_code == 404
    assert not Membership.objects.filter(user=denise, organisation=cast.org_a).exists()


def test_another_account_cannot_accept_someone_elses_invitation(client, cast, django_capture_on_commit_callbacks):
    f.make_user("denise", email="denise@example.org")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.force_login(cast.charlie)  # got hold of the link, but is not denise
    page = client.get(path).content.decode()
    assert "une autre adresse courriel" in page and "accepter/" not in page
    assert client.post(path + "accepter/").status_code == 403
    assert client.post(path + "decliner/").status_code == 403
    assert not Membership.objects.filter(user=cast.charlie, organisation=cast.org_a).exists()
    assert MembershipInvitation.objects.get().status == MembershipInvitation.Status.PENDING
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=MembershipInvitation.objects.get(), user=cast.charlie)


def test_a_declined_invitation_adds_nobody(client, cast, django_capture_on_commit_callbacks):
    denise = f.make_user("denise", email="denise@example.org")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    client.logout()
    assert client.post(path + "decliner/").status_code == 302  # the link's holder may say no without signing in
    assert MembershipInvitation.objects.get().status == MembershipInvitation.Status.DECLINED
    client.force_login(denise)
    assert client.post(path + "accepter/").status_code == 404
    assert not Membership.objects.filter(user=denise, organisation=cast.org_a).exists()


def test_an_unknown_address_gets_no_account_until_the_person_creates_it(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    invite(client, cast.org_a, "Nadia@Example.org", django_capture_on_commit_callbacks)
    assert not User.objects.filter(email__iexact="nadia@example.org").exists()
    path = link_in(mail.outbox[0])
    client.logout()
    page = client.get(path).content.decode()
    assert "Créer mon compte" in page and "me connecter" in page
    register = path + "creer-un-compte/"
    bad = client.post(
        register,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Roy",
            "password1": "Abitibi-2026-x",
            "password2": "autre",
        },
    )
    assert bad.status_code == 200 and "ne concordent pas" in bad.content.decode()
    assert not User.objects.filter(username="nadia").exists()
    response = client.post(
        register,
        {
            "username": "nadia",
            "first_name": "Nadia",
            "last_name": "Roy",
            "password1": "Abitibi-2026-x",
            "password2": "Abitibi-2026-x",
        },
    )
    assert response.status_code == 302
    nadia = User.objects.get(username="nadia")
    assert nadia.email == "Nadia@example.org" and nadia.check_password("Abitibi-2026-x")
    assert nadia.groups.filter(name="Partenaire").exists()
    assert Membership.objects.filter(user=nadia, organisation=cast.org_a, left_on__isnull=True).exists()
    assert client.session["_auth_user_id"] == str(nadia.pk)
    # Used: the link creates no second account.
    client.logout()
    again = client.post(
        register,
        {
            "username": "nadia2",
            "first_name": "N",
            "last_name": "R",
            "password1": "Abitibi-2026-x",
            "password2": "Abitibi-2026-x",
        },
    )
    assert again.status_code == 404 and not User.objects.filter(username="nadia2").exists()


# What the inviter learns and writes ------------------------------------------------------------------


def test_the_same_answer_for_known_and_unknown_addresses(client, cast, django_capture_on_commit_callbacks):
    f.make_user("denise", email="denise@example.org", first_name="Denise", last_name="Tremblay")
    client.force_login(cast.alice)
    known = invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    unknown = invite(client, cast.org_a, "personne@example.org", django_capture_on_commit_callbacks)
    said = [[str(m) for m in response.context["messages"]] for response in (known, unknown)]
    assert said[0] == [said[1][0].replace("personne@example.org", "denise@example.org")]
    assert "Tremblay" not in known.content.decode() and "Denise" not in known.content.decode()
    # Current members too: no « already a member » answer that would tell the address is theirs.
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    member = invite(client, cast.org_a, "bob@example.org", django_capture_on_commit_callbacks)
    assert [str(m) for m in member.context["messages"]] == [
        said[1][0].replace("personne@example.org", "bob@example.org")
    ]


def test_the_email_holds_no_text_from_the_inviter(client, cast, django_capture_on_commit_callbacks):
    cast.alice.first_name, cast.alice.last_name = "Cliquez", "http://hameconnage.example"
    cast.alice.save()
    client.force_login(cast.alice)
    response = client.post(
        invite_url(cast.org_a),
        {"email": "nadia@example.org", "first_name": "Visitez http://x.example", "last_name": "<b>gras</b>"},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        pass
    invitation = MembershipInvitation.objects.get()
    services.invitation_cancel(invitation=invitation, by=cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_invite(organisation=cast.org_a, email="nadia@example.org", by=cast.alice, base_url=BASE)
    body = mail.outbox[-1].body
    assert "Organisme A" in body and "/invitation/" in body
    for written_by_inviter in ("Cliquez", "hameconnage", "x.example", "gras"):
        assert written_by_inviter not in body and written_by_inviter not in mail.outbox[-1].subject


def test_pending_invitations_are_listed_and_can_be_cancelled(client, cast, django_capture_on_commit_callbacks):
    client.force_login(cast.alice)
    invite(client, cast.org_a, "nadia@example.org", django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    detail = reverse("organisations:organisation-detail", args=[cast.org_a.pk])
    page = client.get(detail).content.decode()
    assert "nadia@example.org" in page and "Annuler" in page
    invitation = MembershipInvitation.objects.get()
    # Another organisation's responsable, and a member without rights, cannot cancel it.
    client.force_login(cast.charlie)
    assert (
        client.post(reverse("organisations:invitation-cancel", args=[cast.org_a.pk, invitation.pk])).status_code == 404
    )
    client.force_login(cast.bob)
    assert "nadia@example.org" not in client.get(detail).content.decode()
    assert (
        client.post(reverse("organisations:invitation-cancel", args=[cast.org_a.pk, invitation.pk])).status_code == 403
    )
    client.force_login(cast.alice)
    response = client.post(reverse("organisations:invitation-cancel", args=[cast.org_a.pk, invitation.pk]))
    assert response.status_code == 302
    assert MembershipInvitation.objects.get().status == MembershipInvitation.Status.CANCELLED
    assert 'data-testid="invitation"' not in client.get(detail).content.decode()
    client.logout()
    assert client.get(path).status_code == 404


def test_a_new_invitation_replaces_the_previous_link(client, cast, django_capture_on_commit_callbacks):
    denise = f.make_user("denise", email="denise@example.org")
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    first, second = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    client.force_login(denise)
    assert client.post(first + "accepter/").status_code == 404
    assert client.post(second + "accepter/").status_code == 302


def test_accepting_settles_a_pending_request_to_join(client, cast, django_capture_on_commit_callbacks):
    denise = f.make_user("denise", email="denise@example.org")
    request = services.membership_request_create(user=denise, organisation=cast.org_a)
    client.force_login(cast.alice)
    invite(client, cast.org_a, "denise@example.org", django_capture_on_commit_callbacks)
    client.force_login(denise)
    client.post(link_in(mail.outbox[0]) + "accepter/")
    request.refresh_from_db()
    assert request.status == MembershipRequest.Status.APPROVED and request.decided_by == cast.alice


def test_a_former_member_comes_back_by_accepting(client, cast, django_capture_on_commit_callbacks):
    membership = Membership.objects.get(user=cast.bob)
    services.member_remove(membership=membership, by=cast.alice)
    cast.bob.email = "bob@example.org"
    cast.bob.save()
    client.force_login(cast.alice)
    invite(client, cast.org_a, "bob@example.org", django_capture_on_commit_callbacks)
    client.force_login(cast.bob)
    client.post(link_in(mail.outbox[0]) + "accepter/")
    membership.refresh_from_db()
    assert membership.left_on is None


def test_a_coordinator_who_accepts_keeps_their_role(client, cast, django_capture_on_commit_callbacks):
    cast.coordinator.email = "coordination@example.org"
    cast.coordinator.save()
    client.force_login(cast.alice)
    invite(client, cast.org_a, "coordination@example.org", django_capture_on_commit_callbacks)
    client.force_login(cast.coordinator)
    assert client.post(link_in(mail.outbox[0]) + "accepter/").status_code == 302
    assert cast.coordinator.groups.filter(name=COORDINATION).exists()
    assert Membership.objects.filter(user=cast.coordinator, organisation=cast.org_a).exists()


# The hourly limit --------------------------------------------------------------------------------------


def test_invitations_to_one_address_are_limited_with_the_same_answer(
    client, cast, django_capture_on_commit_callbacks, settings
):
    client.force_login(cast.alice)
    answers = [
        [
            str(m)
            for m in invite(client, cast.org_a, "nadia@example.org", django_capture_on_commit_callbacks).context[
                "messages"
            ]
        ]
        for _ in range(settings.MAIL_THROTTLE_PER_ADDRESS + 1)
    ]
    assert len(mail.outbox) == settings.MAIL_THROTTLE_PER_ADDRESS
    assert answers[-1] == answers[0]


def test_a_responsable_flooding_invitations_is_told_to_wait(client, cast, django_capture_on_commit_callbacks, settings):
    settings.MAIL_THROTTLE_PER_CLIENT = 2
    client.force_login(cast.alice)
    for i in range(2):
        invite(client, cast.org_a, f"p{i}@example.org", django_capture_on_commit_callbacks)
    response = invite(client, cast.org_a, "p9@example.org", django_capture_on_commit_callbacks)
    assert "Trop d&#x27;invitations" in response.content.decode()
    assert len(mail.outbox) == 2 and MembershipInvitation.objects.count() == 2
