"""Where a form posted from another page goes back to: its `next`, when it is one of the portal's own pages."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, target: str) -> str:
    """`target` when it is a path of this portal (`/rouyn-noranda/`), else "". A path only: another host, a
    scheme, or a bare word (which `redirect()` would take for a URL name) is refused."""
    if not target.startswith("/") or target.startswith("//"):
        return ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return target


def posted_next(request) -> str:
    """The `next` posted with the form when it is a path of this portal, else ""."""
    return safe_next(request, request.POST.get("next", ""))


def requested_next(request) -> str:
    """The `next` of a form, posted or (on the GET that opens it) in the address, when it is a path of this portal,
    else "": the page a form opened from elsewhere goes back to."""
    return safe_next(request, request.POST.get("next", "") if request.method == "POST" else request.GET.get("next", ""))
