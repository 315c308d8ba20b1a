from django.shortcuts import render
from django.views.decorators.http import require_GET

from plans.models import Plan


@require_GET
def plan_list(request):
    """An alliance's plans, the current one first, then the others from the latest: each one's pages stay
    readable at its address (/<alliance>/<plan>/), a closed plan's marked archived (public, as the plans are)."""
    alliance = request.alliance
    plans = list(Plan.objects.filter(alliance=alliance).current_first()) if alliance is not None else []
    current = [plan for plan in plans if plan.status == Plan.Status.CURRENT]
    others = sorted((plan for plan in plans if plan.status != Plan.Status.CURRENT), key=lambda p: p.start_date)
    return render(
        request, "plans/plan_list.html", {"alliance": alliance, "plans": current + others[::-1], "current": current}
    )
