"""The pages measured by `make bench` and tests/test_constant_queries.py, and how they are measured.

Each page is requested by Django's test Client logged in as a coordinator (who sees everything,
so every list is at its longest). For each page: the SQL queries of one request, and the median
server time over `repeat` requests after one warm-up, then as many again each just after a write
(every cached figure of asis.figures_cache built again). The entity shown by a detail page is the
busiest of its kind (most meetings, attendance, projects, money), so the larger database also
has the larger page.
"""

import resource
import statistics
import time
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from alliances.addresses import addressed
from alliances.models import Alliance, AllianceRole
from asis import figures_cache
from chantiers.models import Meeting, Space
from organisations.models import Organisation, User
from organisations.roles import COORDINATION, ensure_role_groups
from plans.models import Plan
from projects.models import ActionProject

BENCH_USERNAME = "bench-coordination"
BENCH_ADMIN = "bench-admin"
BENCH_STAFF = "bench-personnel"


def bench_user() -> User:
    """A coordinator for the measures (created once in the benchmark database)."""
    ensure_role_groups()
    user, created = User.objects.get_or_create(
        username=BENCH_USERNAME, defaults={"first_name": "Banc", "last_name": "d'essai"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=COORDINATION))
    # Coordination of the alliance whose pages are measured (its roles are per alliance)
    plan = measured_plan()
    alliance = plan.alliance if plan is not None else Alliance.objects.default()
    if alliance is not None and not AllianceRole.objects.open().filter(user=user, alliance=alliance).exists():
        AllianceRole.objects.create(user=user, alliance=alliance, role=AllianceRole.Role.COORDINATION)
    return user


def measured_plan() -> Plan | None:
    """The current plan with the most projects, the first created among equals: ASIS's when `generate_volume
    --into-current` grew it, else the largest generated alliance's (pages are measured where the rows are)."""
    return (
        Plan.objects.filter(status=Plan.Status.CURRENT)
        .annotate(n=Count("themes__projects"))
        .order_by("-n", "alliance_id", "pk")
        .first()
    )


def pages() -> list[tuple[str, str]]:
    """(name, URL) of each page measured, at the address of the alliance of `measured_plan()`; detail pages show
    the busiest entity of their kind in that alliance."""
    plan = measured_plan()
    alliance = plan.alliance
    theme = plan.themes.order_by("order").first()
    space = Space.objects.filter(alliance=alliance).annotate(n=Count("meetings")).order_by("-n", "pk").first()
    meeting = (
        Meeting.objects.filter(space__alliance=alliance).annotate(n=Count("attendances")).order_by("-n", "pk").first()
    )
    organisation = Organisation.objects.annotate(n=Count("led_projects")).order_by("-n", "pk").first()
    project = (
        ActionProject.objects.filter(theme__plan=plan).annotate(n=Count("commitments")).order_by("-n", "pk").first()
    )
    organisation_url = organisation.get_absolute_url() if organisation else None  # a page of no alliance
    with addressed(alliance):
        return _found(theme, space, meeting, organisation_url, project)


def _found(theme, space, meeting, organisation_url, project) -> list[tuple[str, str]]:
    found = [
        ("home", reverse("home")),
        ("theme", reverse("theme-detail", args=[theme.slug]) if theme else None),
        ("space", reverse("chantiers:space-detail", args=[space.pk]) if space else None),
        ("meeting", reverse("chantiers:meeting-detail", args=[meeting.pk]) if meeting else None),
        ("organisation", organisation_url),
        ("project-list", reverse("projects:project-list")),
        ("project-detail", project.get_absolute_url() if project else None),
        ("envelope", reverse("budget:envelope")),
        ("envelope-commitments", reverse("budget:commitments")),
        ("envelope-payments", reverse("budget:payments")),
        ("envelope-charts", reverse("budget:charts")),
        ("bilan", reverse("bilan:bilan")),
        ("hyperconcertation", reverse("chantiers:hyperconcertation")),
    ]
    return [(name, url) for name, url in found if url]


def bench_superuser() -> User:
    """A superuser for the Django admin's change list (target 3)."""
    user, created = User.objects.get_or_create(
        username=BENCH_ADMIN,
        defaults={"first_name": "Banc", "last_name": "admin", "is_staff": True, "is_superuser": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def bench_staff() -> User:
    """A Personnel user (reads everything, exports) for the bilan's XLSX export (target 4)."""
    from organisations.roles import PERSONNEL

    ensure_role_groups()
    user, created = User.objects.get_or_create(
        username=BENCH_STAFF, defaults={"first_name": "Banc", "last_name": "personnel"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name=PERSONNEL))
    return user


def measure(url: str, *, client: Client, repeat: int = 10, slow_seconds: float = 5.0) -> dict:
    """Queries of one request (the first: every cached figure built), the median time of `repeat` more (3 when
    one takes over `slow_seconds`), and the median of as many after a write (cached figures built again)."""
    queries = Recorder()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - started
    if response.status_code != 200:
        raise AssertionError(f"{url}: HTTP {response.status_code}")
    times, cold = [], []
    for _n in range(3 if first > slow_seconds else repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    for _n in range(3 if first > slow_seconds else repeat):
        figures_cache.clear()  # as after a write: the cached figures (asis.figures_cache) are built again
        started = time.perf_counter()
        client.get(url)
        cold.append(time.perf_counter() - started)
    return {
        "url": url,
        "queries": len(queries.statements),
        "median_ms": round(statistics.median(times) * 1000, 1),
        "after_write_ms": round(statistics.median(cold) * 1000, 1),
        "requests": len(times),
        "sql": [sql for sql, _ms in queries.statements],
        "sql_ms": [ms for _sql, ms in queries.statements],
    }


class Recorder:
    """An execute wrapper: every statement of the request with its parameters inlined (as PostgreSQL ran it,
    for EXPLAIN) and its time. Independent of DEBUG and of the query log, which requests reset."""

    def __init__(self):
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = round((time.perf_counter() - started) * 1000, 2)
            cursor = context["cursor"]
            try:
                shown = connection.ops.last_executed_query(cursor, sql, params)
            except Exception:  # noqa: BLE001 (a statement we cannot show is still counted)
                shown = sql
            self.statements.append((shown, elapsed))


def explain(sql: str) -> str:
    """PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)` of one statement as captured (parameters inlined by psycopg)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def slowest_queries(results: dict[str, dict], pages: int = 3) -> list[dict]:
    """The main (slowest) statement of each of the `pages` slowest pages, with its plan on PostgreSQL."""
    chosen = []
    for name, result in sorted(results.items(), key=lambda item: -item[1]["median_ms"])[:pages]:
        if not result.get("sql"):
            continue
        index = max(range(len(result["sql"])), key=lambda i: result["sql_ms"][i])
        entry = {
            "page": name,
            "url": result["url"],
            "median_ms": result["median_ms"],
            "query": index + 1,
            "sql_ms": result["sql_ms"][index],
            "sql": result["sql"][index],
        }
        if connection.vendor == "postgresql":
            entry["plan"] = explain(result["sql"][index])
        chosen.append(entry)
    return chosen


def admin_against_list(*, repeat: int = 10) -> dict:
    """Target 3: /projets/ as a coordinator against the admin's change list of the same projects as a
    superuser, both 25 a page (the admin's list_per_page is set to /projets/'s for the measure)."""
    from django.contrib import admin

    from projects.views.projects import PAGE_SIZE

    model_admin = admin.site._registry[ActionProject]
    model_admin.list_per_page = PAGE_SIZE
    coordinator, superuser = Client(), Client()
    coordinator.force_login(bench_user())
    superuser.force_login(bench_superuser())
    return {
        "page_size": PAGE_SIZE,
        "project_list": measure(reverse("projects:project-list"), client=coordinator, repeat=repeat),
        "admin": measure(reverse("admin:projects_actionproject_changelist"), client=superuser, repeat=repeat),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def xlsx_bilan() -> dict:
    """Target 4: the bilan's XLSX of the whole current plan through its view, as Personnel; the response is
    consumed as a browser would (streamed when the view streams). Run in a fresh process per measure."""
    client = Client()
    client.force_login(bench_staff())
    client.get(reverse("home"))  # warm-up: translations, templates and connection, as for the yardstick
    before = peak_rss_mb()
    started = time.perf_counter()
    response = client.get(reverse("bilan:bilan-xlsx"), {"periode": "plan"})
    if response.status_code != 200:
        raise AssertionError(f"bilan XLSX: HTTP {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "bytes": size,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_mb": round(before, 1),
        "streaming": response.streaming,
    }


def bilan_rows():
    """The projects the bilan of the whole current plan lists (the same rows for django-import-export)."""
    from bilan.selectors import build
    from bilan.selectors.period import period_of_plan

    plan = measured_plan()
    period = period_of_plan(list(plan.years.all()))
    projects = build.bilan_projects(bench_staff(), plan=plan)
    active_in = getattr(build, "_active_in", None)
    return projects.filter(active_in(period)) if active_in else projects


def xlsx_import_export() -> dict:
    """Target 4's yardstick: django-import-export (make bench only, never imported by the portal) writing the
    same projects with the same columns (title, lead organisation, theme, status, requested, committed,
    paid) as XLSX: `Resource.export(queryset)` gives a tablib Dataset, `XLSX().export_data` the workbook."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce
    from import_export import fields, resources
    from import_export.formats.base_formats import XLSX

    from budget.models import Commitment

    def total(expression):
        per_project = (
            Commitment.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(t=Sum(expression))
            .values("t")
        )
        return Coalesce(Subquery(per_project, output_field=DecimalField()), Decimal("0"), output_field=DecimalField())

    class ProjectResource(resources.ModelResource):
        lead = fields.Field(attribute="lead__name", column_name="lead")
        theme = fields.Field(attribute="theme__name", column_name="theme")
        committed = fields.Field(attribute="committed", column_name="committed")
        paid = fields.Field(attribute="paid", column_name="paid")

        class Meta:
            model = ActionProject
            fields = ("title", "lead", "theme", "status", "amount_requested", "committed", "paid")
            export_order = fields

    warm = Client()
    warm.force_login(bench_staff())
    warm.get(reverse("home"))  # the same warm-up as xlsx_bilan
    before = peak_rss_mb()
    started = time.perf_counter()
    queryset = (
        bilan_rows()
        .select_related("lead", "theme")
        .annotate(committed=total(Commitment.CURRENT), paid=total("disbursed_total"))
        .order_by("theme__order", "title", "pk")
    )
    dataset = ProjectResource().export(queryset)
    content = XLSX().export_data(dataset)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "bytes": len(content),
        "rows": len(dataset),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_mb": round(before, 1),
    }


def signed_in_sessions(usernames: list[str], count: int) -> dict:
    """Target 5: `count` sessions signed in as these users in turn (as the login form would leave them), so the
    load test measures the logged-in pages rather than 50 password hashes at once. {"cookie": name,
    "sessions": [[username, session key], ...]}."""
    from django.conf import settings

    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = sorted(set(usernames) - set(users))
    if missing:
        raise AssertionError(f"no such users (the demo, DEBUG=1): {missing}")
    sessions = []
    for i in range(count):
        username = usernames[i % len(usernames)]
        client = Client()
        client.force_login(users[username], backend="django.contrib.auth.backends.ModelBackend")
        sessions.append([username, client.cookies[settings.SESSION_COOKIE_NAME].value])
    return {"cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions}


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
        queries = Recorder()
        with connection.execute_wrapper(queries):
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(queries.statements)
    return counts
