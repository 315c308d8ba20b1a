"""Target 5 of issue 7 (`make bench`): logged-in users browsing a mix of pages.

Each simulated user logs in once with one of the demo logins (password `demo-asis-2013`; the demo exists
only with DEBUG on) through the login form, then browses: home, projects (list and detail), spaces,
meetings, a theme, the plan and, for Coordination and Personnel, the envelope, the bilan and the
hyperconcertation page. django-axes throttles failed logins only, so fifty users logging in is fine.

When BENCH_SESSIONS names a JSON file of signed-in sessions (`make bench` writes one: see load_test in
scripts/bench.py), each user starts with one of them instead of logging in: the load is the logged-in pages.

    locust -f scripts/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8123
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PASSWORD = "demo-asis-2013"
LOGINS = itertools.cycle(["coordination", "personnel", "partenaire", "partenaire2"])
SIGNED_IN = (
    json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text(encoding="utf-8"))
    if os.environ.get("BENCH_SESSIONS")
    else None
)
NEXT_SESSION = itertools.count()
READS_EVERYTHING = {"coordination", "personnel"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT = re.compile(r'href="/projets/(\d+)/"')
THEME = re.compile(r'href="(/enjeux/[^"/]+/)"')


class Member(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        if SIGNED_IN:
            self.username, key = SIGNED_IN["sessions"][next(NEXT_SESSION) % len(SIGNED_IN["sessions"])]
            self.client.cookies.set(SIGNED_IN["cookie"], key)
        else:
            self.log_in()
        home = self.visit("/", "/")
        self.projects = PROJECT.findall(home.text)
        self.themes = THEME.findall(home.text) or ["/plan/"]

    def visit(self, url, name):
        """A logged-in page: sent back to the login form counts as a failure (a session that did not hold)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if "/connexion/" in response.url:
                response.failure(f"{self.username}: sent to the login form")
            return response

    def log_in(self):
        self.username = next(LOGINS)
        page = self.client.get("/connexion/", name="/connexion/")
        token = CSRF.search(page.text)
        response = self.client.post(
            "/connexion/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/connexion/"},
            name="/connexion/ (POST)",
        )
        if "sessionid" not in self.client.cookies:
            response.failure(f"login failed for {self.username}")

    @task(4)
    def home(self):
        self.visit("/", "/")

    @task(4)
    def project_list(self):
        page = self.visit(f"/projets/?page={random.randint(1, 3)}", "/projets/")
        self.projects = PROJECT.findall(page.text) or self.projects

    @task(4)
    def project_detail(self):
        if self.projects:
            self.visit(f"/projets/{random.choice(self.projects)}/", "/projets/<id>/")

    @task(2)
    def theme(self):
        self.visit(random.choice(self.themes), "/enjeux/<slug>/")

    @task(2)
    def spaces(self):
        self.visit("/lieux/", "/lieux/")

    @task(2)
    def meetings(self):
        self.visit("/rencontres/", "/rencontres/")

    @task(1)
    def plan(self):
        self.visit("/plan/", "/plan/")

    @task(2)
    def staff_pages(self):
        if self.username in READS_EVERYTHING:
            url = random.choice(["/enveloppe/", "/bilan/", "/hyperconcertation/"])
            self.visit(url, url)
