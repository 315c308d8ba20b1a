"""Consents per purpose: asked in plain words, never pre-ticked, stored with the version of the text shown,
withdrawable by the person (« Mes consentements ») or, for a citizen, by Coordination; contact details private."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations import contact
from organisations.models import Organisation, User
from privacy import policy, services
from privacy.forms import SignupConsentsForm
from privacy.models import Consent, ConsentPurpose, PrivacyAction
from tests import factories as f
from tests.privacy.privacy_helpers import NEW_ORGANISATION, PERSON, SIGNUP, person_kwargs, sign_up

PASSWORD = "Rouyn-Noranda-2013!"


def _checkboxes(page: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="(consent_[a-z_]+)"[^>]*>', page)}


def test_the_signup_form_asks_each_purpose_and_ticks_none(client, cast):
    client.post(SIGNUP["choice"], {"choice": "new"})
    client.post(SIGNUP["organisation"], NEW_ORGANISATION)
    client.post(SIGNUP["person"], PERSON)
    page = client.get(SIGNUP["consents"]).content.decode()
    boxes = _checkboxes(page)
    assert set(boxes) == {f"consent_{p.purpose}" for p in policy.USER_PURPOSES}
    for tag in boxes.values():
        assert 'type="checkbox"' in tag and "checked" not in tag
    for purpose in policy.USER_PURPOSES:
        assert str(purpose.text).replace("'", "&#x27;") in page
    assert not any(SignupConsentsForm()[name].value() for name in boxes)


def test_signup_stores_the_ticked_consent_with_its_version(client, cast):
    sign_up(client, choice="join", organisation={"join": cast.org_a.pk}, consents=["nouvelles"])
    user = User.objects.get(username="denise")
    consent = Consent.objects.get(user=user)
    assert (consent.purpose, consent.text_version, consent.source) == (
        ConsentPurpose.NEWS,
        policy.PURPOSES[ConsentPurpose.NEWS].version,
        Consent.Source.SIGNUP,
    )
    assert consent.text == str(policy.PURPOSES[ConsentPurpose.NEWS].text)
    assert timezone.localtime(consent.given_at).date() == timezone.localdate() and consent.is_active


def test_a_consent_that_cannot_be_recorded_leaves_no_account(client, cast, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("Consentement impossible à noter.")

    monkeypatch.setattr(services, "consent_give", refuse)
    response = sign_up(client, consents=["nouvelles"])
    assert response.status_code == 200 and "Consentement impossible à noter." in response.content.decode()
    assert not User.objects.filter(username="denise").exists()
    assert not Organisation.objects.filter(name="Maison des jeunes").exists()


def test_a_person_withdraws_a_consent_and_the_withdrawal_is_recorded(login, cast, trail):
    client = login(cast.alice)
    page = client.get(reverse("privacy:my-consents")).content.decode()
    assert 'name="consent_nouvelles"' in page and "checked" in _checkboxes(page)["consent_nouvelles"]
    client.post(reverse("privacy:my-consents"), {"consent_coordonnees": "on"})  # untick news, tick sharing
    news = Consent.objects.get(user=cast.alice, purpose=ConsentPurpose.NEWS)
    assert news.withdrawn_at is not None and news.withdrawn_by == cast.alice
    assert Consent.objects.active().get(user=cast.alice).purpose == ConsentPurpose.SHARE_CONTACT
    assert PrivacyAction.objects.filter(user=cast.alice, action=PrivacyAction.Action.CONSENT_WITHDRAWN).count() == 1
    history = client.get(reverse("privacy:my-consents")).content.decode()
    assert history.count('data-testid="consent"') == 2


def test_a_coordinator_records_and_withdraws_a_citizen_s_consents(login, cast, trail):
    client = login(cast.coordinator)
    url = reverse("privacy:privacy-consents-record", kwargs=person_kwargs(trail, "citizen"))
    client.post(url, {"consent_nouvelles": "on"})  # contact withdrawn (unticked), news given
    trail.citizen.refresh_from_db()
    assert not trail.citizen.consent_to_contact and trail.citizen.consent_given_on is None  # the old field follows
    news = Consent.objects.active().get(citizen=trail.citizen)
    assert (news.purpose, news.source, news.recorded_by) == ("nouvelles", "coordination", cast.coordinator)
    client.post(url, {"consent_contact": "on", "consent_nouvelles": "on"})
    trail.citizen.refresh_from_db()
    assert trail.citizen.consent_to_contact and trail.citizen.consent_given_on == timezone.localdate()


def test_a_purpose_that_does_not_apply_is_refused(cast, trail):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.consent_give(person=trail.citizen, purpose=ConsentPurpose.SHARE_CONTACT, source="coordination")
    assert not Consent.objects.filter(citizen=trail.citizen, purpose=ConsentPurpose.SHARE_CONTACT).exists()


def test_the_old_consents_move_to_the_new_model(db):
    from importlib import import_module

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = import_module("organisations.migrations.0003_privacy")
    agreed = f.make_citizen(consent_to_contact=True, consent_given_on=datetime.date(2013, 5, 14))
    f.make_citizen(consent_to_contact=False)
    # The models as that migration knew them: Consent was the organisations app's then.
    migration.copy_legacy_consents(
        MigrationLoader(connection).project_state(("organisations", "0003_privacy")).apps, None
    )
    consent = Consent.objects.get()
    assert (consent.citizen, consent.purpose, consent.text_version, consent.source) == (
        agreed,
        "contact",
        "avant-loi-25",
        "migration",
    )
    assert timezone.localtime(consent.given_at).date() == datetime.date(2013, 5, 14)


# Contact details are Coordination's ---------------------------------------------------------------


@pytest.mark.parametrize("who, sees", [("bob", False), ("staff", False), ("coordinator", True), ("alice", True)])
def test_a_member_s_email_is_shown_to_coordination_only(login, cast, trail, who, sees):
    page = (
        login(getattr(cast, who))
        .get(reverse("organisations:organisation-detail", args=[cast.org_a.pk]))
        .content.decode()
    )
    assert ("alice@example.org" in page) is sees


def test_a_member_who_agreed_shows_her_email_to_her_organisation(login, cast, trail):
    services.consent_give(person=cast.alice, purpose=ConsentPurpose.SHARE_CONTACT, source="self", by=cast.alice)
    page = login(cast.bob).get(reverse("organisations:organisation-detail", args=[cast.org_a.pk])).content.decode()
    assert "alice@example.org" in page


def test_without_the_privacy_app_s_reading_no_member_shows_her_email(login, cast, trail, monkeypatch):
    services.consent_give(person=cast.alice, purpose=ConsentPurpose.SHARE_CONTACT, source="self", by=cast.alice)
    monkeypatch.setattr(contact, "_contact_shared", None)
    page = login(cast.bob).get(reverse("organisations:organisation-detail", args=[cast.org_a.pk])).content.decode()
    assert "alice@example.org" not in page


def test_personnel_reads_citizens_in_the_admin_without_their_contact_details(client, cast, trail):
    cast.staff.is_staff = True
    cast.staff.save()
    client.force_login(cast.staff)
    page = client.get(reverse("admin:organisations_citizen_change", args=[trail.citizen.pk])).content.decode()
    assert "Réjeanne" in page and "rejeanne@example.org" not in page and "555-0101" not in page
    client.force_login(cast.coordinator)
    page = client.get(reverse("admin:organisations_citizen_change", args=[trail.citizen.pk])).content.decode()
    assert "rejeanne@example.org" in page


def test_a_consent_noted_with_the_old_form_is_shown_on_the_person_page(login, cast):
    citizen = f.make_citizen(first_name="Lise", consent_to_contact=True, consent_given_on=datetime.date(2013, 5, 14))
    page = (
        login(cast.coordinator)
        .get(reverse("privacy:privacy-person-detail", kwargs={"kind": "citoyens", "pk": citizen.pk}))
        .content.decode()
    )
    assert "Consentement à être contacté noté le 14 mai 2013" in page
