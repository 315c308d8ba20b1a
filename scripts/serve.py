"""`make serve`: the portal in production, in one command, configured by the environment (deploy/asis.env.example).

1. `migrate`, `collectstatic`, then `check --deploy` failing on any warning: nothing starts half-configured;
2. gunicorn on BIND (127.0.0.1:8001, behind the reverse proxy), WEB_CONCURRENCY workers (2 × CPUs + 1 by default),
   and the background worker (`manage.py worker`) when this version of the portal has one;
3. Ctrl+C (or SIGTERM) stops both; when one of them stops on its own, the other is stopped and the exit code is its.

DEBUG is forced off. Under systemd, deploy/asis-web.service runs this script with SERVE_WORKER=0 and
deploy/asis-worker.service runs the worker, so each restarts on its own.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]
STOP_GRACE_SECONDS = 30


def say(message: str) -> None:
    print(f"[serve] {message}", file=sys.stderr, flush=True)  # noqa: T201


def workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)


# collectstatic leaves out the Bootstrap builds the portal never loads (it loads bootstrap.min.css and
# bootstrap.bundle.min.js, with their source maps): right-to-left, ES module, partial and unminified builds were 7 of
# Bootstrap's 8 Mio, and compressing them (gzip and Brotli, WhiteNoise) took most of a minute of every start. Paths
# inside node_modules/bootstrap/dist (STATICFILES_DIRS' "vendor/bootstrap" prefix is not part of them).
UNUSED_BOOTSTRAP_BUILDS = [
    "*.rtl.*",
    "*.esm.*",
    "css/bootstrap-*",
    "css/bootstrap.css*",
    "js/bootstrap.js*",
    "js/bootstrap.min.js*",
    "js/bootstrap.bundle.js*",
]
COLLECTSTATIC = ["collectstatic", "--noinput", "--verbosity", "0", *(f"--ignore={p}" for p in UNUSED_BOOTSTRAP_BUILDS)]


def prepare(env: dict) -> None:
    for step in (
        ["migrate", "--noinput"],
        COLLECTSTATIC,
        ["check", "--deploy", "--fail-level", "WARNING"],
    ):
        say("manage.py " + " ".join(step))
        subprocess.run([*MANAGE, *step], env=env, cwd=ROOT, check=True)


def has_worker(env: dict) -> bool:
    """`manage.py worker` exists in this version of the portal (the outbox's worker)."""
    found = subprocess.run([*MANAGE, "help", "worker"], env=env, cwd=ROOT, capture_output=True)
    return found.returncode == 0


def gunicorn_command() -> list[str]:
    return [
        PYTHON,
        "-m",
        "gunicorn",
        "asis.wsgi",
        "--bind",
        os.environ.get("BIND", "127.0.0.1:8001"),
        "--workers",
        str(workers()),
        # the bilan's tagged PDF of a large plan takes longer than the default 30 s (docs/benchmarks.md)
        "--timeout",
        os.environ.get("GUNICORN_TIMEOUT", "120"),
        "--graceful-timeout",
        "20",
        # the portal logs each request itself, as JSON with its id (asis/logs.py); gunicorn's errors to stderr
        "--error-logfile",
        "-",
    ]


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for name, process in processes.items():
        if process.poll() is None:
            say(f"stopping {name}")
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    # gunicorn reads WEB_CONCURRENCY itself at import, and an empty one stops it: always pass the number
    env = {**os.environ, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "asis.settings", "WEB_CONCURRENCY": str(workers())}
    try:
        prepare(env)
    except subprocess.CalledProcessError as failed:
        say(f"stopped before serving: {' '.join(failed.cmd[2:])} failed (exit {failed.returncode})")
        return failed.returncode or 1
    except KeyboardInterrupt:
        say("stopped before serving (Ctrl+C)")
        return 130

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    processes = {}
    try:
        processes["gunicorn"] = subprocess.Popen(gunicorn_command(), env=env, cwd=ROOT)
        if os.environ.get("SERVE_WORKER", "1") == "0":
            say("SERVE_WORKER=0: the worker runs as a service of its own (deploy/asis-worker.service)")
        elif has_worker(env):
            processes["worker"] = subprocess.Popen([*MANAGE, "worker"], env=env, cwd=ROOT)
        else:
            say("no `manage.py worker` in this version: the web server only")
        say(f"serving on {os.environ.get('BIND', '127.0.0.1:8001')} with {workers()} workers (Ctrl+C to stop)")
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    say(f"{name} stopped (exit {process.returncode})")
                    stop(processes)
                    return process.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        stop(processes)
        return 0


if __name__ == "__main__":
    sys.exit(main())
