"""A database made by the last release migrates forward with every row.

The test extracts the code of BASE with `git archive`, builds a database with it (migrate,
`load_asis`, `load_demo`), then migrates that database with the code of this checkout and compares:
every table of the base is still there (or under the name RENAMED gives it), no table lost a row
(but the caches of MAY_SHRINK), the tables that hold data have exactly as many rows as before,
`check_budget` passes, and on PostgreSQL every trigger of the base (the ledger's append-only
triggers, budget/0005) is still in place.

Each step runs in a subprocess with this virtualenv's Python, so the base's code and ours never
share a process. The scratch database is a file under tmp_path on SQLite, a database of its own on
the test database's server on PostgreSQL (created and dropped here).
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests import scratch_database

# The last release before models moved between apps (issue 16). It stays at that release: moving
# it forward would only test a migration from a layout nobody's database has.
BASE = "68d945637749da46ac581f664e0f775c3c2db827"

# Tables renamed on the way (base name -> current name). Models that change app keep their table
# (`db_table`), so this stays empty unless a move says otherwise here.
RENAMED: dict[str, str] = {}

# Tables the current migrations drop on purpose, being no data: the versions of the kept figures (asis/0004, issue 18:
# the figures cache is keyed by each plan's version, plans.PlanVersion, instead).
DROPPED = {"asis_keptversion", "asis_allianceversion"}

# Tables the current migrations may add rows to: the migrations' own record, and the content types
# and permissions Django creates for new models after migrating.
MAY_GROW = {"django_migrations", "django_content_type", "auth_permission", "auth_group_permissions"}

# Caches the current migrations may empty, as the next read builds them again: the hyperconcertation figures and
# their state, whose one global row gave way to a row per alliance (chantiers/0016).
MAY_SHRINK = {"chantiers_meetingload", "chantiers_meetingloadstate"}

# Content types whose model changed name on the way (base app label and model -> current model): their rows
# and their permissions' rows are renamed in place. A model that changes app keeps its content type row (same
# id), moved in place by the new app's first migration.
RENAMED_MODELS: dict[tuple[str, str], str] = {
    ("chantiers", "chantier"): "space",
    ("chantiers", "chantiermembership"): "spacemembership",
    ("chantiers", "chantiercitizen"): "spacecitizen",
    ("chantiers", "historicalchantier"): "historicalspace",
}

REPO = Path(__file__).resolve().parents[1]

COUNT_ROWS = """
import json
from django.db import connection
counts = {}
with connection.cursor() as cursor:
    for table in connection.introspection.table_names(cursor):
        cursor.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(table))
        counts[table] = cursor.fetchone()[0]
print("COUNTS " + json.dumps(counts))
"""

# The role groups' permissions (id, content type id, codename) and every content type (id -> app label, model).
LIST_GRANTS = """
import json
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
grants = {
    group.name: sorted([p.pk, p.content_type_id, p.codename] for p in group.permissions.all())
    for group in Group.objects.filter(name__in=["Coordination", "Personnel"])
}
types = {str(ct.pk): [ct.app_label, ct.model] for ct in ContentType.objects.all()}
print("GRANTS " + json.dumps({"grants": grants, "types": types}))
"""

# Every plan of the base has an alliance afterwards, and each alliance exactly one current plan; the members of the
# Coordination and Personnel groups hold that role, open, in every alliance (user, role, how many alliances).
LIST_ALLIANCES = """
import json
from django.db.models import Count, Q
from alliances.models import Alliance
from plans.models import Plan
from alliances.models import AllianceRole
alliances = list(Alliance.objects.annotate(current=Count("plans", filter=Q(plans__status="current"))).values_list("name", "current"))
roles = sorted({(user, role, n) for user, role, n in AllianceRole.objects.open().values_list("user__username", "role").annotate(n=Count("alliance"))})
print("ALLIANCES " + json.dumps({"alliances": alliances, "without": Plan.objects.filter(alliance=None).count(), "roles": roles}))
"""

LIST_TRIGGERS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
    print("TRIGGERS " + json.dumps(sorted(cursor.fetchall())))
"""


def _git_tree(destination: Path) -> None:
    """Extracts BASE's tree into destination; skips outside a git checkout, except in CI."""
    problem = None
    if shutil.which("git") is None:
        problem = "git is not installed"
    else:
        found = subprocess.run(
            ["git", "-C", str(REPO), "cat-file", "-e", f"{BASE}^{{commit}}"], capture_output=True, text=True
        )
        if found.returncode != 0:
            problem = f"commit {BASE[:7]} is not in this checkout (not a git clone, or a shallow one)"
    shallow = (
        problem is not None
        and shutil.which("git") is not None
        and subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True
        ).stdout.strip()
        == "true"
    )
    if problem:
        # A shallow clone (`git clone --depth`) has no history to build the base from: nothing to test there.
        # Anywhere else CI must run it.
        if not shallow and (os.environ.get("CI") or os.environ.get("REQUIRE_MIGRATION_TEST")):
            pytest.fail(f"The migration-from-base test must run in CI: {problem}.")
        pytest.skip(f"Migration from {BASE[:7]} not tested: {problem}.")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", BASE], capture_output=True, check=True)
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        # The "data" filter (Python 3.11.4 and later) refuses links and paths that leave destination.
        tar.extractall(destination, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))


def _manage(code_dir: Path, env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=code_dir, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} in {code_dir} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _tagged(output: str, tag: str):
    line = next(line for line in output.splitlines() if line.startswith(tag + " "))
    return json.loads(line[len(tag) + 1 :])


@pytest.fixture
def scratch_database_url(tmp_path):
    """A DATABASE_URL for an empty database of the same kind as the test database."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'from-base.sqlite3'}"
        return
    # Named after this run's database, so engineers sharing a server never share a scratch database.
    name = f"{db['NAME']}_from_base"[:63]
    scratch_database.create(db, name)
    try:
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        yield f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        scratch_database.drop(db, name)


def test_a_database_made_by_the_base_migrates_forward_with_every_row(tmp_path, scratch_database_url):
    started = time.monotonic()
    base_dir = tmp_path / "base"
    base_dir.mkdir()
    _git_tree(base_dir)

    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_VERSION", "PYTHONPATH", "SECRET_KEY"}}
    # Development settings (the demo refuses to load otherwise); a throw-away SECRET_KEY is generated.
    env.update(
        DEBUG="1",
        DATABASE_URL=scratch_database_url,
        DJANGO_SETTINGS_MODULE="asis.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    postgresql = scratch_database_url.startswith("postgres")

    _manage(base_dir, env, "migrate", "--noinput")
    _manage(base_dir, env, "load_asis")
    _manage(base_dir, env, "load_demo")
    before = _tagged(_manage(base_dir, env, "shell", "-c", COUNT_ROWS), "COUNTS")
    grants_before = _tagged(_manage(base_dir, env, "shell", "-c", LIST_GRANTS), "GRANTS")
    triggers_before = _tagged(_manage(base_dir, env, "shell", "-c", LIST_TRIGGERS), "TRIGGERS") if postgresql else []

    _manage(REPO, env, "migrate", "--noinput")
    after = _tagged(_manage(REPO, env, "shell", "-c", COUNT_ROWS), "COUNTS")
    grants_after = _tagged(_manage(REPO, env, "shell", "-c", LIST_GRANTS), "GRANTS")

    assert before["budget_commitment"] > 0 and before["chantiers_actionproject"] > 0, "the demo was not loaded"
    lost_tables = [table for table in before if RENAMED.get(table, table) not in after and table not in DROPPED]
    assert lost_tables == [], f"tables of {BASE[:7]} missing after the migration: {lost_tables}"
    changed = {
        table: (count, after[RENAMED.get(table, table)])
        for table, count in before.items()
        if table not in DROPPED
        and after[RENAMED.get(table, table)] != count
        and not (table in MAY_GROW and after[RENAMED.get(table, table)] > count)
        and not (table in MAY_SHRINK and after[RENAMED.get(table, table)] < count)
    }
    assert changed == {}, f"row counts changed (before, after): {changed}"

    assert "Tous les soldes correspondent" in _manage(REPO, env, "check_budget")
    # Every kept total and value the migrations filled from the rows (figures, the projects' latest report and its
    # keys, the deadlines' flags …) is what check_figures recomputes from them: a fill that read the wrong rows
    # fails here, with the demo's rows, where a fresh test database has none to fill.
    assert "Tous les totaux tenus correspondent" in _manage(REPO, env, "check_figures")

    # Models that moved to another app kept their content type (same id, same model), so the permissions, the
    # groups' grants and the admin's log entries still point at them: the demo's Coordination and Personnel
    # groups hold exactly the permissions they held, by id and codename.
    lost_types = {
        pk: (app_label, model)
        for pk, (app_label, model) in grants_before["types"].items()
        if grants_after["types"].get(pk, [None, None])[1] != RENAMED_MODELS.get((app_label, model), model)
    }
    assert lost_types == {}, f"content types of {BASE[:7]} lost or changed model: {lost_types}"
    moved = sorted(
        {
            tuple(grants_after["types"][pk])
            for pk, (app_label, _m) in grants_before["types"].items()
            if grants_after["types"][pk][0] != app_label
        }
    )
    assert ("projects", "actionproject") in moved and ("plans", "plan") in moved, moved
    assert grants_before["grants"]["Personnel"], "the base's Personnel group holds no permission"
    codenames = {
        f"{action}_{old}": f"{action}_{new}"
        for (_app, old), new in RENAMED_MODELS.items()
        for action in ("add", "change", "delete", "view")
    }
    expected = {
        group: sorted([pk, type_id, codenames.get(codename, codename)] for pk, type_id, codename in grants)
        for group, grants in grants_before["grants"].items()
    }
    # Models new since the base (the alliance) bring their own permissions to the groups; the base's stay as they were.
    kept_grants = {
        group: [grant for grant in grants if str(grant[1]) in grants_before["types"]]
        for group, grants in grants_after["grants"].items()
    }
    assert kept_grants == expected, "the role groups' permissions changed"

    alliances = _tagged(_manage(REPO, env, "shell", "-c", LIST_ALLIANCES), "ALLIANCES")
    assert alliances["without"] == 0, "plans of the base without an alliance"
    assert alliances["alliances"] and all(current == 1 for _name, current in alliances["alliances"]), alliances
    everywhere = len(alliances["alliances"])
    assert ["coordination", "coordination", everywhere] in alliances["roles"], alliances["roles"]
    assert ["personnel", "personnel", everywhere] in alliances["roles"], alliances["roles"]

    if postgresql:
        triggers_after = _tagged(_manage(REPO, env, "shell", "-c", LIST_TRIGGERS), "TRIGGERS")
        renamed_before = [[RENAMED.get(table, table), name] for table, name in triggers_before]
        assert ["budget_commitment", "budget_commitment_append_only"] in renamed_before, (
            "the base has no ledger trigger: the test no longer sees what it guards"
        )
        lost_triggers = [trigger for trigger in renamed_before if trigger not in triggers_after]
        assert lost_triggers == [], f"triggers lost in the migration: {lost_triggers}"

    # Shown with -s: CI runs this on both databases, so its time counts.
    print(f"migration from {BASE[:7]}: {time.monotonic() - started:.1f} s")  # noqa: T201 (the time, shown with -s)
