"""Rectification keeps its history; erasure anonymises and keeps the rows counts and reports need."""

import html
import json

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chantiers.models import Attendance, SpaceCitizen
from organisations.models import Membership, User
from privacy import services
from privacy.models import Consent, PrivacyAction
from projects.models import ProgressReport
from tests import factories as f
from tests.privacy.privacy_helpers import person_kwargs


def _export(client, trail, who) -> str:
    return client.post(reverse("privacy:privacy-export-json", kwargs=person_kwargs(trail, who))).content.decode()


def test_a_correction_is_logged_with_the_old_and_new_values(login, cast, trail):
    client = login(cast.coordinator)
    response = client.post(
        reverse("privacy:privacy-person-rectify", kwargs=person_kwargs(trail, "citizen")),
        {
            "first_name": "Réjeanne",
            "last_name": "Côté-Roy",
            "email": "rcote@example.org",
            "phone": "819 555-0101",
            "neighbourhood": "Évain",
            "notes": "Préfère les rencontres du soir.",
        },
    )
    assert response.status_code == 302
    trail.citizen.refresh_from_db()
    assert (trail.citizen.last_name, trail.citizen.email) == ("Côté-Roy", "rcote@example.org")
    entry = PrivacyAction.objects.get(action=PrivacyAction.Action.RECTIFY)
    assert entry.changes == {"last_name": ["Côté", "Côté-Roy"], "email": ["rejeanne@example.org", "rcote@example.org"]}
    assert entry.by == cast.coordinator
    page = client.get(reverse("privacy:privacy-person-detail", kwargs=person_kwargs(trail, "citizen"))).content.decode()
    assert "« Côté » → « Côté-Roy »" in page


def test_a_bad_correction_is_refused_in_french(login, cast, trail):
    response = login(cast.coordinator).post(
        reverse("privacy:privacy-person-rectify", kwargs=person_kwargs(trail, "user")),
        {"first_name": "Alice", "last_name": "", "email": "pas-un-courriel", "phone": ""},
    )
    text = response.content.decode()
    assert "Ce champ est obligatoire." in text and "Saisissez une adresse de courriel valide." in text
    trail.user.refresh_from_db()
    assert (trail.user.last_name, trail.user.email) == ("Bélanger", "alice@example.org")
    assert not PrivacyAction.objects.filter(action=PrivacyAction.Action.RECTIFY).exists()


def test_erasing_a_citizen_keeps_the_counts_and_leaves_no_name(login, cast, trail):
    request = services.privacy_request_create(
        person=trail.citizen,
        kind="erasure",
        by=cast.coordinator,
        received_on=timezone.localdate(),
        details="Réjeanne a appelé.",
    )
    services.person_rectify(person=trail.citizen, by=cast.coordinator, last_name="Côté-Roy")
    client = login(cast.coordinator)
    url = reverse("privacy:privacy-person-erase", kwargs=person_kwargs(trail, "citizen"))
    refused = client.post(url, {"request": request.pk})
    assert "Cochez la case pour confirmer l'effacement." in html.unescape(refused.content.decode())
    assert Consent.objects.active().filter(citizen=trail.citizen).exists()  # nothing erased yet
    assert client.post(url, {"request": request.pk, "confirm": "on"}).status_code == 302

    assert Attendance.objects.filter(citizen=trail.citizen, present=True).count() == 3
    assert SpaceCitizen.objects.filter(citizen=trail.citizen).count() == 1
    assert trail.space.citizen_memberships.get().left_on == timezone.localdate()
    trail.citizen.refresh_from_db()
    assert trail.citizen.anonymised_at is not None
    assert not Consent.objects.active().filter(citizen=trail.citizen).exists()
    assert not trail.citizen.consent_to_contact
    exported = _export(client, trail, "citizen")
    for trace in ("Réjeanne", "Côté", "rejeanne@example.org", "555-0101", "Évain", "rencontres du soir"):
        assert trace not in exported, trace
    entry = PrivacyAction.objects.get(action=PrivacyAction.Action.ERASE)
    assert (entry.by, entry.request, entry.citizen) == (cast.coordinator, request, trail.citizen)


def test_erasing_a_partner_closes_the_account_and_keeps_the_report(login, cast, trail):
    reports_before = ProgressReport.objects.filter(project=trail.project).count()
    alice_client = login(cast.alice)
    assert alice_client.get(reverse("privacy:my-consents")).status_code == 200
    # She is Organisme A's only responsable: bob takes over first (see the refusal's test below).
    Membership.objects.filter(user=cast.bob).update(role=Membership.Role.RESPONSABLE)
    services.person_erase(person=trail.user, by=cast.coordinator)

    # Her open session ends and the account is unusable, under either name.
    response = alice_client.get(reverse("privacy:my-consents"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    user = User.objects.get(pk=trail.user.pk)
    for username in ("alice", user.username):
        fresh = Client()
        response = fresh.post("/connexion/", {"username": username, "password": f.PASSWORD})
        assert response.status_code == 200 and "_auth_user_id" not in fresh.session
    assert not user.is_active and not user.has_usable_password()
    assert (user.email, user.phone) == ("", "")
    # What counts and reports need stays.
    assert ProgressReport.objects.filter(project=trail.project, submitted_by=user).count() == reports_before == 1
    assert Attendance.objects.filter(user=user).count() == 3
    assert Membership.objects.filter(user=user).get().left_on == timezone.localdate()
    coordinator = Client()
    coordinator.force_login(cast.coordinator)
    exported = json.loads(_export(coordinator, trail, "user"))
    text = json.dumps(exported, ensure_ascii=False)
    for trace in ("Bélanger", "alice@example.org", "555-0202", '"alice"'):
        assert trace not in text, trace


def test_a_correction_s_old_values_are_wiped_by_the_erasure(cast, trail):
    services.person_rectify(person=trail.citizen, by=cast.coordinator, last_name="Côté-Roy")
    services.person_erase(person=trail.citizen, by=cast.coordinator)
    entry = PrivacyAction.objects.get(action=PrivacyAction.Action.RECTIFY)
    assert "Côté" not in json.dumps(entry.changes, ensure_ascii=False)
    assert list(entry.changes) == ["last_name"]


def test_an_anonymised_person_cannot_be_erased_or_corrected_again(login, cast, trail):
    services.person_erase(person=trail.citizen, by=cast.coordinator)
    client = login(cast.coordinator)
    for name in ("privacy:privacy-person-erase", "privacy:privacy-person-rectify"):
        assert client.get(reverse(name, kwargs=person_kwargs(trail, "citizen"))).status_code == 404
    assert PrivacyAction.objects.filter(action=PrivacyAction.Action.ERASE).count() == 1


def test_erasing_an_organisations_only_responsable_is_refused_until_another_is_named(login, cast, trail):
    """Otherwise nobody could manage the organisation's members and invitations any more."""
    client = login(cast.coordinator)
    url = reverse("privacy:privacy-person-erase", kwargs=person_kwargs(trail, "user"))
    response = client.post(url, {"confirm": "on"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "seule responsable" in text and "« Organisme A »" in text and "« Organisme B »" not in text
    user = User.objects.get(pk=trail.user.pk)
    assert user.anonymised_at is None and user.is_active and user.email == "alice@example.org"
    assert Membership.objects.get(user=user, organisation=cast.org_a).left_on is None
    assert not PrivacyAction.objects.filter(action=PrivacyAction.Action.ERASE).exists()
    # A responsable who left, or whose account is closed, does not count as a hand-over.
    f.make_user("ancienne", organisation=cast.org_a, role=Membership.Role.RESPONSABLE, is_active=False)
    assert "seule responsable" in html.unescape(client.post(url, {"confirm": "on"}).content.decode())
    # Bob is named responsable: now the erasure goes through, and bob manages the members.
    Membership.objects.filter(user=cast.bob).update(role=Membership.Role.RESPONSABLE)
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert User.objects.get(pk=trail.user.pk).anonymised_at is not None


def test_the_refusal_names_every_organisation_left_alone(cast, trail):
    import pytest
    from django.core.exceptions import ValidationError

    Membership.objects.create(user=trail.user, organisation=cast.org_b, role=Membership.Role.RESPONSABLE)
    Membership.objects.filter(user=cast.charlie).update(role=Membership.Role.MEMBER)
    with pytest.raises(ValidationError) as refused:
        services.person_erase(person=trail.user, by=cast.coordinator)
    assert "« Organisme A », « Organisme B »" in refused.value.messages[0]


def test_a_member_without_the_responsable_role_is_erased_as_before(cast, trail):
    services.person_erase(person=cast.bob, by=cast.coordinator)
    assert User.objects.get(pk=cast.bob.pk).anonymised_at is not None


def test_invitations_to_the_person_are_exported_then_forgotten_by_the_erasure(login, cast, trail):
    from organisations import services as organisation_services
    from organisations.models import MembershipInvitation

    organisation_services.member_invite(
        organisation=cast.org_b, email="Alice@Example.org", by=cast.charlie, base_url="/"
    )
    exported = json.loads(_export(login(cast.coordinator), trail, "user"))
    rows = {t["table"]: t["rows"] for t in exported["tables"]}["organisations.membershipinvitation"]
    assert [row["organisation"].split(" (#")[0] for row in rows] == ["Organisme B"]
    assert "token_hash" not in rows[0]
    Membership.objects.filter(user=cast.bob).update(role=Membership.Role.RESPONSABLE)
    services.person_erase(person=trail.user, by=cast.coordinator)
    invitation = MembershipInvitation.objects.get()
    assert invitation.email == "" and invitation.status == MembershipInvitation.Status.CANCELLED
