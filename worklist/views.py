"""« À traiter »: the alliance's home for its Coordination and its staff (issue 23)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from pages import views as public_pages
from plans.access import request_plan
from worklist import selectors


@require_GET
def home(request):
    """The alliance's home. Its Coordination lands on « À traiter » (every queue, with its actions), its staff on the
    short one (reports to read, reports late, the bilan to produce); everyone else, and a page of no alliance (the
    list of the alliances at /), on the public overview, as before (pages.views.overview, also at its own address
    for those who land here)."""
    user = request.user
    if getattr(request, "alliance", None) is not None and user.is_authenticated and user.sees_everything:
        plan = request_plan(request, selectors.worklist_plans())  # 1 the plan of the address, with its alliance
        if plan is not None:
            if user.is_coordinator:
                context = selectors.coordination_worklist(plan, user)
                return render(request, "worklist/coordination.html", context)
            return render(request, "worklist/staff.html", selectors.staff_worklist(plan, user))
    return public_pages.overview(request)
