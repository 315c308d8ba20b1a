"""The alliance's home: « À traiter » for its Coordination and its staff, « Mon espace » for its partners (issue 23)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from pages import views as public_pages
from plans.access import request_plan
from worklist import partner, selectors


@require_GET
def home(request):
    """The alliance's home. Its Coordination lands on « À traiter » (every queue, with its actions), its staff on the
    short one (reports to read, reports late, the bilan to produce); a partner (partner.has_partner_space) on « Mon
    espace » (their organisations' projects, what to do next); everyone else, and a
    page of no alliance (the list of the alliances at /), on the public overview, as before (pages.views.overview,
    also at its own address for those who land here)."""
    user = request.user
    has_home = user.is_authenticated and (user.sees_everything or partner.has_partner_space(user))
    if getattr(request, "alliance", None) is not None and has_home:
        plan = request_plan(request, selectors.worklist_plans(user))  # 1 the plan of the address, with its alliance
        if plan is not None:
            if user.is_coordinator:
                context = selectors.coordination_worklist(plan, user)
                return render(request, "worklist/coordination.html", context)
            if user.sees_everything:
                return render(request, "worklist/staff.html", selectors.staff_worklist(plan, user))
            return render(request, "worklist/partner.html", partner.partner_space(plan, user))
    return public_pages.overview(request)
