"""A citizen's own account (issue 21, part 5) sees its own pages (/citoyen/...) and nothing else of the portal.

Whether the signed-in person is a citizen is read once, when they sign in, and kept in their session: the
confinement below then costs no query on any page. The account itself is linked by
`chantiers.services_citizen.citizen_account_accept`; a withdrawn account is inactive, so its session ends.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect

from organisations.models import Citizen

SESSION_KEY = "citizen_id"
HOME = "/citoyen/"
# What a citizen's account may open besides its own pages: signing in and out, its password, the language, the
# privacy policy, the user guide, the static files.
ALLOWED_PREFIXES = (
    "/citoyen/",
    "/connexion/",
    "/deconnexion/",
    "/mot-de-passe/",
    "/i18n/",
    "/aide/",
    "/static/",
    "/notifications/",  # their choices of e-mail notices, and the one-click unsubscribe of each e-mail
)
ALLOWED_PATHS = {"/confidentialite/", "/favicon.ico", "/healthz"}


def remember_citizen(sender, request, user, **kwargs):
    """On sign-in (`user_logged_in`): the citizen this account is, if any (one query, at sign-in only)."""
    citizen_id = Citizen.objects.filter(user=user).values_list("pk", flat=True).first()
    if citizen_id is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = citizen_id


def session_citizen_id(request) -> int | None:
    """The citizen the signed-in account is (None for every other account and for a visitor); no query."""
    if not request.user.is_authenticated:
        return None
    return request.session.get(SESSION_KEY)


class CitizenAccountMiddleware:
    """A citizen's account: its home is « Mes rencontres »; any other page of the portal is refused (403), as a
    partner's without rights is. Placed after the alliance middleware: the address is the page's, unprefixed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if session_citizen_id(request) is not None:
            path = request.path_info
            if path == "/":
                return HttpResponseRedirect(HOME)
            if not (path.startswith(ALLOWED_PREFIXES) or path in ALLOWED_PATHS):
                raise PermissionDenied
        return self.get_response(request)
