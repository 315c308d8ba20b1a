#!/usr/bin/env python
"""`make bench`: the five performance targets (docs/performance.md), measured at scale 1 and at scale S (BENCH_SCALE, 100), on SQLite
and on PostgreSQL; docs/benchmarks.md gets the tables, the exit status is 1 when a target fails.

Data, for each scale and database: `migrate`, `load_asis`, `load_demo`, then `generate_volume --scale S`
(S other alliances) and `generate_volume --scale S --into-current` (the current plan grows S times ASIS's
size: the home, theme, envelope and bilan pages read the current plan only). SQLite: one file per scale
in BENCH_DIR; PostgreSQL: a database per scale (`asis_bench_1`, `asis_bench_100`), created and dropped
by this script.

- Target 1 (constant queries): a page makes no more queries at scale S than at scale 1, and at most
  BENCH_MAX_QUERIES (15).
- Target 2 (flat time): a page's median server time at scale S is at most BENCH_MAX_RATIO (2) times its
  time at scale 1 and under BENCH_MAX_MS (150 ms), on each database; the PostgreSQL plans
  (`EXPLAIN (ANALYZE, BUFFERS)`) of the slowest statement of the three slowest pages are written out.
  The sums of the home, theme, envelope and bilan pages are cached until the next write to their plan
  (asis.figures_cache): the table also gives, for information, each page's median just after a write, when they
  are built again.
- Target 3: /projets/ (coordinator) against the Django admin's change list of the same projects
  (superuser), both 25 a page, at scale S: ratio at most 1.0.
- Target 4: the bilan's XLSX of the whole current plan (through its view, as Personnel) against
  django-import-export writing the same projects as XLSX, each in a fresh process: time at scale S at most
  0.5 × the yardstick's, and the export's peak memory grows by less than BENCH_MAX_MEMORY_MB (50) from
  scale 1 to scale S.
- Target 5: gunicorn (BENCH_WORKERS workers) on PostgreSQL at scale S, locust headless with
  BENCH_USERS (50) logged-in users for BENCH_SECONDS (60) on loopback (scripts/locustfile.py): no error,
  p95 under BENCH_MAX_P95_MS (500 ms); requests per second reported.
- Target 2, after a write: each page's median right after a write to the measured plan through a service (a
  payment, a commitment, a progress report in turn: demo/bench_writes.py) is under BENCH_MAX_MS at scale S and at
  most BENCH_MAX_RATIO times its median between writes.
- Target 6 (mixed load): on PostgreSQL at scale 1 and at scale S in the same run, gunicorn (BENCH_WORKERS workers)
  with production settings (DEBUG off, secure cookies, HSTS; the clients send the `X-Forwarded-Proto: https` that
  nginx sends, deploy/nginx-asis.conf; the figures cache in a redis-server of the bench's own, REDIS_URL, as
  deploy/asis.env.example sets it for several workers; BENCH_REDIS=0: LocMem in each worker) serves BENCH_MIXED_READERS (10) readers for BENCH_MIXED_SECONDS (60):
  signed-in Coordination, Personnel and partner sessions and anonymous visitors in turn, each cycling with no pause
  through the plan-wide pages it may open (home, plan, a theme, envelope, bilan, project list, the region's funder
  comparison, open data: demo.bench.mixed_pages) while one process writes BENCH_MIXED_WRITES (1) a second through
  the services (comments, commitments, payments, progress reports, attendance; every other write to the grown plan,
  the others spread over 20 other alliances: demo/bench_writes.py). Pass: no error (reads and writes); reads/s at
  scale S at least 0.8 × scale 1's; read p95 at scale S at most 1.5 × scale 1's and under BENCH_MAX_P95_MS.

Environment: BENCH_SCALE (100), BENCH_REPEAT (10), BENCH_MAX_MS, BENCH_MAX_RATIO, BENCH_MAX_QUERIES,
BENCH_DIR (/tmp), BENCH_REUSE=1 (keep databases already built at that scale), BENCH_OUTPUT
(docs/benchmarks.md), BENCH_DATABASES (`sqlite,postgresql`), BENCH_PG (postgres://postgres@127.0.0.1:5432),
BENCH_LOAD=0 skips target 5, BENCH_USERS, BENCH_SECONDS, BENCH_WORKERS (4), BENCH_PORT (8123), BENCH_MIXED=0 skips
target 6, BENCH_MIXED_SECONDS, BENCH_MIXED_READERS, BENCH_MIXED_WRITES, BENCH_XLSX=0 skips target 4.
"""

import csv
import datetime
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from serve import COLLECTSTATIC  # scripts/serve.py: the same static files as `make serve`

ROOT = Path(__file__).resolve().parent.parent
# What follows this line in docs/benchmarks.md is written by hand (the analysis) and kept on each run.
KEEP_MARKER = "<!-- analysis: written by hand, kept by make bench -->"
PYTHON = sys.executable
SQLITE, POSTGRESQL = "sqlite", "postgresql"
DEMO_LOGINS = ["coordination", "personnel", "partenaire", "partenaire2"]  # load_demo's; scripts/locustfile.py


def setting(name: str, default: str) -> str:
    return os.environ.get(name, default)


def database_url(backend: str, scale: float, directory: Path) -> str:
    if backend == SQLITE:
        return f"sqlite:///{directory / f'asis_volume_bench_{scale:g}.sqlite3'}"
    return f"{setting('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/{pg_name(scale)}"


def pg_name(scale: float) -> str:
    return f"asis_bench_{scale:g}".replace(".", "_")


def env_for(url: str) -> dict:
    # DEBUG=1: load_demo needs it (the demo logins of target 5), and static files need no collectstatic.
    # One SECRET_KEY for every process: without it each gunicorn worker makes its own throw-away key and
    # refuses the sessions signed by the others (« Session data corrupted », logged-out users).
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "LOG_LEVEL": "ERROR",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "make-bench-only-not-a-secret-" + "x" * 30),
    }


def pg_admin(sql: str) -> None:
    """Run one statement on the server's `postgres` database (CREATE/DROP DATABASE)."""
    code = "import psycopg2, sys; c = psycopg2.connect(sys.argv[1]); c.autocommit = True; c.cursor().execute(sys.argv[2]); c.close()"
    subprocess.run(
        [PYTHON, "-c", code, f"{setting('BENCH_PG', 'postgres://postgres@127.0.0.1:5432')}/postgres", sql], check=True
    )


def exists(backend: str, scale: float, directory: Path) -> bool:
    if backend == SQLITE:
        return (directory / f"asis_volume_bench_{scale:g}.sqlite3").exists()
    code = "import psycopg2, sys; psycopg2.connect(sys.argv[1]).close()"
    return (
        subprocess.run([PYTHON, "-c", code, database_url(backend, scale, directory)], capture_output=True).returncode
        == 0
    )


def build(backend: str, scale: float, directory: Path, reuse: bool) -> float | None:
    """A database at `scale`; the seconds `generate_volume` took (None when reused)."""
    if reuse and exists(backend, scale, directory):
        # Kept from an earlier run: brought up to this code's migrations (new indexes), its data untouched.
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env_for(database_url(backend, scale, directory)),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return None
    if backend == SQLITE:
        (directory / f"asis_volume_bench_{scale:g}.sqlite3").unlink(missing_ok=True)
    else:
        pg_admin(f"DROP DATABASE IF EXISTS {pg_name(scale)} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {pg_name(scale)}")
    env = env_for(database_url(backend, scale, directory))
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_asis"], ["load_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    for extra in ([], ["--into-current"]):
        subprocess.run(manage + ["generate_volume", "--scale", f"{scale:g}", *extra], cwd=ROOT, env=env, check=True)
    if backend == POSTGRESQL:
        code = "import psycopg2, sys; c = psycopg2.connect(sys.argv[1]); c.autocommit = True; c.cursor().execute('VACUUM ANALYZE'); c.close()"
        subprocess.run([PYTHON, "-c", code, database_url(backend, scale, directory)], check=True)
    return time.perf_counter() - started


def child(url: str, *args: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env_for(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def in_child(what: str, repeat: int) -> None:
    """Child process: Django set up on the benchmark database given by DATABASE_URL."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings")
    import django

    django.setup()
    from demo import bench

    if what == "pages":
        pages = bench.measure_pages(repeat=repeat)
        out = {
            "pages": pages,
            "admin": bench.admin_against_list(repeat=repeat),
            "slowest": bench.slowest_queries(pages),
        }
    elif what == "sessions":
        out = bench.signed_in_sessions(sys.argv[4].split(","), repeat)
    elif what == "mixed-pages":
        out = bench.mixed_pages()
    elif what == "writes":
        from demo import bench_writes

        def ready():  # the pools are read: say so, then wait for the readers' start
            print("ready", flush=True)
            sys.stdin.readline()

        out = bench_writes.run(
            bench.measured_plan(), seconds=float(sys.argv[4]), per_second=float(sys.argv[5]), ready=ready
        )
    elif what == "xlsx-bilan":
        out = bench.xlsx_bilan()
    else:
        out = bench.xlsx_import_export()
    print(json.dumps(out))


@contextmanager
def gunicorn(env: dict, port: str, workers: str, log: Path | None = None, *, proxied: bool = False):
    """gunicorn serving the portal on 127.0.0.1:`port` until the block ends; it answers /healthz when the block
    starts (`proxied`: through the proxy's `X-Forwarded-Proto: https`, as production's settings expect)."""
    stderr = open(log, "w", encoding="utf-8") if log else None  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "asis.wsgi",
            "--workers",
            workers,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=stderr,
    )
    try:
        headers = {"X-Forwarded-Proto": "https"} if proxied else {}
        for _n in range(60):
            try:
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers=headers), timeout=2
                )
                break
            except OSError:
                time.sleep(1)
        yield server
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # workers still inside a long request
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if stderr:
            stderr.close()


def production_env(url: str, directory: Path, port: str) -> dict:
    """The environment of a production start (deploy/asis.env.example) on loopback: DEBUG off, secure cookies and
    HSTS, behind a proxy whose `X-Forwarded-Proto: https` the clients send (so no redirect to HTTPS and the secure
    cookies stand), static files collected as `make serve` does, the worker's heartbeat not checked (no worker)."""
    return {
        **env_for(url),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "BEHIND_PROXY": "1",
        "SECURE_SSL_REDIRECT": "1",
        "STATIC_ROOT": str(directory / "asis_bench_static"),
        "MEDIA_ROOT": str(directory / "asis_bench_media"),
        "HEALTH_MIN_FREE_DISK_MB": "1",
        "HEALTH_WORKER_MAX_AGE_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "ACCESS_LOG": "0",
        "LOG_FORMAT": "text",
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` of 1) of `values`; 0 when there is none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class Reader(threading.Thread):
    """One reader of target 6: its pages in turn, with no pause, one connection a request (gunicorn's sync workers
    close each); a page that does not answer 200 (a refusal, a redirect to the login form, a timeout) is an error.
    Until `measuring` is set it warms up (one turn of its pages, not counted); it stops when `stopping` is set."""

    def __init__(self, port: int, pages: list[tuple[str, str]], cookie: str | None, start_at: int):
        super().__init__(daemon=True)
        self.port, self.pages, self.cookie, self.start_at = port, pages, cookie, start_at
        self.times: dict[str, list[float]] = {name: [] for name, _url in pages}
        self.errors: dict[str, int] = {name: 0 for name, _url in pages}
        self.first_errors: list[str] = []
        self.warmed, self.measuring, self.stopping = threading.Event(), threading.Event(), threading.Event()

    def get(self, url: str) -> tuple[int, float]:
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        finally:
            connection.close()
        return status, (time.perf_counter() - started) * 1000

    def run(self):
        n = self.start_at
        while not self.stopping.is_set():
            name, url = self.pages[n % len(self.pages)]
            try:
                status, ms = self.get(url)
            except OSError as error:
                status, ms = repr(error), 0.0
            counted = self.measuring.is_set() and not self.stopping.is_set()
            if counted and status == 200:
                self.times[name].append(ms)
            elif counted:
                self.errors[name] += 1
                if len(self.first_errors) < 3:
                    self.first_errors.append(f"{url}: {status}")
            n += 1
            if n - self.start_at >= len(self.pages):
                self.warmed.set()


@contextmanager
def figures_cache_server():
    """The figures cache of a production start with several gunicorn workers (deploy/asis.env.example: REDIS_URL,
    one cache shared by every process): a redis-server of the bench's own (demo.redis_server) for the block; yields
    its REDIS_URL. BENCH_REDIS=0 measures without it (LocMem in each worker, None)."""
    if setting("BENCH_REDIS", "1") != "1":
        yield None
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from demo.redis_server import RedisServerMissing, redis_server  # no Django needed: the standard library alone

    try:
        with redis_server() as url:
            yield url
    except RedisServerMissing as missing:
        raise SystemExit(f"target 6 runs with a shared figures cache: {missing} (or BENCH_REDIS=0)") from None


def mixed_load(url: str, directory: Path, scale: float) -> dict:
    """Target 6 at one scale: gunicorn with production settings on the database at `url` (the figures cache in a
    Redis of its own, as deploy/asis.env.example configures several workers), the readers and the writer (a process
    of its own) for BENCH_MIXED_SECONDS; the figures of the readers and of the writer."""
    with figures_cache_server() as redis_url:
        return _mixed_load(url, directory, scale, redis_url)


def _mixed_load(url: str, directory: Path, scale: float, redis_url: str | None) -> dict:
    port, workers = setting("BENCH_PORT", "8123"), setting("BENCH_WORKERS", "4")
    seconds = float(setting("BENCH_MIXED_SECONDS", "60"))
    readers, per_second = int(setting("BENCH_MIXED_READERS", "10")), setting("BENCH_MIXED_WRITES", "1")
    env = production_env(url, directory, port)
    if redis_url:
        env["REDIS_URL"] = redis_url
    subprocess.run([PYTHON, "manage.py", *COLLECTSTATIC], cwd=ROOT, env=env, check=True)
    reading = child(url, "--child", "mixed-pages", "1")
    roles = list(reading["roles"])
    signed_in = [role for role in roles if role != "anonymous"]
    made = child(url, "--child", "sessions", str(len(signed_in)), ",".join(signed_in))
    cookies = {username: f"{made['cookie']}={key}" for username, key in made["sessions"]}
    log = directory / f"asis_bench_mixed_{scale:g}.log"
    with gunicorn(env, port, workers, log, proxied=True):
        writer = subprocess.Popen(
            [PYTHON, str(Path(__file__).resolve()), "--child", "writes", "1", str(seconds), per_second],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        threads = []
        for i in range(readers):
            role = roles[i % len(roles)]
            pages = [(name, reading["urls"][name]) for name in reading["roles"][role]]
            threads.append(Reader(int(port), pages, cookies.get(role), start_at=i))
        for thread in threads:
            thread.start()
        if writer.stdout.readline().strip() != "ready":
            raise RuntimeError("the writer did not start (see its error above)")
        for thread in threads:
            thread.warmed.wait(timeout=600)
        for thread in threads:
            thread.measuring.set()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        started = time.monotonic()
        time.sleep(seconds)
        for thread in threads:
            thread.stopping.set()
        measured = time.monotonic() - started
        written = json.loads(writer.communicate(timeout=600)[0].strip().splitlines()[-1])
        for thread in threads:
            thread.join(timeout=120)
    names = list(reading["urls"])
    times = {name: [ms for t in threads for ms in t.times.get(name, [])] for name in names}
    every = [ms for values in times.values() for ms in values]
    errors = sum(sum(t.errors.values()) for t in threads)
    return {
        "scale": scale,
        "readers": readers,
        "roles": {role: reading["roles"][role] for role in roles},
        "urls": reading["urls"],
        "workers": int(workers),
        "figures_cache": "Redis" if redis_url else "LocMem",
        "seconds": round(measured, 1),
        "reads": len(every),
        "read_errors": errors,
        "first_errors": [e for t in threads for e in t.first_errors][:5],
        "reads_per_second": round(len(every) / measured, 2),
        "p50_ms": round(percentile(every, 0.5), 1),
        "p95_ms": round(percentile(every, 0.95), 1),
        "pages": {
            name: {
                "reads": len(times[name]),
                "errors": sum(t.errors.get(name, 0) for t in threads),
                "p50_ms": round(percentile(times[name], 0.5), 1),
                "p95_ms": round(percentile(times[name], 0.95), 1),
            }
            for name in names
        },
        "writes": written,
    }


def load_test(url: str, directory: Path) -> dict:
    """Target 5: gunicorn on the database at `url`, locust headless against it; its aggregated figures."""
    port, workers = setting("BENCH_PORT", "8123"), setting("BENCH_WORKERS", "4")
    users, seconds = setting("BENCH_USERS", "50"), setting("BENCH_SECONDS", "60")
    env = env_for(url)
    # The users start signed in: the sessions a login would leave (the demo logins in turn), written for locust.
    # Fifty password hashes (PBKDF2) at once would otherwise take the two cores for several seconds and measure
    # the hasher, not the pages; BENCH_LOGIN=1 makes each user log in through the form instead.
    sessions = directory / "asis_bench_sessions.json"
    if setting("BENCH_LOGIN", "0") != "1":
        made = child(url, "--child", "sessions", users, ",".join(DEMO_LOGINS))
        sessions.write_text(json.dumps(made), encoding="utf-8")
        env = {**env, "BENCH_SESSIONS": str(sessions)}
    with gunicorn(env, port, workers):
        prefix = directory / "asis_bench_locust"
        subprocess.run(
            [
                str(Path(PYTHON).parent / "locust"),
                "-f",
                str(ROOT / "scripts" / "locustfile.py"),
                "--headless",
                "-u",
                users,
                "-r",
                "10",
                "-t",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=open(directory / "asis_bench_locust.log", "w", encoding="utf-8"),  # noqa: SIM115 (closed with the process)
        )
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    per_page = [
        {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    ]
    return {
        "users": int(users),
        "seconds": int(seconds),
        "workers": int(workers),
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "median_ms": float(total["Median Response Time"]),
        "p95_ms": float(total["95%"]),
        "pages": per_page,
    }


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def target_4(xlsx: dict, scales, scale: float, backend: str, max_memory: float, sections: list) -> list[str]:
    """The XLSX table (appended to `sections`); the failures."""
    failed = []
    small_x, large_x = xlsx[1.0], xlsx[scale]
    time_ratio = large_x["bilan"]["seconds"] / large_x["import_export"]["seconds"]
    growth = large_x["bilan"]["peak_rss_mb"] - small_x["bilan"]["peak_rss_mb"]
    ok_time, ok_memory = time_ratio <= 0.5, growth < max_memory
    failed += ["target 4 (time)"] * (not ok_time) + ["target 4 (memory)"] * (not ok_memory)
    rows4 = []
    for s in scales:
        for key, label in (
            ("bilan", "bilan XLSX (`/bilan/xlsx/?periode=plan`)"),
            ("import_export", "django-import-export XLSX"),
        ):
            row = xlsx[s][key]
            rows4.append(
                [f"{s:g}", label, f"{row['seconds']:.2f}", f"{row['peak_rss_mb']:.0f}", f"{row['bytes'] / 1024:.0f}"]
            )
    sections.append(
        table(
            f"Target 4: XLSX of every project of the current plan ({backend}; each export in a fresh process)",
            ["scale", "export", "seconds", "peak RSS, MB", "size, KB"],
            rows4,
        )
        + f"\nScale {scale:g}: bilan / django-import-export time = **{time_ratio:.2f}** (at most 0.5: {verdict(ok_time)}); "
        f"the bilan export's peak memory grows by **{growth:.0f} MB** from scale 1 (under {max_memory:g} MB: {verdict(ok_memory)}). "
        f"Projects written by django-import-export: {small_x['import_export']['rows']} at scale 1, "
        f"{large_x['import_export']['rows']} at scale {scale:g}. The bilan's response is "
        f"{'streamed' if large_x['bilan']['streaming'] else 'not streamed'}.\n"
    )
    return failed


def _reads_row(label: str, url: str, low: dict, high: dict, errors: str) -> list[str]:
    """A row of target 6's reads: how many, p50 and p95 at scale 1 (`low`) then at scale S (`high`), then the errors
    at each (`errors`: the key that counts them)."""
    cells = []
    for side in (low, high):
        cells += [str(side["reads"]), f"{side['p50_ms']:.0f}", f"{side['p95_ms']:.0f}"]
    return [label, url, *cells, f"{low[errors]} / {high[errors]}"]


def target_6(mixed: dict, scale: float, max_p95: float, sections: list) -> list[str]:
    """Target 6's tables (appended to `sections`); the failures."""
    small, large = mixed[1.0], mixed[scale]
    errors = {s: m["read_errors"] + m["writes"]["errors"] for s, m in mixed.items()}
    rate = large["reads_per_second"] / small["reads_per_second"] if small["reads_per_second"] else 0.0
    p95 = large["p95_ms"] / small["p95_ms"] if small["p95_ms"] else float("inf")
    ok_errors, ok_rate = not any(errors.values()), rate >= 0.8
    ok_p95 = p95 <= 1.5 and large["p95_ms"] < max_p95
    failed = ["target 6 (errors)"] * (not ok_errors) + ["target 6 (reads/s)"] * (not ok_rate)
    failed += ["target 6 (p95)"] * (not ok_p95)
    rows = [
        _reads_row(name, f"`{url}`", small["pages"][name], large["pages"][name], "errors")
        for name, url in small["urls"].items()
    ]
    rows.append(_reads_row("**all reads**", "", small, large, "read_errors"))
    writes = []
    for kind in small["writes"]["per_kind"]:
        low, high = small["writes"]["per_kind"][kind], large["writes"]["per_kind"][kind]
        writes.append(
            [kind, str(low["count"]), f"{low['median_ms']:.0f}", str(high["count"]), f"{high['median_ms']:.0f}"]
        )
    readers = ", ".join(f"{role}: {', '.join(pages)}" for role, pages in small["roles"].items())
    first_errors = [e for m in mixed.values() for e in m["first_errors"] + m["writes"]["first_errors"]][:5]
    sections.append(
        table(
            f"Target 6: mixed load, gunicorn ({small['workers']} workers, production settings, figures cache: "
            f"{small.get('figures_cache', 'LocMem')}) on PostgreSQL, "
            f"{small['readers']} readers and {small['writes']['writes'] / small['seconds']:.1f} write/s for "
            f"{small['seconds']:.0f} s, scale 1 and scale {scale:g}",
            [
                "page",
                f"URL at scale {scale:g}",
                "reads, scale 1",
                "p50 ms",
                "p95 ms",
                f"reads, scale {scale:g}",
                "p50 ms",
                "p95 ms",
                "errors (1 / S)",
            ],
            rows,
        )
        + "\n"
        + table(
            "Target 6: the writes, through the services in a process of their own (every other one to the grown plan)",
            ["write", "count, scale 1", "median ms", f"count, scale {scale:g}", "median ms"],
            writes,
        )
        + f"\nReaders in turn ({readers}), each with no pause between pages. "
        f"Scale 1: **{small['reads_per_second']:.1f} reads/s**, p95 {small['p95_ms']:.0f} ms; scale {scale:g}: "
        f"**{large['reads_per_second']:.1f} reads/s** (× {rate:.2f}, at least 0.8: {verdict(ok_rate)}), p95 "
        f"{large['p95_ms']:.0f} ms (× {p95:.2f}, at most 1.5 and under {max_p95:g} ms: {verdict(ok_p95)}); errors: "
        f"{errors[1.0]} at scale 1, {errors[scale]} at scale {scale:g} (none: {verdict(ok_errors)}). Writes: "
        f"{small['writes']['writes']} at scale 1 over {small['writes']['plans']} plans, {large['writes']['writes']} at "
        f"scale {scale:g} over {large['writes']['plans']} plans.\n"
        + (f"\nFirst errors: {'; '.join(first_errors)}\n" if first_errors else "")
    )
    return failed


def main() -> int:
    scale = float(setting("BENCH_SCALE", "100"))
    repeat = int(setting("BENCH_REPEAT", "10"))
    max_ms, max_ratio = float(setting("BENCH_MAX_MS", "150")), float(setting("BENCH_MAX_RATIO", "2"))
    max_queries = int(setting("BENCH_MAX_QUERIES", "15"))
    max_memory, max_p95 = float(setting("BENCH_MAX_MEMORY_MB", "50")), float(setting("BENCH_MAX_P95_MS", "500"))
    directory = Path(setting("BENCH_DIR", "/tmp"))
    reuse = setting("BENCH_REUSE", "0") == "1"
    backends = [b.strip() for b in setting("BENCH_DATABASES", f"{SQLITE},{POSTGRESQL}").split(",") if b.strip()]
    output = ROOT / setting("BENCH_OUTPUT", "docs/benchmarks.md")
    scales = (1.0, scale)

    measured, built, xlsx = {}, {}, {}
    for backend in backends:
        for s in scales:
            url = database_url(backend, s, directory)
            print(f"{backend}, scale {s:g}: building…", flush=True)
            built[backend, s] = build(backend, s, directory, reuse)
            print(f"{backend}, scale {s:g}: measuring the pages…", flush=True)
            measured[backend, s] = child(url, "--child", "pages", str(repeat))
            if backend == backends[0] and setting("BENCH_XLSX", "1") == "1":
                print(f"{backend}, scale {s:g}: XLSX exports…", flush=True)
                xlsx[s] = {
                    "bilan": child(url, "--child", "xlsx-bilan", "1"),
                    "import_export": child(url, "--child", "xlsx-iie", "1"),
                }
    mixed = {}
    if POSTGRESQL in backends and setting("BENCH_MIXED", "1") == "1":
        for s in scales:
            print(
                f"postgresql, scale {s:g}: mixed load (gunicorn, production settings, readers and a writer)…",
                flush=True,
            )
            mixed[s] = mixed_load(database_url(POSTGRESQL, s, directory), directory, s)
            print(
                f"  {mixed[s]['reads_per_second']:.1f} reads/s, p95 {mixed[s]['p95_ms']:.0f} ms, "
                f"{mixed[s]['read_errors']} read error(s), {mixed[s]['writes']['writes']} writes, "
                f"{mixed[s]['writes']['errors']} write error(s)",
                flush=True,
            )
    load = None
    if POSTGRESQL in backends and setting("BENCH_LOAD", "1") == "1":
        print(f"postgresql, scale {scale:g}: gunicorn and locust…", flush=True)
        load = load_test(database_url(POSTGRESQL, scale, directory), directory)

    failed = []
    sections = []
    for backend in backends:
        small, large = measured[backend, 1.0]["pages"], measured[backend, scale]["pages"]
        rows1, rows2 = [], []
        for page, low in small.items():
            high = large[page]
            ok1 = high["queries"] <= low["queries"] and high["queries"] <= max_queries
            ratio = high["median_ms"] / low["median_ms"] if low["median_ms"] else float("inf")
            ok2 = high["median_ms"] < max_ms and ratio <= max_ratio
            after = high.get("after_write_ms")
            ok_after = after is None or (after < max_ms and after <= max_ratio * high["median_ms"])
            failed += [f"target 1 ({backend}): {page}"] * (not ok1) + [f"target 2 ({backend}): {page}"] * (not ok2)
            failed += [f"target 2 after a write ({backend}): {page}"] * (not ok_after)
            rows1.append(
                [
                    page,
                    f"`{high['url']}`",
                    str(low["queries"]),
                    str(high["queries"]),
                    f"{high['queries'] - low['queries']:+d}",
                    verdict(ok1),
                ]
            )
            rows2.append(
                [
                    page,
                    f"{low['median_ms']:.1f}",
                    f"{high['median_ms']:.1f}",
                    f"{ratio:.1f}×",
                    str(high["requests"]),
                    verdict(ok2),
                    "–" if after is None else f"{after:.1f}",
                    "–" if after is None else f"{after / high['median_ms']:.1f}×" if high["median_ms"] else "∞",
                    verdict(ok_after),
                ]
            )
            print(
                f"{backend:10} {page:18} queries {low['queries']:3} -> {high['queries']:3}   "
                f"median {low['median_ms']:8.1f} -> {high['median_ms']:8.1f} ms"
            )
        sections.append(
            table(
                f"Target 1 ({backend}): constant queries (scale {scale:g} makes no more queries than scale 1, and at most {max_queries})",
                [
                    "page",
                    f"URL at scale {scale:g}",
                    "queries, scale 1",
                    f"queries, scale {scale:g}",
                    "difference",
                    "result",
                ],
                rows1,
            )
        )
        sections.append(
            table(
                f"Target 2 ({backend}): median server time at scale {scale:g} at most {max_ratio:g}× scale 1 and under {max_ms:g} ms",
                [
                    "page",
                    "ms, scale 1",
                    f"ms, scale {scale:g}",
                    "ratio",
                    "requests",
                    "result",
                    f"ms right after a write to its plan, scale {scale:g}",
                    "after / between writes",
                    f"after a write: under {max_ms:g} ms and at most {max_ratio:g}×",
                ],
                rows2,
            )
        )

    rows3 = []
    for backend in backends:
        admin = measured[backend, scale]["admin"]
        mine, theirs = admin["project_list"]["median_ms"], admin["admin"]["median_ms"]
        ratio = mine / theirs if theirs else float("inf")
        ok = ratio <= 1.0
        failed += [f"target 3 ({backend})"] * (not ok)
        rows3.append(
            [
                backend,
                f"{mine:.1f} ({admin['project_list']['queries']} q.)",
                f"{theirs:.1f} ({admin['admin']['queries']} q.)",
                f"{ratio:.2f}",
                verdict(ok),
            ]
        )
    sections.append(
        table(
            f"Target 3: /projets/ against the admin's change list of the same projects, scale {scale:g}, 25 a page (ratio at most 1.0)",
            ["database", "/projets/ ms (queries)", "admin ms (queries)", "ratio", "result"],
            rows3,
        )
    )

    if xlsx:
        failed += target_4(xlsx, scales, scale, backends[0], max_memory, sections)

    if mixed:
        failed += target_6(mixed, scale, max_p95, sections)

    if load is not None:
        ok = load["failures"] == 0 and load["p95_ms"] < max_p95
        failed += ["target 5"] * (not ok)
        rows5 = [
            [p["name"], str(p["requests"]), str(p["failures"]), f"{p['median_ms']:.0f}", f"{p['p95_ms']:.0f}"]
            for p in load["pages"]
        ]
        rows5.append(
            [
                "**all**",
                str(load["requests"]),
                str(load["failures"]),
                f"{load['median_ms']:.0f}",
                f"{load['p95_ms']:.0f}",
            ]
        )
        sections.append(
            table(
                f"Target 5: gunicorn ({load['workers']} workers) on PostgreSQL at scale {scale:g}, locust: {load['users']} logged-in users for {load['seconds']} s",
                ["request", "requests", "errors", "median ms", "p95 ms"],
                rows5,
            )
            + f"\n**{load['rps']:.1f} requests/s**, {load['failures']} error(s), p95 {load['p95_ms']:.0f} ms "
            f"(no error and p95 under {max_p95:g} ms: {verdict(ok)}).\n"
        )

    explains = []
    if POSTGRESQL in backends:
        explains.append(f"### PostgreSQL plans: the slowest statement of the three slowest pages at scale {scale:g}\n")
        for entry in measured[POSTGRESQL, scale]["slowest"]:
            explains += [
                f"**{entry['page']}** (`{entry['url']}`, {entry['median_ms']:.0f} ms a request): query {entry['query']}, "
                f"{entry['sql_ms']:.1f} ms when captured",
                "",
                "```sql",
                entry["sql"][:1500] + (" …" if len(entry["sql"]) > 1500 else ""),
                "```",
                "",
                "```",
                "\n".join(entry.get("plan", "").splitlines()[:60]),
                "```",
                "",
            ]

    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    # the settings of this run as they were given (BENCH_DIR, BENCH_PG and BENCH_PORT say where, not what)
    given = {
        k: v
        for k, v in os.environ.items()
        if k.startswith("BENCH_") and k not in ("BENCH_DIR", "BENCH_PG", "BENCH_PORT")
    }
    given.setdefault("BENCH_SCALE", f"{scale:g}")
    given.setdefault("BENCH_REPEAT", str(repeat))
    command = " ".join(f"{k}={v}" for k, v in sorted(given.items()))
    took = ", ".join(
        f"{backend} scale {s:g}: {'reused' if seconds is None else f'{seconds:.0f} s'}"
        for (backend, s), seconds in built.items()
    )
    doc = [
        "# Benchmarks",
        "",
        "Written by `make bench` (scripts/bench.py); do not edit by hand above the analysis, run it again.",
        "",
        f"- Date: {now}",
        f"- Machine: `{' '.join(platform.uname())}`, {os.cpu_count()} CPU(s), shared with other work while measured: "
        "times are indicative (±50 % from run to run), query counts are exact",
        f"- Python {platform.python_version()}; databases: {', '.join(backends)} (SQLite: a file per scale in `{directory}`; "
        "PostgreSQL: `asis_bench_<scale>`, created by the script); `DEBUG=1` for targets 1 to 5 (the demo logins exist "
        "only then), production settings (DEBUG off) for target 6",
        f"- Command: `{command} make bench`",
        f"- Data: `migrate`, `load_asis`, `load_demo`, then `generate_volume --scale S` (S other alliances) and "
        f"`generate_volume --scale S --into-current` (the current plan grows S times ASIS's size), seed 2013, S = 1 and {scale:g}; "
        f"generation took {took}",
        "- Pages are requested as a coordinator (sees everything) with Django's test Client; a detail page shows the "
        "busiest entity of its kind (demo/bench.py). Queries: one request; time: median of the requests after a warm-up.",
        "",
        *sections,
        *explains,
        f"**{'All targets pass.' if not failed else 'Failing: ' + ', '.join(failed) + '.'}**",
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    kept = previous[previous.index(KEEP_MARKER) :] if KEEP_MARKER in previous else KEEP_MARKER + "\n"
    output.write_text("\n".join(doc) + "\n" + kept, encoding="utf-8")
    raw = {f"{backend}-{s:g}": result for (backend, s), result in measured.items()}
    (directory / f"asis_volume_bench_{scale:g}.json").write_text(
        json.dumps(
            {
                "pages": raw,
                "xlsx": {f"{s:g}": v for s, v in xlsx.items()},
                "load": load,
                "mixed": {f"{s:g}": v for s, v in mixed.items()},
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"written: {output}")
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--child":  # --child WHAT REPEAT [USERNAMES]
        in_child(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
