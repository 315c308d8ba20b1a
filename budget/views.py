"""The envelope in the portal: overview, commitments and disbursements, all through budget.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from asis.forms import add_service_error
from asis.redirects import posted_next, requested_next
from asis.templatetags.asis_format import format_money, long_date
from budget import access
from budget.forms import (
    AgreementForm,
    CommitmentForm,
    CommitmentReductionForm,
    DisbursementCorrectionForm,
    DisbursementForm,
    HistoryFilterForm,
    PlannedPaymentCancelForm,
    PlannedPaymentForm,
    PlannedPaymentReleaseForm,
    ReportDeadlineForm,
    TargetMoveForm,
    TargetsForm,
)
from budget.models import (
    ZERO,
    Agreement,
    FundingSource,
    TargetMove,
)
from budget.selectors import agreements as agreement_selectors
from budget.selectors import changes as change_selectors
from budget.selectors import envelope as envelope_selectors
from budget.selectors import ledger as ledger_selectors
from budget.selectors import project_budget as project_budget_selectors
from budget.selectors import targets as target_selectors
from budget.selectors import workspace as workspace_selectors
from budget.services import agreements as agreement_services
from budget.services import ledger as ledger_services
from budget.services import targets as target_services
from budget.services.changes import CHANGEABLE
from organisations.access import coordination_required, staff_or_coordination_required
from plans.access import request_plan, request_plans
from plans.models import Plan
from plans.versions import version_subquery
from projects.models import ActionProject, ProjectStatus


def _workspace(request, current: str) -> tuple:
    """The plan of a page of the money workspace (with its figures' version, plans.versions), its cached figures and what
    every sub-page passes to its template: the sub-navigation's `current` page and `can_write`."""
    plan = access.plan_for(request, Plan.objects.annotate(figures_version=version_subquery()))
    figures = envelope_selectors.envelope_figures(plan)  # sources, money per theme and year, targets, forecast, charts
    figures.update(
        {
            "current": current,
            "can_write": access.can_write(request, plan),
            "to_pay": figures["committed"] - figures["disbursed"],  # the reconciliation: engagé = versé + à verser
        }
    )
    return plan, figures


@require_safe
@access.figures_readers_only
def envelope(request):
    """« Vue d'ensemble » of the money workspace (issue 23): the envelope by source, granted, committed, paid and
    left to commit, with the one-line reconciliation, and what waits on the sub-pages (read by Coordination,
    Personnel and the regional funder, written to by Coordination alone)."""
    plan, context = _workspace(request, "envelope")
    context.update(workspace_selectors.waiting_counts(plan))
    return render(request, "budget/envelope.html", context)


@require_safe
@access.figures_readers_only
def commitments(request):
    """« Engagements »: the accepted projects not yet fully committed first, each with « Engager le solde »; then
    every commitment of the plan, the latest first, with « Verser » and « Réduire ou annuler »; then the money
    per project."""
    plan, context = _workspace(request, "commitments")
    sources = context["sources"]
    context["to_commit"] = workspace_selectors.projects_to_commit(plan, request.GET.get("engager"))
    context["page"] = envelope_selectors.commitments_page(
        plan, request.GET.get("page"), count=context["commitment_count"], sources=sources
    )
    context["projects_page"] = envelope_selectors.projects_page(
        plan, request.GET.get("projets"), themes=context["funded_themes"], sources=sources
    )
    return render(request, "budget/commitments.html", context)


@require_safe
@access.figures_readers_only
def payments(request):
    """« Versements »: what can be paid now, each with « Verser » (the planned payments free to pay, the soonest
    first, then the commitments with money left outside any schedule); the planned payments blocked by a report,
    naming it; the latest payments recorded, with « Corriger »."""
    plan, context = _workspace(request, "payments")
    context["payable"] = workspace_selectors.payments_to_make(plan, request.GET.get("page"), waiting=False)
    context["unscheduled"] = workspace_selectors.unscheduled_to_pay(
        plan, request.GET.get("hors"), sources=context["sources"]
    )
    context["waiting"] = workspace_selectors.payments_to_make(plan, request.GET.get("attente"), waiting=True)
    context["recent_disbursements"] = envelope_selectors.recent_disbursements(plan, sources=context["sources"])
    return render(request, "budget/payments.html", context)


@require_safe
@access.figures_readers_only
def charts(request):
    """« Graphiques »: the charts, each followed by its table, the money per theme and per plan year, and the
    forecast at the end of the plan."""
    _plan, context = _workspace(request, "charts")
    return render(request, "budget/charts.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def commitment_create(request):
    """Commit money of a source to a project. Beside the form: what is left in each source (and against the
    targets), and, for the project named by `?projet=`, what the board granted and the balance (the amount's
    default, as « Engager le solde » of « À traiter » gives it in `?montant=`). Back to `next` once done."""
    plan = access.plan_for(request, write=True)
    back = requested_next(request)
    form = CommitmentForm(request.POST or None, plan=plan)
    chosen = form.chosen_project(request.POST.get("project") if request.method == "POST" else request.GET.get("projet"))
    figures = workspace_selectors.commitment_form_figures(plan, chosen)
    if chosen is not None:
        form.initial["project"] = chosen.pk
        form.initial["amount"] = figures["granted"]["balance"] or None
    if amount := request.GET.get("montant"):  # « Engager le solde » (À traiter): what is left of the amount granted
        try:
            form.initial["amount"] = CommitmentForm.base_fields["amount"].clean(amount)
        except ValidationError:
            pass  # not an amount: the balance, or nothing
    if request.method == "POST" and form.is_valid():
        try:
            commitment = ledger_services.commitment_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s engagés envers « %(project)s ». Il reste %(left)s dans la source « %(source)s ».")
                % {
                    "amount": format_money(commitment.amount),
                    "project": commitment.project.title,
                    "left": format_money(commitment.source.remaining),
                    "source": commitment.source.name,
                },
            )
            return redirect(back or "budget:commitments")
    context = {"form": form, "plan": plan, "next": back, "back": back or reverse("budget:commitments"), **figures}
    return render(request, "budget/commitment_form.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def disbursement_create(request, pk):
    commitment = access.get_commitment(request, pk, write=True)
    back = requested_next(request)
    form = DisbursementForm(request.POST or None, commitment=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_services.disbursement_create(commitment=commitment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Versement enregistré."))
            return redirect(back or "budget:payments")
    context = {"form": form, "commitment": commitment, "next": back, "back": back or reverse("budget:payments")}
    return render(request, "budget/disbursement_form.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def commitment_reduce(request, pk):
    """Reduce or cancel a commitment by a new dated entry with its reason; the history stays on the page."""
    commitment = access.get_commitment(request, pk, write=True)
    back = requested_next(request)
    form = CommitmentReductionForm(request.POST or None, alliance_id=commitment.source.plan.alliance_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reduction = ledger_services.commitment_reduce(
                commitment=commitment,
                amount=data["amount"],
                reduced_on=data["reduced_on"],
                reason=data["reason"],
                cancel=data["cancel"],
                resolution=data["resolution"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s retirés de l'engagement; ils retournent à la source « %(source)s ».")
                % {"amount": format_money(reduction.amount), "source": commitment.source.name},
            )
            return redirect(back or "budget:commitments")
    context = {
        "form": form,
        "commitment": commitment,
        "history": commitment.reductions.select_related("created_by"),
        "next": back,
        "back": back or reverse("budget:commitments"),
    }
    return render(request, "budget/commitment_reduce.html", context)


# ---- targets


def _targets_context(plan, targets) -> dict:
    envelope = sum((s.amount for s in FundingSource.objects.filter(plan=plan)), ZERO)
    themes_total = sum((t.current for t in targets if t.theme_id), ZERO)
    years_total = sum((t.current for t in targets if t.plan_year_id), ZERO)
    return {
        "plan": plan,
        "envelope": envelope,
        "set_by_theme": {t.theme_id: t for t in targets if t.theme_id},
        "set_by_year": {t.plan_year_id: t for t in targets if t.plan_year_id},
        "themes_total": themes_total,
        "years_total": years_total,
        "themes_left": envelope - themes_total,
        "years_left": envelope - years_total,
    }


@access.figures_readers_only
@require_http_methods(["GET", "POST"])
def targets(request):
    """Set, once, the share of the envelope meant for each theme and each plan year (Coordination); Personnel and
    the regional funder read them."""
    plan = access.plan_for(request, Plan.objects.annotate(figures_version=version_subquery()))  # plans.versions
    can_write = access.can_write(request, plan)
    if request.method == "POST":
        if not request.user.is_coordinator:
            raise PermissionDenied
        if not can_write:
            raise access.archived_plan_refusal()
    current = target_selectors.targets_of(plan)
    form = TargetsForm(request.POST or None, plan=plan, targets=current)
    if request.method == "POST" and form.is_valid():
        try:
            created = target_services.targets_set(
                plan=plan, themes=form.theme_amounts(), years=form.year_amounts(), by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(count)s cible(s) fixée(s).") % {"count": len(created)})
            return redirect("budget:targets")
    context = _targets_context(plan, current)
    context["form"] = form
    context["can_write"] = can_write
    figures = envelope_selectors.envelope_figures(plan)  # target vs committed vs paid, and the moves (cached)
    context.update({key: figures[key] for key in ("targets", "has_targets", "moves")})

    def field(name):  # a reader sees the targets set, no input
        return form[name] if can_write and name in form.fields else None

    context["theme_rows"] = [(t, context["set_by_theme"].get(t.pk), field(f"theme_{t.pk}")) for t in form.themes]
    context["year_rows"] = [(y, context["set_by_year"].get(y.pk), field(f"year_{y.pk}")) for y in form.years]
    return render(request, "budget/targets.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def target_move(request):
    """Reallocate money between two themes or two years, or carry over what a year left to the next."""
    plan = access.plan_for(request, write=True)
    initial = {"kind": request.GET.get("type")} if request.GET.get("type") in TargetMove.Kind.values else {}
    if (origin := request.GET.get("de", "")).isascii() and origin.isdigit():  # "²".isdigit(), but int("²") fails
        initial["from_target"] = int(origin)
    form = TargetMoveForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            move = target_services.target_move(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(amount)s déplacés de « %(from)s » vers « %(to)s ».")
                % {
                    "amount": format_money(move.amount),
                    "from": move.from_target.label,
                    "to": move.to_target.label,
                },
            )
            return redirect("budget:targets")
    return render(
        request, "budget/target_move.html", {"form": form, "plan": plan, "moves": target_selectors.target_moves(plan)}
    )


# ---- agreements
# Coordination writes; Personnel and the regional funder read; members of the lead or partner organisations read
# their own project's agreement; anyone else gets 404, an anonymous visitor the login page (budget/access.py).


@require_safe
@login_required
def agreement_list(request):
    """Every agreement of the request's alliance the user may read (of the plan its address names, if it names
    one): committed, planned and paid, the next payment due, those waiting for a report."""
    agreements = (
        Agreement.objects.filter(project__theme__plan__in=request_plans(request))
        .visible_to(request.user)
        .with_totals()
        .select_related("project__lead")
        .order_by("-signed_on", "-pk")
    )
    plan = request_plan(request) if request.user.is_coordinator else None  # where agreements are signed
    context = {
        "page": Paginator(agreements, 25).get_page(request.GET.get("page")),
        "can_write": plan is not None and access.can_write(request, plan),
    }
    if context["can_write"]:
        context["awaiting"] = list(
            ActionProject.objects.filter(theme__plan=plan, status=ProjectStatus.ACCEPTED, agreement__isnull=True)
            .select_related("lead")
            .order_by("title")
        )
    return render(request, "budget/agreement_list.html", context)


@coordination_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    plan = access.plan_for(request, write=True)
    initial = {"signed_on": timezone.localdate()}
    if project := request.GET.get("projet"):
        initial["project"] = project
    form = AgreementForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_services.agreement_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Convention signée avec « %(project)s ». Le projet passe à « Convention signée ».")
                % {"project": agreement.project.title},
            )
            return redirect(agreement)
    return render(request, "budget/agreement_form.html", {"form": form})


@require_safe
@login_required
def agreement_detail(request, pk):
    agreement = access.get_agreement(request, pk)
    can_write = access.can_write(request, agreement.project.theme.plan)
    context = {"agreement": agreement, "can_write": can_write, **agreement_selectors.agreement_schedule(agreement)}
    context |= change_selectors.agreement_changes(agreement)  # change requests and amendments (issue 20, part 4)
    context["can_ask_change"] = (
        agreement.project.is_lead_member(request.user)
        and agreement.project.status in CHANGEABLE
        and not agreement.project.theme.plan.is_archived
    )
    if can_write:
        context["release_form"] = PlannedPaymentReleaseForm(initial={"paid_on": timezone.localdate()})
    return render(request, "budget/agreement_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_deadline_add(request, pk):
    agreement = access.get_agreement(request, pk, write=True)
    form = ReportDeadlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.report_deadline_add(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Échéance de rapport ajoutée."))
            return redirect(agreement)
    return render(request, "budget/agreement_deadline_form.html", {"form": form, "agreement": agreement})


@login_required
@require_http_methods(["GET", "POST"])
def planned_payment_add(request, pk):
    agreement = access.get_agreement(request, pk, write=True)
    form = PlannedPaymentForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.planned_payment_add(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Versement prévu ajouté au calendrier."))
            return redirect(agreement)
    return render(request, "budget/agreement_payment_form.html", {"form": form, "agreement": agreement})


@login_required
@require_http_methods(["GET", "POST"])
def planned_payment_cancel(request, pk, planned_pk):
    agreement = access.get_agreement(request, pk, write=True)
    planned = get_object_or_404(
        agreement.planned_payments.select_related("commitment__source", "disbursement"), pk=planned_pk
    )
    form = PlannedPaymentCancelForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.planned_payment_cancel(planned=planned, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Versement prévu annulé."))
            return redirect(agreement)
    return render(
        request, "budget/agreement_payment_cancel.html", {"form": form, "agreement": agreement, "planned": planned}
    )


@login_required
@require_POST
def planned_payment_release(request, pk, planned_pk):
    """Pay a planned payment (POST from the schedule, « Versements » or a project's « Financement »); a refusal
    comes back as a message on the page it was posted from (its `next`), else on the agreement."""
    agreement = access.get_agreement(request, pk, write=True)
    planned = get_object_or_404(agreement.planned_payments, pk=planned_pk)
    back = posted_next(request) or agreement.get_absolute_url()
    form = PlannedPaymentReleaseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        disbursement = agreement_services.planned_payment_release(planned=planned, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Versement de %(amount)s enregistré %(date)s.")
            % {"amount": format_money(disbursement.amount), "date": long_date(disbursement.paid_on)},
        )
    return redirect(back)


# ---------------------------------------------------------------- corrections of disbursements (ledger)


@coordination_required
@require_http_methods(["GET", "POST"])
def disbursement_correct(request, pk):
    """Correct a disbursement by a new dated entry with its reason; the payment as recorded stays on the page."""
    disbursement = access.get_disbursement(request, pk, write=True)
    back = requested_next(request)
    form = DisbursementCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            correction = ledger_services.disbursement_correct(
                disbursement=disbursement,
                delta=data["delta"],
                new_amount=data["new_amount"],
                corrected_on=data["corrected_on"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Versement corrigé de %(delta)s : il est maintenant de %(current)s.")
                % {
                    "delta": format_money(correction.delta),
                    "current": format_money(correction.disbursement.current_amount),
                },
            )
            return redirect(back or "budget:payments")
    context = {
        "form": form,
        "disbursement": disbursement,
        "history": disbursement.corrections.select_related("created_by"),
        "next": back,
        "back": back or reverse("budget:payments"),
    }
    return render(request, "budget/disbursement_correct.html", context)


@require_safe
@staff_or_coordination_required
def history(request):
    """Every ledger entry of the plan, newest first (who, when, what, amount, reason), by project or source;
    with `?au=YYYY-MM-DD`, the balances per source rebuilt from the entries dated on or before that day.
    Coordination and Personnel only: it names who wrote each entry."""
    plan = access.plan_for(request)
    form = HistoryFilterForm(request.GET or None, plan=plan)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = ledger_selectors.ledger_history_queryset(plan, project=filters.get("project"), source=filters.get("source"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "form": form,
        "page": page,
        "entries": ledger_selectors.history_entries(page.object_list),
        "balances": ledger_selectors.balances_as_at(plan, filters["au"]) if filters.get("au") else None,
    }
    return render(request, "budget/history.html", context)


@require_safe
def project_budget(request, pk):
    """One project's money: requested, committed and paid by plan year and by source, other funding, leverage."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    project = access.get_project_for_budget(request, pk)
    return render(request, "budget/project_budget.html", project_budget_selectors.project_budget(project))
