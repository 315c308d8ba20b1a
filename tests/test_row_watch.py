"""The guards' row watch (tests/fuzzing.RowWatch) sees every change a request can make, though it reads the rows again
only after a statement that may write: a guard that stopped seeing writes would pass on a form that saves bad input."""

import pytest
from django.db import connection, transaction

from organisations.models import Organisation
from tests import factories as f
from tests.fuzzing import RowWatch

pytestmark = pytest.mark.django_db


def test_reads_change_nothing_and_are_not_read_again(django_assert_max_num_queries):
    f.make_organisation(name="Lue")
    rows = RowWatch()
    list(Organisation.objects.all())
    with django_assert_max_num_queries(0):  # no statement that writes: the rows are not read again
        assert rows.moved() == []


def test_an_insert_an_update_and_a_delete_are_seen():
    organisation = f.make_organisation(name="Avant")
    rows = RowWatch()
    f.make_organisation(name="Nouvelle")
    assert "organisations.Organisation" in rows.moved()
    Organisation.objects.filter(pk=organisation.pk).update(name="Après")  # a queryset's update: no history row
    assert rows.moved() == ["organisations.Organisation"]
    Organisation.objects.filter(pk=organisation.pk).delete()
    assert "organisations.Organisation" in rows.moved()
    assert rows.moved() == []


def test_raw_sql_is_seen():
    organisation = f.make_organisation(name="Avant")
    rows = RowWatch()
    with connection.cursor() as cursor:
        table = Organisation._meta.db_table
        cursor.execute(f"UPDATE {table} SET name = %s WHERE id = %s", ["Brute", organisation.pk])
    assert rows.moved() == ["organisations.Organisation"]


def test_a_write_rolled_back_leaves_the_rows_as_they_were():
    rows = RowWatch()
    with pytest.raises(RuntimeError), transaction.atomic():
        f.make_organisation(name="Annulée")
        raise RuntimeError
    assert rows.moved() == []
