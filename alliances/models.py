"""The alliance: a territory's partnership, mandated to run its plans one after another.

An alliance owns its plans (plans.Plan.alliance); organisations and people stay shared between alliances."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from asis.history_records import ChangeHistory
from organisations.models import Organisation


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
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
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
