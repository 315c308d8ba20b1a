"""Errors go to Sentry when SENTRY_DSN is set (sentry-sdk, requirements-prod.txt), without personal data."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({"active": client.is_active(), "dsn": client.dsn, "pii": client.options["send_default_pii"],
                  "django": "django" in client.integrations}))
"""


def probe(**env):
    pytest.importorskip("sentry_sdk")
    clean = {key: value for key, value in os.environ.items() if key not in ("SENTRY_DSN", "PYTEST_VERSION")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "asis.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_errors_go_to_sentry_when_a_dsn_is_set_without_personal_data():
    client = probe(SENTRY_DSN="https://public@sentry.example.org/42")
    assert client == {"active": True, "dsn": "https://public@sentry.example.org/42", "pii": False, "django": True}


def test_nothing_goes_to_sentry_without_a_dsn():
    assert probe()["active"] is False
