"""The bilan (accountability report), its exports, the public open data and the progress import.

Views parse the request, check access, validate the form, call a selector or a service, render."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import (
    FileResponse,
    Http404,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from alliances.addresses import alliance_reverse
from bilan import documents, exports, grants, services
from bilan.budget_lines import budget_lines_xlsx_file
from bilan.forms import BilanForm, ProduceForm, ProgressImportForm
from bilan.selectors.build import bilan_page, build_bilan
from bilan.selectors.checks import bilan_checks, last_complete_year
from bilan.selectors.grants import grants as open_grants
from bilan.selectors.open_data import open_data as open_data_page
from bilan.selectors.open_data import open_practices, open_projects, open_totals
from bilan.selectors.period import period_of_year
from budget.access import figures_readers_only, plan_for
from organisations.access import coordination_required, staff_or_coordination_required
from plans.access import request_plans
from plans.models import Plan, PlanYear
from plans.versions import parts_subqueries, version_subquery, versions_of
from projects.models import ActionProject
from projects.selectors.budget_lines import plan_budget_against_actual

IMPORT_SESSION_KEY = "bilan_progress_import"
SPACES_SHOWN = 50  # spaces listed on the page in the tables by space (every one is in the exports)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


def _plan(request) -> tuple[Plan, list[PlanYear], dict | None]:
    """The request's plan (plans.access: the plan its address names, else its alliance's current plan), its
    years and the versions of its figures, whole and by part (plans.versions.versions_of: None while this
    transaction has written them), in one query; 404 without a plan year."""
    current = request_plans(request).current_first().values("pk")[:1]
    years = list(
        PlanYear.objects.filter(plan=Subquery(current))
        .select_related("plan__alliance")
        .annotate(figures_version=version_subquery("plan_id"), **parts_subqueries("plan_id"))
        .order_by("number")
    )
    if not years:
        raise Http404
    plan = years[0].plan
    for name in ("figures_version", *parts_subqueries()):
        setattr(plan, name, getattr(years[0], name))
    return plan, years, versions_of(plan)


def _frozen_or_none(plan: Plan | None):
    """The frozen bilan of a closed plan (succession.models.FrozenBilan, read through the plan's reverse accessor:
    bilan never imports succession, which sits above it), or None: for a plan not closed (no query), or closed
    without one. The bilan page and its PDF, XLSX and DOCX then serve it as it was frozen."""
    if plan is None or not plan.is_archived:
        return None
    return getattr(plan, "frozen_bilan", None)


def _frozen_for(request, plan: Plan):
    """The frozen bilan of the request's plan (`_plan`), for those who read the alliance's figures (Coordination,
    Personnel, the regional funder: the frozen bilan holds every project); a partner keeps the live bilan of their
    own organisations' projects. None otherwise, without a query for a plan not closed."""
    if not (request.user.is_authenticated and request.user.reads_figures):
        return None
    return _frozen_or_none(plan)


def _frozen_document(frozen, extension: str, content_type: str):
    """One of the frozen bilan's documents, its bytes exactly as stored when the plan closed."""
    return FileResponse(
        io.BytesIO(frozen.document(extension)),
        as_attachment=True,
        filename=frozen.file_name(extension),
        content_type=content_type,
    )


def _page_number(request) -> int:
    """The page of project lines asked for (`?page=`); 1 when missing or not a number."""
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def _arguments(request, shown=None) -> tuple[BilanForm, dict | None, dict | None]:
    """(form, the arguments of `build_bilan`, the data's versions): the arguments are None when the form is invalid.
    `shown`: what `_plan` gave, when the view has read it already."""
    plan, years, versions = shown or _plan(request)
    form = BilanForm(request.GET, plan=plan, user=request.user, years=years)
    if not form.is_valid():
        return form, None, versions
    period = form.period()
    arguments = dict(
        user=request.user,
        period_start=period.start,
        period_end=period.end,
        plan=plan,
        period=period,
        years=form.years,
        themes=form.themes,
        **form.filters(),
    )
    return form, arguments, versions


def _bilan(request, *, page: bool = False, shown=None):
    """(form, bilan): the bilan is None when the form is invalid. With `page`, the bilan holds the
    project lines of the page asked for; without (the exports), `bilan.lines()` reads every one. `shown`: what
    `_plan` gave, when the view has read it already."""
    form, arguments, versions = _arguments(request, shown)
    if arguments is None:
        return form, None
    if page:
        return form, bilan_page(versions=versions, page=_page_number(request), **arguments)
    return form, build_bilan(page=None, **arguments)


@require_safe
@login_required
def bilan(request):
    """The bilan of a period for this user (a partner's holds its organisations' projects only); a closed plan's
    frozen bilan, as it was when the plan closed."""
    shown = _plan(request)
    frozen = _frozen_for(request, shown[0])
    if frozen is not None:
        return render(request, "bilan/bilan_frozen.html", {"frozen": frozen, "plan": frozen.plan})
    form, report = _bilan(request, page=True, shown=shown)
    query = request.GET.urlencode()
    return render(
        request,
        "bilan/bilan.html",
        {
            "form": form,
            "bilan": report,
            "query": f"?{query}" if query else "",
            "tables": exports.TABLE_TITLES,
            "durability": report.durability if report else None,
            "can_import": request.user.is_coordinator and not form.plan.is_archived,  # a closed plan is read only
            "can_produce": request.user.reads_figures,
            # the tables by space show the first SPACES_SHOWN (by name), with how many there are
            "space_rollups": report.space_rollups[:SPACES_SHOWN] if report else (),
            "space_meetings": report.meetings[:SPACES_SHOWN] if report else (),
            # a Page over the line numbers (no query) for the pagination of the project lines
            "page": Paginator(range(report.project_count), report.per_page).get_page(report.page) if report else None,
        },
    )


@require_safe
@figures_readers_only
def produce(request):
    """« Produire le bilan » of a plan year, for those who report to the funder (Coordination, Personnel, the
    regional funder): choose the year (the last complete one by default), read « En bref » with the definitions of
    its figures and what the bilan still waits for (each with a link to fix it), then download it (the PDF first).
    A closed plan's bilan is frozen: its page serves it."""
    plan, years, versions = shown = _plan(request)
    if _frozen_for(request, plan) is not None:
        return redirect("bilan:bilan")
    form = ProduceForm(request.GET, years=years, default=last_complete_year(years, timezone.localdate()))
    context = {"form": form, "plan": plan, "tables": exports.TABLE_TITLES}
    if form.is_valid():
        year = form.year()
        period = period_of_year(year)
        context |= {
            "year": year,
            "query": f"?periode={year.label}",
            "bilan": bilan_page(
                versions=versions,
                user=request.user,
                page=1,
                period_start=period.start,
                period_end=period.end,
                plan=shown[0],
                period=period,
                years=years,
            ),
            "checks": bilan_checks(plan, year),
            "can_commit": request.user.is_coordinator and not plan.is_archived,
        }
    return render(request, "bilan/produce.html", context)


def _table(report, slug):
    table = exports.tables(report).get(slug)
    if table is None:  # « durabilite » of a bilan cached before the follow-ups were read with it
        raise Http404
    return table


@require_safe
@login_required
def bilan_csv(request, table):
    """One table of the bilan as CSV, streamed."""
    if table not in exports.TABLE_TITLES:
        raise Http404
    form, report = _bilan(request)
    if report is None:
        return HttpResponseBadRequest(
            _("Période invalide : corrigez-la sur la page du bilan."), content_type="text/plain; charset=utf-8"
        )
    response = StreamingHttpResponse(
        exports.csv_lines(_table(report, table)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(report, "csv", table)}"'
    return response


@require_safe
@login_required
def bilan_xlsx(request):
    """The bilan as an XLSX workbook, one sheet per part, written to a temporary file and streamed (a closed plan's:
    the workbook frozen when it closed)."""
    shown = _plan(request)
    frozen = _frozen_for(request, shown[0])
    if frozen is not None:
        return _frozen_document(frozen, "xlsx", XLSX_TYPE)
    form, report = _bilan(request, shown=shown)
    if report is None:
        return HttpResponseBadRequest(
            _("Période invalide : corrigez-la sur la page du bilan."), content_type="text/plain; charset=utf-8"
        )
    return FileResponse(
        exports.xlsx_file(report),
        as_attachment=True,
        filename=exports.file_name(report, "xlsx"),
        content_type=XLSX_TYPE,
    )


def _document(request, write, extension: str, content_type: str):
    """The bilan as a document (PDF, DOCX): built into a temporary file by `write`, then streamed
    from that file by FileResponse; see bilan/documents.py for what is held in memory meanwhile. A closed plan's
    frozen bilan: the document as it was stored when the plan closed."""
    shown = _plan(request)
    frozen = _frozen_for(request, shown[0])
    if frozen is not None:
        return _frozen_document(frozen, extension, content_type)
    form, report = _bilan(request, shown=shown)
    if report is None:
        return HttpResponseBadRequest(
            _("Période invalide : corrigez-la sur la page du bilan."), content_type="text/plain; charset=utf-8"
        )
    return FileResponse(
        write(report), as_attachment=True, filename=exports.file_name(report, extension), content_type=content_type
    )


@require_safe
@login_required
def bilan_pdf(request):
    """The bilan as a printable PDF: charts, tables, the period and « page N de M » on every page. Built once for a
    state of the plan's data (documents.cached_pdf: the plan's version moves on every write to it), then served from
    the cache."""
    shown = _plan(request)
    frozen = _frozen_for(request, shown[0])
    if frozen is not None:
        return _frozen_document(frozen, "pdf", PDF_TYPE)
    form, arguments, versions = _arguments(request, shown)
    if arguments is None:
        return HttpResponseBadRequest(
            _("Période invalide : corrigez-la sur la page du bilan."), content_type="text/plain; charset=utf-8"
        )

    def build() -> documents.CachedPdf:
        report = build_bilan(page=None, **arguments)
        return documents.CachedPdf(exports.file_name(report, "pdf"), documents.pdf_bytes(report))

    # the PDF reads every part: cached under the plan's whole version
    pdf = documents.cached_pdf(version=versions and versions["all"], key=documents.pdf_key(**arguments), build=build)
    return FileResponse(io.BytesIO(pdf.content), as_attachment=True, filename=pdf.name, content_type=PDF_TYPE)


@require_safe
@login_required
def bilan_docx(request):
    """The bilan as an editable Word document: headings, tables with header rows, no charts."""
    return _document(request, documents.docx_file, "docx", DOCX_TYPE)


# ---------------------------------------------------------------- open data (public)


@require_safe
def open_data(request):
    """The public projects of the request's alliance (of the plan its address names, if it names one), 50 a page,
    with the totals of all of them."""
    data, page = open_data_page(plans=request_plans(request), page=request.GET.get("page"))
    return render(request, "bilan/open_data.html", {"data": data, "page": page})


def open_csv(table, file_name: str) -> StreamingHttpResponse:
    """An open-data table as a streamed CSV download that any site may fetch (public data: CORS open)."""
    response = StreamingHttpResponse(exports.csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_json(lines) -> StreamingHttpResponse:
    """An open-data JSON document, streamed, that any site may fetch (public data: CORS open)."""
    response = StreamingHttpResponse(lines, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_csv(request):
    """Every public project of the request's alliance (or plan) as CSV, streamed (read 500 at a time)."""
    plans = request_plans(request)
    return open_csv(exports.open_data_table(lambda: open_projects(plans)), "projets.csv")


@require_safe
def open_data_json(request):
    """Every public project of the request's alliance (or plan) as one JSON document, streamed (totals first, then
    the projects)."""
    plans = request_plans(request)
    return open_json(exports.open_data_json_lines(open_totals(plans), open_projects(plans)))


@require_safe
def open_data_practices_csv(request):
    """The published practices of the request's alliance (or plan) as CSV, streamed: no person, a contact is a role."""
    plans = request_plans(request)
    return open_csv(exports.practices_table(lambda: open_practices(plans)), "pratiques.csv")


@require_safe
def open_data_practices_json(request):
    """The published practices of the request's alliance (or plan) as one JSON document, streamed."""
    plans = request_plans(request)
    return open_json(exports.practices_json_lines(open_practices(plans)))


# ---------------------------------------------------------------- open data: grants in the 360Giving standard (issue 22)


def grant_addresses(request) -> grants.Addresses:
    """The absolute addresses the 360Giving documents point to (an alliance's project page and open-data page),
    on the request's site. Each is reversed for its alliance: a region's file names several."""
    site = request.build_absolute_uri("/").rstrip("/")
    open_data_pages = {}

    def open_data(alliance_slug: str) -> str:
        if alliance_slug not in open_data_pages:
            open_data_pages[alliance_slug] = site + alliance_reverse(alliance_slug, "bilan:open-data")
        return open_data_pages[alliance_slug]

    return grants.Addresses(
        project=lambda alliance_slug, pk: site + alliance_reverse(alliance_slug, "projects:project-detail", args=[pk]),
        open_data=open_data,
    )


def grants_xlsx_response(grant_rows, addresses: grants.Addresses, file_name: str) -> FileResponse:
    """A 360Giving spreadsheet as a download that any site may fetch (public data: CORS open)."""
    response = FileResponse(
        grants.grants_xlsx_file(grant_rows, addresses=addresses),
        as_attachment=True,
        filename=file_name,
        content_type=XLSX_TYPE,
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_grants_json(request):
    """Every grant (a commitment to a public project) of the request's alliance (or plan) as a 360Giving package,
    streamed a grant at a time."""
    alliance = request.alliance
    addresses = grant_addresses(request)
    site = request.build_absolute_uri("/").rstrip("/")
    head = grants.package_head(
        title=_("Subventions de %(alliance)s (360Giving)") % {"alliance": alliance.name},
        description=_(
            "Chaque engagement de l'enveloppe envers un projet accepté, à son montant actuel (réductions et "
            "annulation déduites), avec ce qui est versé, l'organisation porteuse et l'enjeu. Aucune donnée "
            "personnelle."
        ),
        publisher={
            "identifier": grants.alliance_id(alliance.slug),
            "name": alliance.name,
            "website": site + alliance_reverse(alliance, "overview"),
        },
        access_url=request.build_absolute_uri(reverse("bilan:open-data")),
        download_url=request.build_absolute_uri(),
        identifier=f"{grants.alliance_id(alliance.slug)}-subventions",
    )
    return open_json(grants.grants_json_lines(open_grants(request_plans(request)), addresses=addresses, head=head))


@require_safe
def open_data_grants_xlsx(request):
    """The same grants as the 360Giving spreadsheet (sheet « grants », the standard's column titles)."""
    return grants_xlsx_response(
        open_grants(request_plans(request)), grant_addresses(request), "subventions-360giving.xlsx"
    )


# ---------------------------------------------------------------- bulk progress import (Coordination)


@coordination_required
@require_http_methods(["GET", "POST"])
def progress_import(request):
    """Upload the bilan's XLSX with new percents and indicator values: a preview, nothing written yet. Only the
    projects of the request's plan are read (another alliance's project is unknown here); a closed plan's, never."""
    plan = plan_for(request, write=True)
    form = ProgressImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = services.progress_import_parse(
                form.cleaned_data["file"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                projects_in=ActionProject.objects.filter(theme__plan=plan),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            request.session[IMPORT_SESSION_KEY] = preview.to_session()
    return render(request, "bilan/progress_import.html", {"form": form, "preview": preview})


@coordination_required
@require_POST
def progress_import_apply(request):
    """Apply the previewed import: one new progress report per project that changes (of the request's plan only,
    whichever page the preview was made on)."""
    plan = plan_for(request, write=True)
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored:
        messages.error(request, _("Aucune importation en attente : déposez le fichier à nouveau."))
        return redirect("bilan:progress-import")
    try:
        reports = services.progress_import_apply(
            preview=services.ImportPreview.from_session(stored),
            by=request.user,
            projects_in=ActionProject.objects.filter(theme__plan=plan),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("bilan:progress-import")
    messages.success(request, _("%(count)s rapports d'étape créés par l'importation.") % {"count": len(reports)})
    return redirect("bilan:bilan")


def _budget_plan(request) -> Plan:
    """The plan of the address (else its alliance's current one), with its alliance; 404 without one."""
    plan = request_plans(request).current_first().select_related("alliance").first()
    if plan is None:
        raise Http404
    return plan


@require_safe
@staff_or_coordination_required
def budget_lines(request):
    """Budget against actual by line (issue 20, part 3): what the accepted projects' lines budget and what their
    latest reports say was spent, per theme and for the plan, to the cent; for Coordination and Personnel."""
    plan = _budget_plan(request)
    return render(request, "bilan/budget_lines.html", {"plan": plan, **plan_budget_against_actual(plan)})


@require_safe
@staff_or_coordination_required
def budget_lines_xlsx(request):
    """The same figures as an XLSX workbook."""
    plan = _budget_plan(request)
    return FileResponse(
        budget_lines_xlsx_file(plan_budget_against_actual(plan)),
        as_attachment=True,
        filename=f"budget-par-ligne-{plan.slug or plan.pk}.xlsx",
        content_type=XLSX_TYPE,
    )
