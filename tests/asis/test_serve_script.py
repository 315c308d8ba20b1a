"""scripts/serve.py (make serve) without starting anything: nothing is served when a step before fails (a warning of
`check --deploy` included), the number of gunicorn processes, the worker only when the portal has one.
tests/browser/test_serve.py starts it for real."""

import importlib.util
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "serve.py"


@pytest.fixture
def serve():
    spec = importlib.util.spec_from_file_location("serve_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_deploy_check_warning_stops_it_before_anything_is_served(serve, monkeypatch):
    ran, started = [], []

    def run(command, **kwargs):
        ran.append(command[2:])
        if command[2] == "check":
            raise subprocess.CalledProcessError(1, command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(serve.subprocess, "run", run)
    monkeypatch.setattr(serve.subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    assert serve.main() == 1
    assert ran == [
        ["migrate", "--noinput"],
        serve.COLLECTSTATIC,
        ["check", "--deploy", "--fail-level", "WARNING"],
    ]
    assert started == []


@pytest.mark.parametrize("value, expected", [(None, 2 * 4 + 1), ("", 2 * 4 + 1), ("3", 3)])
def test_gunicorn_runs_two_processes_per_cpu_plus_one_unless_told(serve, monkeypatch, value, expected):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 4)
    if value is None:
        monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    else:
        monkeypatch.setenv("WEB_CONCURRENCY", value)
    command = serve.gunicorn_command()
    assert command[command.index("--workers") + 1] == str(expected)


@pytest.mark.parametrize("exit_code, starts", [(0, True), (1, False)])
def test_the_worker_starts_only_when_the_portal_has_the_command(serve, monkeypatch, exit_code, starts):
    asked = []

    def run(command, **kwargs):
        asked.append(command[2:])
        return subprocess.CompletedProcess(command, exit_code)  # `help worker` fails on an unknown command

    monkeypatch.setattr(serve.subprocess, "run", run)
    assert serve.has_worker({}) is starts
    assert asked == [["help", "worker"]]
