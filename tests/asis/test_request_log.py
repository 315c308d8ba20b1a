"""Logs are JSON lines; each request has an id (the proxy's X-Request-ID when sane), echoed in the response, and one
line saying its method, path, status, duration, user id and alliance (asis/logs.py, asis/middleware.py)."""

import json
import logging

import pytest

from asis.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def access_log(caplog):
    caplog.set_level(logging.INFO, logger="asis.request")
    return caplog


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "asis.request"]


def test_each_request_gets_an_id_echoed_in_the_response(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept_when_sane(client):
    assert client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a.42"})["X-Request-ID"] == "nginx-7f3a.42"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" \n{"level": "ERROR"}'})["X-Request-ID"]
    assert len(forged) == 32 and "ERROR" not in forged


def test_a_signed_in_request_logs_its_user_alliance_status_and_duration(client, cast, plan, access_log):
    client.force_login(cast.alice)
    response = client.get("/projets/")
    assert response.status_code == 200
    (record,) = request_lines(access_log)
    assert record.method == "GET" and record.path == "/projets/" and record.status == 200
    assert record.user_id == cast.alice.pk
    assert record.alliance == plan.alliance.slug
    assert record.duration_ms >= 0
    assert record.request_id == response["X-Request-ID"]


def test_an_anonymous_request_logs_no_user_and_costs_no_query(client, access_log, django_assert_num_queries):
    with django_assert_num_queries(0):  # the line reads the user only when the page did
        client.get("/favicon.ico")
    (record,) = request_lines(access_log)
    assert record.status == 301 and record.user_id is None and record.alliance is None


def test_a_line_is_one_json_object_with_the_request_id_and_extras():
    record = logging.LogRecord("asis.request", logging.INFO, __file__, 1, "GET %s %s", ("/projets/", 200), None)
    record.status, record.duration_ms, record.user_id = 200, 12.5, 7
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO" and line["logger"] == "asis.request"
    assert line["message"] == "GET /projets/ 200"
    assert (line["status"], line["duration_ms"], line["user_id"]) == (200, 12.5, 7)
    assert line["time"].endswith("+00:00")


def test_an_error_logged_during_a_request_carries_its_id_and_traceback(settings, client, capsys):
    """Django's own error line (the traceback) names the request, so the 500's reference finds it."""
    settings.ROOT_URLCONF = "tests.asis.urls_failing"
    client.raise_request_exception = False
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/en-panne/", headers={"X-Request-ID": "ticket-99"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    error = next(line for line in lines if line["logger"] == "django.request" and line["request_id"] == "ticket-99")
    assert response.status_code == 500
    assert error["level"] == "ERROR" and "OperationalError: the database went away" in error["exception"]
