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

Environment: BENCH_SCALE (100), BENCH_REPEAT (10), BENCH_MAX_MS, BENCH_MAX_RATIO, BENCH_MAX_QUERIES,
BENCH_DIR (/tmp), BENCH_REUSE=1 (keep databases already built at that scale), BENCH_OUTPUT
(docs/benchmarks.md), BENCH_DATABASES (`sqlite,postgresql`), BENCH_PG (postgres://postgres@127.0.0.1:5432),
BENCH_LOAD=0 skips target 5, BENCH_USERS, BENCH_SECONDS, BENCH_WORKERS (4), BENCH_PORT (8123).
"""

import csv
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
    elif what == "xlsx-bilan":
        out = bench.xlsx_bilan()
    else:
        out = bench.xlsx_import_export()
    print(json.dumps(out))


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
    )
    try:
        for _n in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(1)
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
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # workers still inside a long request
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
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
            failed += [f"target 1 ({backend}): {page}"] * (not ok1) + [f"target 2 ({backend}): {page}"] * (not ok2)
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
                    f"{high.get('after_write_ms', 0):.1f}",
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
                    f"ms after a write (kept figures built again), scale {scale:g}",
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
        "PostgreSQL: `asis_bench_<scale>`, created by the script); `DEBUG=1` (the demo logins exist only then)",
        f"- Command: `{'BENCH_REUSE=1 ' if reuse else ''}BENCH_SCALE={scale:g} BENCH_REPEAT={repeat} make bench`",
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
        json.dumps({"pages": raw, "xlsx": {f"{s:g}": v for s, v in xlsx.items()}, "load": load}, indent=1),
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
