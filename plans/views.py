from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from asis.forms import add_service_error
from organisations.access import coordination_required
from plans import services
from plans.access import current_plan_or_404, get_shared_indicator, reads_shared_indicators
from plans.forms import SharedIndicatorForm, SharedIndicatorMeasureForm
from plans.models import Plan, SharedIndicator, SharedIndicatorMeasure


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


# ---------------------------------------------------------------- shared indicators per theme (issue 21, part 1)


def _plan_for_change(request) -> Plan:
    plan = current_plan_or_404(request)
    if plan.is_archived:
        raise PermissionDenied(_("Ce plan est terminé : ses pages se consultent, elles ne se modifient plus."))
    return plan


@require_GET
def shared_indicator_list(request):
    """The plan's shared indicators by theme, each with its projects' links and, for a population one, its latest
    measure (2 queries past the session's: the plan, the indicators with their themes, links and latest measure)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not reads_shared_indicators(request.user):
        raise PermissionDenied(_("Les indicateurs partagés se consultent par les membres des organisations."))
    plan = current_plan_or_404(request)  # 1 the plan
    latest = SharedIndicatorMeasure.objects.filter(indicator=OuterRef("pk")).order_by("-measured_on", "-pk")
    indicators = list(  # 1 the indicators, their themes, how many projects' indicators link to each, latest measure
        SharedIndicator.objects.filter(theme__plan=plan)
        .select_related("theme")
        .annotate(
            linked=Count("project_indicators"),
            measured=Subquery(latest.values("value")[:1]),
            measured_on=Subquery(latest.values("measured_on")[:1]),
            measured_source=Subquery(latest.values("source")[:1]),
        )
        .order_by("theme__order", "-is_active", "category", "order", "pk")
    )
    by_theme = {}
    for indicator in indicators:
        by_theme.setdefault(indicator.theme, []).append(indicator)
    return render(
        request,
        "plans/shared_indicator_list.html",
        {
            "plan": plan,
            "by_theme": by_theme.items(),
            "can_manage": request.user.is_coordinator and not plan.is_archived,
        },
    )


@coordination_required
@require_http_methods(["GET", "POST"])
def shared_indicator_create(request):
    plan = _plan_for_change(request)
    themes = plan.themes.order_by("order")
    form = SharedIndicatorForm(request.POST or None, themes=themes, initial={"theme": request.GET.get("enjeu")})
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.shared_indicator_create(theme=form.cleaned_data["theme"], **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("L'indicateur partagé « %(name)s » est ajouté.") % {"name": indicator.name})
            return redirect("plans:shared-indicator-list")
    return render(
        request,
        "plans/shared_indicator_form.html",
        {"form": form, "indicator": None},
        status=400 if form.errors else 200,
    )


@coordination_required
@require_http_methods(["GET", "POST"])
def shared_indicator_update(request, pk):
    indicator = get_shared_indicator(request, pk, write=True)
    form = SharedIndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            services.shared_indicator_update(indicator=indicator, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("L'indicateur partagé est modifié."))
            return redirect("plans:shared-indicator-list")
    indicator.refresh_from_db()
    return render(
        request,
        "plans/shared_indicator_form.html",
        {"form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )


def _set_active(request, pk, active: bool, done: str):
    indicator = get_shared_indicator(request, pk, write=True)
    services.shared_indicator_set_active(indicator=indicator, active=active)
    messages.success(request, done % {"name": indicator.name})
    return redirect("plans:shared-indicator-list")


@coordination_required
@require_POST
def shared_indicator_archive(request, pk):
    return _set_active(
        request,
        pk,
        False,
        _("L'indicateur partagé « %(name)s » est archivé : les projets qui s'y rattachent le gardent."),
    )


@coordination_required
@require_POST
def shared_indicator_restore(request, pk):
    return _set_active(request, pk, True, _("L'indicateur partagé « %(name)s » est de nouveau en usage."))


@coordination_required
@require_http_methods(["GET", "POST"])
def shared_indicator_measure(request, pk):
    """A measure of a population indicator (its value, date and source), by Coordination."""
    indicator = get_shared_indicator(request, pk, write=True)
    if indicator.kind != SharedIndicator.Kind.POPULATION:
        raise Http404(_("Seul un indicateur de population se mesure ici."))
    form = SharedIndicatorMeasureForm(request.POST or None, initial={"source": indicator.source})
    if request.method == "POST" and form.is_valid():
        try:
            services.shared_indicator_measure_add(indicator=indicator, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La mesure de « %(name)s » est enregistrée.") % {"name": indicator.name})
            return redirect("plans:shared-indicator-list")
    return render(
        request,
        "plans/shared_indicator_measure.html",
        {"form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )
