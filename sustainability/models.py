"""After funding (issue 20, part 6): the lead organisation's follow-up six and twelve months after a project's final
report (« suivi de durabilité »), and the public register of practices others can reuse. Neither is ever deleted:
a check stays answered, a practice is unpublished."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from projects.models import ActionProject, ProgressReport

ANSWER_DAYS = 30  # a check not answered this many days after it is due is late


class SustainabilityCheckQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        """The checks of `alliance`'s projects; none on a page of no alliance."""
        return self.none() if alliance is None else self.filter(project__theme__plan__alliance=alliance)

    def visible_to(self, user):
        """Coordination and staff (of the bound alliance) see every check; a partner its organisations' (as lead)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(project__lead_id__in=user.organisation_ids())

    def answered(self):
        return self.filter(answered_at__isnull=False)

    def awaited(self):
        return self.filter(answered_at__isnull=True)

    def late(self, today=None):
        today = today or timezone.localdate()
        return self.awaited().filter(due_on__lt=today - datetime.timedelta(days=ANSWER_DAYS))


class SustainabilityCheck(models.Model):
    """« Suivi de durabilité »: six or twelve months after a project's final report, its lead says whether the
    action continues, who funds it now and what others could reuse. One per project and delay (never sent twice)."""

    class Months(models.IntegerChoices):
        SIX = 6, _("6 mois")
        TWELVE = 12, _("12 mois")

    class Continues(models.TextChoices):
        YES = "yes", _("Oui, entièrement")
        PARTLY = "partly", _("En partie")
        NO = "no", _("Non")

    project = models.ForeignKey(
        ActionProject, on_delete=models.PROTECT, related_name="sustainability_checks", verbose_name=_("projet")
    )
    final_report = models.ForeignKey(
        ProgressReport, on_delete=models.PROTECT, related_name="+", verbose_name=_("rapport final")
    )
    months = models.PositiveSmallIntegerField(_("délai"), choices=Months.choices)
    due_on = models.DateField(_("attendu le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("répondu par"),
    )
    continues = models.CharField(_("l'action continue"), max_length=10, choices=Continues.choices, blank=True)
    funded_by = models.TextField(_("qui la finance maintenant"), blank=True)
    reusable = models.TextField(_("ce que d'autres pourraient reprendre"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = SustainabilityCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("suivi de durabilité")
        verbose_name_plural = _("suivis de durabilité")
        ordering = ["-due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "months"], name="sustainability_check_once_per_delay"),
            models.CheckConstraint(condition=Q(months__in=(6, 12)), name="sustainability_check_months_6_or_12"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(continues=""),
                name="sustainability_check_answered_says_continues",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="sustainability_check_due_idx")]

    def __str__(self):
        return f"{self.project} — {self.get_months_display()}"

    def get_absolute_url(self):
        return reverse("sustainability:check-detail", kwargs={"pk": self.pk})

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_answered and (today - self.due_on).days > ANSWER_DAYS


class PracticeQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.none() if alliance is None else self.filter(project__theme__plan__alliance=alliance)

    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Published practices for everyone; the organisation's own and, for Coordination and staff, every one."""
        if not user.is_authenticated:
            return self.published()
        if user.sees_everything:
            return self
        return self.filter(Q(published=True) | Q(organisation_id__in=user.organisation_ids()))


class Practice(models.Model):
    """A practice an organisation publishes in the public register (« Pratiques à reprendre »): what it did in a
    project and what others could reuse. No personal data: a contact is a role in the organisation. Never deleted:
    unpublished, it leaves the register."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="practices", verbose_name=_("organisation")
    )
    project = models.OneToOneField(
        ActionProject, on_delete=models.PROTECT, related_name="practice", verbose_name=_("projet")
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("la pratique en bref"))
    reuse = models.TextField(_("ce que d'autres peuvent reprendre"))
    contact_role = models.CharField(
        _("personne à joindre (rôle)"),
        max_length=120,
        blank=True,
        help_text=_(
            "Un rôle dans l'organisation (par exemple « coordonnatrice »), jamais un nom, un courriel ni un "
            "téléphone : le registre est public."
        ),
    )
    published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pratique")
        verbose_name_plural = _("pratiques")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("sustainability:practice-detail", kwargs={"pk": self.pk})
