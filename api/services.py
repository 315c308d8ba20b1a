"""Writes of the read API's tokens: issued by Coordination (any role of its alliance) or by the regional funder (a
funder's token, for its own tools), revoked by Coordination or by whoever issued it. Never deleted."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PREFIX_LENGTH, ApiToken, Role, key_hash

SECRET_PREFIX = "asis_"  # says what the secret opens, for whoever finds it in a script or a log


def roles_issued_by(user) -> list[str]:
    """The roles `user` may give a token of the alliance its request is bound to: Coordination, every role; the
    regional funder, its own; anyone else none."""
    if user.is_coordinator:
        return [Role.COORDINATION, Role.PERSONNEL, Role.FUNDER]
    if user.is_funder:
        return [Role.FUNDER]
    return []


def may_revoke(user, token: ApiToken) -> bool:
    return user.is_coordinator or token.issued_by_id == user.pk


@transaction.atomic
def token_issue(*, alliance, role: str, name: str, by, expires_on=None) -> tuple[ApiToken, str]:
    """A new token of `alliance` carrying `role`, and its secret (shown once: only its hash is kept)."""
    if role not in roles_issued_by(by):
        raise PermissionDenied(_("Vous ne pouvez pas émettre un jeton de ce rôle."))
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("La date d'expiration est passée.")})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        alliance=alliance,
        role=role,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=key_hash(secret),
        issued_by=by,
        expires_on=expires_on,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke `token` now: its next request answers 401. Revoking a revoked token changes nothing."""
    if not may_revoke(by, token):
        raise PermissionDenied(_("Seule la coordination ou la personne qui l'a émis peut révoquer ce jeton."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
