#!/usr/bin/env python
"""`make bench`: measure the main pages on a database generated at scale 1 and at scale S.

For each scale, a SQLite database (BENCH_DIR/asis_volume_bench_<scale>.sqlite3) is built with
`migrate`, `load_asis`, `load_demo` and `generate_volume --scale <scale>`, then every page of
asis/bench.py is requested as a coordinator with Django's test Client: SQL queries of one request
and median server time over BENCH_REPEAT requests. docs/benchmarks.md gets the tables; the exit
status is 1 when a target fails.

- Target 1 (constant queries): a page makes no more queries at scale S than at scale 1, and never
  more than BENCH_MAX_QUERIES (15), as issue 7 sets.
- Target 2 (flat time): a page's median server time at scale S is at most BENCH_MAX_RATIO (2) times
  its time at scale 1, and under BENCH_MAX_MS (150 ms), as issue 7 sets.

Environment: BENCH_SCALE (100), BENCH_REPEAT (10), BENCH_MAX_MS (150), BENCH_MAX_RATIO (2),
BENCH_MAX_QUERIES (15), BENCH_DIR (/tmp),
BENCH_REUSE=1 keeps a database already built at that scale, BENCH_OUTPUT (docs/benchmarks.md).
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What follows this line in docs/benchmarks.md is written by hand (the analysis) and kept on each run.
KEEP_MARKER = "<!-- analysis: written by hand, kept by make bench -->"
PYTHON = sys.executable


def env_for(database: Path) -> dict:
    # DEBUG=1: load_demo needs it, and static files are served without a manifest (no collectstatic).
    return {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1", "LOG_LEVEL": "ERROR"}


def build(scale: float, directory: Path, reuse: bool) -> tuple[Path, float | None]:
    database = directory / f"asis_volume_bench_{scale:g}.sqlite3"
    if reuse and database.exists():
        return database, None
    database.unlink(missing_ok=True)
    env = env_for(database)
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "--noinput", "-v0"], ["load_asis"], ["load_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    subprocess.run(manage + ["generate_volume", "--scale", f"{scale:g}"], cwd=ROOT, env=env, check=True)
    return database, time.perf_counter() - started


def measure(database: Path, repeat: int) -> dict:
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--measure", str(repeat)],
        cwd=ROOT, env=env_for(database), check=True, capture_output=True, text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure_here(repeat: int) -> None:
    """Child process: Django set up on the benchmark database given by DATABASE_URL."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asis.settings")
    import django

    django.setup()
    from asis.bench import measure_pages

    print(json.dumps(measure_pages(repeat=repeat)))


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    scale = float(os.environ.get("BENCH_SCALE", "100"))
    repeat = int(os.environ.get("BENCH_REPEAT", "10"))
    max_ms = float(os.environ.get("BENCH_MAX_MS", "150"))
    max_ratio = float(os.environ.get("BENCH_MAX_RATIO", "2"))
    max_queries = int(os.environ.get("BENCH_MAX_QUERIES", "15"))
    directory = Path(os.environ.get("BENCH_DIR", "/tmp"))
    reuse = os.environ.get("BENCH_REUSE") == "1"
    output = ROOT / os.environ.get("BENCH_OUTPUT", "docs/benchmarks.md")

    results, build_seconds = {}, {}
    for s in (1.0, scale):
        print(f"scale {s:g}: building the database…", flush=True)
        database, seconds = build(s, directory, reuse)
        build_seconds[s] = seconds
        print(f"scale {s:g}: measuring {database}…", flush=True)
        results[s] = measure(database, repeat)

    small, large = results[1.0], results[scale]
    failed = []
    rows1, rows2 = [], []
    for page, low in small.items():
        high = large[page]
        ok1 = high["queries"] <= low["queries"] and high["queries"] <= max_queries
        ratio = high["median_ms"] / low["median_ms"] if low["median_ms"] else float("inf")
        ok2 = high["median_ms"] < max_ms and ratio <= max_ratio
        failed += [f"target 1: {page}"] * (not ok1) + [f"target 2: {page}"] * (not ok2)
        rows1.append([page, f"`{high['url']}`", str(low["queries"]), str(high["queries"]),
                      f"{high['queries'] - low['queries']:+d}", "pass" if ok1 else "**FAIL**"])
        rows2.append([page, f"{low['median_ms']:.1f}", f"{high['median_ms']:.1f}", f"{ratio:.1f}×",
                      str(high["requests"]), "pass" if ok2 else "**FAIL**"])
        print(f"{page:20} queries {low['queries']:4} -> {high['queries']:4}   median {low['median_ms']:8.1f} -> {high['median_ms']:8.1f} ms")

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    built = ", ".join(
        f"scale {s:g}: {seconds:.0f} s" if seconds is not None else f"scale {s:g}: reused" for s, seconds in build_seconds.items()
    )
    doc = [
        "# Benchmarks (issue 7)",
        "",
        "Written by `make bench` (scripts/bench.py); do not edit by hand, run it again.",
        "",
        f"- Date: {now}",
        f"- Machine: `{' '.join(platform.uname())}`, {os.cpu_count()} CPU(s) (shared with other work: times are indicative)",
        f"- Python {platform.python_version()}, SQLite (one file per scale in `{directory}`), `DEBUG=1`",
        f"- Command: `{'BENCH_REUSE=1 ' if reuse else ''}BENCH_SCALE={scale:g} BENCH_REPEAT={repeat} make bench`",
        f"- Data: `migrate`, `load_asis`, `load_demo`, then `generate_volume --scale 1` and `--scale {scale:g}` (seed 2013); "
        f"`generate_volume` took {built}",
        "- Each page is requested as a coordinator (sees everything) with Django's test Client; a detail page shows the "
        "busiest entity of its kind (asis/bench.py). Queries: one request; time: median of the requests after a warm-up.",
        "- The home, theme, envelope and bilan pages read the current plan (ASIS with the demo), which the generated "
        "alliances do not change: at scale S they measure only what those pages read across plans.",
        "",
        table(
            f"Target 1: constant queries (scale {scale:g} makes no more queries than scale 1, and at most {max_queries})",
            ["page", f"URL at scale {scale:g}", "queries, scale 1", f"queries, scale {scale:g}", "difference", "result"],
            rows1,
        ),
        table(
            f"Target 2: median server time at scale {scale:g} at most {max_ratio:g}× scale 1 and under {max_ms:g} ms",
            ["page", "ms, scale 1", f"ms, scale {scale:g}", "ratio", "requests", "result"],
            rows2,
        ),
        f"**{'All targets pass.' if not failed else 'Failing: ' + ', '.join(failed) + '.'}**",
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    kept = previous[previous.index(KEEP_MARKER):] if KEEP_MARKER in previous else KEEP_MARKER + "\n"
    output.write_text("\n".join(doc) + "\n" + kept, encoding="utf-8")
    (directory / f"asis_volume_bench_{scale:g}.json").write_text(json.dumps(results[scale], indent=1), encoding="utf-8")
    print(f"written: {output}")
    if failed:
        print("FAILED: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure_here(int(sys.argv[2]))
    else:
        sys.exit(main())
