"""The parts /healthz checks (settings.HEALTH_CHECKS): each is called with no argument and returns None when its
part is fine, or a short English text saying what is wrong (for the operator, the load balancer and uptime checks).

The worker's heartbeat is one more (`worker`) when HEALTH_WORKER_MAX_AGE_SECONDS is set, as in production.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import import_string


def database() -> str | None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def migrations() -> str | None:
    """Every migration of the code is applied (the plan `migrate` would run is empty)."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} migration(s) not applied, first {plan[0][0].app_label}.{plan[0][0].name}"
    return None


def disk() -> str | None:
    """MEDIA_ROOT's disk (where report attachments go) has at least HEALTH_MIN_FREE_DISK_MB free."""
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:  # not created before the first upload
        folder = folder.parent
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    if free_mb < settings.HEALTH_MIN_FREE_DISK_MB:
        return f"{free_mb} MB free on MEDIA_ROOT's disk, under {settings.HEALTH_MIN_FREE_DISK_MB} MB"
    return None


def worker() -> str | None:
    """The worker (`manage.py worker`) finished a pass within HEALTH_WORKER_MAX_AGE_SECONDS: without it no e-mail
    leaves and no scheduled job runs, while every page still answers."""
    from asis.worker import worker_heartbeat  # asis.models: loaded once the apps are

    beat = worker_heartbeat()
    if beat is None:
        return "the worker never ran (manage.py worker)"
    age = (timezone.now() - beat).total_seconds()
    if age > settings.HEALTH_WORKER_MAX_AGE_SECONDS:
        return f"the worker's last pass was {int(age)} s ago, over {settings.HEALTH_WORKER_MAX_AGE_SECONDS} s"
    return None


def run_checks() -> dict[str, str]:
    """Each part's name (the function's) and "ok" or what is wrong; a check that raises is a failing part."""
    results = {}
    for path in settings.HEALTH_CHECKS:
        check = import_string(path)
        try:
            problem = check()
        except Exception as error:  # noqa: BLE001 — whatever breaks a part is that part failing, named in the answer
            problem = f"unavailable ({type(error).__name__})"
        results[path.rsplit(".", 1)[-1]] = "ok" if problem is None else problem
    return results
