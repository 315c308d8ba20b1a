"""The pages of change requests (issue 20, part 4). Who may:

- ask: a member of the lead organisation of a project under agreement (not yet completed), from its agreement's page;
  anyone else who reads the agreement gets 403 (Coordination decides, it does not ask); anyone else 404;
- read a request: whoever reads its agreement (budget.access.get_agreement): Coordination, Personnel, the funder,
  members of the lead and partner organisations; anyone else 404;
- decide, see the list and set the threshold: Coordination (403 for the others).
A closed plan's requests are read, never asked nor decided (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from asis.forms import add_service_error
from budget import access
from budget.change_request_forms import ChangeDecisionForm, ChangeRequestForm, ChangeSettingsForm
from budget.models import Agreement, ChangeRequest
from budget.selectors import changes as change_selectors
from budget.services import changes as change_services
from organisations.access import coordination_required
from projects.models import Indicator, ProjectBudgetLine


@login_required
@require_http_methods(["GET", "POST"])
def change_request_create(request, pk):
    agreement = access.get_agreement(request, pk)
    project = agreement.project
    if not project.is_lead_member(request.user):
        raise PermissionDenied
    access.refuse_if_archived(request, project.theme.plan)
    if project.status not in change_services.CHANGEABLE:
        raise PermissionDenied(_("Ce projet est terminé : sa convention ne se modifie plus."))
    lines = list(
        ProjectBudgetLine.objects.filter(project=project)
        .select_related("category", "plan_year")
        .order_by("plan_year__number", "category__order", "category_id")
    )
    indicators = list(Indicator.objects.filter(project=project).order_by("order", "pk"))
    form = ChangeRequestForm(request.POST or None, project=project, lines=lines, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            change = change_services.change_request_create(
                agreement=agreement, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if change.status == ChangeRequest.Status.AUTO_ACCEPTED:
                messages.success(
                    request,
                    _(
                        "Déplacement accepté sans examen, sous le seuil de l'alliance : la convention passe à sa version %(version)s."
                    )
                    % {"version": change.amendment.version},
                )
            else:
                messages.success(request, _("Demande de modification envoyée à la Coordination."))
            return redirect(change)
    return render(
        request,
        "budget/change_request_form.html",
        {"form": form, "agreement": agreement, "lines": lines, "move_rows": form.move_rows},
    )


def _get_change_request(request, pk) -> ChangeRequest:
    """A request of the request's alliance whose agreement the user reads (404 otherwise)."""
    readable = Agreement.objects.in_alliance(request.alliance).visible_to(request.user)
    return get_object_or_404(
        change_selectors.with_details(ChangeRequest.objects.filter(agreement__in=readable)).select_related(
            "agreement__project__theme__plan"
        ),
        pk=pk,
    )


def _detail(request, change, form=None, status=200):
    can_decide = change.is_pending and access.can_write(request, change.agreement.project.theme.plan)
    context = {
        "change": change,
        "agreement": change.agreement,
        "can_decide": can_decide,
        "form": form or (ChangeDecisionForm() if can_decide else None),
    }
    return render(request, "budget/change_request_detail.html", context, status=status)


@require_safe
@login_required
def change_request_detail(request, pk):
    return _detail(request, _get_change_request(request, pk))


@coordination_required
@require_POST
def change_request_decide(request, pk):
    change = _get_change_request(request, pk)
    access.refuse_if_archived(request, change.agreement.project.theme.plan)
    form = ChangeDecisionForm(request.POST)
    accept = request.POST.get("decision") == "accept"
    if request.POST.get("decision") not in ("accept", "refuse"):
        form.add_error(None, _("Choisissez d'accepter ou de refuser la demande."))
    if form.is_valid():
        try:
            change_services.change_request_decide(
                request=change, accept=accept, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if accept:
                messages.success(request, _("Demande acceptée : la convention est modifiée par un avenant."))
            else:
                messages.success(request, _("Demande refusée."))
            return redirect(change)
    return _detail(request, change, form)


@require_safe
@coordination_required
def change_request_list(request):
    context = change_selectors.change_requests_to_decide(request.alliance)
    context["percent"] = change_services.auto_accept_percent(request.alliance.pk)
    return render(request, "budget/change_request_list.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def change_settings(request):
    percent = change_services.auto_accept_percent(request.alliance.pk)
    form = ChangeSettingsForm(request.POST or None, initial={"auto_accept_percent": percent})
    if request.method == "POST" and form.is_valid():
        try:
            change_services.change_settings_save(alliance=request.alliance, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Seuil enregistré."))
            return redirect("budget:change-request-list")
    return render(request, "budget/change_settings_form.html", {"form": form})
