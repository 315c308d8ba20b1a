"""Login throttling (django-axes): five failures for one username from one address, then a pause."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def fail(client, username, times):
    return [client.post("/connexion/", {"username": username, "password": "mauvais"}) for _ in range(times)]


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, cast):
    answers = fail(client, "alice", 5)
    assert [a.status_code for a in answers[:4]] == [200] * 4
    locked = client.post("/connexion/", {"username": "alice", "password": f.PASSWORD})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Trop de tentatives de connexion" in page and "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked_out(client, cast):
    fail(client, "alice", 6)
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    response = elsewhere.post("/connexion/", {"username": "alice", "password": f.PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in elsewhere.session


def test_the_lock_lifts_after_the_cool_off(client, cast):
    fail(client, "alice", 6)
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = client.post("/connexion/", {"username": "alice", "password": f.PASSWORD})
    assert response.status_code == 302


def test_an_unknown_username_is_throttled_the_same_way(client, cast):
    answers = fail(client, "personne", 6)
    assert answers[-1].status_code == 429


def test_a_success_clears_the_failures(client, cast):
    fail(client, "alice", 4)
    assert client.post("/connexion/", {"username": "alice", "password": f.PASSWORD}).status_code == 302
    client.logout()
    answers = fail(client, "alice", 4)
    assert all(a.status_code == 200 for a in answers)
