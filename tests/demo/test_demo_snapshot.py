"""The demo copied back for a test (tests/demo_snapshot.py) is the demo its commands load: every row of every table,
its files and its e-mails; and a database that held other rows before gets a load of its own."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from organisations.models import Organisation, User
from projects.models import ActionProject
from tests import demo_snapshot
from tests.demo_snapshot import _files, _rows, _tables, load_asis_and_demo


def test_the_copied_demo_is_the_loaded_demo_row_for_row(db, monkeypatch):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    with transaction.atomic():
        load_asis_and_demo()  # loaded by its commands, and kept
        loaded, files, emails = _rows(_tables()), _files(), len(mail.outbox)
        transaction.set_rollback(True)
    assert loaded[ActionProject._meta.db_table] and files  # the demo has projects and a report's file
    for path in files:  # the files go with the rolled-back rows' test: remove them, the copy brings them back
        (demo_snapshot.Path(demo_snapshot.settings.MEDIA_ROOT) / path).unlink()
    mail.outbox.clear()

    load_asis_and_demo()  # copied back

    assert len(demo_snapshot._snapshots) == 1
    assert _rows(_tables()) == loaded
    assert _files() == files
    assert len(mail.outbox) == emails


def test_a_database_with_rows_of_its_own_gets_its_own_load(db, monkeypatch):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    with transaction.atomic():
        load_asis_and_demo()
        transaction.set_rollback(True)
    Organisation.objects.create(name="Organisme d’avant la démo")

    load_asis_and_demo()

    assert len(demo_snapshot._snapshots) == 2
    assert Organisation.objects.filter(name="Organisme d’avant la démo").exists()
    assert Organisation.objects.count() > 1


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_copy_gets_back_the_numbers_its_rows_point_at(monkeypatch, client):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    load_asis_and_demo()
    loaded = _rows(_tables())
    call_command("flush", interactive=False, verbosity=0)  # as between two browser tests
    assert _rows(_tables())["django_content_type"] != loaded["django_content_type"]  # numbered anew

    load_asis_and_demo()

    assert len(demo_snapshot._snapshots) == 1
    assert _rows(_tables()) == loaded
    client.force_login(User.objects.get(username="coordination"))
    assert client.get("/plan/", follow=True).status_code == 200
