"""The scheduled jobs the worker runs, each at most once a day from its hour of WORKER_JOB_HOURS (local time): the
nightly backup, the ledger's check, the personal-data purge, the reports' reminders and the
follow-ups six and twelve months after a final report (sustainability), and the notifications' digests (daily ones
every day, weekly ones on Mondays). A job that fails is noted in
its run (asis.JobRun) and is not tried again before the next day; a failed ledger check e-mails each alliance's
Coordination, through the outbox."""

import datetime
import logging
from io import StringIO

from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.models import AllianceRole
from asis.mail import send_after_commit
from asis.models import JobRun
from asis.worker import job_run_finish, job_run_start

logger = logging.getLogger(__name__)


def _backup(out) -> None:
    call_command("backup", keep=settings.BACKUP_KEEP, stdout=out, stderr=out)


def _check_budget(out) -> None:
    try:
        call_command("check_budget", stdout=out, stderr=out)
    except CommandError as error:
        out.write(f"{error}\n")
        _tell_coordination_the_budget_check_failed(out.getvalue())
        raise


def _check_figures(out) -> None:
    """The plan's kept totals (figures) against the rows they sum: a difference is told to Coordination, as the
    budget check's is, and left as it is (`check_figures --fix` rewrites them, by hand, once the cause is known)."""
    try:
        call_command("check_figures", stdout=out, stderr=out)
    except CommandError as error:
        out.write(f"{error}\n")
        _tell_coordination_the_budget_check_failed(out.getvalue(), check="check_figures")
        raise


def _purge_personal_data(out) -> None:
    call_command("purge_personal_data", stdout=out, stderr=out)


def _send_report_reminders(out) -> None:
    call_command("send_report_reminders", base_url=settings.PORTAL_URL, stdout=out, stderr=out)


def _send_sustainability_checks(out) -> None:
    call_command("send_sustainability_checks", base_url=settings.PORTAL_URL, stdout=out, stderr=out)


def _send_notification_digests(out) -> None:
    call_command("send_notification_digests", stdout=out, stderr=out)


JOBS = {
    "backup": _backup,
    "check_budget": _check_budget,
    "check_figures": _check_figures,
    "purge_personal_data": _purge_personal_data,
    "send_report_reminders": _send_report_reminders,
    "send_sustainability_checks": _send_sustainability_checks,
    "send_notification_digests": _send_notification_digests,
}


def _tell_coordination_the_budget_check_failed(report: str, *, check: str = "check_budget") -> None:
    """One e-mail to each alliance's Coordination (its open coordination roles), carrying that alliance; `check`
    names the nightly check that failed (the ledger's balances, or the plans' kept totals)."""
    rows = (
        AllianceRole.objects.open()
        .filter(role=AllianceRole.Role.COORDINATION)
        .values_list("alliance_id", "user__email")
    )
    by_alliance: dict[int, list[str]] = {}
    for alliance_id, address in rows:
        by_alliance.setdefault(alliance_id, []).append(address)
    for alliance_id, addresses in sorted(by_alliance.items()):
        send_after_commit(
            to=addresses,
            alliance_id=alliance_id,
            subject=_("ASIS : la vérification du budget a trouvé un écart"),
            body=(
                _(
                    "Bonjour,\n\nLa vérification de nuit du budget (check_budget) a trouvé des soldes qui ne "
                    "correspondent pas aux écritures :\n\n%(report)s\n\n"
                    "Aucun chiffre n'a été changé. Transmettez ce courriel à la personne qui administre le portail.\n\n"
                    "Le portail ASIS"
                )
                if check == "check_budget"
                else _(
                    "Bonjour,\n\nLa vérification de nuit des totaux tenus (check_figures) a trouvé des totaux qui ne "
                    "correspondent pas aux lignes qu'ils somment (projets, engagements, versements) :\n\n"
                    "%(report)s\n\nLes pages du plan montrent ces totaux : aucun n'a été changé. Transmettez ce "
                    "courriel à la personne qui administre le portail (manage.py check_figures --fix les réécrit).\n\n"
                    "Le portail ASIS"
                )
            )
            % {"report": report.strip()},
        )


def jobs_run_due(*, now: datetime.datetime | None = None) -> list[JobRun]:
    """Run each job whose hour has come today (local time) and that no worker ran today; the runs made."""
    now = timezone.localtime(now)
    today = now.date()
    done = set(JobRun.objects.filter(day=today).values_list("job", flat=True))  # 1
    runs = []
    for job, hour in sorted(settings.WORKER_JOB_HOURS.items(), key=lambda item: (item[1], item[0])):
        if job in done or now.hour < hour:
            continue
        run = job_run_start(job=job, day=today)
        if run is None:  # another worker claimed it in the meantime
            continue
        out = StringIO()
        try:
            JOBS[job](out)
        except Exception as error:  # noqa: BLE001 - a job's failure is noted in its run; the worker goes on
            logger.exception("Scheduled job %s failed", job)
            out.write(f"{type(error).__name__}: {error}\n")
            runs.append(job_run_finish(run, succeeded=False, output=out.getvalue()))
        else:
            runs.append(job_run_finish(run, succeeded=True, output=out.getvalue()))
    return runs
