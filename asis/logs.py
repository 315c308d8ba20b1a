"""Logs as JSON lines, each naming the request it belongs to.

`RequestLogMiddleware` (asis/middleware.py) gives every request an id (the proxy's `X-Request-ID` when it sends a
sane one), echoes it in the response and writes one line per request on the `asis.request` logger: method, path,
status, duration, user id and alliance. Every other line logged while the request runs carries its id too
(`RequestIdFilter`), so an error's traceback and the request that caused it are found together.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
# A proxy's id is kept only when it is short and plain: it is written to logs and echoed in a header.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# LogRecord's own attributes: whatever else a record carries came from `extra=` and is written out.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    return _request_id.get()


def start_request(proposed: str | None) -> tuple[str, contextvars.Token]:
    """The request's id (the proposed one when sane, else a new one), set for every log line until `end_request`."""
    request_id = proposed if proposed and _SANE_ID.match(proposed) else uuid.uuid4().hex
    return request_id, _request_id.set(request_id)


def end_request(token: contextvars.Token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request: a command, the worker)."""

    def filter(self, record):
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the record's extras,
    and the traceback when there is one."""

    def format(self, record):
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "")
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
