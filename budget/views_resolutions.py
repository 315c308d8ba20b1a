"""The board's resolutions on the envelope's pages: the alliance's list, one resolution with the money that comes
from it, and recording one. Coordination writes; Personnel and the regional funder read (budget.access); partners
and anonymous visitors do not. Another alliance's resolution answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from asis.forms import add_service_error
from budget import access
from budget.forms_resolutions import ResolutionConflictFormSet, ResolutionForm
from budget.selectors import resolutions as resolution_selectors
from organisations.access import coordination_required
from projects.models import Resolution
from projects.services import resolutions as resolution_services


@require_safe
@access.figures_readers_only
def resolution_list(request):
    """The alliance's resolutions, the latest first, with the amounts committed, reduced and moved by each."""
    resolutions = resolution_selectors.resolutions_of(request.alliance)
    return render(
        request,
        "budget/resolution_list.html",
        {"resolutions": resolutions, "can_write": request.user.is_coordinator},
    )


@require_safe
@access.figures_readers_only
def resolution_detail(request, pk):
    """One resolution: its quorum, presences, conflicts and recusals, and each amount that comes from it."""
    resolution = get_object_or_404(
        Resolution.objects.filter(alliance=request.alliance).select_related("recorded_by"), pk=pk
    )
    context = {
        "resolution": resolution,
        "conflicts": list(resolution.conflicts.order_by("pk")),
        "decisions": list(resolution.board_decisions.select_related("project").order_by("pk")),
        "money": resolution_selectors.resolution_money(resolution),
    }
    return render(request, "budget/resolution_detail.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def resolution_create(request):
    """Record a resolution of the board; back to its page (or to `next`, the form that needs it)."""
    form = ResolutionForm(request.POST or None)
    conflicts = ResolutionConflictFormSet(request.POST or None, prefix="conflits")
    if request.method == "POST" and form.is_valid() and conflicts.is_valid():
        try:
            resolution = resolution_services.resolution_create(
                alliance=request.alliance,
                conflicts=[row for row in conflicts.cleaned_data if row],
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Résolution %(number)s enregistrée.") % {"number": resolution.number})
            return redirect("budget:resolution-detail", pk=resolution.pk)
    return render(request, "budget/resolution_form.html", {"form": form, "conflicts": conflicts})
