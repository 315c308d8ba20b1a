from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from asis.health import run_checks


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return HttpResponsePermanentRedirect(static("images/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """200 when every part of settings.HEALTH_CHECKS is fine (database, migrations, free disk...), else 503 naming
    the failing parts: `{"status": "error", "failing": ["disk"], "database": "ok", "disk": "120 MB free..."}`."""
    results = run_checks()
    failing = [name for name, result in results.items() if result != "ok"]
    if failing:
        return JsonResponse({"status": "error", "failing": failing, **results}, status=503)
    return JsonResponse({"status": "ok", **results})
