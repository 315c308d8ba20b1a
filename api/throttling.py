"""Each token gets its own rate (API_THROTTLE_RATE, default 1 200 requests an hour), counted in Django's default cache:
per process without a shared cache, across processes with one (REDIS_URL). Requests without a token (the schema and
its documentation) are counted per address (API_ANONYMOUS_THROTTLE_RATE)."""

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request.user, "api_token", None)
        if token is None:
            return None  # no token: the anonymous throttle counts it
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anon"

    def get_cache_key(self, request, view):
        if getattr(request.user, "api_token", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
