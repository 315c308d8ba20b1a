"""`manage.py backup` then `manage.py restore` into an empty database give back every row, every cent and every
attachment (same files, same checksums).

The backup is taken from the test database and its attachments folder; the restore runs as `make restore` would,
in another process, into a separate database and attachments folder: a new SQLite file, or (when DATABASE_URL is
PostgreSQL) a new PostgreSQL database created for the test and dropped after it.
"""

import datetime
import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test import override_settings

from asis.backup import database_summary
from budget.models import Commitment, Disbursement
from budget.services import ledger as ledger_services
from organisations.models import User
from plans.models import PlanVersion

ROOT = Path(__file__).resolve().parents[2]
VERSION = (
    "import django, json; django.setup(); from plans.models import PlanVersion; "
    "print(json.dumps(dict(PlanVersion.objects.values_list('plan_id', 'version'))))"
)
SUMMARY = "import django, json; django.setup(); from asis.backup import database_summary; print(json.dumps(database_summary()))"


def _run(args, database_url, media_root, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "MEDIA_ROOT": str(media_root)}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def target_database(tmp_path):
    """The URL of a separate, empty database of the same engine as the tests'."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"], password=db["PASSWORD"]
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    yield f"postgres://{auth}{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _fill_the_database():
    """The reference data, the demo (made through the services: history rows included), a small
    generated volume (bulk inserts), and a reduction and a correction of the ledger."""
    call_command("load_asis")
    with override_settings(DEBUG=True):
        call_command("load_demo")
    call_command("generate_volume", scale=0.02, seed=7, today=datetime.date(2014, 6, 1))
    coordinator = User.objects.get(username="coordination")
    payment = Disbursement.objects.filter(commitment__project__is_demo=True).order_by("pk").first()
    ledger_services.disbursement_correct(
        disbursement=payment, delta=Decimal("-0.01"), corrected_on=payment.paid_on, reason="Arrondi", by=coordinator
    )
    commitment = (
        Commitment.objects.filter(project__is_demo=True)
        .alias(left=Commitment.CURRENT - F("disbursed_total"))
        .filter(left__gt=Decimal("1.00"))
        .order_by("pk")
        .first()
    )
    ledger_services.commitment_reduce(
        commitment=commitment,
        amount=Decimal("0.99"),
        reduced_on=commitment.decided_on,
        reason="Ajustement",
        by=coordinator,
        resolution=commitment.resolution,
    )


def _files(root: Path) -> dict[str, str]:
    """Every file under `root`, by its relative name: its SHA-256."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_back_every_row_cent_and_file(
    tmp_path, target_database, settings
):
    _fill_the_database()
    media = Path(settings.MEDIA_ROOT)
    # Besides the demo's attachment: a binary file of every byte value, and a name with an accent
    (media / "rapports" / "999").mkdir(parents=True, exist_ok=True)
    (media / "rapports" / "999" / "octets.bin").write_bytes(bytes(range(256)) * 1000)
    (media / "rapports" / "999" / "procès-verbal.pdf").write_bytes("%PDF-1.4 procès-verbal".encode())
    before = database_summary()
    files_before = _files(media)
    assert before["rows"]["budget_historicalcommitment"] > 0 and before["rows"]["budget_disbursementcorrection"] > 0
    assert before["rows"]["chantiers_reportattachment"] >= 1 and len(files_before) >= 3

    backup = tmp_path / "asis-20260601-020000.tar.gz"
    backup_versions = {str(pk): version for pk, version in PlanVersion.objects.values_list("plan_id", "version")}
    call_command("backup", output=backup)
    assert backup.stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    # An attachments folder that holds files is refused as a database that holds data is
    (restored_media / "rapports").mkdir(parents=True)
    (restored_media / "rapports" / "autre.pdf").write_bytes(b"%PDF autre")
    refused = _run(["manage.py", "restore", str(backup)], target_database, restored_media, check=False)
    assert refused.returncode != 0 and "contient des fichiers" in refused.stderr
    (restored_media / "rapports" / "autre.pdf").unlink()

    restored = _run(["manage.py", "restore", str(backup)], target_database, restored_media)
    assert f"{len(files_before)} pièce(s) jointe(s)" in restored.stdout
    after = json.loads(_run(["-c", SUMMARY], target_database, restored_media).stdout)

    assert after["money"] == before["money"]  # every money total, to the cent
    assert after["rows"] == before["rows"]  # every table, history and content types included
    assert before["money"]["budget.DisbursementCorrection.delta"] == "-0.01"
    assert _files(restored_media) == files_before  # every attachment, byte for byte, and nothing else

    # A second restore into what is now a database with data is refused, with the reason, unless forced.
    refused = _run(["manage.py", "restore", str(backup)], target_database, restored_media, check=False)
    assert refused.returncode != 0
    assert "n'est pas vide" in refused.stderr and "FORCE=1" in refused.stderr
    versions = json.loads(_run(["-c", VERSION], target_database, restored_media).stdout)
    # Forced, it replaces both: a file changed since is put back, a file the backup did not have is removed.
    changed = next(name for name in files_before if name.endswith("octets.bin"))
    (restored_media / changed).write_bytes(b"abime")
    (restored_media / "rapports" / "apres.pdf").write_bytes(b"%PDF apres")
    _run(["manage.py", "restore", str(backup), "--force"], target_database, restored_media)
    assert json.loads(_run(["-c", SUMMARY], target_database, restored_media).stdout) == before
    assert _files(restored_media) == files_before
    # Every plan's figures' version (plans.versions) is moved past the backup's and the replaced data's: a
    # process still running can never read figures it cached before the restore.
    restored_versions = json.loads(_run(["-c", VERSION], target_database, restored_media).stdout)
    assert set(restored_versions) == set(versions) and versions
    for plan, version in restored_versions.items():
        assert version > versions[plan] and version > backup_versions.get(plan, 0)


@pytest.mark.django_db
def test_a_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("bonjour")
    with pytest.raises(Exception, match="n'est pas une sauvegarde"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(Exception, match="Aucune sauvegarde"):
        call_command("restore", str(tmp_path / "absent.sqlite3"))
