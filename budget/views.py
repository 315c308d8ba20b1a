"""The envelope in the portal: overview, commitments and disbursements, all through budget.services."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login  # ledger
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q  # ledger
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from asis.templatetags.asis_format import format_money
from budget import selectors, services
from budget.forms import CommitmentForm, CommitmentReductionForm, DisbursementForm
from budget.forms import DisbursementCorrectionForm, HistoryFilterForm  # ledger
from budget.models import Commitment
from budget.models import Disbursement  # ledger
from chantiers.models import ActionProject  # ledger
from chantiers.models import Plan
from organisations.access import coordination_required, staff_or_coordination_required


def _plan():
    plan = Plan.objects.current()
    if plan is None:
        raise Http404
    return plan


@require_safe
@staff_or_coordination_required
def envelope(request):
    """Total, committed, disbursed and remaining, by source, theme, plan year, and every commitment."""
    plan = _plan()
    context = selectors.envelope_overview(plan)
    context["page"] = Paginator(selectors.commitments_page_queryset(plan), 25).get_page(request.GET.get("page"))
    context["recent_disbursements"] = selectors.recent_disbursements(plan)
    return render(request, "budget/envelope.html", context)


def _apply_service_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@coordination_required
@require_http_methods(["GET", "POST"])
def commitment_create(request):
    plan = _plan()
    initial = {}
    if project := request.GET.get("projet"):
        initial["project"] = project
    form = CommitmentForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s engagés envers « %(project)s ». Il reste %(left)s dans la source « %(source)s ».")
                % {
                    "amount": format_money(commitment.amount, cents=True),
                    "project": commitment.project.title,
                    "left": format_money(commitment.source.remaining, cents=True),
                    "source": commitment.source.name,
                },
            )
            return redirect("budget:envelope")
    return render(request, "budget/commitment_form.html", {"form": form, "plan": plan})


@coordination_required
@require_http_methods(["GET", "POST"])
def disbursement_create(request, pk):
    commitment = get_object_or_404(Commitment.objects.select_related("project", "source", "plan_year"), pk=pk)
    form = DisbursementForm(request.POST or None, commitment=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            services.disbursement_create(commitment=commitment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Versement enregistré."))
            return redirect("budget:envelope")
    return render(request, "budget/disbursement_form.html", {"form": form, "commitment": commitment})


@coordination_required
@require_http_methods(["GET", "POST"])
def commitment_reduce(request, pk):
    """Reduce or cancel a commitment by a new dated entry with its reason; the history stays on the page."""
    commitment = get_object_or_404(Commitment.objects.select_related("project", "source", "plan_year"), pk=pk)
    form = CommitmentReductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reduction = services.commitment_reduce(
                commitment=commitment, amount=data["amount"], reduced_on=data["reduced_on"], reason=data["reason"],
                cancel=data["cancel"], by=request.user,
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s retirés de l'engagement; ils retournent à la source « %(source)s ».")
                % {"amount": format_money(reduction.amount, cents=True), "source": commitment.source.name},
            )
            return redirect("budget:envelope")
    history = commitment.reductions.select_related("created_by")
    return render(request, "budget/commitment_reduce.html", {"form": form, "commitment": commitment, "history": history})


# ---------------------------------------------------------------- corrections of disbursements (ledger)


@coordination_required
@require_http_methods(["GET", "POST"])
def disbursement_correct(request, pk):
    """Correct a disbursement by a new dated entry with its reason; the payment as recorded stays on the page."""
    disbursement = get_object_or_404(
        Disbursement.objects.select_related("commitment__project", "commitment__source", "commitment__plan_year"), pk=pk
    )
    form = DisbursementCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction = services.disbursement_correct(
                disbursement=disbursement, delta=data["delta"], new_amount=data["new_amount"],
                corrected_on=data["corrected_on"], reason=data["reason"], by=request.user,
            )
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Versement corrigé de %(delta)s : il est maintenant de %(current)s.")
                % {
                    "delta": format_money(correction.delta, cents=True),
                    "current": format_money(correction.disbursement.current_amount, cents=True),
                },
            )
            return redirect("budget:envelope")
    history = disbursement.corrections.select_related("created_by")
    return render(request, "budget/disbursement_correct.html", {"form": form, "disbursement": disbursement, "history": history})


@require_safe
@staff_or_coordination_required
def history(request):
    """Every ledger entry of the plan, newest first (who, when, what, amount, reason), by project or source;
    with `?au=YYYY-MM-DD`, the balances per source rebuilt from the entries dated on or before that day."""
    plan = _plan()
    form = HistoryFilterForm(request.GET or None, plan=plan)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.ledger_history_queryset(plan, project=filters.get("project"), source=filters.get("source"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "form": form,
        "page": page,
        "entries": selectors.history_entries(page.object_list),
        "balances": selectors.balances_as_at(plan, filters["au"]) if filters.get("au") else None,
    }
    return render(request, "budget/history.html", context)


def _get_project_budget_for_user(request, pk) -> ActionProject:
    """Coordination and Personnel see every project's budget; members of its lead or partner
    organisations see theirs (read-only); anyone else gets 404."""
    projects = ActionProject.objects.select_related("lead", "theme__plan")
    if not request.user.sees_everything:
        org_ids = request.user.organisation_ids()
        projects = projects.filter(Q(lead_id__in=org_ids) | Q(partnerships__organisation_id__in=org_ids)).distinct()
    return get_object_or_404(projects, pk=pk)


@require_safe
def project_budget(request, pk):
    """One project's money: requested, committed and paid by plan year and by source, other funding, leverage."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    project = _get_project_budget_for_user(request, pk)
    return render(request, "budget/project_budget.html", selectors.project_budget(project))
