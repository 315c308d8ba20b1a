"""Which alliance, and which of its plans, a request is about: read from its address (alliances/addresses.py)."""

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve, set_script_prefix

from alliances.addresses import PLAN_SLUG, is_alliance_address, prefix_of, reserved_slugs
from alliances.models import Alliance, AllianceRole

# `/?alliances`: the list of the alliances, for a signed-in person (who is otherwise taken to their alliance's home)
ALL_ALLIANCES = "alliances"


class TemporaryRedirectKeepingMethod(HttpResponseRedirect):
    """307: a form posted to a former address is posted again, unchanged, to the alliance's address."""

    status_code = 307


class AllianceMiddleware:
    """Sets `request.alliance` (None on a page of no alliance) and `request.plan_slug` (None for the alliance's
    current plan), binds the signed-in user's roles to that alliance, and serves the page under the alliance's
    address prefix.

    - /<alliance>/<page> and /<alliance>/<plan>/<page>: that alliance (and plan); 404 for an unknown plan.
    - /<page> of an alliance (today's addresses) with a single alliance on the instance: that alliance, as before
      alliances existed; with several, a redirect to the alliance of the person's role (the first alliance
      otherwise). The home page lists the alliances to a visitor, and to a signed-in person at /?alliances (/ takes
      them to their alliance's home, as after signing in).
    - any other page (sign-in, the admin, the user guide, organisations, privacy, the region's /region/...): no
      alliance.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.alliance = None
        request.plan_slug = None
        first, slash, rest = request.path_info.lstrip("/").partition("/")
        if first and first not in reserved_slugs():
            alliance = Alliance.objects.filter(slug=first).first()  # 1
            if alliance is not None:
                if not slash:  # /rouyn-noranda → /rouyn-noranda/
                    return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
                return self._within(request, alliance, rest)
        return self._unprefixed(request)

    def _within(self, request, alliance, rest):
        request.alliance = alliance
        plan_part, slash, after = rest.partition("/")
        if PLAN_SLUG.match(plan_part):
            if not slash:
                return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
            request.plan_slug = plan_part
            rest = after
        if request.method in ("GET", "HEAD") and not is_alliance_address("/" + rest) and _is_page("/" + rest):
            # A page of no alliance (sign-in, the admin, the guide) linked from an alliance's page: its own address
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(get_script_prefix() + rest + (f"?{query}" if query else ""))
        request.path_info = "/" + rest
        return self._serve(request, prefix_of(alliance, request.plan_slug))

    def _unprefixed(self, request):
        if not is_alliance_address(request.path_info):
            return self._serve(request)  # a page of no alliance
        alliances = list(Alliance.objects.order_by("pk")[:2])  # 1
        if len(alliances) == 1:
            request.alliance = alliances[0]
            return self._serve(request)  # one alliance: its pages at today's addresses
        if len(alliances) == 0:
            return self._serve(request)
        if request.path_info == "/" and (not request.user.is_authenticated or ALL_ALLIANCES in request.GET):
            return self._serve(request)  # the home page lists the alliances (to a signed-in person when asked)
        slug = self._alliance_of(request.user) or alliances[0].slug
        target = prefix_of(slug).rstrip("/") + request.get_full_path()
        if request.method in ("GET", "HEAD"):
            return HttpResponseRedirect(target)
        return TemporaryRedirectKeepingMethod(target)

    def _serve(self, request, prefix=None):
        if request.user.is_authenticated:
            request.user.bind_alliance(request.alliance)
        if prefix is None:
            return self.get_response(request)
        previous = get_script_prefix()
        set_script_prefix(previous.rstrip("/") + prefix)
        try:
            return self.get_response(request)
        finally:
            set_script_prefix(previous)

    @staticmethod
    def _alliance_of(user) -> str | None:
        """The alliance whose pages a person's former address means: where they coordinate, else where they hold
        another role (the first alliance created among them)."""
        if not user.is_authenticated:
            return None
        coordination_first = Case(
            When(role=AllianceRole.Role.COORDINATION, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return (
            AllianceRole.objects.open()
            .filter(user=user)
            .order_by(coordination_first, "alliance_id")
            .values_list("alliance__slug", flat=True)
            .first()
        )


def _is_page(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True
