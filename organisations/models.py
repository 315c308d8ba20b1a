import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.model_fields import URLField


class User(AbstractUser):
    """A person who logs in. Custom from the first migration (Django's advice)."""

    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    calendar_token = models.UUIDField(
        _("jeton du calendrier"), default=uuid.uuid4, unique=True, editable=False,
        help_text=_("Clé secrète de l'adresse iCalendar personnelle (abonnement Outlook ou Google Agenda)."),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.username

    # Role predicates read the groups prefetched once per request (no query after the first).
    def _group_names(self) -> set[str]:
        if not hasattr(self, "_asis_group_names"):
            self._asis_group_names = set(self.groups.values_list("name", flat=True)) if self.pk else set()
        return self._asis_group_names

    @property
    def is_coordinator(self) -> bool:
        from organisations.roles import COORDINATION

        return self.is_active and (self.is_superuser or COORDINATION in self._group_names())

    @property
    def is_personnel(self) -> bool:
        from organisations.roles import PERSONNEL

        return self.is_active and PERSONNEL in self._group_names()

    @property
    def sees_everything(self) -> bool:
        """Coordination and staff read every record (staff cannot change them)."""
        return self.is_coordinator or self.is_personnel

    def organisation_ids(self) -> set[int]:
        """Organisations this user is an active member of (one query, then cached)."""
        if not hasattr(self, "_asis_org_ids"):
            self._asis_org_ids = (
                set(self.memberships.filter(left_on__isnull=True).values_list("organisation_id", flat=True))
                if self.pk
                else set()
            )
        return self._asis_org_ids


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Organisation.Status.APPROVED)

    def active(self):
        return self.exclude(status=Organisation.Status.ARCHIVED)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("Organisme public")
        COMMUNITY = "community", _("Organisme communautaire")
        MUNICIPAL = "municipal", _("Municipal")
        PRIVATE = "private", _("Entreprise privée")
        CITIZENS = "citizens", _("Regroupement de citoyens")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente d'approbation")
        APPROVED = "approved", _("Approuvée")
        ARCHIVED = "archived", _("Archivée")

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=30, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    sector = models.CharField(_("secteur d'activité"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True, default="Rouyn-Noranda")
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = URLField(_("site Web"), blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.PENDING)
    is_coordinating_body = models.BooleanField(
        _("organisme coordonnateur"), default=False, help_text=_("L'organisme mandaté pour coordonner l'Alliance (RNVVS).")
    )
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_coordinating_body"],
                condition=Q(is_coordinating_body=True),
                name="organisations_organisation_one_coordinating_body",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    # Allowed status changes: pending -> approved -> archived (and back from archived).
    TRANSITIONS = {
        Status.PENDING: {Status.APPROVED, Status.ARCHIVED},
        Status.APPROVED: {Status.ARCHIVED},
        Status.ARCHIVED: {Status.APPROVED},
    }

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())


class Membership(models.Model):
    class Role(models.TextChoices):
        RESPONSABLE = "responsable", _("Responsable")
        MEMBER = "member", _("Membre")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("depuis le"), default=timezone.localdate)
    left_on = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre d'une organisation")
        verbose_name_plural = _("membres des organisations")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="organisations_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Citizen(models.Model):
    """A person taking part on their own behalf (principle 5: the citizen at the heart)."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    neighbourhood = models.CharField(_("quartier ou village"), max_length=120, blank=True)
    consent_to_contact = models.BooleanField(_("consent à être contacté"), default=False)
    consent_given_on = models.DateField(_("date du consentement"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("citoyen")
        verbose_name_plural = _("citoyens")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_to_contact=False) | Q(consent_given_on__isnull=False),
                name="organisations_citizen_consent_has_date",
                violation_error_message=_("Indiquez la date à laquelle le consentement a été donné."),
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
