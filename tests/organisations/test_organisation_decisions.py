"""Coordination approves or refuses a pending organisation; the responsables are told by e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from organisations import services
from organisations.models import Membership, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cast):
    org = f.make_organisation(name="Nouvelle ressource", status=Organisation.Status.PENDING)
    f.make_user("denise", organisation=org, role=Membership.Role.RESPONSABLE, email="denise@example.org")
    return org


def test_approve_sets_approved_and_mails_the_responsable(cast, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(organisation=pending, by=cast.coordinator)
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED and pending.can_submit
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["denise@example.org"]
    assert "approuvé" in mail.outbox[0].body and "Nouvelle ressource" in mail.outbox[0].body


def test_refuse_archives_keeps_the_reason_and_mails_it(cast, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_refuse(organisation=pending, by=cast.coordinator, reason="Hors du territoire.")
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.ARCHIVED
    assert pending.status_reason == "Hors du territoire."
    assert "Hors du territoire." in mail.outbox[0].body and mail.outbox[0].to == ["denise@example.org"]


def test_refuse_without_a_reason_is_refused(cast, pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        services.organisation_refuse(organisation=pending, by=cast.coordinator, reason="  ")
    assert "motif" in str(error.value)
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING and not mail.outbox


def test_an_approved_organisation_cannot_be_approved_twice(cast):
    with pytest.raises(ValidationError):
        services.organisation_approve(organisation=cast.org_a, by=cast.coordinator)


def test_the_views_approve_and_refuse(client, cast, pending, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("organisations:organisation-approve", args=[pending.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("organisations:request-list")
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED and len(mail.outbox) == 1


def test_the_refusal_form_requires_a_reason(client, cast, pending, django_capture_on_commit_callbacks):
    client.force_login(cast.coordinator)
    url = reverse("organisations:organisation-refuse", args=[pending.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Indiquez le motif du refus" in response.content.decode().replace("&#x27;", "'")
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.PENDING and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Doublon de l'organisme A."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.ARCHIVED and len(mail.outbox) == 1


def test_can_submit_needs_approval_and_an_active_membership(cast, pending):
    denise = pending.memberships.get().user
    assert not denise.can_submit_for(pending)
    assert cast.alice.can_submit_for(cast.org_a) and cast.bob.can_submit_for(cast.org_a)
    assert not cast.charlie.can_submit_for(cast.org_a)
    services.organisation_approve(organisation=pending, by=cast.coordinator)
    assert pending.memberships.get().user.can_submit_for(pending)
