"""Target 5 of issue 7 (`make bench`): logged-in users browsing a mix of pages.

Each simulated user logs in once with one of the demo logins (password `demo-asis-2013`; the demo exists
only with DEBUG on) through the login form, then browses: home, projects (list and detail), spaces,
meetings, a theme, the plan and, for Coordination and Personnel, the envelope, the bilan and the
hyperconcertation page. django-axes throttles failed logins only, so fifty users logging in is fine.

    locust -f scripts/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8123
"""
import itertools
import random
import re

from locust import HttpUser, between, task

PASSWORD = "demo-asis-2013"
LOGINS = itertools.cycle(["coordination", "personnel", "partenaire", "partenaire2"])
READS_EVERYTHING = {"coordination", "personnel"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PROJECT = re.compile(r'href="/projets/(\d+)/"')
THEME = re.compile(r'href="(/enjeux/[^"/]+/)"')


class Member(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
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
        home = self.client.get("/", name="/")
        self.projects = PROJECT.findall(home.text)
        self.themes = THEME.findall(home.text) or ["/plan/"]

    @task(4)
    def home(self):
        self.client.get("/", name="/")

    @task(4)
    def project_list(self):
        page = self.client.get(f"/projets/?page={random.randint(1, 3)}", name="/projets/")
        self.projects = PROJECT.findall(page.text) or self.projects

    @task(4)
    def project_detail(self):
        if self.projects:
            self.client.get(f"/projets/{random.choice(self.projects)}/", name="/projets/<id>/")

    @task(2)
    def theme(self):
        self.client.get(random.choice(self.themes), name="/enjeux/<slug>/")

    @task(2)
    def spaces(self):
        self.client.get("/lieux/", name="/lieux/")

    @task(2)
    def meetings(self):
        self.client.get("/rencontres/", name="/rencontres/")

    @task(1)
    def plan(self):
        self.client.get("/plan/", name="/plan/")

    @task(2)
    def staff_pages(self):
        if self.username in READS_EVERYTHING:
            url = random.choice(["/enveloppe/", "/bilan/", "/hyperconcertation/"])
            self.client.get(url, name=url)
