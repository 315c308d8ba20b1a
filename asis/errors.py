"""The portal's own pages for a server error and a refused form (CSRF), in French or English, with its menu.

400, 403 and 404 are Django's views rendering templates/400.html, 403.html and 404.html; these two need more:
- the 500 page is rendered without the request, so no context processor runs and nothing queries the database
  (which may be what failed): the menu is the visitor's one, the page names the request id for the logs;
- a refused form (an expired page, a session ended in another tab) offers the way back to the form, or to sign in
  again, instead of Django's « 403 Forbidden ».
"""

from urllib.parse import urlencode, urlsplit

from django.http import HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.urls import reverse

from asis.logs import current_request_id
from asis.redirects import safe_next


def server_error(request, template_name="500.html"):
    """handler500: a plain template, no request in its context (no context processor, no query)."""
    body = loader.get_template(template_name).render({"reference": current_request_id()})
    return HttpResponseServerError(body)


def referring_form(request) -> str:
    """The page the refused form was posted from, when it is a page of this portal (else "")."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host() or not referer.path:
        return ""
    return safe_next(request, referer.path + (f"?{referer.query}" if referer.query else ""))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was refused, nothing was saved; back to the form, or sign in again."""
    form_url = referring_form(request)
    signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
    context = {
        "form_url": form_url,
        "login_url": reverse("login") + (f"?{urlencode({'next': form_url})}" if form_url else ""),
        "signed_in": signed_in,
    }
    body = loader.get_template("403_csrf.html").render(context, request)
    return HttpResponseForbidden(body)
