from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from asis import selectors


@require_GET
def home(request):
    """The Alliance's plan at a glance: six themes, their spaces and projects, the envelope."""
    return render(request, "home.html", selectors.plan_overview(request.user))


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return HttpResponsePermanentRedirect(static("images/favicon.svg"))


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer and uptime checks)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
def plan_timeline(request):
    """The three plan years side by side: each theme's spaces and projects on the years they run."""
    return render(request, "asis/plan.html", selectors.plan_timeline(request.user))


@require_GET
def theme_detail(request, slug):
    """One priority theme: its spaces, projects, money, progress and meetings (public)."""
    context = selectors.theme_detail(
        request.user, slug, space_page=request.GET.get("lieux"), project_page=request.GET.get("page")
    )
    if context is None:
        raise Http404
    return render(request, "asis/theme_detail.html", context)
