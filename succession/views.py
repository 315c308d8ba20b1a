"""Closing a plan and starting the next one: Coordination of the plan's alliance only. A GET shows, a POST writes
(through succession.services); starting the next plan goes through a confirmation step that shows exactly what will
be carried and returned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alliances.models import AllianceRole
from alliances.selectors import role_in
from asis.forms import add_service_error
from asis.templatetags.asis_format import format_money
from plans.access import current_plan_or_404
from plans.models import Plan
from succession import services
from succession.forms import PlanCloseForm, PlanNextForm, SourceFormSet, sources_initial
from succession.selectors import plan_next_preview, plan_next_summary, previous_plan


def _plan_of_coordination(request) -> Plan:
    """The plan of the page (the address's, or the alliance's current one) when the user coordinates its alliance
    (or is a superuser); 403 otherwise."""
    plan = getattr(request, "plan", None) or current_plan_or_404(request, Plan.objects.select_related("alliance"))
    alliance = plan.alliance
    if not (request.user.is_superuser or role_in(request.user, alliance) == AllianceRole.Role.COORDINATION):
        raise PermissionDenied
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_close(request):
    """« Terminer le plan »: a confirmation and a note; the plan closes and its final bilan is frozen."""
    plan = _plan_of_coordination(request)
    form = PlanCloseForm(request.POST or None)
    if request.method == "POST" and plan.status == Plan.Status.CURRENT and form.is_valid():
        try:
            frozen = services.plan_close(plan=plan, closed_by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Le plan « %(plan)s » est terminé; son bilan %(period)s est figé.")
                % {"plan": plan.title, "period": frozen.period_label},
            )
            return redirect("succession:plan-next")
    return render(request, "succession/plan_close.html", {"plan": plan, "form": form})


def _sources(formset) -> list[dict]:
    """The sources of a valid formset, rows left empty aside."""
    return [row for row in formset.cleaned_data if row]


@login_required
@require_http_methods(["GET", "POST"])
def plan_next(request):
    """« Démarrer le plan suivant »: the closed plan's preview with every box ticked, then a confirmation step that
    shows what will be carried and returned, then the start (one transaction)."""
    plan = _plan_of_coordination(request)
    alliance = plan.alliance
    previous = previous_plan(alliance)
    if plan.status != Plan.Status.CLOSED or previous is None or previous.pk != plan.pk:
        # Only the alliance's last plan, once closed, has a next one to start here.
        return render(request, "succession/plan_next.html", {"plan": plan, "previous": previous, "preview": None})
    preview = plan_next_preview(plan=plan)
    step = request.POST.get("etape") if request.method == "POST" else None
    form = PlanNextForm(request.POST if step else None, preview=preview)
    formset = SourceFormSet(request.POST if step else None, initial=sources_initial(preview), prefix="sources")
    context = {"plan": plan, "preview": preview, "form": form, "formset": formset}
    if step in (PlanNextForm.STEP_PREVIEW, PlanNextForm.STEP_CONFIRM) and form.is_valid() and formset.is_valid():
        data, sources = form.cleaned_data, _sources(formset)
        if step == PlanNextForm.STEP_CONFIRM:
            try:
                started = services.plan_next_start(
                    alliance=alliance,
                    started_by=request.user,
                    title=data["title"],
                    start_date=data["start_date"],
                    sources=sources,
                    carry_theme_ids=data["themes"],
                    carry_space_ids=data["spaces"],
                    carry_criteria=data["criteria"],
                    carry_targets=data["targets"],
                    carry_project_ids=data["projects"],
                    keep_role_ids=data["roles"],
                    reason=data["reason"],
                    resolution=data["resolution"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Le plan « %(plan)s » a démarré : %(projects)s projets continuent avec %(carried)s; "
                        "%(returned)s retournent aux sources du plan précédent."
                    )
                    % {
                        "plan": started.plan.title,
                        "projects": started.projects,
                        "carried": format_money(started.carried),
                        "returned": format_money(started.returned),
                    },
                )
                for skipped in started.targets_skipped:
                    messages.warning(request, _("Cible non reportée : %(why)s") % {"why": skipped})
                return redirect("plan")
        if not form.errors:
            # The choices go to the confirmation as they were posted, in hidden inputs (written by the template:
            # Django's as_hidden keeps a help text's aria-describedby, which a hidden input may not have).
            context["posted"] = [
                (name, value)
                for name in request.POST
                if name not in ("csrfmiddlewaretoken", "etape")
                for value in request.POST.getlist(name)
            ]
            context["summary"] = plan_next_summary(
                preview=preview,
                start_date=data["start_date"],
                sources=sources,
                theme_ids=data["themes"],
                space_ids=data["spaces"],
                criteria=data["criteria"],
                targets=data["targets"],
                project_ids=data["projects"],
                role_ids=data["roles"],
            )
            return render(request, "succession/plan_next_confirm.html", context)
    return render(request, "succession/plan_next.html", context)
