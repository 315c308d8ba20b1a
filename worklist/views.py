"""The alliance's home: « À traiter » for its Coordination and its staff, « Mon espace » for its partners (issue 23)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from pages import views as public_pages
from plans.access import request_plan
from worklist import partner, selectors


@require_GET
def home(request):
    """The alliance's home. Its Coordination lands on « À traiter » (every queue, with its actions), its staff on the
    short one (reports to read, reports late, the bilan to produce); a partner (anyone signed in who is neither, nor
    the regional funder) on « Mon espace » (their organisations' projects, what to do next); everyone else, and a
    page of no alliance (the list of the alliances at /), on the public overview, as before (pages.views.overview,
    also at its own address for those who land here)."""
    user = request.user
    if getattr(request, "alliance", None) is not None and user.is_authenticated and not user.is_funder:
        plan = request_plan(request, selectors.worklist_plans())  # 1 the plan of the address, with its alliance
        if plan is not None:
            if user.is_coordinator:
                context = selectors.coordination_worklist(plan, user)
                return render(request, "worklist/coordination.html", context)
            if user.sees_everything:
                return render(request, "worklist/staff.html", selectors.staff_worklist(plan, user))
            return render(request, "worklist/partner.html", partner.partner_space(plan, user))
    return public_pages.overview(request)
