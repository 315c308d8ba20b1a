"""Security by default (issue 8): production headers and cookies as a browser receives them, sessions
that expire, password rules, and a password change that logs out every other session."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f
from tests.test_project_guards import ROOT, _production_env

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment
setup_test_environment()
# Production serves the static files collected by `collectstatic` (a manifest this checkout lacks).
unhashed = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=unhashed):
    response = Client().get("/connexion/", secure=True, headers={"host": "asis.example.org"})
csrf = response.cookies.get("csrftoken")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "csrf_cookie": {k: csrf[k] for k in ("secure", "httponly", "samesite")} if csrf else None,
}))
from django.conf import settings
print(json.dumps({k: getattr(settings, k) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_AGE",
)}))
"""


def test_production_answers_with_hsts_csp_and_secure_cookies():
    """The login page as served in production (DEBUG off, secret and hosts from the environment)."""
    env = _production_env(
        SECRET_KEY="x" * 20 + "-production-secret-from-the-environment-" + "y" * 20, SECURE_SSL_REDIRECT="1"
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    page, values = (json.loads(line) for line in result.stdout.strip().splitlines()[-2:])
    assert page["status"] == 200
    headers = page["headers"]
    hsts = headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000 and "includeSubDomains" in hsts  # at least a year
    csp = headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert page["csrf_cookie"] in (None, {"secure": True, "httponly": "", "samesite": "Lax"})
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax" and values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_AGE"] <= 8 * 3600


def test_production_sends_plain_http_to_https():
    env = _production_env(SECRET_KEY="x" * 60, SECURE_SSL_REDIRECT="1")
    probe = PROBE.replace("secure=True", "secure=False")
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-2])
    assert page["status"] == 301 and page["headers"]["Location"].startswith("https://asis.example.org/")


@pytest.mark.django_db
def test_a_login_session_expires_after_a_working_day(client, cast):
    response = client.post(reverse("login"), {"username": cast.alice.username, "password": f.PASSWORD})
    assert response.status_code == 302
    assert 0 < client.session.get_expiry_age() <= 8 * 3600
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 8 * 3600


@pytest.mark.django_db
def test_changing_the_password_logs_out_every_other_session(client, cast):
    from django.test import Client

    elsewhere = Client()  # the same person, logged in on another computer
    assert (
        elsewhere.post(reverse("login"), {"username": cast.alice.username, "password": f.PASSWORD}).status_code == 302
    )
    assert client.post(reverse("login"), {"username": cast.alice.username, "password": f.PASSWORD}).status_code == 302
    assert elsewhere.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": f.PASSWORD,
            "new_password1": "Une-phrase-longue-2026",
            "new_password2": "Une-phrase-longue-2026",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("password_change")).status_code == 200  # this session stays open
    logged_out = elsewhere.get(reverse("password_change"))
    assert logged_out.status_code == 302 and "/connexion/" in logged_out["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password, message",
    [
        ("court", "trop court"),
        ("12345678901234", "entièrement numérique"),
        ("password123", "trop courant"),
        ("alice1234", "trop semblable"),
    ],
)
def test_weak_passwords_are_refused_in_french(client, cast, password, message):
    client.force_login(cast.alice)
    response = client.post(
        reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": password, "new_password2": password}
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    cast.alice.refresh_from_db()
    assert cast.alice.check_password(f.PASSWORD)
