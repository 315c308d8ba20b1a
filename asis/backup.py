"""Backups and restores of the whole portal: the database and the report attachments, in one archive.

`backup_create` writes `asis-<AAAAMMJJ-HHMMSS>.tar.gz` holding:

- `database.sqlite3` (SQLite's online backup API: a consistent copy even while the portal runs) or
  `database.pgdump` (`pg_dump --format=custom`, read back by `pg_restore --clean`). Both copy every table as it
  is — history tables, content types, permissions and groups, sequences, and PostgreSQL's append-only
  triggers on the ledger — so nothing has to be matched by natural key on the way back;
- `media/…`: every file under `MEDIA_ROOT` (the report attachments), copied after the database, so every
  attachment a row of the dump names is in the archive;
- `manifest.json`: the engine, the migrations applied, and the SHA-256 and size of the dump and of every file.

The archive is written under a temporary name in the same folder, flushed to disk, then renamed: a full disk
or a crash leaves no file with an archive's name, and a restore checks every checksum before it changes
anything. `backups_prune` keeps the N newest archives of a folder and removes older ones, never another file.

A restore refuses a database that holds data, or an attachments folder that holds files, unless told
(`force`): it would replace them. It still reads the database-only `.sqlite3` and `.pgdump` files that
earlier versions wrote.
"""

import datetime
import errno
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from decimal import Decimal
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import DecimalField, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from asis import figures_cache
from asis.signals import database_restored

SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
GZIP_HEADER = b"\x1f\x8b"
# Rows the schema itself brings (migrate creates them): a database holding only these is empty.
SCHEMA_ROWS = {"contenttypes.contenttype", "auth.permission", "auth.group", "sessions.session"}

ARCHIVE_FORMAT = "asis-backup"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Only these names are ours: retention never removes another file of the folder.
ARCHIVE_NAME = re.compile(r"^asis-\d{8}-\d{6}\.tar\.gz$")
# A restore unpacks beside the attachments (same disk: the files are then moved, not copied); a backup skips it.
RESTORE_WORK_PREFIX = ".asis-restore-"
CHUNK = 1024 * 1024
# How long a backup of SQLite waits for a writer to let go of the database before it gives up (a write lock held that
# long is a stuck process: the nightly job then fails with a clear message instead of waiting for ever).
SQLITE_BUSY_SECONDS = 60


class RestoreRefused(Exception):
    """The restore would replace data, or the file does not fit this database."""


class BackupFailed(Exception):
    """The backup could not read the database (a lock held too long): no archive is written."""


def backup_dir() -> Path:
    """Where `make backup` writes its archives (`BACKUP_ROOT`, default `backups/` beside the code)."""
    return Path(getattr(settings, "BACKUP_ROOT", None) or Path(settings.BASE_DIR) / "backups")


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


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A file read once: into the archive and into its checksum at the same time."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _dump_database(path: Path, *, using: str, vendor: str) -> None:
    connection = connections[using]
    if vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        deadline = time.monotonic() + SQLITE_BUSY_SECONDS

        def give_up_when_locked_too_long(status, remaining, total):
            # sqlite3 retries a locked database for ever; this is called after each try, and raising stops it.
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
                raise BackupFailed(
                    _("La base de données est restée verrouillée plus de %(seconds)s s : sauvegarde abandonnée.")
                    % {"seconds": SQLITE_BUSY_SECONDS}
                )

        try:
            connection.connection.backup(target, progress=give_up_when_locked_too_long)
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


def _applied_migrations(using: str) -> dict[str, list[str]]:
    """The schema's state: the migrations applied, by app."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _media_files(root: Path):
    """Every file under `root` as (path, its name in POSIX form relative to `root`), in a stable order; a restore's
    work folder left out."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (folder == str(root) and d.startswith(RESTORE_WORK_PREFIX)))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
    archive.addfile(info, fileobj=io.BytesIO(data))


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict | None:
    """Add the file at `path` as `name`; its size and checksum (None: it was removed meanwhile, as an upload that
    was rolled back removes its file: no committed row names it)."""
    try:
        with path.open("rb") as file:
            info = archive.gettarinfo(fileobj=file, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            hashing = _Hashing(file)
            archive.addfile(info, fileobj=hashing)
    except FileNotFoundError:
        return None
    return {"sha256": hashing.digest.hexdigest(), "size": info.size}


def backup_create(
    *,
    to: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
    now: datetime.datetime | None = None,
) -> Path:
    """Write the database and the attachments to one archive at `to` (default
    `<BACKUP_ROOT>/asis-<AAAAMMJJ-HHMMSS>.tar.gz`). Written under a temporary name, then renamed: on any
    failure (a full disk, pg_dump refusing) no archive and no temporary file are left, and the error is raised."""
    vendor = _vendor(using)
    moment = timezone.localtime(now)
    path = Path(to) if to else backup_dir() / f"asis-{moment:%Y%m%d-%H%M%S}.tar.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        raise RestoreRefused(_("Le fichier %(path)s existe déjà.") % {"path": path})
    media_root = Path(settings.MEDIA_ROOT)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        dump = work / DUMP_NAMES[vendor]
        _dump_database(dump, using=using, vendor=vendor)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "version": ARCHIVE_VERSION,
            "created_at": moment.isoformat(),
            "engine": vendor,
            "migrations": _applied_migrations(using),
            "database": {"name": dump.name, "sha256": _sha256(dump), "size": dump.stat().st_size},
            "media": {},
        }
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", format=tarfile.PAX_FORMAT) as archive:
            archive.add(dump, arcname=dump.name)
            for file, name in _media_files(media_root):
                added = _add_file(archive, file, f"{MEDIA}/{name}")
                if added is not None:
                    manifest["media"][name] = added
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        _fsync(partial)
        os.replace(partial, path)  # same folder, so the same disk: atomic
        _fsync(path.parent)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return path


def backups_prune(*, directory: Path | None = None, keep: int) -> list[Path]:
    """Keep the `keep` newest archives of `directory` (named `asis-<AAAAMMJJ-HHMMSS>.tar.gz`) and remove the older
    ones; any other file stays. The removed paths, oldest first."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    directory = Path(directory or backup_dir())
    archives = sorted(p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name) and p.is_file())
    removed = archives[: max(len(archives) - keep, 0)]
    for archive in removed:
        archive.unlink()
    return removed


def backup_describe(path: Path) -> dict:
    """The manifest of the archive at `path`."""
    with tarfile.open(path, "r:gz") as archive:
        return _read_manifest(archive, path)


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


def _refuse_data(*, using: str, force: bool, media: bool) -> None:
    if force:
        return
    if not database_is_empty(using):
        raise RestoreRefused(
            _(
                "La base de données n'est pas vide : la restauration remplacerait ses données. "
                "Restaurez dans une base vide, ou confirmez avec FORCE=1 (make) ou --force."
            )
        )
    if media and next(_media_files(Path(settings.MEDIA_ROOT)), None) is not None:
        raise RestoreRefused(
            _(
                "Le dossier des pièces jointes (%(path)s) contient des fichiers : la restauration les remplacerait. "
                "Videz-le, ou confirmez avec FORCE=1 (make) ou --force."
            )
            % {"path": settings.MEDIA_ROOT}
        )


def restore(*, path: Path, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> dict | None:
    """Replace the database and the attachments with the backup at `path`; its manifest (None for a database-only
    backup of an earlier version). Refused when the database holds data or the attachments folder holds files,
    unless `force`; refused, before anything changes, when the archive is damaged."""
    path = Path(path)
    vendor = _vendor(using)
    if not path.is_file():
        raise RestoreRefused(_("Aucune sauvegarde à %(path)s.") % {"path": path})
    with path.open("rb") as file:
        header = file.read(16)
    if header.startswith(GZIP_HEADER):
        return _restore_archive(path=path, using=using, vendor=vendor, force=force)
    expected = SQLITE_HEADER if vendor == "sqlite" else PGDUMP_HEADER
    if not header.startswith(expected):
        raise RestoreRefused(_not_this_engine(path, vendor))
    _refuse_data(using=using, force=force, media=False)
    _replace(path=path, using=using, vendor=vendor)
    _restored(using)
    return None


def _restored(using: str) -> None:
    """The restored data brings back the figures' versions of the day of the backup: every plan's version moves past
    them (plans.versions, through the signal) and this process's cached figures go (a shared cache too)."""
    database_restored.send(sender=None, using=using)
    figures_cache.clear()


def _not_this_engine(path, vendor) -> str:
    return _(
        "%(path)s n'est pas une sauvegarde de cette base (%(vendor)s) : une sauvegarde se restaure dans une base du même moteur."
    ) % {"path": path, "vendor": vendor}


def _damaged(path, detail) -> RestoreRefused:
    return RestoreRefused(
        _("L'archive %(path)s est incomplète ou endommagée (%(detail)s) : rien n'a été restauré.")
        % {"path": path, "detail": detail}
    )


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except KeyError:
        raise _damaged(path, _("pas de manifeste")) from None
    except ValueError as error:
        raise _damaged(path, str(error)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise _damaged(path, _("pas une sauvegarde du portail"))
    if manifest.get("version") != ARCHIVE_VERSION:
        raise RestoreRefused(
            _("%(path)s est une sauvegarde au format %(version)s, que cette version du portail ne lit pas.")
            % {"path": path, "version": manifest.get("version")}
        )
    return manifest


def _unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the backup's database had applied that this code does not have (a backup of a newer portal)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]


def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def _restore_archive(*, path: Path, using: str, vendor: str, force: bool) -> dict:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=RESTORE_WORK_PREFIX, dir=media_root))
    try:
        try:
            with tarfile.open(path, "r:gz") as archive:
                manifest = _read_manifest(archive, path)
                if manifest.get("engine") != vendor:
                    raise RestoreRefused(_not_this_engine(path, vendor))
                unknown = _unknown_migrations(manifest)
                if unknown:
                    raise RestoreRefused(
                        _(
                            "%(path)s vient d'une version plus récente du portail (migrations inconnues ici : "
                            "%(names)s) : installez cette version avant de restaurer."
                        )
                        % {"path": path, "names": ", ".join(unknown[:5])}
                    )
                _refuse_data(using=using, force=force, media=True)
                wanted = {manifest["database"]["name"]} | {f"{MEDIA}/{name}" for name in manifest["media"]}
                if not all(_safe_name(name) for name in wanted):
                    raise _damaged(path, _("nom de fichier refusé"))
                for member in archive:
                    if member.name in wanted and member.isfile():
                        archive.extract(member, work, filter="data")
        except (tarfile.TarError, EOFError, zlib.error) as error:
            raise _damaged(path, str(error) or type(error).__name__) from None
        expected = {manifest["database"]["name"]: manifest["database"]} | {
            f"{MEDIA}/{name}": entry for name, entry in manifest["media"].items()
        }
        for name, entry in expected.items():
            file = work / name
            if not file.is_file():
                raise _damaged(path, _("%(name)s manque") % {"name": name})
            if file.stat().st_size != entry["size"] or _sha256(file) != entry["sha256"]:
                raise _damaged(path, _("la somme de contrôle de %(name)s ne correspond pas") % {"name": name})
        _replace(path=work / manifest["database"]["name"], using=using, vendor=vendor)
        _restored(using)
        _media_replace(source=work / MEDIA, root=media_root, names=set(manifest["media"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _media_replace(*, source: Path, root: Path, names: set[str]) -> None:
    """The attachments folder made the backup's: its files moved in (same disk), any other file removed."""
    for name in sorted(names):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source / name, target)
    for file, name in list(_media_files(root)):
        if name not in names:
            file.unlink()


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


def disk_error(error: OSError) -> str:
    """A file error as an operator reads it."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("le disque est plein (%(error)s)") % {"error": error}
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("écriture refusée (%(error)s)") % {"error": error}
    return str(error)


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
