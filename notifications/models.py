"""What a person chose to receive by e-mail, per kind of notification (issue 21, part 4), and the notices that wait
for their digest. No row means the default: an immediate e-mail. Nothing is deleted: a notice sent keeps its
`sent_at` and the digest that carried it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MEETINGS = "meetings", _("Rencontres")
    FOLLOW_UPS = "follow_ups", _("Suivis à faire")
    PROJECTS = "projects", _("Projets et rapports")
    DECISIONS = "decisions", _("Décisions")


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Un courriel à chaque avis")
    DAILY = "daily", _("Un résumé par jour")
    WEEKLY = "weekly", _("Un résumé par semaine (le lundi)")
    NONE = "none", _("Aucun courriel")


DIGESTS = (Frequency.DAILY, Frequency.WEEKLY)


class NotificationPreference(models.Model):
    """How often `user` receives the notifications of one kind (set on « Mes avis par courriel » or by the
    unsubscribe link of an e-mail)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notification_preferences",
        verbose_name=_("personne"),
    )
    kind = models.CharField(_("sorte d'avis"), max_length=20, choices=Kind.choices)
    frequency = models.CharField(_("fréquence"), max_length=20, choices=Frequency.choices)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("préférence d'avis")
        verbose_name_plural = _("préférences d'avis")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_notificationpreference_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="notifications_notificationpreference_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="notifications_notificationpreference_frequency_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} : {self.get_frequency_display()}"


class PendingNoticeQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(sent_at__isnull=True)


class PendingNotice(models.Model):
    """One notification kept for `user`'s digest, written in their language when it happened. `sent_at` marks it
    sent (with the digest e-mail that carried it) or dropped (no digest: its kind was set to « Aucun courriel »
    before the digest left)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pending_notices", verbose_name=_("personne")
    )
    kind = models.CharField(_("sorte d'avis"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("objet"), max_length=255)
    body = models.TextField(_("texte"))
    alliance = models.ForeignKey(
        "alliances.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("alliance"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    digest_email = models.ForeignKey(
        "post_office.Email",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("courriel du résumé"),
    )

    objects = PendingNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("avis en attente de résumé")
        verbose_name_plural = _("avis en attente de résumé")
        indexes = [models.Index(fields=["sent_at", "user"], name="notif_notice_waiting_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="notifications_pendingnotice_kind_valid"
            ),
        ]

    def __str__(self):
        return self.subject
