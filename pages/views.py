from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budget.selectors.alliances import alliance_envelopes
from pages import selectors


@require_GET
def home(request):
    """The Alliance's plan at a glance: six themes, their spaces and projects, the envelope. On an instance with
    several alliances, the home page at / lists them (each alliance's home is at /<alliance>/)."""
    if getattr(request, "alliance", None) is None:
        alliances = alliance_envelopes()
        if len(alliances) > 1:
            return render(request, "pages/alliance_list.html", {"alliances": alliances})
    return render(request, "pages/home.html", selectors.plan_overview(request.user))


@require_GET
def plan_timeline(request):
    """The three plan years side by side: each theme's spaces and projects on the years they run."""
    return render(request, "pages/plan.html", selectors.plan_timeline(request.user))


@require_GET
def theme_detail(request, slug):
    """One priority theme: its spaces, projects, money, progress and meetings (public)."""
    context = selectors.theme_detail(
        request.user, slug, space_page=request.GET.get("lieux"), project_page=request.GET.get("page")
    )
    if context is None:
        raise Http404
    return render(request, "pages/theme_detail.html", context)
