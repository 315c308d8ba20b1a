"""`manage.py backup` then `manage.py restore` into an empty database give back every row and every cent.

The backup is taken from the test database; the restore runs as `make restore` would, in another
process, into a separate database: a new SQLite file, or (when DATABASE_URL is PostgreSQL) a new
PostgreSQL database created for the test and dropped after it.
"""

import datetime
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

from asis import kept
from asis.backup import database_summary
from budget.models import Commitment, Disbursement
from budget.services import ledger as ledger_services
from organisations.models import User

ROOT = Path(__file__).resolve().parents[2]
VERSION = "import django; django.setup(); from asis import kept; print(kept.current_version())"
SUMMARY = "import django, json; django.setup(); from asis.backup import database_summary; print(json.dumps(database_summary()))"


def _run(args, database_url, check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1"}
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
    )


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_back_every_row_and_cent(tmp_path, target_database):
    _fill_the_database()
    before = database_summary()
    assert before["rows"]["budget_historicalcommitment"] > 0 and before["rows"]["budget_disbursementcorrection"] > 0

    backup = tmp_path / ("asis.sqlite3" if connection.vendor == "sqlite" else "asis.pgdump")
    backup_version = kept.current_version()
    call_command("backup", output=backup)
    assert backup.stat().st_size > 0

    restored = _run(["manage.py", "restore", str(backup)], target_database)
    assert "Sauvegarde restaurée" in restored.stdout
    after = json.loads(_run(["-c", SUMMARY], target_database).stdout)

    assert after["money"] == before["money"]  # every money total, to the cent
    assert after["rows"] == before["rows"]  # every table, history and content types included
    assert before["money"]["budget.DisbursementCorrection.delta"] == "-0.01"

    # A second restore into what is now a database with data is refused, with the reason, unless forced.
    refused = _run(["manage.py", "restore", str(backup)], target_database, check=False)
    assert refused.returncode != 0
    assert "n'est pas vide" in refused.stderr and "FORCE=1" in refused.stderr
    version = _run(["-c", VERSION], target_database).stdout.strip()
    _run(["manage.py", "restore", str(backup), "--force"], target_database)
    assert json.loads(_run(["-c", SUMMARY], target_database).stdout) == before
    # The kept figures' data version (asis.kept) is moved past the backup's and the replaced data's: a
    # process still running can never read figures it kept before the restore.
    assert _run(["-c", VERSION], target_database).stdout.strip() not in (version, str(backup_version), "None")


@pytest.mark.django_db
def test_a_restore_refuses_a_file_that_is_not_a_backup_of_this_engine(tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("bonjour")
    with pytest.raises(Exception, match="n'est pas une sauvegarde"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(Exception, match="Aucune sauvegarde"):
        call_command("restore", str(tmp_path / "absent.sqlite3"))
