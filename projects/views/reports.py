"""Progress and final reports of the accepted projects, their supporting documents, and the late reports.

Reports are private: coordination, staff and members of the lead or partner organisations read them
(others get 404, even on a public project); only the lead organisation's members file them (403 for the rest).
"""

import datetime
from decimal import Decimal
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from asis.templatetags.asis_format import format_money, long_date, number
from plans.access import request_plans
from plans.models import Plan
from projects.access import (
    coordination_required,
    get_attachment_for_user,
    get_project_for_reports,
    get_report_for_user,
    is_archived,
    refuse_archived,
    report_can_file,
)
from projects.forms import ReportAttachmentForm, ReportForm
from projects.models import (
    ActionProject,
    ExpenseCategory,
    IndicatorValue,
    ProjectPartner,
    ReportDeadline,
    ReportDraft,
)
from projects.selectors import reports as report_selectors
from projects.services import reminders as reminder_services
from projects.services import reports as report_services
from projects.views._common import redirect_back, shows_refusal


def _figures_readers_only(view):
    """Coordination, staff and the regional funder (the late reports are figures of public projects: titles,
    organisations and dates, no one's name); partners get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.reads_figures:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _project_queryset():
    return ActionProject.objects.select_related("lead", "theme__plan").prefetch_related(
        Prefetch(
            "partnerships",
            queryset=ProjectPartner.objects.select_related("organisation").order_by("organisation__name"),
        ),
        "indicators",
    )


def _project_for_filing(request, pk, final):
    """The project whose report (`final` or progress) the user files now: the lead organisation's members, while the
    project receives that kind of report (403 with the reason otherwise)."""
    project = get_project_for_reports(request, pk, file=True, queryset=_project_queryset())
    kind = ReportDeadline.Kind.FINAL if final else ReportDeadline.Kind.PROGRESS
    has_final = project.reports.filter(is_final=True).exists()
    if not report_selectors.report_kinds_open(project, has_final=has_final)[kind]:
        if final and has_final:
            raise PermissionDenied(_("Le rapport final de ce projet est déjà déposé."))
        if final:
            raise PermissionDenied(
                _("Le rapport final se dépose quand le projet est en cours ou terminé; ce projet est « %(status)s ».")
                % {"status": project.get_status_display()}
            )
        raise PermissionDenied(
            _("Ce projet est « %(status)s » : il ne reçoit pas de rapport d'étape.")
            % {"status": project.get_status_display()}
        )
    return project


def _report_form(project, final, data=None, files=None, *, attachments, initial=None):
    kind = ReportDeadline.Kind.FINAL if final else ReportDeadline.Kind.PROGRESS
    partnerships = list(project.partnerships.all())
    return ReportForm(
        data,
        files,
        project=project,
        final=final,
        deadlines=project.report_deadlines.pending().filter(kind=kind).order_by("due_on", "pk"),
        indicators=list(project.indicators.all()),
        # an organisation that declined took no part in the project
        partner_organisations=[p.organisation for p in partnerships if not p.is_declined],
        attachments=attachments,
        initial=initial,
        # its alliance's categories still open, and those it budgets (issue 20, part 3)
        categories=ExpenseCategory.objects.filter(alliance__plans__themes=project.theme_id)
        .filter(Q(archived=False) | Q(budget_lines__project=project))
        .distinct()
        .order_by("order", "pk"),
    )


def _open_draft(project, final):
    return ReportDraft.objects.filter(project=project, is_final=final, report__isnull=True).first()


def _review_url(project, final):
    return reverse("projects:report-review-final" if final else "projects:report-review", args=[project.pk])


def _form_url(project, final):
    return reverse("projects:report-create-final" if final else "projects:report-create", args=[project.pk])


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def report_create(request, pk, final=False):
    """The lead organisation writes a progress report (or, with `final`, the final report): « Enregistrer le
    brouillon » keeps it as typed, « Vérifier avant de déposer » checks it whole and shows the review page. Nothing
    is filed here; the draft is found again on the next visit, the period proposed from the deadline it answers."""
    project = _project_for_filing(request, pk, final)
    draft = _open_draft(project, final)
    if request.method == "POST":
        form = _report_form(project, final, request.POST, attachments=False)
        as_draft = request.POST.get("action") == "draft"
        if form.is_valid_as_draft() if as_draft else form.is_valid():
            try:
                report_services.report_draft_save(
                    project=project, is_final=final, answers=form.answers(), by=request.user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if as_draft:
                    messages.success(
                        request,
                        _("Brouillon enregistré. Il n'est pas déposé : la coordination ne le voit pas encore."),
                    )
                    return redirect(_form_url(project, final))
                return redirect(_review_url(project, final))
    elif draft is not None:
        form = _report_form(project, final, attachments=False, initial=draft.answers)
    else:
        form = _report_form(project, final, attachments=False)
        first_deadline = form.fields["deadline"].queryset.first() if "deadline" in form.fields else None
        form.initial.update(report_selectors.report_period_suggested(project, first_deadline))
    return render(
        request,
        "projects/report_form.html",
        {"project": project, "form": form, "final": final, "draft": draft},
        status=400 if request.method == "POST" else 200,
    )


def _answers_shown(form) -> list[dict]:
    """Each answer of the checked form as the review page shows it: its label, its value as a person reads it (a
    date written out, money the Quebec way, names rather than ids) and the field it is typed in."""
    data, rows = form.cleaned_data, []
    for name, field in form.fields.items():
        if name == "attachments":
            continue
        value = data.get(name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            shown = ", ".join(str(item) for item in value) if value else ""
        elif isinstance(field, forms.ModelChoiceField):
            shown = field.label_from_instance(value) if value is not None else ""
        elif isinstance(value, datetime.date):
            shown = long_date(value)
        elif name == "expenses" or name.startswith("spent_"):
            shown = format_money(value) if value is not None else ""
        elif name == "percent_done":
            shown = f"{value}\xa0%" if value is not None else ""
        elif isinstance(value, (int, Decimal)):
            shown = number(value)
        else:
            shown = value or ""
        rows.append({"label": field.label, "value": shown, "anchor": form[name].id_for_label or form[name].auto_id})
    return rows


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def report_review(request, pk, final=False):
    """« Vérifier avant de déposer »: the draft as it will be filed, each answer with « Modifier », the supporting
    documents, and « Déposer le rapport ». Only then is the report filed (services), received and counted."""
    project = _project_for_filing(request, pk, final)
    draft = _open_draft(project, final)
    if draft is None:
        return redirect(_form_url(project, final))
    form = _report_form(project, final, draft.answers, request.FILES or None, attachments=True)
    if not form.is_valid() and any(name != "attachments" for name in form.errors):
        # The draft no longer holds whole (a deadline answered meanwhile, or saved incomplete): back to the form
        messages.error(request, _("Le rapport n'est pas complet : corrigez-le, puis vérifiez-le de nouveau."))
        return redirect(_form_url(project, final))
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.report_draft_file(draft=draft, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if final:
                messages.success(request, _("Rapport final déposé. Merci! La coordination en prendra connaissance."))
            else:
                messages.success(request, _("Rapport d'étape déposé. Merci! La coordination en prendra connaissance."))
            return redirect("projects:report-detail", pk=report.pk)
    return render(
        request,
        "projects/report_review.html",
        {
            "project": project,
            "final": final,
            "form": form,
            "answers": _answers_shown(form) if not form.errors or "attachments" in form.errors else [],
            "form_url": _form_url(project, final),
        },
        status=400 if request.method == "POST" else 200,
    )


def _detail_context(request, report, attachment_form=None):
    project = report.project
    values = {row.indicator_id: row.value for row in IndicatorValue.objects.filter(report=report)}
    spending = list(report.spending.select_related("category"))
    indicators = [(indicator, values.get(indicator.pk)) for indicator in project.indicators.all()]
    can_add = report_can_file(project, request.user)
    return {
        # Coordination and staff see whether it was read; they mark it read while its plan is open
        "shows_reading": request.user.sees_everything,
        "can_mark_read": request.user.sees_everything and report.read_at is None and not is_archived(project),
        "report": report,
        "project": project,
        "indicators": indicators,
        "spending": spending,
        "partners_involved": list(report.partners_involved.order_by("name")),
        "attachments": list(report.attachments.select_related("uploaded_by")),
        "attachment_form": (attachment_form or ReportAttachmentForm()) if can_add else None,
    }


@login_required
def report_detail(request, pk):
    report = get_report_for_user(request, pk)
    return render(request, "projects/report_detail.html", _detail_context(request, report))


@login_required
@shows_refusal
@require_POST
def report_mark_read(request, pk):
    """Coordination or staff mark a report read (« Marquer comme lu », on the report and in « À traiter »): it leaves
    the reports to read. A closed plan's reports change no more."""
    report = get_report_for_user(request, pk)
    if not request.user.sees_everything:
        raise PermissionDenied
    refuse_archived(request, report.project.theme.plan)
    report = report_services.report_mark_read(report=report, by=request.user)
    messages.success(request, _("Rapport « %(project)s » marqué comme lu.") % {"project": report.project.title})
    return redirect_back(request, "projects:report-detail", pk=report.pk)


@coordination_required
@shows_refusal
@require_POST
def deadline_remind(request, pk):
    """« Envoyer un rappel »: Coordination e-mails the lead organisation about one report late or due, then goes
    back to where it was (« À traiter »)."""
    deadline = get_object_or_404(
        ReportDeadline.objects.in_alliance(request.alliance).select_related("project__lead", "project__theme__plan"),
        pk=pk,
    )
    refuse_archived(request, deadline.project.theme.plan)
    try:
        sent_to = reminder_services.report_reminder_send(
            deadline=deadline, by=request.user, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Rappel envoyé à « %(name)s » (%(to)s).")
            % {"name": deadline.project.lead.name, "to": ", ".join(sent_to)},
        )
    return redirect_back(request, "projects:report-late")


@login_required
@shows_refusal
@require_POST
def report_attachment_add(request, pk):
    """The lead organisation adds supporting documents to a filed report (the report itself stays as filed)."""
    report = get_report_for_user(request, pk, file=True)
    form = ReportAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = report_services.report_attachments_add(
                report=report, files=form.cleaned_data["files"], by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(count)s pièce(s) jointe(s) ajoutée(s).") % {"count": len(added)})
            return redirect("projects:report-detail", pk=report.pk)
    return render(
        request, "projects/report_detail.html", _detail_context(request, report, attachment_form=form), status=400
    )


@login_required
def attachment_download(request, pk):
    """A supporting document, to those who may read the report only, always as a download."""
    attachment = get_attachment_for_user(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@_figures_readers_only
def report_late(request):
    """Coordination, staff and the regional funder: the reports of the plan's projects past due, most late first,
    a page at a time (a plan's thousands at scale), how late, the last reminder; and those due soon."""
    # The request's plan read first (1 query), named in the lists: as a subquery, PostgreSQL guessed a few of its
    # pending deadlines and sorted every one of them for the page (thousands in the grown plan at scale 100).
    plan = request_plans(request).current_first().values_list("pk", flat=True)[:1]
    plans = Plan.objects.filter(pk__in=list(plan))
    return render(
        request, "projects/report_late.html", report_selectors.late_reports(plans, page=request.GET.get("page", 1))
    )
