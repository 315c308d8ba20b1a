"""The read API's access tokens (issue 22, part 3): each one lets a tool (Power BI, Excel, R, a funder's own system)
read one alliance's figures as one role of that alliance, the way a person holding that role reads its pages.

A token's secret is shown once, when it is issued; only its SHA-256 is kept (`key_hash`), with its first characters
(`prefix`) to tell tokens apart. A token is revoked, never deleted: the register says who issued and revoked what."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance, AllianceRole

# The roles a token may carry: an alliance's roles (a partner organisation reads its own projects on its pages)
Role = AllianceRole.Role
# The secret's first characters kept in clear to tell tokens apart (« asis_Ab3dE… »)
PREFIX_LENGTH = 10


def key_hash(secret: str) -> str:
    """The SHA-256 of a token's secret. A plain hash, not a slow password hash: the secret is 32 random bytes, which
    no one guesses, and a slow hash would cost every API request."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def in_alliance(self, alliance):
        return self.filter(alliance=alliance)

    def working(self):
        """Neither revoked nor expired (the issuer's right is checked when a request comes: authentication.py)."""
        today = timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today)
        )


class ApiToken(models.Model):
    alliance = models.ForeignKey(
        Alliance, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("alliance")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("À quoi il sert, pour le reconnaître : « Tableau Power BI du bailleur »")
    )
    prefix = models.CharField(_("début de la clé"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("émis par")
    )
    issued_at = models.DateTimeField(_("émis le"), default=timezone.now)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("révoqué par"),
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernier usage"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'accès à l'API")
        verbose_name_plural = _("jetons d'accès à l'API")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()
