"""PostgreSQL restarted during a load: the requests in flight fail (500 or 503) and write nothing half-way, and the
portal recovers without being restarted: the next requests answer 200 and the next write goes through.

The portal runs as in production, in gunicorn (one worker, four threads, so four persistent connections:
CONN_MAX_AGE 60 s, CONN_HEALTH_CHECKS on), against the test database. The restart is simulated by terminating
every server session of that database (`pg_terminate_backend`), as a restart does: the PostgreSQL cluster is shared,
so it is never restarted. A commitment is held in flight first: another session locks the commitments' history
table, so the request has moved the source's total and inserted the commitment when the server goes away.

A second restart while the portal is idle fails no request: the kept connections are checked before use.

PostgreSQL only (SQLite has no server to restart)."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from budget.models import Commitment, FundingSource
from projects.models import ProjectStatus
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: SQLite has no server to restart"),
]

ROOT = Path(__file__).resolve().parents[2]
CSRF = "r" * 32  # a CSRF secret of our own, sent as the cookie and the form's token


def test_the_portal_is_configured_to_survive_a_database_restart():
    """Persistent connections (no new connection per request) checked before each request's first query, so a
    connection the restart closed is replaced instead of failing the request."""
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Portal:
    """The portal in gunicorn, spoken to over HTTP with a session cookie."""

    def __init__(self, tmp_path, session: str):
        db = connection.settings_dict
        auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
        self.port, self.cookie = _free_port(), f"sessionid={session}; csrftoken={CSRF}"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}",
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # the session (and its auth hash) signed as the test signed it
            "ALLOWED_HOSTS": "127.0.0.1",
            "CONN_MAX_AGE": "60",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        self.log = (tmp_path / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "asis.wsgi", f"--bind=127.0.0.1:{self.port}", "--workers=1"]
            + ["--threads=4", "--timeout=60"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.3)

    def request(self, method, path, data=None) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def get(self, path) -> int:
        return self.request("GET", path)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


@pytest.fixture
def admin_session():
    """A session of our own on the test database (not the server's, not the test's): it locks, then terminates."""
    import psycopg2

    db = connection.settings_dict
    session = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"], password=db["PASSWORD"]
    )
    yield session
    session.close()


def _server_sessions(*, spare) -> str:
    """The SQL that finds the server's sessions: every session of the test database but ours and `spare`."""
    return (
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        f"AND pid NOT IN ({', '.join(str(pid) for pid in spare)})"
    )


def test_a_database_restart_during_a_load_fails_the_requests_in_flight_then_the_portal_recovers(
    asis, cast, client, tmp_path, admin_session
):
    project = f.make_project(
        lead=cast.org_a, theme=asis.themes.get(order=3), status=ProjectStatus.ACCEPTED, title="Logements"
    )
    source = FundingSource.objects.get(code="fqis")
    client.force_login(cast.coordinator)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        test_pid = cursor.fetchone()[0]  # the test's own session survives the « restart »
    pages = [
        reverse("home"),
        reverse("budget:envelope"),
        reverse("budget:commitments"),
        reverse("projects:project-list"),
    ]
    commit = reverse("budget:commitment-create")
    data = {
        "source": source.pk,
        "project": project.pk,
        "plan_year": asis.years.get(number=1).pk,
        "amount": "12 500,50",
        "decided_on": "2014-06-10",
        "resolution": f.make_resolution(asis.alliance).pk,  # the board's decision the commitment comes from
    }
    portal = Portal(tmp_path, client.cookies[settings.SESSION_COOKIE_NAME].value)
    try:
        assert [portal.get(path) for path in pages * 2] == [200] * 8  # the server's connections are open, kept

        # A commitment in flight: its history row waits on a lock, its total moved and its row inserted.
        admin = admin_session.cursor()
        admin.execute("LOCK TABLE budget_historicalcommitment IN EXCLUSIVE MODE")
        in_flight = {}
        writer = threading.Thread(target=lambda: in_flight.update(status=portal.request("POST", commit, data)))
        writer.start()
        for _ in range(300):
            admin.execute(f"SELECT count(*) {_server_sessions(spare=[test_pid])} AND wait_event_type = 'Lock'")
            if admin.fetchone()[0]:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the commitment never waited on the lock")

        # A load of reads meanwhile, then the « restart »: every server session terminated.
        statuses = []

        def load():
            for _ in range(6):
                statuses.append(portal.get(pages[len(statuses) % len(pages)]))

        readers = [threading.Thread(target=load) for _ in range(3)]
        for reader in readers:
            reader.start()
        time.sleep(0.2)
        admin.execute(f"SELECT count(pg_terminate_backend(pid)) {_server_sessions(spare=[test_pid])}")
        assert admin.fetchone()[0] >= 1
        writer.join(timeout=60)
        for reader in readers:
            reader.join(timeout=60)
        admin_session.rollback()  # the lock released

        assert in_flight["status"] in (500, 503)  # the request in flight failed, with an error page
        assert set(statuses) <= {200, 500, 503} and len(statuses) == 18
        print(f"reads during the restart: {statuses.count(200)} × 200, {len(statuses) - statuses.count(200)} failed")  # noqa: T201
        # Nothing half-written: no commitment, no history, the source's total as it was
        assert not Commitment.objects.exists() and not Commitment.history.exists()
        source.refresh_from_db()
        assert source.committed_total == Decimal("0.00")

        # Recovered without a restart: same process, every page answers, and the write goes through.
        assert portal.process.poll() is None
        assert [portal.get(path) for path in pages * 2] == [200] * 8
        # A restart while the portal is idle fails no request at all: the connections kept from the requests above
        # are found closed before their first query and replaced (CONN_HEALTH_CHECKS; without it, the first request
        # on each of them answers 500).
        admin.execute(f"SELECT count(pg_terminate_backend(pid)) {_server_sessions(spare=[test_pid])}")
        assert admin.fetchone()[0] >= 1  # at least one kept connection was closed under the portal
        admin_session.rollback()
        assert [portal.get(path) for path in pages * 3] == [200] * 12
        assert portal.request("POST", commit, data) == 302
        source.refresh_from_db()
        assert source.committed_total == Decimal("12500.50") and Commitment.objects.count() == 1
    finally:
        portal.stop()
