"""Forgotten password: a French e-mail with a one-time link, then a new password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_urls_are_french():
    assert reverse("password_reset") == "/mot-de-passe/oublie/"
    assert reverse("password_reset_done") == "/mot-de-passe/oublie/envoye/"
    assert reverse("password_reset_complete") == "/mot-de-passe/change/"


def test_the_pages_open_for_anonymous_visitors(client):
    assert "Mot de passe oublié" in client.get(reverse("password_reset")).content.decode()
    assert "Vérifiez vos courriels" in client.get(reverse("password_reset_done")).content.decode()
    assert "Mot de passe enregistré" in client.get(reverse("password_reset_complete")).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, cast):
    response = client.post(reverse("password_reset"), {"email": "personne@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert not mail.outbox


def test_the_full_reset_flow(client, cast):
    f.make_user("denise", email="denise@example.org")
    response = client.post(reverse("password_reset"), {"email": "denise@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["denise@example.org"]
    assert message.subject == "ASIS : choisir un nouveau mot de passe"
    assert "denise" in message.body and "Bonjour" in message.body
    path = re.search(r"https?://testserver(/mot-de-passe/nouveau/\S+)", message.body).group(1)

    response = client.get(path, follow=True)  # Django hides the token behind a redirect
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    mismatch = client.post(form_url, {"new_password1": "Rouyn-Noranda-2026", "new_password2": "autre"})
    assert mismatch.status_code == 200 and "Les deux mots de passe ne correspondent pas" in mismatch.content.decode()
    response = client.post(form_url, {"new_password1": "Rouyn-Noranda-2026", "new_password2": "Rouyn-Noranda-2026"})
    assert response["Location"] == reverse("password_reset_complete")
    assert client.post(reverse("login"), {"username": "denise", "password": "Rouyn-Noranda-2026"}).status_code == 302
    assert "_auth_user_id" in client.session

    # The link serves only once.
    client.logout()
    assert not client.get(path, follow=True).context["validlink"]


def test_an_account_that_never_chose_a_password_can_ask_for_one(client, cast):
    """Accounts made by the old invitations (no password chosen, never signed in) still get a link."""
    nadia = f.make_user("nadia", email="nadia@example.org")
    nadia.set_unusable_password()
    nadia.save()
    client.post(reverse("password_reset"), {"email": "nadia@example.org"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]


def test_the_fourth_request_in_an_hour_sends_nothing_and_answers_the_same(client, cast, settings):
    """Four requests sent four e-mails to the same person (the attacker's test): three an hour now."""
    f.make_user("denise", email="denise@example.org")
    answers = [
        client.post(reverse("password_reset"), {"email": "denise@example.org"})
        for _ in range(settings.MAIL_THROTTLE_PER_ADDRESS + 1)
    ]
    assert len(mail.outbox) == settings.MAIL_THROTTLE_PER_ADDRESS == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}
    # The address is counted however it is written.
    client.post(reverse("password_reset"), {"email": "DENISE@example.org"})
    assert len(mail.outbox) == 3


def test_a_fresh_hour_sends_again(client, cast, settings, monkeypatch):
    from asis import throttle

    f.make_user("denise", email="denise@example.org")
    for _ in range(settings.MAIL_THROTTLE_PER_ADDRESS + 1):
        client.post(reverse("password_reset"), {"email": "denise@example.org"})
    assert len(mail.outbox) == 3
    later = throttle._clock() + settings.MAIL_THROTTLE_WINDOW_SECONDS
    monkeypatch.setattr(throttle, "_clock", lambda: later)
    client.post(reverse("password_reset"), {"email": "denise@example.org"})
    assert len(mail.outbox) == 4


def test_one_client_asking_for_many_addresses_is_limited(client, cast, settings):
    settings.MAIL_THROTTLE_PER_CLIENT = 4
    for i in range(6):
        f.make_user(f"p{i}", email=f"p{i}@example.org")
    for i in range(6):
        response = client.post(reverse("password_reset"), {"email": f"p{i}@example.org"})
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 4
    # Another client is not held back by the first.
    client.post(reverse("password_reset"), {"email": "p5@example.org"}, REMOTE_ADDR="192.0.2.7")
    assert len(mail.outbox) == 5


def test_a_disabled_account_gets_no_mail(client, cast):
    f.make_user("ancien", email="ancien@example.org", is_active=False)
    client.post(reverse("password_reset"), {"email": "ancien@example.org"})
    assert not mail.outbox
