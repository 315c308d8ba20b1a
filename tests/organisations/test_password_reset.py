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


def test_an_invited_person_who_lost_the_link_can_ask_again(client, cast):
    from organisations import services

    services.member_invite(organisation=cast.org_a, email="nadia@example.org", by=cast.alice, base_url="http://testserver/")
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "nadia@example.org"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]


def test_a_disabled_account_gets_no_mail(client, cast):
    f.make_user("ancien", email="ancien@example.org", is_active=False)
    client.post(reverse("password_reset"), {"email": "ancien@example.org"})
    assert not mail.outbox
