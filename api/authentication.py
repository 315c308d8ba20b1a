"""A request to the API names its token: `Authorization: Bearer <secret>`. The token acts as a person holding its role
in its alliance and belonging to no organisation: the pages' own role predicates (User.is_coordinator, reads_figures,
ActionProject.objects.visible_to …) then decide what it reads, so the API answers what that role reads on the pages
(tests/api/test_api_matrix.py checks it against the authorization matrix)."""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from alliances.models import AllianceRole
from api.models import ApiToken, Role, key_hash
from organisations.models import User

KEYWORD = "Bearer"
# `last_used_at` is written at most this often: the register says a token is in use without a write per request
USE_RECORDED_EVERY = datetime.timedelta(minutes=5)


def token_principal(token: ApiToken) -> User:
    """An unsaved user holding `token.role` in `token.alliance` and nothing else (no group, no organisation): the
    role predicates read these preloaded roles and never the database."""
    principal = User(username=f"jeton-{token.prefix}", first_name=token.name, is_active=True)
    principal._asis_group_names = set()
    principal._asis_org_ids = set()
    principal._asis_responsable_ids = set()
    principal._asis_alliance_roles = {token.alliance_id: token.role}
    principal.bind_alliance(token.alliance)
    principal.api_token = token
    return principal


def issuer_may_still(token: ApiToken) -> bool:
    """A token lives no longer than its issuer's right to issue it: an issuer whose account is closed, or who no
    longer holds Coordination (or, for a funder's token, the funder's role) in the alliance, leaves it dead."""
    issuer = token.issued_by
    if not issuer.is_active:
        return False
    if issuer.is_superuser or token.issuer_role == Role.COORDINATION:
        return True
    return token.role == Role.FUNDER and token.issuer_role == Role.FUNDER


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization invalide : « Bearer <jeton> » attendu."))
        try:
            secret = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Jeton invalide.")) from error
        issuer_role = (
            AllianceRole.objects.open()
            .filter(user=OuterRef("issued_by"), alliance=OuterRef("alliance"))
            .values("role")[:1]
        )
        token = (
            ApiToken.objects.working()
            .select_related("alliance", "issued_by")
            .annotate(issuer_role=Subquery(issuer_role))
            .filter(key_hash=key_hash(secret))
            .first()
        )  # 1 query
        if token is None or not issuer_may_still(token):
            raise exceptions.AuthenticationFailed(_("Jeton inconnu, révoqué ou expiré."))
        now = timezone.now()
        if token.last_used_at is None or token.last_used_at < now - USE_RECORDED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token_principal(token), token

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="api"'
