"""Backups and restores of the whole database, with the engine's own tools.

SQLite: SQLite's online backup API copies the database page by page into `asis-<time>.sqlite3`
(a consistent copy even while the portal runs). PostgreSQL: `pg_dump --format=custom` into
`asis-<time>.pgdump`, read back by `pg_restore --clean`. Both copy every table as it is —
history tables, content types, permissions and groups, sequences, and PostgreSQL's append-only
triggers on the ledger — so nothing has to be matched by natural key on the way back.

A restore refuses a database that holds data unless told (`force`): it would replace it.
"""

import datetime
import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import DecimalField, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from asis import kept

BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
# Rows the schema itself brings (migrate creates them): a database holding only these is empty.
SCHEMA_ROWS = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}


class RestoreRefused(Exception):
    """The restore would replace data, or the file does not fit this database."""


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise RestoreRefused(_("Moteur de base de données non pris en charge : %(vendor)s.") % {"vendor": vendor})
    return vendor


def _pg_command(using: str) -> tuple[list[str], dict]:
    """Connection arguments and environment for pg_dump and pg_restore (the password never on the command line)."""
    db = connections[using].settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def backup_create(
    *, to: Path | None = None, using: str = DEFAULT_DB_ALIAS, now: datetime.datetime | None = None
) -> Path:
    """Write the whole database to `to` (default `backups/asis-<AAAAMMJJ-HHMMSS>.<sqlite3|pgdump>`)."""
    vendor = _vendor(using)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    path = Path(to) if to else BACKUP_DIR / f"asis-{stamp}.{'sqlite3' if vendor == 'sqlite' else 'pgdump'}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise RestoreRefused(_("Le fichier %(path)s existe déjà.") % {"path": path})
    connection = connections[using]
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        args, env = _pg_command(using)
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    return path


def database_is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """No table, or none holding a row beyond what migrate itself creates."""
    tables = set(connections[using].introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in SCHEMA_ROWS or model._meta.db_table not in tables:
            continue
        if model._meta.auto_created and model._meta.auto_created._meta.label_lower in SCHEMA_ROWS:
            continue  # a group's permissions
        if model._base_manager.using(using).exists():
            return False
    return True


def restore(*, path: Path, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> None:
    """Replace the database with the backup at `path`. Refused when the database holds data, unless `force`."""
    path = Path(path)
    vendor = _vendor(using)
    if not path.is_file():
        raise RestoreRefused(_("Aucune sauvegarde à %(path)s.") % {"path": path})
    with path.open("rb") as file:
        header = file.read(16)
    expected = SQLITE_HEADER if vendor == "sqlite" else PGDUMP_HEADER
    if not header.startswith(expected):
        raise RestoreRefused(
            _(
                "%(path)s n'est pas une sauvegarde de cette base (%(vendor)s) : une sauvegarde se restaure dans une base du même moteur."
            )
            % {"path": path, "vendor": vendor}
        )
    if not force and not database_is_empty(using):
        raise RestoreRefused(
            _(
                "La base de données n'est pas vide : la restauration remplacerait ses données. "
                "Restaurez dans une base vide, ou confirmez avec FORCE=1 (make) ou --force."
            )
        )
    version = kept.global_version(using) if kept.is_ready(using) else None  # moved past once restored (asis.kept)
    _replace(path=path, using=using, vendor=vendor)
    kept.move_past(version, using)


def _replace(*, path: Path, using: str, vendor: str) -> None:
    """The database replaced by the backup at `path`."""
    connection = connections[using]
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # no session of ours holds a lock on the tables pg_restore drops
        args, env = _pg_command(using)
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )


def _total(model, field, using) -> str:
    value = model._base_manager.using(using).aggregate(s=Sum(field, default=Decimal("0")))["s"]
    return str(Decimal(value).quantize(Decimal("0.01")))


def database_summary(using: str = DEFAULT_DB_ALIAS) -> dict:
    """Every table's row count and every decimal column's total, to the cent (money, running totals and their
    history): what a restore must give back. Read through the app registry, so it names no app's model."""
    connection = connections[using]
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            rows[table] = cursor.fetchone()[0]
    money = {
        f"{model._meta.label}.{field.name}": _total(model, field.name, using)
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, DecimalField)
    }
    return {"rows": rows, "money": money}
