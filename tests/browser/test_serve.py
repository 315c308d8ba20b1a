"""`make serve` works (issue 19, item 4): scripts/serve.py, as the Makefile runs it, migrates, collects the static
files, passes `check --deploy` and serves the demo through gunicorn with DEBUG off, on the test database (PostgreSQL
in CI's PostgreSQL run; on SQLite a file copy of it, gunicorn's processes cannot open an in-memory database).

Over HTTP, behind a proxy's `X-Forwarded-Proto: https`, each role of both alliances signs in and opens every page
of its menus: no server error, every menu page of the person's alliance opens; the static files have hashed names
and a year's immutable cache; the log lines are JSON with the request id. In Chromium, the main pages raise no
Content-Security-Policy violation.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.serve]

ROOT = Path(__file__).resolve().parents[2]
ASIS, TEMISCAMINGUE = "/rouyn-noranda/", "/temiscamingue/"
# every demo login and the alliance whose menus it must open in full (README, demo logins)
ROLES = {
    "coordination": [ASIS],
    "personnel": [ASIS],
    "partenaire": [ASIS],
    "partenaire2": [ASIS, TEMISCAMINGUE],
    "coordination2": [TEMISCAMINGUE],
    "region": [ASIS, TEMISCAMINGUE],
}
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|png|woff2?)$")
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database for another process: PostgreSQL's by name; SQLite's (in memory) copied to a file."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(db["USER"] or "")
        password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "served.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def production_passwords():
    """The tests hash with MD5 (tests/conftest.py), which production's settings do not accept: the demo's passwords
    hashed with production's PBKDF2, at few iterations to stay quick (a sign-in upgrades them, as in production)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hashed = PBKDF2PasswordHasher().encode("demo-asis-2013", PBKDF2PasswordHasher().salt(), iterations=1000)
    get_user_model().objects.filter(username__in=ROLES).update(password=hashed)


@pytest.fixture
def served(transactional_db, demo, tmp_path):
    """scripts/serve.py on a free port; its log (stderr) in served.log."""
    production_passwords()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=base,  # Chromium's Origin is http:// while the proxy's header says https
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        BACKUP_ROOT=str(tmp_path / "backups"),  # the worker's first pass runs the nightly jobs whose hour has passed
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        HEALTH_MIN_FREE_DISK_MB="1",
    )
    log = tmp_path / "served.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py")], cwd=ROOT, env=env, stdout=stderr, stderr=stderr
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, f"make serve stopped (exit {process.returncode}):\n{log.read_text()[-4000:]}"
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(base + "/healthz", headers={"X-Forwarded-Proto": "https"}), timeout=5
                ) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, f"make serve did not answer:\n{log.read_text()[-4000:]}"
            time.sleep(0.5)
        yield base, log
    finally:
        process.terminate()  # what Ctrl+C or systemd's stop does: both processes stop
        process.wait(timeout=60)
    assert process.returncode == 0, log.read_text()[-4000:]


class Page(HTMLParser):
    """The links of the main menu and the footer, the stylesheets and scripts, and the first form's CSRF token."""

    def __init__(self):
        super().__init__()
        self.menu_links, self.assets, self.token, self.depth = [], [], "", {"nav": 0, "footer": 0}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.depth:
            self.depth[tag] += 1
        if tag == "a" and any(self.depth.values()) and (attrs.get("href") or "").startswith("/"):
            self.menu_links.append(attrs["href"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.assets.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and not self.token:
            self.token = attrs["value"]

    def handle_endtag(self, tag):
        if tag in self.depth:
            self.depth[tag] -= 1


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


class ThroughProxy(http.cookiejar.DefaultCookiePolicy):
    """The portal's cookies are Secure; the proxy's HTTPS ends before gunicorn, so send them over its HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class Visitor:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(ThroughProxy()))
        )
        self.opener.addheaders = [("X-Forwarded-Proto", "https")]

    def get(self, path: str, data: dict | None = None):
        """(status, final path, headers, body) of a GET, or of a POST when data is given; redirects followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Origin": self.base})
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, urllib.parse.urlsplit(answer.url).path, answer.headers, answer.read()
        except urllib.error.HTTPError as refused:
            return refused.code, path, refused.headers, refused.read()

    def log_in(self, username: str):
        status, _, _, html = self.get("/connexion/")
        assert status == 200
        status, landed, _, body = self.get(
            "/connexion/",
            {"csrfmiddlewaretoken": parse(html.decode()).token, "username": username, "password": "demo-asis-2013"},
        )
        assert status == 200 and landed != "/connexion/", (
            f"{username} could not sign in: {re.findall(r'alert[^>]*>([^<]+)', body.decode())}"
        )


def crawl(visitor: Visitor, homes: list[str]) -> tuple[dict, set]:
    """Every page of the menus of `homes` (the menus as each page shows them): {path: status}, and the assets seen."""
    statuses, assets, queue = {}, set(), list(homes)
    menu_of_home = set()
    while queue:
        path = queue.pop(0)
        if path in statuses:
            continue
        status, _, headers, body = visitor.get(path)
        statuses[path] = status
        if status == 200 and headers.get_content_type() == "text/html":
            page = parse(body.decode())
            assets.update(page.assets)
            if path in homes:
                menu_of_home.update(page.menu_links)
                queue.extend(page.menu_links)
    return {path: statuses[path] for path in statuses if path in menu_of_home or path in homes}, assets


def test_make_serve_serves_every_menu_page_of_every_role_with_cached_static_files(served, browser):
    base, log = served
    all_assets, opened = set(), 0
    for username, homes in [("anonymous", ["/", ASIS, TEMISCAMINGUE]), *ROLES.items()]:
        visitor = Visitor(base)
        if username != "anonymous":
            visitor.log_in(username)
        statuses, assets = crawl(visitor, homes)
        all_assets |= assets
        opened += len(statuses)
        errors = {path: status for path, status in statuses.items() if status != 200}
        assert not errors, f"{username}: menu pages that did not open: {errors}"
        assert len(statuses) >= 5, statuses

    assert opened > 60
    visitor = Visitor(base)
    assert all_assets, "no stylesheet or script found"
    for asset in sorted(all_assets):
        assert asset.startswith("/static/") and HASHED.search(asset), f"not a hashed static file: {asset}"
        status, _, headers, _ = visitor.get(asset)
        assert status == 200, asset
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"], asset

    # observability through gunicorn: the request id echoed, the line logged as JSON with it
    status, _, headers, body = visitor.get("/healthz")
    assert status == 200 and json.loads(body)["migrations"] == "ok"
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "asis.request"]
    assert any(line["request_id"] == headers["X-Request-ID"] and line["path"] == "/healthz" for line in requests)
    assert any(line["user_id"] and line["alliance"] == "temiscamingue" for line in requests)
    # until the worker's first heartbeat /healthz answers 503: the fixture's readiness polls, before the first 200
    ready = next(i for i, line in enumerate(requests) if line["path"] == "/healthz" and line["status"] == 200)
    assert not [line for line in requests[ready:] if line["status"] >= 500]

    csp_violations_in_chromium(browser, base)


def csp_violations_in_chromium(browser, base: str):
    """The main pages, signed in as Coordination, raise no CSP violation (console or securitypolicyviolation)."""
    context = browser.new_context(locale="fr-CA", extra_http_headers={"X-Forwarded-Proto": "https"})
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    try:
        page.goto(base + "/connexion/")
        page.get_by_label("Nom d’utilisateur").fill("coordination")
        page.get_by_label("Mot de passe").fill("demo-asis-2013")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(lambda url: "/connexion/" not in url)
        for path in ("", "plan/", "projets/", "enveloppe/", "bilan/", "donnees-ouvertes/"):
            response = page.goto(base + ASIS + path)
            assert response.status == 200, path
            page.wait_for_load_state("load")
            assert page.evaluate("window.__csp") == [], path
        page.goto(base + "/aide/")
        assert page.evaluate("window.__csp") == []
    finally:
        context.close()
    assert not [text for text in console if "Content Security Policy" in text], console
