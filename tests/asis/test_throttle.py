"""Who "one client" is for the e-mail limits and the login lockout, directly and behind a proxy."""

import pytest
from axes.helpers import get_client_ip_address
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from asis import throttle
from tests import factories as f

pytestmark = pytest.mark.django_db


def request(remote="203.0.113.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_directly_the_forwarded_header_is_the_clients_word_and_is_ignored(settings):
    settings.AXES_IPWARE_PROXY_COUNT = None
    assert throttle.client_address(request(forwarded="198.51.100.1")) == "203.0.113.5"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    # The proxy (REMOTE_ADDR 10.0.0.2) appends the address it received from; the first entry is made up.
    assert throttle.client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert throttle.client_address(request("10.0.0.2", "pas-une-adresse")) == "10.0.0.2"
    assert throttle.client_address(request("10.0.0.2")) == "10.0.0.2"


def test_django_axes_sees_the_same_client(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert get_client_ip_address(request("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_a_made_up_forwarded_header_does_not_get_a_fresh_limit(cast, settings):
    settings.AXES_IPWARE_PROXY_COUNT = None
    settings.MAIL_THROTTLE_PER_CLIENT = 2
    for i in range(4):
        f.make_user(f"p{i}", email=f"p{i}@example.org")
        Client(HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(reverse("password_reset"), {"email": f"p{i}@example.org"})
    assert len(mail.outbox) == 2


def test_behind_a_proxy_two_visitors_have_their_own_limits(cast, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.MAIL_THROTTLE_PER_CLIENT = 1
    for i in range(3):
        f.make_user(f"p{i}", email=f"p{i}@example.org")
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").post(
            reverse("password_reset"), {"email": f"p{i}@example.org"}
        )
    assert len(mail.outbox) == 3


def test_the_login_lockout_behind_a_proxy_holds_one_visitor_not_everyone(cast, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(6):
        attacker.post("/connexion/", {"username": "alice", "password": "mauvais"})
    assert attacker.post("/connexion/", {"username": "alice", "password": f.PASSWORD}).status_code == 429
    alice = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.10")
    response = alice.post("/connexion/", {"username": "alice", "password": f.PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in alice.session
