"""Privacy under Quebec's Law 25: consents per purpose, people's requests, the log of what was
done with their information, and the confidentiality-incident register.

The tables were created by the organisations app and keep their names (`db_table`). The rules (due dates,
export, erasure, purge) are in `privacy/services.py`, the reads in `privacy/selectors.py`.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long things are kept, defined once (shown on the public page, used by the purge and the register).
REQUEST_DAYS = 30  # a person's request is answered within 30 days of its receipt (Law 25, s. 32 of the Act)
INCIDENT_YEARS = 5  # the incident register keeps each entry five years after its discovery


def years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ConsentPurpose(models.TextChoices):
    CONTACT = "contact", _("Être joint par la coordination")
    NEWS = "nouvelles", _("Recevoir les nouvelles de l'Alliance")
    SHARE_CONTACT = "coordonnees", _("Montrer mes coordonnées aux membres de mon organisation")
    ACCESS = "compte", _("Avoir mon compte citoyen dans le portail")


class ConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """One consent, for one purpose, of a user or a citizen: the text's version shown, when, and its withdrawal."""

    class Source(models.TextChoices):
        SIGNUP = "signup", _("À l'inscription")
        SELF = "self", _("Par la personne (Mes consentements)")
        COORDINATION = "coordination", _("Noté par la coordination")
        MIGRATION = "migration", _("Repris de l'ancien champ « consent à être contacté »")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("personne"),
    )
    citizen = models.ForeignKey(
        "organisations.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("citoyen"),
    )
    purpose = models.CharField(_("finalité"), max_length=20, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("version du texte"), max_length=40)
    text = models.TextField(_("texte présenté"))
    given_at = models.DateTimeField(_("donné le"), default=timezone.now)
    source = models.CharField(_("recueilli"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("noté par"),
    )
    withdrawn_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retiré par"),
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        db_table = "organisations_consent"
        ordering = ["-given_at", "-pk"]
        # Named as when the organisations app created them: the tables and their constraints did not move.
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, citizen__isnull=True) | Q(user__isnull=True, citizen__isnull=False),
                name="organisations_consent_one_person",
            ),
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(withdrawn_at__isnull=True, user__isnull=False),
                name="organisations_consent_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["citizen", "purpose"],
                condition=Q(withdrawn_at__isnull=True, citizen__isnull=False),
                name="organisations_consent_one_active_per_citizen",
            ),
        ]

    def __str__(self):
        return f"{self.user or self.citizen} — {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class PrivacyRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=PrivacyRequest.Status.OPEN)

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class PrivacyRequest(models.Model):
    """A person's request about their information (access, rectification, erasure, portability), due in 30 days."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Accès")
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Effacement")
        PORTABILITY = "portability", _("Portabilité")

    class Status(models.TextChoices):
        OPEN = "open", _("À traiter")
        DONE = "done", _("Traitée")
        REFUSED = "refused", _("Refusée")

    kind = models.CharField(_("type de demande"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("personne"),
    )
    citizen = models.ForeignKey(
        "organisations.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("citoyen"),
    )
    received_on = models.DateField(_("reçue le"))
    due_on = models.DateField(_("réponse due le"))
    details = models.TextField(_("précisions"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("réponse donnée"), blank=True)
    closed_on = models.DateField(_("fermée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consignée par"),
    )
    created_at = models.DateTimeField(_("consignée le"), auto_now_add=True)

    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'une personne")
        verbose_name_plural = _("demandes des personnes")
        db_table = "organisations_privacyrequest"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, citizen__isnull=True) | Q(user__isnull=True, citizen__isnull=False),
                name="organisations_privacyrequest_one_person",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")),
                name="organisations_privacyrequest_due_after_receipt",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.person}"

    def get_absolute_url(self):
        return reverse("privacy:privacy-request-detail", args=[self.pk])

    @property
    def person(self):
        return self.user or self.citizen

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


class PrivacyAction(models.Model):
    """The log: who did what with one person's information, when, and for which request."""

    class Action(models.TextChoices):
        REQUEST = "request", _("Demande consignée")
        REQUEST_CLOSED = "request_closed", _("Demande fermée")
        EXPORT_JSON = "export_json", _("Export JSON")
        EXPORT_CSV = "export_csv", _("Export CSV")
        RECTIFY = "rectify", _("Rectification")
        ERASE = "erase", _("Effacement (anonymisation)")
        PURGE = "purge", _("Anonymisation à la fin de la conservation")
        CONSENT_GIVEN = "consent_given", _("Consentement donné")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consentement retiré")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="privacy_actions",
        verbose_name=_("personne concernée"),
    )
    citizen = models.ForeignKey(
        "organisations.Citizen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="privacy_actions",
        verbose_name=_("citoyen concerné"),
    )
    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("demande"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
        help_text=_("Vide : la commande purge_personal_data."),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    summary = models.CharField(_("quoi"), max_length=255)
    changes = models.JSONField(_("changements"), default=dict, blank=True)

    class Meta:
        verbose_name = _("journal de confidentialité")
        verbose_name_plural = _("journal de confidentialité")
        db_table = "organisations_privacyaction"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.summary}"


class IncidentQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(
            _("Le registre des incidents de confidentialité se conserve cinq ans : rien ne s'y efface.")
        )


class ConfidentialityIncident(models.Model):
    """An entry of the register the regulation requires (Règlement sur les incidents de confidentialité, art. 11)."""

    information_involved = models.TextField(
        _("renseignements visés"), help_text=_("Description des renseignements personnels visés par l'incident.")
    )
    circumstances = models.TextField(_("circonstances de l'incident"))
    occurred_on = models.DateField(_("date ou période de l'incident"))
    occurred_until = models.DateField(_("fin de la période"), null=True, blank=True)
    discovered_on = models.DateField(_("date de la prise de connaissance"))
    people_affected = models.PositiveIntegerField(_("nombre de personnes concernées"))
    risk_assessment = models.TextField(
        _("évaluation du risque de préjudice sérieux"),
        help_text=_("Sensibilité des renseignements, conséquences appréhendées de leur utilisation et probabilité."),
    )
    serious_risk = models.BooleanField(_("risque de préjudice sérieux"), default=False)
    cai_notified_on = models.DateField(_("avis à la Commission d'accès à l'information le"), null=True, blank=True)
    people_notified_on = models.DateField(_("avis aux personnes concernées le"), null=True, blank=True)
    measures_taken = models.TextField(_("mesures prises"), help_text=_("Pour diminuer les risques de préjudice."))
    kept_until = models.DateField(_("conservé jusqu'au"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consigné par"),
    )
    recorded_at = models.DateTimeField(_("consigné le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident de confidentialité")
        verbose_name_plural = _("registre des incidents de confidentialité")
        db_table = "organisations_confidentialityincident"
        ordering = ["-discovered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discovered_on__gte=models.F("occurred_on")),
                name="organisations_confidentialityincident_discovered_after",
                violation_error_message=_("L'incident ne peut pas avoir été découvert avant d'avoir eu lieu."),
            ),
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True) | Q(occurred_until__gte=models.F("occurred_on")),
                name="organisations_confidentialityincident_period",
                violation_error_message=_("La fin de la période précède son début."),
            ),
        ]

    def __str__(self):
        return _("Incident découvert le %(day)s") % {"day": self.discovered_on.isoformat()}

    def get_absolute_url(self):
        return reverse("privacy:incident-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise ValidationError(
            _("Le registre des incidents de confidentialité se conserve cinq ans : rien ne s'y efface.")
        )

    @staticmethod
    def keep_until(discovered_on: datetime.date) -> datetime.date:
        return years_later(discovered_on, INCIDENT_YEARS)
