"""The backup archive itself: what it holds (the dump, the attachments, a manifest with checksums and the
migrations), that a full disk leaves nothing that looks like an archive, the retention (`--keep N`), and that a
restore refuses a damaged or foreign archive before it changes anything.

The restore of a whole portal, rows and files compared, is tests/asis/test_backup_restore.py."""

import errno
import hashlib
import io
import json
import tarfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from asis import backup as backup_module
from organisations.models import Organisation

# transaction=True: the dump reads committed data (pg_dump is another session; SQLite's backup API waits on an open
# transaction of the shared in-memory test database)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "rapports" / "7").mkdir(parents=True, exist_ok=True)
    (root / "rapports" / "7" / "facture.pdf").write_bytes(b"%PDF-1.4 facture")
    (root / "rapports" / "7" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return root


@pytest.fixture
def backups(settings, tmp_path):
    settings.BACKUP_ROOT = tmp_path / "sauvegardes"
    return settings.BACKUP_ROOT


def _manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.loads(archive.extractfile("manifest.json").read())


def test_make_backup_writes_one_archive_with_the_database_the_attachments_and_a_manifest(media, backups, capsys):
    call_command("backup")
    [archive] = backups.iterdir()
    assert backup_module.ARCHIVE_NAME.match(archive.name)  # asis-AAAAMMJJ-HHMMSS.tar.gz
    assert "2 pièce(s) jointe(s)" in capsys.readouterr().out
    manifest = _manifest(archive)
    dump = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    with tarfile.open(archive, "r:gz") as tar:
        assert sorted(tar.getnames()) == sorted(
            [dump, "manifest.json", "media/rapports/7/facture.pdf", "media/rapports/7/photo.png"]
        )
        assert hashlib.sha256(tar.extractfile(dump).read()).hexdigest() == manifest["database"]["sha256"]
        header = tar.extractfile(dump).read(16)
    assert header.startswith(b"SQLite format 3" if connection.vendor == "sqlite" else b"PGDMP")
    assert manifest["engine"] == connection.vendor
    assert manifest["media"]["rapports/7/facture.pdf"] == {
        "sha256": hashlib.sha256(b"%PDF-1.4 facture").hexdigest(),
        "size": 16,
    }
    # The schema's state: every migration applied, by app
    assert "0001_initial" in manifest["migrations"]["projects"]
    assert len(manifest["migrations"]["budget"]) > 1


@pytest.mark.parametrize(
    "where, code, message",
    [
        ("_add_file", errno.ENOSPC, "le disque est plein"),  # while the attachments are written
        ("_dump_database", errno.ENOSPC, "le disque est plein"),  # while the database is dumped
        ("_fsync", errno.EIO, "Input/output error"),  # the archive written, not yet on disk
        ("_dump_database", errno.EACCES, "écriture refusée"),
    ],
)
def test_a_failed_backup_leaves_no_archive_and_says_why(media, backups, where, code, message):
    call_command("backup", output=backups / "asis-20260101-010000.tar.gz")  # an earlier one, untouched
    error = OSError(code, __import__("os").strerror(code))
    with mock.patch.object(backup_module, where, side_effect=error), pytest.raises(CommandError) as failure:
        call_command("backup")
    assert message in str(failure.value) and "Aucune archive n'a été écrite" in str(failure.value)
    # Nothing but the earlier archive: no half archive under an archive's name, no temporary file
    assert [p.name for p in backups.iterdir()] == ["asis-20260101-010000.tar.gz"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's backup API (pg_dump reads a snapshot)")
def test_a_database_locked_too_long_ends_the_backup_with_a_clear_message(media, backups, monkeypatch):
    """A write transaction left open on the database (a stuck process) makes SQLite's backup wait: it gives up after
    SQLITE_BUSY_SECONDS instead of waiting for ever (the nightly job would never end), and writes no archive."""
    from django.db import transaction

    monkeypatch.setattr(backup_module, "SQLITE_BUSY_SECONDS", 0.3)
    with transaction.atomic():
        Organisation.objects.create(name="Écrit, pas encore validé")  # the connection now holds the write lock
        with pytest.raises(CommandError) as failure:
            call_command("backup")
    assert "verrouillée plus de 0.3 s" in str(failure.value) and "Aucune archive n'a été écrite" in str(failure.value)
    assert not backups.exists() or list(backups.iterdir()) == []


def test_keep_n_removes_only_our_older_archives(media, backups):
    backups.mkdir(parents=True)
    ours = ["asis-20260101-020000.tar.gz", "asis-20260102-020000.tar.gz", "asis-20260103-020000.tar.gz"]
    others = ["notes.txt", "asis-manuelle.tar.gz", "asis-20251231-020000.sqlite3", "asis-20251231-020000.pgdump"]
    for name in ours + others:
        (backups / name).write_bytes(b"x")
    call_command("backup", keep=2)
    [new] = [p.name for p in backups.iterdir() if p.name not in ours + others]
    assert sorted(p.name for p in backups.iterdir()) == sorted([new, "asis-20260103-020000.tar.gz", *others])
    with pytest.raises(CommandError, match="au moins 1"):
        call_command("backup", keep=0)


def _archive_with(path: Path, manifest: dict, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {**files, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def archive(media, backups):
    call_command("backup")
    [path] = backups.iterdir()
    return path


def _untouched(media, cast):
    """The refused restore changed nothing: the database's rows and the attachments are as they were."""
    assert Organisation.objects.filter(pk=cast.org_a.pk).exists()
    assert (media / "rapports" / "7" / "facture.pdf").read_bytes() == b"%PDF-1.4 facture"


def test_a_truncated_archive_is_refused_before_anything_changes(archive, media, cast, tmp_path):
    truncated = tmp_path / "asis-tronquee.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="incomplète ou endommagée"):
        call_command("restore", str(truncated), force=True)
    _untouched(media, cast)


def test_an_archive_whose_file_differs_from_its_checksum_is_refused(archive, media, cast, tmp_path):
    manifest = _manifest(archive)
    with tarfile.open(archive, "r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar if m.isfile() and m.name != "manifest.json"}
    files["media/rapports/7/photo.png"] = b"\x89PNG autre chose"
    tampered = _archive_with(tmp_path / "asis-alteree.tar.gz", manifest, files)
    with pytest.raises(CommandError, match="somme de contrôle de media/rapports/7/photo.png"):
        call_command("restore", str(tampered), force=True)
    _untouched(media, cast)
    (media / "rapports" / "7" / "photo.png").unlink()  # and a file missing from the archive
    del files["media/rapports/7/photo.png"]
    with pytest.raises(CommandError, match="photo.png manque"):
        call_command("restore", str(_archive_with(tmp_path / "asis-incomplete.tar.gz", manifest, files)), force=True)
    _untouched(media, cast)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"engine": "oracle"}, "n'est pas une sauvegarde de cette base"),
        ({"migrations": {"projects": ["0001_initial", "9999_plus_tard"]}}, "version plus récente du portail"),
        ({"version": 2}, "que cette version du portail ne lit pas"),
        ({"format": "autre"}, "pas une sauvegarde du portail"),
    ],
)
def test_an_archive_of_another_engine_or_a_newer_portal_is_refused(archive, media, cast, tmp_path, change, message):
    manifest = {**_manifest(archive), **change}
    foreign = _archive_with(tmp_path / "asis-autre.tar.gz", manifest, {})
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(foreign), force=True)
    _untouched(media, cast)
