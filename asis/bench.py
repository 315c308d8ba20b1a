"""The pages measured by `make bench` and tests/test_constant_queries.py, and how they are measured.

Each page is requested by Django's test Client logged in as a coordinator (who sees everything,
so every list is at its longest). For each page: the SQL queries of one request, and the median
server time over `repeat` requests after one warm-up. The entity shown by a detail page is the
busiest of its kind (most meetings, attendance, projects, money), so the larger database also
has the larger page.
"""
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection, reset_queries
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chantiers.models import ActionProject, Chantier, Meeting, Plan
from organisations.models import Organisation, User
from organisations.roles import COORDINATION, ensure_role_groups

BENCH_USERNAME = "bench-coordination"


def bench_user() -> User:
    """A coordinator for the measures (created once in the benchmark database)."""
    ensure_role_groups()
    user, created = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"first_name": "Banc", "last_name": "d'essai"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=COORDINATION))
    return user


def pages() -> list[tuple[str, str]]:
    """(name, URL) of each page measured; detail pages show the busiest entity of their kind."""
    plan = Plan.objects.current()
    theme = plan.themes.order_by("order").first()
    space = Chantier.objects.annotate(n=Count("meetings")).order_by("-n", "pk").first()
    meeting = Meeting.objects.annotate(n=Count("attendances")).order_by("-n", "pk").first()
    organisation = Organisation.objects.annotate(n=Count("led_projects")).order_by("-n", "pk").first()
    project = ActionProject.objects.annotate(n=Count("commitments")).order_by("-n", "pk").first()
    found = [
        ("home", reverse("home")),
        ("theme", reverse("theme-detail", args=[theme.slug]) if theme else None),
        ("space", reverse("chantiers:space-detail", args=[space.pk]) if space else None),
        ("meeting", reverse("chantiers:meeting-detail", args=[meeting.pk]) if meeting else None),
        ("organisation", organisation.get_absolute_url() if organisation else None),
        ("project-list", reverse("chantiers:project-list")),
        ("project-detail", project.get_absolute_url() if project else None),
        ("envelope", reverse("budget:envelope")),
        ("bilan", reverse("bilan:bilan")),
        ("hyperconcertation", reverse("chantiers:hyperconcertation")),
    ]
    return [(name, url) for name, url in found if url]


def measure(url: str, *, client: Client, repeat: int = 10, slow_seconds: float = 5.0) -> dict:
    """Queries of one request and the median time of `repeat` more (3 when one takes over `slow_seconds`)."""
    reset_queries()  # the request clears the log (request_started): start from an empty one
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - started
    if response.status_code != 200:
        raise AssertionError(f"{url}: HTTP {response.status_code}")
    times = []
    for _n in range(3 if first > slow_seconds else repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return {
        "url": url,
        "queries": len(queries.captured_queries),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "requests": len(times),
        "sql": [query["sql"] for query in queries.captured_queries],
    }


def measure_pages(*, repeat: int = 10) -> dict[str, dict]:
    client = Client()
    client.force_login(bench_user())
    return {name: measure(url, client=client, repeat=repeat) for name, url in pages()}


def query_counts() -> dict[str, int]:
    """Queries per page for one request each (the fast check of tests/test_constant_queries.py)."""
    client = Client()
    client.force_login(bench_user())
    counts = {}
    for name, url in pages():
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries.captured_queries)
    return counts
