from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailAlliance(models.Model):
    """The alliance an e-mail of the outbox (django-post-office's `Email`) belongs to: its Coordination sees it on
    /<alliance>/courriels/. An e-mail of no alliance (sign-up, password reset, an organisation's approval) has no
    row: the portal's operators see it. The alliance is named by its pk only (asis imports no domain app)."""

    email = models.OneToOneField(
        "post_office.Email", on_delete=models.CASCADE, primary_key=True, related_name="alliance_link"
    )
    alliance_id = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "asis_emailalliance"
        verbose_name = _("alliance d'un courriel")
        verbose_name_plural = _("alliances des courriels")

    def __str__(self):
        return f"{self.email_id}: {self.alliance_id}"


class WorkerHeartbeat(models.Model):
    """When the worker (`manage.py worker`) last finished a pass: one row per worker name, read by /healthz through
    `asis.worker.worker_heartbeat()`."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        db_table = "asis_workerheartbeat"
        verbose_name = _("battement du processus d'arrière-plan")
        verbose_name_plural = _("battements du processus d'arrière-plan")

    def __str__(self):
        return f"{self.name}: {self.beat_at.isoformat()}"


class JobRun(models.Model):
    """One run of a scheduled job (asis.worker): at most one per job and per day, whatever the number of workers
    (the unique constraint; the worker that inserts the row runs the job)."""

    job = models.CharField(_("tâche"), max_length=50)
    day = models.DateField(_("jour"))
    started_at = models.DateTimeField(_("début"))
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)
    succeeded = models.BooleanField(_("réussie"), null=True, blank=True)
    output = models.TextField(_("sortie"), blank=True)

    class Meta:
        db_table = "asis_jobrun"
        verbose_name = _("exécution d'une tâche planifiée")
        verbose_name_plural = _("exécutions des tâches planifiées")
        ordering = ["-day", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="asis_jobrun_once_a_day")]

    def __str__(self):
        return f"{self.job} {self.day.isoformat()}"
