"""The alliance: a territory's partnership, mandated to run its plans one after another.

An alliance owns its plans (plans.Plan.alliance); organisations and people stay shared between alliances. People
hold a role in an alliance (AllianceRole), recorded with who granted it and when it ended."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asis.history_records import ChangeHistory
from organisations.models import Organisation


def validate_not_reserved(slug: str) -> None:
    """An alliance's address part cannot be one of the portal's own (/connexion/, /projets/ ...)."""
    from alliances.addresses import reserved_slugs

    if slug in reserved_slugs():
        raise ValidationError(
            _("« %(slug)s » est une adresse du portail : choisissez un autre identifiant."), params={"slug": slug}
        )


class AllianceQuerySet(models.QuerySet):
    def default(self) -> "Alliance | None":
        """The instance's alliance until pages are scoped by alliance: the first one created (None without one).
        `Plan.objects.current()` is this alliance's current plan."""
        return self.order_by("pk").first()


class Alliance(models.Model):
    """An alliance for solidarity and social inclusion: a territory, its coordinating organisation, who mandated
    it and when, and who funds it."""

    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=20, blank=True)
    slug = models.SlugField(
        _("identifiant"),
        max_length=80,
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Début de l'adresse des pages de l'alliance, par exemple rouyn-noranda pour /rouyn-noranda/."),
    )
    territory = models.CharField(_("territoire"), max_length=255, blank=True)
    region = models.CharField(_("région"), max_length=255, blank=True)
    coordinating_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="coordinated_alliances",
        verbose_name=_("organisme coordonnateur"),
    )
    mandated_by = models.CharField(_("mandat confié par"), max_length=255, blank=True)
    mandate_date = models.CharField(_("date du mandat"), max_length=60, blank=True)
    funders = models.ManyToManyField(
        Organisation, blank=True, related_name="funded_alliances", verbose_name=_("bailleurs de fonds")
    )
    # Published as the contact point of the alliance's open data (bilan.catalogue): a role's address, never a person's
    contact_email = models.EmailField(
        _("courriel public de l'alliance"),
        blank=True,
        help_text=_(
            "Adresse publiée dans le catalogue des données ouvertes : une adresse de rôle (info@, coordination@), "
            "jamais celle d'une personne."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def current_plan(self):
        """This alliance's current plan (`PlanQuerySet.current()` among its plans); None before its first plan."""
        return self.plans.current()


class AllianceRoleQuerySet(models.QuerySet):
    def open(self):
        """Roles not ended: an ended role is kept for the record and grants nothing."""
        return self.filter(ended_on__isnull=True)


class AllianceRole(models.Model):
    """A person's role in one alliance, from its grant until its end; ended roles are kept, never deleted."""

    class Role(models.TextChoices):
        COORDINATION = "coordination", _("Coordination")
        PERSONNEL = "personnel", _("Personnel")
        FUNDER = "funder", _("Bailleur de fonds régional")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alliance_roles", verbose_name=_("personne")
    )
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="roles", verbose_name=_("alliance"))
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("attribué le"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attribué par"),
    )
    ended_on = models.DateField(_("terminé le"), null=True, blank=True)

    history = ChangeHistory()  # who, when, what changed (django-simple-history)

    objects = AllianceRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("rôle dans l'alliance")
        verbose_name_plural = _("rôles dans l'alliance")
        ordering = ["alliance", "user", "-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "alliance"],
                condition=Q(ended_on__isnull=True),
                name="alliances_alliancerole_one_open_per_user",
                violation_error_message=_(
                    "Cette personne a déjà un rôle en cours dans cette alliance : terminez-le d'abord."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.alliance})"

    def clean(self):
        # Here rather than in the service, so the admin's end date keeps the same rule.
        if self.ended_on and self.granted_at and self.ended_on < timezone.localdate(self.granted_at):
            raise ValidationError({"ended_on": _("Un rôle ne peut pas se terminer avant d'avoir été attribué.")})
