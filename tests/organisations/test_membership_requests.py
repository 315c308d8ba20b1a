"""Requests to join an organisation: coordination accepts (a membership) or refuses (with a reason)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations import services
from organisations.models import Membership, MembershipRequest, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(cast):
    denise = f.make_user("denise", email="denise@example.org")
    return services.membership_request_create(user=denise, organisation=cast.org_a, message="Bonjour")


def test_approving_creates_a_member_and_mails_the_person(cast, request_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request_approve(membership_request=request_, by=cast.coordinator)
    assert membership.role == Membership.Role.MEMBER and membership.left_on is None
    request_.refresh_from_db()
    assert request_.status == MembershipRequest.Status.APPROVED and request_.decided_by == cast.coordinator
    assert request_.decided_at is not None
    assert mail.outbox[0].to == ["denise@example.org"] and "Organisme A" in mail.outbox[0].body


def test_refusing_needs_a_reason_and_mails_it(cast, request_, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        services.membership_request_refuse(membership_request=request_, by=cast.coordinator, reason="")
    request_.refresh_from_db()
    assert request_.status == MembershipRequest.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_refuse(
            membership_request=request_, by=cast.coordinator, reason="Inconnue de l'organisme."
        )
    request_.refresh_from_db()
    assert request_.status == MembershipRequest.Status.REFUSED and request_.reason == "Inconnue de l'organisme."
    assert not Membership.objects.filter(user=request_.user).exists()
    assert "Inconnue de l'organisme." in mail.outbox[0].body


def test_a_decided_request_cannot_be_decided_again(cast, request_):
    services.membership_request_approve(membership_request=request_, by=cast.coordinator)
    with pytest.raises(ValidationError):
        services.membership_request_refuse(membership_request=request_, by=cast.coordinator, reason="Non")


def test_no_second_pending_request_and_no_request_from_a_member(cast, request_):
    with pytest.raises(ValidationError):
        services.membership_request_create(user=request_.user, organisation=cast.org_a)
    with pytest.raises(ValidationError):
        services.membership_request_create(user=cast.bob, organisation=cast.org_a)
    pending = f.make_organisation(status=Organisation.Status.PENDING)
    with pytest.raises(ValidationError):
        services.membership_request_create(user=request_.user, organisation=pending)


def test_the_views_accept_and_refuse(client, cast, request_, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    refuse = reverse("organisations:membership-request-refuse", args=[request_.pk])
    response = client.post(refuse, {"reason": ""})
    assert response.status_code == 200 and "Indiquez le motif du refus" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:membership-request-approve", args=[request_.pk]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=request_.user, organisation=cast.org_a, left_on__isnull=True).exists()
    assert len(mail.outbox) == 1
