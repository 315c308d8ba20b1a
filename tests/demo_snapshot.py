"""The ASIS reference data and the demo as `make run` loads them (`load_asis`, then `load_demo`), loaded once per test
process and copied back for the next test that asks.

Why: the two commands take 4 to 6 s, and about a hundred tests of each database start from them (every browser test,
the whole-demo guards, the bilan's); copying their rows back takes a fraction of a second. CI runs the suite on
SQLite and on PostgreSQL within its time.

The copy is exact or it is not used. It is kept under what the load depended on: the database's rows before it (a test
that made rows of its own first gets a load of its own), today's date (the demo dates itself from today: a test that
travelled in time gets its own), the language and the tables. A database flushed by a transactional test (a browser
test's) holds only what Django's post_migrate makes (content types, permissions, the role groups), numbered anew at
each flush: it is compared by what those rows are (names, not numbers) and given back the numbers the copied rows
point at. A load that changed or removed a row that was there before is never copied (inserting rows could not replay
it). What the load leaves outside the database is replayed too: its files under MEDIA_ROOT and the e-mails it sent.
The cache is not: each test starts with an empty one (tests/conftest.py), as a server does after a restart.
"""

import hashlib
import io
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone, translation

_snapshots: dict = {}
_NOT_COPIED = None  # a load that cannot be replayed by inserting rows
_IGNORED = {"django_migrations"}
# What Django's post_migrate makes after a flush (deleted first to last, inserted last to first)
_RENUMBERED = ("auth_group_permissions", "auth_group", "auth_permission", "django_content_type")


def load_asis_and_demo() -> None:
    """`load_asis` then `load_demo` on the test database, or the rows they made copied back."""
    tables = _tables()
    before = _rows(tables)
    renumbered = set(before) <= set(_RENUMBERED)  # nothing but what post_migrate makes: compared by names
    key = (
        connection.vendor,
        str(timezone.localdate()),
        translation.get_language(),
        tuple(tables),
        renumbered,
        _fingerprint(_named(before) if renumbered else before),
    )
    snapshot = _snapshots.get(key, "missing")
    if snapshot == "missing":
        _snapshots[key] = _load_and_take(tables, before)
    elif snapshot is _NOT_COPIED:
        _load()
    else:
        _restore(snapshot, before)


def _tables() -> list[str]:
    """The database's tables, but the migrations' record and SQLite's own."""
    return [
        table
        for table in connection.introspection.table_names(include_views=False)
        if table not in _IGNORED and not table.startswith("sqlite_")
    ]


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
    return {
        "before": before,
        "rows": added,
        "files": files,
        "emails": list(getattr(mail, "outbox", []))[sent:],
    }


def _restore(snapshot, before) -> None:
    tables = set(snapshot["rows"])
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at the end (deferred)
        if before != snapshot["before"]:  # the same content types, permissions and groups, numbered otherwise
            for table in _RENUMBERED:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for table in reversed(_RENUMBERED):
                _insert(cursor, table, snapshot["before"].get(table))
            tables.update(_RENUMBERED)
        for table, rows in snapshot["rows"].items():
            _insert(cursor, table, rows)
        if connection.vendor == "postgresql":  # the next row of each table takes the number after the copied ones
            models = [model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    root = Path(settings.MEDIA_ROOT)
    for path, content in snapshot["files"].items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    if hasattr(mail, "outbox"):
        mail.outbox.extend(snapshot["emails"])
    ContentType.objects.clear_cache()  # it maps numbers to models


def _insert(cursor, table, rows) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} FROM STDIN", io.StringIO("".join(rows)))
    else:
        rows = list(rows)
        marks = ", ".join(["?"] * len(rows[0]))
        connection.connection.executemany(f"INSERT INTO {connection.ops.quote_name(table)} VALUES ({marks})", rows)


def _named(rows: dict) -> dict:
    """What post_migrate made, by names instead of numbers (their numbers change at each flush)."""
    if not rows:
        return {}
    return {
        "content types": set(ContentType.objects.values_list("app_label", "model")),
        "permissions": set(Permission.objects.values_list("content_type__app_label", "codename", "name")),
        "groups": set(
            Group.objects.values_list("name", "permissions__content_type__app_label", "permissions__codename")
        ),
    }


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
