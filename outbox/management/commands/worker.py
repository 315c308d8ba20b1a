import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from outbox.worker import worker_pass

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Le processus d'arrière-plan : envoie les courriels en attente (avec nouvelles tentatives), lance les tâches "
        "planifiées (sauvegarde, vérification du budget, purge, rappels) une fois par jour et note son battement. "
        "--once fait un seul passage (tests, cron); sinon il recommence toutes les --sleep secondes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Un seul passage, puis s'arrêter.")
        parser.add_argument(
            "--sleep",
            type=int,
            default=settings.WORKER_SLEEP_SECONDS,
            help=f"Secondes entre deux passages ({settings.WORKER_SLEEP_SECONDS}).",
        )

    def handle(self, *args, once, sleep, verbosity=1, **options):
        self.verbosity = verbosity
        while True:
            try:
                done = worker_pass()
            except Exception:
                if once:
                    raise
                logger.exception("Worker pass failed; the next one starts in %s s", sleep)
            else:
                self._report(done)
            if once:
                return
            time.sleep(sleep)
            close_old_connections()  # a database restarted between two passes: the next one reconnects

    def _report(self, done):
        emails = done.emails
        if any(emails.values()) or done.runs or self.verbosity > 1:
            self.stdout.write(
                f"Courriels : {emails['sent']} envoyé(s), {emails['requeued']} à réessayer, {emails['failed']} en échec."
            )
        for run in done.runs:
            verdict = self.style.SUCCESS("réussie") if run.succeeded else self.style.ERROR("en échec")
            self.stdout.write(f"Tâche {run.job} : {verdict}")
