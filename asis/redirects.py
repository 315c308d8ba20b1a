"""Where a form posted from another page goes back to: its `next`, when it is one of the portal's own pages."""

from django.utils.http import url_has_allowed_host_and_scheme


def posted_next(request) -> str:
    """The `next` posted with the form when it is a path of this portal (`/rouyn-noranda/`), else "". A path only:
    another host, a scheme, or a bare word (which `redirect()` would take for a URL name) is refused."""
    target = request.POST.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target
