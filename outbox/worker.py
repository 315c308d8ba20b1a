"""One pass of the worker (`python manage.py worker`): send the e-mails that are due, run the scheduled jobs whose
hour has come, then record the heartbeat that /healthz reads (asis.worker.worker_heartbeat)."""

from dataclasses import dataclass

from asis.mail import email_send_queued
from asis.models import JobRun
from asis.worker import heartbeat_record
from outbox.jobs import jobs_run_due


@dataclass
class Pass:
    emails: dict[str, int]
    runs: list[JobRun]


def worker_pass() -> Pass:
    emails = email_send_queued()
    runs = jobs_run_due()
    heartbeat_record()
    return Pass(emails=emails, runs=runs)
