from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from budget.selectors.alliances import alliance_envelopes
from pages import selectors
from plans.access import request_plan, request_plans


@require_GET
def overview(request):
    """The Alliance's plan at a glance (« Vue publique »): six themes, their spaces and projects, the envelope. It is
    the alliance's home for every visitor but its Coordination and staff, who land on « À traiter » (worklist) and
    find it here. On an instance with several alliances, the home page at / lists them (each alliance's home is at
    /<alliance>/)."""
    if getattr(request, "alliance", None) is None:
        alliances = alliance_envelopes()
        if len(alliances) > 1:
            return render(request, "pages/alliance_list.html", {"alliances": alliances})
    plan = request_plan(request, selectors.overview_plans())  # the request's alliance's (plans.access)
    return render(request, "pages/home.html", selectors.plan_overview(request.user, plan))


@require_GET
def plan_timeline(request):
    """The three plan years side by side: each theme's spaces and projects on the years they run."""
    plan = request_plan(request, selectors.timeline_plans())
    return render(request, "pages/plan.html", selectors.plan_timeline(request.user, plan))


@require_GET
def theme_detail(request, slug):
    """One priority theme of the request's plans: its spaces, projects, money, progress and meetings (public)."""
    alliance = getattr(request, "alliance", None)
    context = selectors.theme_detail(
        request.user,
        slug,
        plans=request_plans(request),
        scope=(alliance.pk if alliance else None, getattr(request, "plan_slug", None)),
        space_page=request.GET.get("lieux"),
        project_page=request.GET.get("page"),
    )
    if context is None:
        raise Http404
    return render(request, "pages/theme_detail.html", context)
