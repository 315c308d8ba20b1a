"""Kept figures: what the dashboards sum over the whole plan (home, theme, envelope, bilan), computed
once per state of the data and kept in this process's memory.

A kept figure is found under a key that holds the **data version**: a number that changes on every
write to the portal's tables, whichever path it takes (services, the admin, `bulk_create`,
`QuerySet.update()`, raw SQL). Writes are seen where every statement passes, the database
connection (`watch`, an execute wrapper): no signal to forget, no table to list by hand.

- On PostgreSQL the version is a sequence: `nextval` takes no lock and is never rolled back, so two
  transactions that write never wait on each other because of it.
- On SQLite (one writer at a time anyway) it is one row given a new random value.

The version moves after every write (so a transaction reads its own writes under a version of
their own) and again once the transaction commits (so a figure built from the data before the
commit, by a request that read the version in between, is never found again). A rolled-back transaction leaves a version
that no later state of the data can have, so what was built from its uncommitted rows is never
read again either.

Each alliance's figures also carry **their alliance's version** (issue 17: a write in one alliance never
rebuilds another alliance's figures). A write made while a page of an alliance is served (`writes_of`, set by
`alliances.middleware.AllianceMiddleware`) to that alliance's own tables (`ALLIANCE_TABLES`: spaces, meetings,
projects, plans, money, frozen bilans) moves that alliance's version only, once its transaction commits (a
transaction that wrote reads its figures unkept until then: no row lock is taken in the transaction, so writers never
wait on each other because of it). Any other write (shared organisations and people, the admin, commands, a page of
no alliance) moves the instance's version, which every alliance's figures carry.

Reading the version costs no query of its own: `Version()` is a subquery that the pages annotate
on a query they make anyway (the plan's).
"""

import contextlib
import contextvars
import random
import re
import threading
from collections import OrderedDict

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import CharField, F, Func
from django.utils import timezone, translation

TABLE = "asis_keptversion"
SEQUENCE = "asis_kept_version_seq"
ALLIANCE_TABLE = "asis_allianceversion"
# The tables whose rows belong to one alliance (through its plans and spaces): written from an alliance's page, they
# move that alliance's version only. Organisations, people, consents and the alliances themselves are shared.
ALLIANCE_TABLES = ("chantiers_", "budget_", "succession_")
# How many figures of each name a process keeps, the least recently read dropped first: a bound on a
# process's memory, whatever the number of plans (sizes measured: docs/benchmarks.md).
KEEP = 32
KEEP_OF = {
    "bilan": 8,
    "bilan-select-lieu": 4,
    "bilan-select-organisation": 4,
    "bilan-form-choices": 2,
    "bilan-pdf": 4,  # bilan/documents.py, kept_pdf: a PDF is up to about 1 MB (600 projects)
}

# Writes that change no figure a page shows: sessions, sign-in attempts, the admin's log, the
# kept hyperconcertation figures (a cache of their own) and the version itself.
IGNORED = frozenset(
    {
        TABLE,
        ALLIANCE_TABLE,
        "django_session",
        "django_admin_log",
        "django_migrations",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
        "chantiers_meetingload",
        "chantiers_meetingloadstate",
    }
)
WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.IGNORECASE
)
# A sign-in stamps the user's last_login (the only column of that name): no page shows it.
LAST_LOGIN = re.compile(r'^\s*UPDATE\s+"\w+"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)

_kept: dict[str, OrderedDict] = {}  # name -> key -> figure
_lock = threading.Lock()
# The alliance whose page is being served (its pk), None elsewhere: whose version a write moves.
_writes_of: contextvars.ContextVar[int | None] = contextvars.ContextVar("kept_writes_of", default=None)


# -------------------------------------------------------------------------------------- the version


def current_version(alliance: int | None = None, using: str = "default") -> str | None:
    """The data version of an alliance's figures (the instance's alone without `alliance`), in a query of its own
    (for callers without a query to put it on); None before the migration that makes it."""
    if not is_ready(using):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {_version_sql(using, '%s')}", [alliance, alliance])
        row = cursor.fetchone()
    return row[0] if row else None


def global_version(using: str = "default") -> int | None:
    """The instance's version alone (a backup records it; `move_past` goes beyond it once restored)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_read_sql(using))
        row = cursor.fetchone()
    return row[0] if row else None


def _version_sql(using: str, alliance_sql: str) -> str:
    """SQL of the version of the alliance whose pk `alliance_sql` gives: « instance:alliance:its token »."""
    return (
        f"(CAST(({_read_sql(using)}) AS TEXT) || ':' || COALESCE(CAST({alliance_sql} AS TEXT), '') || ':' || "
        f"CAST(COALESCE((SELECT token FROM {ALLIANCE_TABLE} WHERE alliance_id = {alliance_sql}), 0) AS TEXT))"
    )


def _read_sql(using: str = "default") -> str:
    if connections[using].vendor == "postgresql":
        return f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCE}"
    return f"SELECT token FROM {TABLE} WHERE id = 1"


def bump(connection) -> None:
    """Give the data a new version (no lock on PostgreSQL; one row on SQLite). Nothing to do before
    the migration that makes the version has run (the migrations before it write rows too)."""
    if not _ready(connection):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{SEQUENCE}')")
        else:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, token) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET token = excluded.token",
                [random.getrandbits(62)],
            )


def bump_alliances(connection, alliances) -> None:
    """Give these alliances' figures a new version (after their writes have committed)."""
    if not _ready(connection):
        return
    with connection.cursor() as cursor:
        for alliance in sorted(alliances):  # a random token: the instance's sequence must not move with it
            cursor.execute(
                f"INSERT INTO {ALLIANCE_TABLE} (alliance_id, token) VALUES (%s, %s) "
                "ON CONFLICT (alliance_id) DO UPDATE SET token = excluded.token",
                [alliance, random.getrandbits(62)],
            )


class _AllianceWrites:
    """The on-commit hook of a transaction that wrote alliances' rows: moves their versions once it commits (a
    transaction rolled back drops it, with what it wrote)."""

    def __init__(self, connection):
        self.connection = connection
        self.alliances: set[int] = set()

    def __call__(self):
        bump_alliances(self.connection, self.alliances)


@contextlib.contextmanager
def writes_of(alliance: int | None):
    """While a page of `alliance` (its pk) is served: its writes to its own tables move its version only."""
    token = _writes_of.set(alliance)
    try:
        yield
    finally:
        _writes_of.reset(token)


def move_past(version, using: str = "default") -> None:
    """After a restore, which brings back the version of the day of the backup: a version that no
    process can have kept figures for (PostgreSQL: past `version`, read before the restore)."""
    connection = connections[using]
    connection._kept_ready = False
    if not _ready(connection):
        return
    if connection.vendor != "postgresql":
        bump(connection)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval('{SEQUENCE}', GREATEST((SELECT last_value FROM {SEQUENCE}), %s) + 1)", [version or 0]
        )


def changes_figures(sql: str) -> bool:
    """Whether a statement writes to a table whose rows a page can show."""
    match = WRITE.match(sql)
    if not match:
        return False
    if match.group(0).lstrip()[:8].upper() == "TRUNCATE":
        return True  # a flush names many tables, the first of which may be one of the ignored
    if match.group(1).lower() in IGNORED:
        return False
    return not LAST_LOGIN.match(sql)


def watch(execute, sql, params, many, context):
    """Execute wrapper of every connection: after a write, move the version (see the module's doc)."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and changes_figures(sql):
        alliance = _writes_of.get()
        if alliance is not None and WRITE.match(sql).group(1).lower().startswith(ALLIANCE_TABLES):
            _alliance_written(context["connection"], alliance)
        else:
            _written(context["connection"])
    return result


def _pending_alliance_writes(connection) -> "_AllianceWrites | None":
    return next((hook[1] for hook in connection.run_on_commit if isinstance(hook[1], _AllianceWrites)), None)


def _alliance_written(connection, alliance: int) -> None:
    if not connection.in_atomic_block:
        bump_alliances(connection, [alliance])  # committed already
        return
    hook = _pending_alliance_writes(connection)
    if hook is None:
        hook = _AllianceWrites(connection)
        connection.on_commit(hook, robust=True)
    hook.alliances.add(alliance)


def _written(connection) -> None:
    bump(connection)  # this transaction reads its own writes under a version of their own
    move = connection._kept_move_on_commit
    if connection.in_atomic_block and not any(hook[1] is move for hook in connection.run_on_commit):
        # once per transaction (a savepoint rolled back takes it away); robust: the move made inside the
        # transaction is committed with it, this one only closes the window between the commit and a reader
        connection.on_commit(move, robust=True)


def is_ready(using: str = "default") -> bool:
    """Whether the data version exists in this database (its migration has run)."""
    return _ready(connections[using])


def _ready(connection) -> bool:
    """Whether the versions exist (the alliances' table, made after the instance's version)."""
    if getattr(connection, "_kept_ready", False):
        return True
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_class WHERE relkind IN ('r', 'p') AND relname = %s", [ALLIANCE_TABLE])
        else:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [ALLIANCE_TABLE])
        connection._kept_ready = cursor.fetchone() is not None
    return connection._kept_ready


def _install(sender, connection, **kwargs):
    connection._kept_ready = False  # a new connection, perhaps to another database (tests)
    if not hasattr(connection, "_kept_move_on_commit"):  # this connection's, whatever its alias
        connection._kept_move_on_commit = lambda: bump(connection)
    if watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch)


connection_created.connect(_install, dispatch_uid="asis.kept.watch")


# ----------------------------------------------------------------------------------- kept figures


def kept(name: str, version, key: tuple, build):
    """The figure `name` for `key` at data `version`: read from memory, else built by `build()` and kept.
    Today's date and the active language are part of the key (figures say « late », labels are translated).
    Without a version (the table is missing), the figure is built every time."""
    if version is None:
        return build()
    connection = connections["default"]
    if connection.in_atomic_block and _pending_alliance_writes(connection) is not None:
        return build()  # this transaction wrote an alliance's rows: its version moves once they are committed
    full_key = (version, timezone.localdate(), translation.get_language(), key)
    with _lock:
        figures = _kept.setdefault(name, OrderedDict())
        if full_key in figures:
            figures.move_to_end(full_key)
            return figures[full_key]
    value = build()
    with _lock:
        for older in [k for k in figures if _same_alliance(k[0], version) and k[0] != version]:
            del figures[older]  # built from data that has changed since (another alliance's figures stay)
        figures[full_key] = value
        while len(figures) > KEEP_OF.get(name, KEEP):
            figures.popitem(last=False)
    return value


def _same_alliance(one, other) -> bool:
    """Whether two versions are of the same alliance's figures (« instance:alliance:token »)."""
    if isinstance(one, str) and isinstance(other, str):
        return one.split(":")[1:2] == other.split(":")[1:2]
    return True


def forget() -> None:
    """Drop every kept figure of this process (tests start cold)."""
    with _lock:
        _kept.clear()


class Version(Func):
    """`Version()` in an `annotate()` of plans: the data version of the plan's alliance, read by the query it is put
    on; `Version("plan__alliance_id")` on a model related to plans."""

    output_field = CharField()

    def __init__(self, alliance: str = "alliance_id"):
        super().__init__(F(alliance))

    def as_sql(self, compiler, connection, **extra):
        alliance_sql, params = compiler.compile(self.source_expressions[0])
        return _version_sql(connection.alias, alliance_sql), list(params) * 2
