"""The worker's records (`python manage.py worker`, outbox/management/commands/worker.py): its heartbeat, read by
/healthz, and the scheduled jobs' runs, at most one per job and per day whatever the number of workers. This module
imports no domain app; the jobs themselves are outbox.jobs."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from asis.models import JobRun, WorkerHeartbeat

WORKER = "worker"


def heartbeat_record(*, name: str = WORKER, at: datetime.datetime | None = None) -> None:
    """Note that the worker `name` finished a pass now."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"beat_at": at or timezone.now()})


def worker_heartbeat(name: str = WORKER) -> datetime.datetime | None:
    """When the worker last finished a pass; None when it never ran (one query)."""
    return WorkerHeartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()


def job_run_start(*, job: str, day: datetime.date) -> JobRun | None:
    """Claim `job` for `day`: its run row, or None when a worker already ran it (or runs it) that day."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=job, day=day, started_at=timezone.now())
    except IntegrityError:
        return None


def job_run_finish(run: JobRun, *, succeeded: bool, output: str) -> JobRun:
    run.finished_at = timezone.now()
    run.succeeded = succeeded
    run.output = output[-10_000:]
    run.save(update_fields=["finished_at", "succeeded", "output"])
    return run
