import logging
import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import empty

from asis import figures_cache, logs

request_log = logging.getLogger("asis.request")


class RequestLogMiddleware:
    """First of all: gives the request its id (`X-Request-ID` from the proxy when sane, else a new one), echoes it
    in the response, and logs one line when the response leaves: method, path, status, duration in ms, the user's
    id and the alliance. Reads the user only when the page did (never a query of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id, token = logs.start_request(request.headers.get("X-Request-ID"))
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response.headers["X-Request-ID"] = request.request_id
            return response
        finally:
            alliance = getattr(request, "alliance", None)
            request_log.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": _user_id(request),
                    "alliance": alliance.slug if alliance is not None else None,
                },
            )
            logs.end_request(token)


def _user_id(request):
    """The signed-in user's id when the page read who it was, else None (reading it here would cost a query)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class WritersSeeTheirWritesMiddleware:
    """Whoever has just written sees their write: a request that moved a plan's figures version marks its session
    with the time, and for WRITER_SECONDS after, that session's requests read current figures only (never the
    previous version another request is rebuilding: asis.figures_cache). After SessionMiddleware. A session that
    exists anyway (signed in) is read; an anonymous visitor without one costs nothing."""

    SESSION_KEY = "figures_wrote_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        wrote_at = session.get(self.SESSION_KEY) if session is not None and session.session_key else None
        recent = wrote_at is not None and 0 <= time.time() - wrote_at < figures_cache.WRITER_SECONDS
        with figures_cache.request_scope(current_only=recent) as state:
            response = self.get_response(request)
        if state.wrote and session is not None:
            session[self.SESSION_KEY] = time.time()
        return response


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy from settings on every response.

    Django 5.2 has no built-in CSP (it arrives in 6.0); the policy allows no
    inline script, so templates load every script from /static/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class FrenchFirstLocaleMiddleware:
    """French (fr-CA) for everyone until they choose English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    Quebec computers are set to English; the Alliance's portal speaks French first.
    The choice made with the switcher is kept in the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response
