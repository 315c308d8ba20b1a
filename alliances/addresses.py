"""An alliance's pages live under its address part: /<alliance>/... for its current plan, /<alliance>/<plan>/...
for another of its plans (/rouyn-noranda/2013-2016/bilan/).

The URLconf names each page once, without the prefix; `AllianceMiddleware` strips the prefix from the address
and sets it as the script prefix for the request, so every `{% url %}` and `reverse()` of the page stays within
the alliance and plan it shows, the way Django prefixes a site served under a sub-path. A link to another
alliance's page goes through `alliance_reverse` (or the `{% alliance_url %}` tag), which says which alliance.
"""

import re
from contextlib import contextmanager
from functools import cache

from django.urls import Resolver404, get_resolver, get_script_prefix, resolve, reverse, set_script_prefix

# A plan's address part: its years (2013-2016), with -2, -3 ... for a second plan of the same years
PLAN_SLUG = re.compile(r"^\d{4}-\d{4}(-\d+)?$")
# The URLconf of the pages that belong to an alliance (the others, such as sign-in or the admin, belong to none)
ALLIANCE_URLCONF = "asis.urls_alliance"
# The region's pages (/region/...) compare alliances, so they belong to none, though an app names them among its
# own (bilan:comparison): the middleware serves them without an alliance.
REGION = "region"


def prefix_of(alliance, plan=None) -> str:
    """The address prefix of `alliance`'s pages (of `plan`'s, for a plan other than its current one); each may be
    given as its object or its slug."""
    prefix = f"/{getattr(alliance, 'slug', alliance)}/"
    if plan is not None:
        prefix += f"{getattr(plan, 'slug', plan)}/"
    return prefix


@contextmanager
def addressed(alliance, plan=None, *, script_name: str = ""):
    """Within the block, `reverse()` and `{% url %}` give `alliance`'s (and `plan`'s) addresses."""
    previous = get_script_prefix()
    set_script_prefix(script_name.rstrip("/") + prefix_of(alliance, plan))
    try:
        yield
    finally:
        set_script_prefix(previous)


def alliance_reverse(alliance, viewname, *, plan=None, args=None, kwargs=None) -> str:
    """The address of page `viewname` of `alliance` (of its `plan` when given), wherever it is asked from."""
    with addressed(alliance, plan):
        return reverse(viewname, args=args, kwargs=kwargs)


def is_alliance_address(path: str) -> bool:
    """Whether `path` (without an alliance's prefix) is the address of a page that belongs to an alliance."""
    if path.startswith(f"/{REGION}/"):  # the region's pages: of no alliance
        return False
    try:
        resolve(path, urlconf=ALLIANCE_URLCONF)
    except Resolver404:
        return False
    return True


@cache
def reserved_slugs() -> frozenset[str]:
    """The first parts of the portal's own addresses (connexion, admin, projets ...): no alliance may take one."""
    return frozenset(_first_parts(get_resolver().url_patterns)) | {"static", "media", REGION}


def _first_parts(patterns):
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        first = route.split("/", 1)[0]
        if first:
            yield first
        elif hasattr(pattern, "url_patterns"):  # an include() at the root: its own first parts
            yield from _first_parts(pattern.url_patterns)
