"""A scratch database for the data migrations' tests: an empty database of the test database's kind, migrated
forward only as far as a test needs.

Why: walking the test database back from the latest migrations to alliances' or plans' early ones, then forward
again, took 60 to 115 s a test (Django renders the models' state at each of the ~200 later migrations); an empty
database reaches those early migrations in a few seconds, and the test database is left as it is.
"""

import copy

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.test import override_settings

from tests import scratch_database

ALIAS = "scratch"


class _EverythingToScratch:
    """Every model's reads and writes, the historical models of the migrations included, go to the scratch database."""

    def db_for_read(self, model, **hints):
        return ALIAS

    def db_for_write(self, model, **hints):
        return ALIAS


def _create(settings_dict, tmp_path) -> dict:
    scratch = copy.deepcopy(settings_dict)
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        # Named after this process's test database, so two processes or two engineers never share it.
        scratch["NAME"] = f"{settings_dict['NAME']}_scratch"[:63]
        scratch_database.create(settings_dict, scratch["NAME"])
    else:
        scratch["NAME"] = str(tmp_path / "scratch.sqlite3")
    return scratch


@pytest.fixture
def scratch(tmp_path):
    """`migrate(targets)` on an empty scratch database, returning the models as of those migrations; while the test
    runs, every query goes to that database. Dropped afterwards."""
    default = connections["default"].settings_dict
    # A connection of the handler's, not a database of the settings: Django's test case lets a test use such a
    # connection (it refuses the settings' databases a test did not declare, and this one is made during the test).
    scratch_settings = _create(default, tmp_path)
    connections[ALIAS] = load_backend(scratch_settings["ENGINE"]).DatabaseWrapper(scratch_settings, ALIAS)

    def migrate(targets):
        executor = MigrationExecutor(connections[ALIAS])
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    try:
        with override_settings(DATABASE_ROUTERS=[_EverythingToScratch()]):
            yield migrate
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        if default["ENGINE"] == "django.db.backends.postgresql":
            scratch_database.drop(default, scratch_settings["NAME"])
