"""Two app servers, one PostgreSQL, one Redis (issue 18, item 6): what one server writes, the other shows at once.

Two gunicorn instances (production settings, DEBUG off) share the test database and a Redis started for the test
(`REDIS_URL`, the cache of built figures: docs/architecture.md). For each kind of write, made through server A's
forms as a person makes it (a commitment, a payment, a progress report, a project's status change by the board,
a meeting's attendance), every plan-wide figure is read through server B just before (so B has it built and cached)
and again right after: B must show the figures the database holds now — the same as a page built from nothing — and
never the ones it had cached.

Skipped on SQLite (two servers need a database server). Without `redis-server` it is skipped, or fails when
REQUIRE_REDIS=1 (CI: .ci/run installs Debian's redis-server).
"""

import datetime
import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.test import Client, override_settings
from django.utils import timezone

from alliances.addresses import alliance_reverse
from alliances.models import Alliance
from budget.models import Commitment, Disbursement
from chantiers.models import Attendance, Meeting
from demo.redis_server import RedisServerMissing, redis_server
from organisations.models import User
from projects.models import FUNDABLE_STATUSES, ActionProject, ProgressReport, ProjectStatus, Resolution

pytestmark = [pytest.mark.serve, pytest.mark.postgresql]

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 120
# Bootstrap builds the portal never loads: left out of collectstatic, as `make serve` does (scripts/serve.py)
UNUSED = ["*.rtl.*", "*.esm.*", "css/bootstrap-*", "css/bootstrap.css*", "js/bootstrap.js*", "js/bootstrap.min.js*"]
# What a page shows as a figure: an amount of money, a percentage, a count (thin or non-breaking spaces as
# thousands separators, French decimal comma)
FIGURE = re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?(?:[\u00a0\u202f ]?(?:\$|%))?")
# Dates and times are no cached figure (and a minute may turn between two reads)
WHEN = re.compile(r"\d{4}-\d{2}-\d{2}|\b\d{1,2}(?::| h ?)\d{2}\b")
MAIN = re.compile(r"<main\b.*?</main>", re.S)
NOISE = re.compile(r"<(script|style|form)\b.*?</\1>|<input\b[^>]*>|<[^>]+>", re.S)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    """redis-server on a free port, saving nothing, for the test's length (demo.redis_server)."""
    try:
        with redis_server() as url:
            yield url
    except RedisServerMissing as missing:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))


def database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(transactional_db, request, tmp_path):
    """Two gunicorn instances (A and B, two workers each) on the test database, both with REDIS_URL; their bases."""
    if connection.vendor != "postgresql":
        pytest.skip("Two app servers share a database server: PostgreSQL (set DATABASE_URL)")
    redis_url = request.getfixturevalue("redis_url")  # after the database: SQLite skips without Redis
    from django.core.management import call_command

    call_command("load_asis")
    with override_settings(DEBUG=True):
        call_command("load_demo")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update(
        DEBUG="0",
        DATABASE_URL=database_url(),
        REDIS_URL=redis_url,
        SECRET_KEY=settings.SECRET_KEY,  # the sessions signed in by this process hold on both servers
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        HEALTH_MIN_FREE_DISK_MB="1",
        HEALTH_WORKER_MAX_AGE_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="ERROR",
        ACCESS_LOG="0",
    )
    static = ["collectstatic", "--noinput", "-v0", *(f"--ignore={pattern}" for pattern in UNUSED)]
    subprocess.run([sys.executable, "manage.py", *static], cwd=ROOT, env=env, check=True)
    started, bases = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            log = (tmp_path / f"{name}.log").open("w")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "asis.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                cwd=ROOT,
                env={**env, "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}"},
                stdout=log,
                stderr=log,
            )
            started.append((process, log))
            bases.append(base)
        for (process, _log), base, name in zip(started, bases, "ab", strict=True):
            deadline = time.monotonic() + STARTUP_SECONDS
            while not healthy(base):
                assert process.poll() is None, (tmp_path / f"{name}.log").read_text()[-4000:]
                assert time.monotonic() < deadline, f"server {name} did not answer"
                time.sleep(0.3)
        yield bases
    finally:
        for process, log in started:
            process.terminate()
            process.wait(timeout=60)
            log.close()


def healthy(base: str) -> bool:
    try:
        request = urllib.request.Request(base + "/healthz", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class Forms(HTMLParser):
    """The page's POST forms: their action and their fields as a browser would send them untouched (the checked
    boxes, each select's chosen option or else its first non-empty one, the text of each textarea)."""

    def __init__(self):
        super().__init__()
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.form = {"action": attrs.get("action") or "", "fields": [], "selects": {}}
            self.forms.append(self.form)
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.form["fields"].append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
            self.form["selects"][name] = {"selected": None, "first": None}
        elif tag == "option" and self.select:
            chosen = self.form["selects"][self.select]
            value = attrs.get("value") or ""
            if "selected" in attrs:
                chosen["selected"] = value
            if value and chosen["first"] is None:
                chosen["first"] = value
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            self.form["fields"].append(tuple(self.textarea))
            self.textarea = None
        elif tag == "form" and self.form is not None:
            for name, chosen in self.form.pop("selects").items():
                value = chosen["selected"] if chosen["selected"] is not None else chosen["first"]
                if value is not None:
                    self.form["fields"].append((name, value))
            self.form = None


class Visitor:
    """One person's browser on one server: their session cookie, the proxy's `X-Forwarded-Proto: https`."""

    def __init__(self, base: str, session: str | None):
        self.base, self.cookies = base, {}
        if session:
            self.cookies[settings.SESSION_COOKIE_NAME] = session

    def request(self, path: str, data: list | None = None) -> tuple[int, str, str]:
        """(status, path, body) of a GET, or of a POST of `data`; redirects followed as GETs."""
        for _hop in range(5):
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            headers = {
                "X-Forwarded-Proto": "https",
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                "Origin": "https://" + self.base.split("//")[1],
                "Referer": "https://" + self.base.split("//")[1] + path,
            }
            request = urllib.request.Request(self.base + path, data=body, headers=headers)
            try:
                answer = urllib.request.build_opener(NoRedirect).open(request, timeout=60)
            except urllib.error.HTTPError as refused:
                answer = refused
            with answer:
                for header in answer.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name.strip()] = rest.split(";")[0]
                text = answer.read().decode()
                if answer.status in (301, 302, 303) and answer.headers.get("Location"):
                    path, data = urllib.parse.urljoin(path, answer.headers["Location"]), None
                    path = urllib.parse.urlsplit(path)._replace(scheme="", netloc="").geturl()
                    continue
                return answer.status, path, text
        raise AssertionError(f"too many redirects from {path}")

    def submit(self, path: str, changes: dict, *, action: str | None = None) -> tuple[int, str, str]:
        """Open the form at `path`, change the named fields (a list value: several), send it with `action` (the
        button pressed); a review page that asks for one more confirmation (« Déposer ») is confirmed too."""
        status, _path, page = self.request(path)
        assert status == 200, f"{path}: HTTP {status}"
        form = main_form(page, path)
        fields = [(k, v) for k, v in form["fields"] if k not in changes]
        for name, value in changes.items():
            fields += [(name, v) for v in (value if isinstance(value, list) else [value])]
        if action:
            fields.append(("action", action))
        return self.request(urllib.parse.urljoin(path, form["action"]) if form["action"] else path, fields)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main_form(page: str, path: str) -> dict:
    """The page's own form: the last POST form of <main> (the header's sign-out and language forms are outside)."""
    found = MAIN.search(page)
    parser = Forms()
    parser.feed(found.group(0) if found else page)
    assert parser.forms, f"{path}: no form"
    return parser.forms[-1]


def figures(page: str) -> list[str]:
    """The figures of the page's main part, in order (markup, scripts and form fields left out)."""
    found = MAIN.search(page)
    text = html.unescape(NOISE.sub(" ", found.group(0) if found else page))
    return FIGURE.findall(WHEN.sub(" ", text))


def session_of(username: str) -> str:
    client = Client()
    client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_what_one_server_writes_the_other_shows_at_once(servers):
    a_base, b_base = servers
    asis = Alliance.objects.get(slug="rouyn-noranda")
    plan = asis.plans.current()
    project = ActionProject.objects.filter(theme__plan=plan, status=ProjectStatus.IN_PROGRESS).order_by("pk").first()
    recommended = ActionProject.objects.filter(theme__plan=plan, status=ProjectStatus.RECOMMENDED).order_by("pk")
    recommended = recommended.first()
    commitment = (
        Commitment.objects.filter(source__plan=plan, project__status__in=FUNDABLE_STATUSES)
        .filter(disbursed_total__lte=F("amount") - F("reduced_total") - 100)
        .order_by("pk")
        .first()
    )
    meeting = Meeting.objects.filter(space__alliance=asis, date__lt=timezone.localdate()).order_by("-date").first()
    assert project and recommended and commitment and meeting, "the demo has what each write needs"
    invited = list(meeting.invitations.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    assert invited and Attendance.objects.filter(meeting=meeting).count() != 1
    lead = User.objects.filter(memberships__organisation=project.lead, memberships__left_on__isnull=True).first()

    coordination = {name: Visitor(base, session_of("coordination")) for name, base in (("a", a_base), ("b", b_base))}
    writer_of_reports = Visitor(a_base, session_of(lead.username))
    anonymous = Visitor(b_base, None)
    pages = {
        "home": alliance_reverse(asis, "home"),
        "plan": alliance_reverse(asis, "plan"),
        "theme": alliance_reverse(asis, "theme-detail", args=[project.theme.slug]),
        "envelope": alliance_reverse(asis, "budget:envelope"),
        "bilan": alliance_reverse(asis, "bilan:bilan"),
        "comparison": "/region/comparaison/",
        "open-data": alliance_reverse(asis, "bilan:open-data"),
    }

    def read_through_b() -> dict[str, list[str]]:
        shown = {}
        for name, path in pages.items():
            reader = anonymous if name == "open-data" else coordination["b"]
            status, landed, page = reader.request(path)
            assert (status, landed) == (200, path), f"{name}: HTTP {status} at {landed}"
            shown[name] = figures(page)
        return shown

    def built_from_nothing() -> dict[str, list[str]]:
        """The same pages built now by a third process that has cached nothing (a dummy cache)."""
        client, shown = Client(), {}
        client.force_login(User.objects.get(username="coordination"))
        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        with override_settings(CACHES={"default": dummy, "figures": dummy}):  # built from the rows, nothing cached
            for name, path in pages.items():
                response = (Client() if name == "open-data" else client).get(path, HTTP_X_FORWARDED_PROTO="https")
                shown[name] = figures(response.content.decode())
        return shown

    today = timezone.localdate().isoformat()
    resolution = Resolution.objects.filter(alliance=asis).latest("decided_on", "pk")  # one of the demo's
    writes = {
        "commitment": lambda: coordination["a"].submit(
            alliance_reverse(asis, "budget:commitment-create"),
            {
                "source": str(commitment.source_id),
                "project": str(project.pk),
                "plan_year": str(plan.years.order_by("start_date").last().pk),
                "amount": "1 234,56",
                "decided_on": today,
                "resolution": str(resolution.pk),
            },
        ),
        "payment": lambda: coordination["a"].submit(
            alliance_reverse(asis, "budget:disbursement-create", args=[commitment.pk]),
            {"amount": "12,34", "paid_on": today},
        ),
        "progress report": lambda: writer_of_reports.submit(
            writer_of_reports.submit(
                alliance_reverse(asis, "projects:report-create", args=[project.pk]),
                {
                    "period_start": (timezone.localdate() - datetime.timedelta(days=60)).isoformat(),
                    "period_end": today,
                    "percent_done": "55",
                    "narrative": "Ateliers tenus.",
                    "people_reached": "4321",
                    "citizens_reached": "21",
                },
            )[1],
            {},
        ),
        "status change": lambda: coordination["a"].submit(
            alliance_reverse(asis, "projects:board-decision-create", args=[recommended.pk]),
            {"outcome": "accepted", "resolution_number": "CA-2026-18", "decided_on": today},
        ),
        "attendance": lambda: coordination["a"].submit(
            alliance_reverse(asis, "chantiers:meeting-attendance", args=[meeting.pk]),
            # one invited organisation alone: a different attendance from the one recorded, whatever it was
            {"users": [], "citizens": [], "organisations": [str(invited[0])]},
        ),
    }
    counts = {
        "commitment": lambda: Commitment.objects.count(),
        "payment": lambda: Disbursement.objects.count(),
        "progress report": lambda: ProgressReport.objects.count(),
        "status change": lambda: ActionProject.objects.filter(status=ProjectStatus.ACCEPTED).count(),
        "attendance": lambda: Attendance.objects.filter(meeting=meeting).count(),
    }
    changed = {}
    for kind, write in writes.items():
        before = read_through_b()
        read_through_b()  # twice: the second reads whatever B keeps
        rows = counts[kind]()
        status, landed, page = write()
        refused = re.findall(r"(?:invalid-feedback|alert-danger)[^>]*>\s*([^<]+)", page)
        assert status == 200 and counts[kind]() != rows, (
            f"{kind} through A: not written ({status}, {landed}, {refused})"
        )
        after = read_through_b()
        expected = built_from_nothing()
        for name in pages:
            assert after[name] == expected[name], f"after a {kind} through A, B's {name} page is stale"
        changed[kind] = sorted(name for name in pages if after[name] != before[name])
    # the test can fail: every write changed some figure B showed, and every page showed a change
    assert all(changed.values()), changed
    assert {name for names in changed.values() for name in names} == set(pages), changed
