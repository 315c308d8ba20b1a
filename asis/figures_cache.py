"""Figures built on demand (the bilan for any period and filter, its PDF, the plan-wide pages' figures), cached with
Django's cache framework under the version of what they are built from (`plans.versions`: moved explicitly by the
services that write a plan's figures). LocMem in each process by default; Redis, shared by every process and server,
when REDIS_URL is set (settings.CACHES["figures"]).

The key names the figure, its scope (`key`: the plan, the filters, the kind of visitor), today's date and the active
language (figures say « late », labels are translated), hashed: cache keys stay short and ASCII. The version is the
last part of the key: a write moves it, and the entry built before is never read again as current.

No stampede after a write: when the entry of the current version is missing, one request builds it (it takes a short
lock, `cache.add`) while the others serve the entry of the previous version if there is one (a « latest » pointer per
figure and scope), else wait for the builder a few seconds, then build themselves. A value is pickled by every
backend: plain data only (no queryset, no live model instance shared between requests).

Except for the writer: whoever has just written must see their write, not the figures of before it. A request that
moved a plan's version (`note_write`, from plans.versions once its transaction committed) marks its session
(asis.middleware.WritersSeeTheirWritesMiddleware); for WRITER_SECONDS after, that session's requests never get the
previous version: they wait for the builder, or build.
"""

import contextvars
import hashlib
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import caches
from django.utils import timezone, translation

ALIAS = "figures"
LOCK_SECONDS = 180  # longer than the longest build (the PDF of a large plan): a builder that died frees it then
WAIT_SECONDS = 5.0  # how long a reader with nothing to serve waits for another's build before building itself
POLL_SECONDS = 0.05
WRITER_SECONDS = 60  # how long after their write a person's requests get current figures only (the redirect, a reload)
_MISSING = object()


@dataclass
class _Request:
    current_only: bool = False  # this request's person wrote a moment ago: no previous version for them
    wrote: bool = False  # this request moved a plan's version


_request = contextvars.ContextVar("figures_request", default=None)


@contextmanager
def request_scope(*, current_only: bool = False):
    """The figures' view of one request (asis.middleware.WritersSeeTheirWritesMiddleware): yields its `_Request`,
    whose `wrote` tells the middleware to mark the session."""
    state = _Request(current_only=current_only)
    token = _request.set(state)
    try:
        yield state
    finally:
        _request.reset(token)


def note_write() -> None:
    """A plan's version moved in this request (plans.versions, after the commit): its person gets current figures
    from now on (outside a request, a command's or the worker's write: nothing to note)."""
    state = _request.get()
    if state is not None:
        state.wrote = True


def _current_only() -> bool:
    state = _request.get()
    return state is not None and state.current_only


def _cache():
    return caches[ALIAS]


def _scope(name: str, key: tuple) -> str:
    """The figure's name and a digest of its scope (the key, today's date, the language)."""
    raw = repr((key, timezone.localdate().isoformat(), translation.get_language()))
    return f"figures:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def _version_part(version) -> str:
    if isinstance(version, int):
        return str(version)
    return hashlib.sha256(repr(version).encode()).hexdigest()[:16]  # a tuple of versions (a theme over plans)


def cached(name: str, version, key: tuple, build: Callable, *, timeout: int | None = None):
    """The figure `name` for `key` at `version`: read from the cache, else built by `build()` and cached. Without a
    version (None: the caller's transaction wrote these figures and has not committed), built and not cached."""
    if version is None:
        return build()
    cache = _cache()
    scope = _scope(name, key)
    entry = f"{scope}:{_version_part(version)}"
    value = cache.get(entry, _MISSING)
    if value is not _MISSING:
        return value
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if cache.add(f"{entry}:lock", 1, timeout=LOCK_SECONDS):
            try:
                return _build(cache, scope, version, entry, build, timeout)
            finally:
                cache.delete(f"{entry}:lock")
        previous = _MISSING if _current_only() else _previous(cache, scope, entry)
        if previous is not _MISSING:
            return previous  # another request builds the current version: the previous one meanwhile
        time.sleep(POLL_SECONDS)
        value = cache.get(entry, _MISSING)
        if value is not _MISSING:
            return value
        if time.monotonic() > deadline:
            return build()  # the builder is slow or gone: not waiting any longer (its entry will be cached)


def _previous(cache, scope: str, entry: str):
    """The entry of the previous version of this figure and scope, if still cached."""
    latest = cache.get(f"{scope}:latest")
    if latest is None or latest[1] == entry:
        return _MISSING
    return cache.get(latest[1], _MISSING)


def _build(cache, scope: str, version, entry: str, build: Callable, timeout: int | None):
    value = build()
    options = {} if timeout is None else {"timeout": timeout}
    latest = cache.get(f"{scope}:latest")
    if latest is not None and _older(version, latest[0]):
        cache.set(entry, value, **options)  # a slow build of a version already replaced: not the latest
        return value
    cache.set_many({entry: value, f"{scope}:latest": (version, entry)}, **options)
    if latest is not None and latest[1] != entry:
        cache.delete(latest[1])  # one version of each figure and scope in memory, not one per write
    return value


def _older(version, other) -> bool:
    try:
        return version < other
    except TypeError:
        return False


def clear() -> None:
    """Drop every cached figure (tests start cold; a restore brings back older data)."""
    _cache().clear()
