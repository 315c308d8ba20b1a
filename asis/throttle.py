"""Hourly limits on what a visitor or a partner can make the portal do to others: send e-mail, open accounts.

Counters live in Django's default cache, one per (limit, hour, address or client), so they cost no
database row and vanish on their own. The window is a fixed clock hour (`MAIL_THROTTLE_WINDOW_SECONDS`):
simple and the same on every cache backend; at worst a sender gets twice the limit across an hour's edge.

The client is `client_address`, which django-axes uses too (AXES_CLIENT_IP_CALLABLE; `AXES_PROXY_COUNT`
behind a proxy), so the login lockout and these limits agree on who is asking. Callers give the same answer whether or not the e-mail left, so a
limit reached tells nobody whether an address has an account.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

_clock = time.time  # tests move the clock here


def _key(kind: str, value: str) -> str:
    bucket = int(_clock() // settings.MAIL_THROTTLE_WINDOW_SECONDS)
    # Hashed: e-mail addresses are not written in clear into the cache, and any value makes a valid key.
    digest = hashlib.sha256(value.strip().casefold().encode()).hexdigest()[:32]
    return f"asis-throttle:{kind}:{bucket}:{digest}"


def client_address(request) -> str | None:
    """The client's address, for these limits and for django-axes (its AXES_CLIENT_IP_CALLABLE).

    Directly, REMOTE_ADDR; X-Forwarded-For is then ignored, since anyone can write it. Behind
    AXES_PROXY_COUNT trusted proxies, the address the farthest of them received the request from: the
    AXES_PROXY_COUNT-th entry of X-Forwarded-For from the right (entries to its left are the client's word).
    Without this, every visitor behind the proxy would be one client (the proxy), sharing one limit.
    """
    count = settings.AXES_IPWARE_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass  # a misconfigured proxy: fall back to the connection's address
    return request.META.get("REMOTE_ADDR") or None


def _under(keys: list[tuple[str, int]]) -> bool:
    return all((cache.get(key) or 0) < limit for key, limit in keys)


def _count(keys: list[tuple[str, int]]) -> None:
    for key, _limit in keys:
        cache.add(key, 0, timeout=settings.MAIL_THROTTLE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            cache.set(key, 1, timeout=settings.MAIL_THROTTLE_WINDOW_SECONDS)


def _mail_keys(request, address: str) -> list[tuple[str, int]]:
    return [
        (_key("mail-to", address), settings.MAIL_THROTTLE_PER_ADDRESS),
        (_key("mail-from", client_address(request) or "unknown"), settings.MAIL_THROTTLE_PER_CLIENT),
    ]


def mail_allowed(request, address: str) -> bool:
    """Count one e-mail to `address` asked for by `request`; False (send nothing) once either hourly limit is reached."""
    keys = _mail_keys(request, address)
    if not _under(keys):
        return False
    _count(keys)
    return True


def client_mail_exhausted(request) -> bool:
    """This client has sent its hour's e-mails (says nothing about any address, so it may be told)."""
    return not _under(_mail_keys(request, "")[1:])


def client_allowed(request, action: str) -> bool:
    """Count one `action` (e.g. a sign-up) from this client; False once the hour's per-client limit is reached."""
    keys = [(_key(action, client_address(request) or "unknown"), settings.MAIL_THROTTLE_PER_CLIENT)]
    if not _under(keys):
        return False
    _count(keys)
    return True
