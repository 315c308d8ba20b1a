"""The ASIS reference data and the demo as `make run` loads them (`load_asis`, then `load_demo`), loaded once per test
process and copied back for the next test that asks.

Why: the two commands take 4 to 6 s, and about a hundred tests of each database start from them (every browser test,
the whole-demo guards, the bilan's); copying their rows back takes a fraction of a second. CI runs the suite on
SQLite and on PostgreSQL within its time.

The copy is exact or it is not used. It is kept under what the load depended on: the database's rows before it (a test
that made rows of its own first, or a PostgreSQL flush that numbered the content types anew, gets a load of its own),
today's date (the demo dates itself from today: a test that travelled in time gets its own), the language and the
tables. A load that changed or removed a row that was there before is never copied (inserting rows could not replay
it). What the load leaves outside the database is replayed too: its files under MEDIA_ROOT and the e-mails it sent.
The cache is not: each test starts with an empty one (tests/conftest.py), as a server does after a restart.
"""

import hashlib
import io
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

_snapshots: dict = {}
_NOT_COPIED = None  # a load that cannot be replayed by inserting rows
_IGNORED = {"django_migrations"}


def load_asis_and_demo() -> None:
    """`load_asis` then `load_demo` on the test database, or the rows they made copied back."""
    tables = [
        table
        for table in connection.introspection.table_names(include_views=False)
        if table not in _IGNORED and not table.startswith("sqlite_")
    ]
    before = _rows(tables)
    key = (
        connection.vendor,
        str(timezone.localdate()),
        translation.get_language(),
        tuple(tables),
        _fingerprint(before),
    )
    snapshot = _snapshots.get(key, "missing")
    if snapshot == "missing":
        _snapshots[key] = _load_and_take(tables, before)
    elif snapshot is _NOT_COPIED:
        _load()
    else:
        _restore(snapshot)


def _load() -> None:
    call_command("load_asis", stdout=io.StringIO())
    with override_settings(DEBUG=True):  # the demo refuses to load in production
        call_command("load_demo", stdout=io.StringIO())


def _load_and_take(tables, before):
    sent = len(getattr(mail, "outbox", []))
    files_before = _files()
    _load()
    after = _rows(tables)
    added = {}
    for table in tables:
        old, new = before.get(table, set()), after.get(table, set())
        if old - new:  # a row there before was changed or removed
            return _NOT_COPIED
        if new - old:
            added[table] = new - old
    files = {path: content for path, content in _files().items() if files_before.get(path) != content}
    if any(path in files_before for path in files):
        return _NOT_COPIED
    return {"rows": added, "files": files, "emails": list(getattr(mail, "outbox", []))[sent:]}


def _restore(snapshot) -> None:
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at the end (deferred)
        for table, rows in snapshot["rows"].items():
            if connection.vendor == "postgresql":
                cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.StringIO("".join(rows)))
            else:
                rows = list(rows)
                marks = ", ".join(["?"] * len(rows[0]))
                connection.connection.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} VALUES ({marks})", rows
                )
        if connection.vendor == "postgresql":  # the next row of each table takes the number after the copied ones
            tables = set(snapshot["rows"])
            models = [model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    root = Path(settings.MEDIA_ROOT)
    for path, content in snapshot["files"].items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    if hasattr(mail, "outbox"):
        mail.outbox.extend(snapshot["emails"])


def _rows(tables) -> dict:
    """Each non-empty table's rows: COPY's lines on PostgreSQL, tuples on SQLite (one query counts them all)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        counts = cursor.fetchone()
        rows = {}
        for table, count in zip(tables, counts):
            if not count:
                continue
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                cursor.copy_expert(f"COPY {quote(table)} TO STDOUT", buffer)
                # one line a row: COPY writes a newline inside a value as « \n » (splitlines would also cut at
                # U+2028 and the like, which COPY leaves as they are)
                rows[table] = {line + "\n" for line in buffer.getvalue().split("\n")[:-1]}
            else:
                # `+column` is the column's value as SQLite stores it: an expression has no declared type, so the
                # driver's converters (Django's dates, times, booleans) leave it as it is, and it inserts back as it is
                columns = [row[1] for row in connection.connection.execute(f"PRAGMA table_info({quote(table)})")]
                values = ", ".join(f"+{quote(column)}" for column in columns)
                rows[table] = set(connection.connection.execute(f"SELECT {values} FROM {quote(table)}").fetchall())
    return rows


def _fingerprint(rows: dict) -> str:
    digest = hashlib.sha256()
    for table in sorted(rows):
        digest.update(table.encode())
        for row in sorted(map(repr, rows[table])):
            digest.update(row.encode())
    return digest.hexdigest()


def _files() -> dict:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}
