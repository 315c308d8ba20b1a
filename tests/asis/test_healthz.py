"""/healthz: 200 when every part is fine, 503 naming the failing part (database, migrations, free disk, and any
function listed in HEALTH_CHECKS, where the worker's heartbeat goes)."""

from collections import namedtuple
from unittest import mock

import pytest
from django.db.utils import OperationalError

pytestmark = pytest.mark.django_db

Usage = namedtuple("Usage", "total used free")


def test_healthz_answers_200_when_every_part_is_fine(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "disk": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch("asis.health.connections") as connections:
        connections.__getitem__.return_value.cursor.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert "database" in body["failing"]
    assert body["database"] == "unavailable (OperationalError)"


def test_healthz_answers_503_when_a_migration_is_not_applied(client):
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.filter(app="asis").order_by("-id").first().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["migrations"].startswith("1 migration(s) not applied, first asis.")
    assert body["database"] == "ok"


def test_healthz_answers_503_when_the_attachments_disk_is_nearly_full(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "not-created-yet"  # before the first upload: its parent's disk is measured
    settings.HEALTH_MIN_FREE_DISK_MB = 500
    with mock.patch("asis.health.shutil.disk_usage", return_value=Usage(10**12, 10**12, 120 * 1024 * 1024)) as usage:
        response = client.get("/healthz")
    usage.assert_called_once_with(tmp_path)
    assert response.status_code == 503
    assert response.json()["failing"] == ["disk"]
    assert response.json()["disk"] == "120 MB free on MEDIA_ROOT's disk, under 500 MB"


def worker_late():
    return "last heartbeat 2 hours ago"


def test_a_check_added_to_the_setting_is_a_part_of_its_own(client, settings):
    """The worker's heartbeat is wired this way: one more dotted path in HEALTH_CHECKS."""
    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "tests.asis.test_healthz.worker_late"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker_late"]
    assert response.json()["worker_late"] == "last heartbeat 2 hours ago"


def test_healthz_takes_no_post(client):
    assert client.post("/healthz").status_code == 405


def test_the_favicon_is_served_for_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("images/favicon.svg")


def test_healthz_names_the_worker_when_its_last_pass_is_too_old(client, settings):
    """In production /healthz also checks the worker's heartbeat: a queue nobody sends is a failing part."""
    import datetime

    from django.utils import timezone

    from asis.worker import heartbeat_record

    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "asis.health.worker"]
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 600

    body = client.get("/healthz").json()
    assert body["failing"] == ["worker"] and "never ran" in body["worker"]

    heartbeat_record(at=timezone.now() - datetime.timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "over 600 s" in response.json()["worker"]

    heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "ok"
