"""The register of an alliance's API tokens (/<alliance>/jetons-api/): Coordination issues tokens of every role and
sees and revokes all of them; the regional funder issues its own funder's tokens and sees and revokes those. A new
token's secret is shown once, on the answer to the form, never stored nor shown again."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from api import services
from api.forms import TokenIssueForm
from api.models import ApiToken


def _issuer_roles(request) -> list[str]:
    roles = services.roles_issued_by(request.user)
    if not roles:
        raise PermissionDenied
    return roles


def _tokens_seen(request):
    tokens = ApiToken.objects.in_alliance(request.alliance).select_related("issued_by", "revoked_by")
    return tokens if request.user.is_coordinator else tokens.filter(issued_by=request.user)


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    roles = _issuer_roles(request)
    form = TokenIssueForm(request.POST or None, roles=roles)
    secret = None
    if request.method == "POST" and form.is_valid():
        token, secret = services.token_issue(
            alliance=request.alliance,
            role=form.cleaned_data["role"],
            name=form.cleaned_data["name"],
            expires_on=form.cleaned_data["expires_on"],
            by=request.user,
        )
        form = TokenIssueForm(roles=roles)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": _tokens_seen(request)[:200],
            "secret": secret,
            "coordination": request.user.is_coordinator,
        },
    )


@require_POST
def token_revoke(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    _issuer_roles(request)
    token = get_object_or_404(_tokens_seen(request), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué : il n'ouvre plus rien.") % {"name": token.name})
    return redirect("tokens:token-list")
