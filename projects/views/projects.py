"""The partners' action projects: intentions, drafts, filing, comments (principles 1 and 3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error, enjeu_param
from organisations.models import Organisation
from plans.access import request_plan
from plans.models import SharedIndicator, Theme
from projects.access import get_project_for_change, get_project_for_user, is_archived, plan_for_change, reads_only
from projects.forms import (
    ProjectCommentForm,
    ProjectForm,
    ProjectIndicatorFormSet,
    ProjectIntentionForm,
    ProjectOtherFundingFormSet,
    ProjectPartnerFormSet,
)
from projects.models import (
    ActionProject,
    ExpenseCategory,
    Indicator,
    ProjectPartner,
    ProjectStatus,
    own_project_ids,
)
from projects.selectors import filing as filing_selectors
from projects.selectors.budget_lines import budget_lines_initial
from projects.selectors.reports import project_reports_section
from projects.selectors.similar import similar_projects
from projects.selectors.years import project_years
from projects.services import filing as filing_services
from projects.services import status as status_services
from projects.views._common import redirect_back, shows_refusal
from projects.views.review import project_review_context

PAGE_SIZE = 25


def _user_organisations(user):
    """The organisations a user may file a project for; none for Personnel and the regional funder (they only
    read)."""
    if reads_only(user):
        return []
    return list(Organisation.objects.active().filter(pk__in=user.organisation_ids()).order_by("name"))


@login_required
def project_list(request):
    """The projects of the plan the page is about. A partner: their organisations' projects (lead or partner),
    every status. Coordination and staff: all, filtered. The regional funder: the accepted ones (public money)."""
    user = request.user
    plan = request_plan(request)
    themes = list(plan.themes.order_by("order")) if plan else []
    # The plan's projects by their themes named (the filter's list, read anyway): PostgreSQL then knows how many
    # there are (the themes' statistics) and reads the page from the index on -updated_at, where through the plan
    # it guessed a few per theme and sorted every project of the grown plan (scale 100: 55 → 0,5 ms).
    projects = ActionProject.objects.filter(theme_id__in=[theme.pk for theme in themes])
    if user.is_funder and not user.sees_everything:
        projects = projects.visible_to(user)
    elif not user.sees_everything:
        # Its organisations' few projects, read on the lead and partnership indexes and united (own_project_ids),
        # then sorted: « lead OR partner » tested on each project walked in -updated_at order read the plan's 45 000
        # at scale 100 to find 4 (20 ms, and 8 more for the count). Not the projects it declined: they are not its
        # projects (it still reaches them by their address).
        projects = projects.filter(pk__in=own_project_ids(user.organisation_ids()))
    status = request.GET.get("statut", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    theme_slug = enjeu_param(request)
    if theme_slug:
        projects = projects.filter(theme__slug=theme_slug)
    projects = projects.select_related("lead", "theme").order_by("-updated_at", "pk")
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "statuses": ProjectStatus.choices,
            "status": status,
            "themes": themes,
            "theme_slug": theme_slug,
            "can_create": bool(_user_organisations(user)) and not (plan and plan.is_archived),
        },
    )


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def project_intention_create(request):
    organisations = _user_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("Seuls les membres d'une organisation partenaire déposent une intention de projet."))
    plan = plan_for_change(request)
    initial, theme = {}, None
    if slug := enjeu_param(request):
        theme = Theme.objects.filter(slug=slug, plan=plan).first()
        initial["theme"] = theme
    form = ProjectIntentionForm(request.POST or None, plan=plan, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            project = filing_services.project_create(
                by=request.user, status=ProjectStatus.INTENTION, lead=form.clean_lead_value(), **data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Votre intention « %(title)s » est enregistrée.") % {"title": project.title})
            return redirect("projects:project-application", pk=project.pk)
    similar = similar_projects(request.user, theme=theme, exclude_org_ids=request.user.organisation_ids())
    return render(request, "projects/project_intention_form.html", {"form": form, "similar": similar})


def _formsets(request, project=None, lead=None):
    """The partners, indicators and other funding of the form, filled from the project's rows on GET."""
    data = request.POST if request.method == "POST" else None
    partners = indicators = funding = None
    if project is not None and data is None:
        partners = [
            {
                "organisation": p.organisation_id,
                "contribution_kind": p.contribution_kind,
                "contribution_value": p.contribution_value,
                "contribution_description": p.contribution_description,
            }
            for p in project.partnerships.all()
            if not p.is_declined  # kept as declined; naming it again asks again
        ]
        indicators = [
            {"name": i.name, "unit": i.unit, "target": i.target, "shared": i.shared_id}
            for i in project.indicators.all()
        ]
        funding = [
            {
                "kind": o.kind,
                "source_name": o.source_name,
                "amount": o.amount,
                "confirmed": o.confirmed,
                "category": o.category_id,
            }
            for o in project.other_funding.all()
        ]
    # the alliance's open categories of expenses, for the line each other funding pays for (issue 20, part 3)
    alliance_id = project.theme.plan.alliance_id if project is not None else getattr(request.alliance, "pk", None)
    categories = ExpenseCategory.objects.for_alliance(alliance_id).active().order_by("order", "pk")
    return {
        "partner_formset": ProjectPartnerFormSet(
            data, prefix="partenaires", initial=partners, form_kwargs={"lead": lead}
        ),
        "indicator_formset": ProjectIndicatorFormSet(
            data, prefix="indicateurs", initial=indicators, form_kwargs={"shared": _shared_indicators(request, project)}
        ),
        "funding_formset": ProjectOtherFundingFormSet(
            data, prefix="financement", initial=funding, form_kwargs={"categories": categories}
        ),
    }


def _shared_indicators(request, project=None) -> dict:
    """{pk: SharedIndicator} a project's indicator may link to (issue 21): the shared indicators in use of its
    plan's themes (the plan of the address for a new project), and those it links to already (1 query). Another
    alliance's are never offered; the service then checks the theme is the project's."""
    if project is not None:
        plan_id = project.theme.plan_id
        linked = Q(pk__in=Indicator.objects.filter(project=project, shared__isnull=False).values("shared"))
    else:
        plan = request_plan(request)
        if plan is None:
            return {}
        plan_id, linked = plan.pk, Q(pk__in=[])
    indicators = (
        SharedIndicator.objects.filter(Q(is_active=True) | linked, theme__plan_id=plan_id)
        .select_related("theme")
        .order_by("theme__order", "order", "pk")
    )
    return {indicator.pk: indicator for indicator in indicators}


def _rows(formset, key):
    return [form.cleaned_data for form in formset if form.cleaned_data and form.cleaned_data.get(key)]


def _save_project(request, form, formsets, project=None):
    """Validate the form and formsets, then save through the service; the project, or None with errors on the forms."""
    # A list, not a generator: every formset is validated, so each shows its errors at once.
    valid = form.is_valid() & all([fs.is_valid() for fs in formsets.values()])  # noqa: C419
    if not valid:
        for name in ("indicator_formset", "funding_formset"):  # the page shows the partners' own, not these
            for error in formsets[name].non_form_errors():
                form.add_error(None, error)
        return None
    data = {name: value for name, value in form.cleaned_data.items() if name in form.Meta.fields}
    lead_kwargs = {} if project is not None else {"lead": form.clean_lead_value()}
    try:
        return filing_services.project_save_draft(
            by=request.user,
            project=project,
            year_amounts=form.year_amounts(),
            budget_lines=form.budget_lines() if form.has_lines() else None,
            partners=_rows(formsets["partner_formset"], "organisation"),
            indicators=_rows(formsets["indicator_formset"], "name"),
            other_funding=_rows(formsets["funding_formset"], "source_name"),
            **lead_kwargs,
            **data,
        )
    except ValidationError as error:
        add_service_error(form, error)
        return None


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def project_create(request):
    organisations = _user_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("Seuls les membres d'une organisation partenaire déposent un projet."))
    plan = plan_for_change(request)
    initial = {}
    theme = None
    if slug := enjeu_param(request):
        theme = Theme.objects.filter(slug=slug, plan=plan).first()
        initial["theme"] = theme
    form = ProjectForm(request.POST or None, plan=plan, organisations=organisations, initial=initial)
    formsets = _formsets(request, lead=organisations[0] if len(organisations) == 1 else None)
    if request.method == "POST":
        project = _save_project(request, form, formsets)
        if project is not None:
            messages.success(request, _("Brouillon enregistré. Vous pouvez le compléter à tout moment."))
            return redirect("projects:project-application", pk=project.pk)
    similar = similar_projects(request.user, theme=theme, exclude_org_ids=request.user.organisation_ids())
    return render(
        request, "projects/project_form.html", {"form": form, **formsets, "project": None, "similar": similar}
    )


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def project_update(request, pk):
    project = get_project_for_user(request, pk, write=True)
    plan = project.theme.plan  # the project's own plan: its themes, years and dates, whatever plan is current
    year_amounts = {row.plan_year_id: row.amount for row in project.year_amounts.all()}
    initial = {"plan_years": list(project.plan_years.all())}
    form = ProjectForm(
        request.POST or None,
        instance=project,
        plan=plan,
        year_amounts=year_amounts,
        budget_lines=budget_lines_initial(project),
        initial=initial,
    )
    formsets = _formsets(request, project=project, lead=project.lead)
    if request.method == "POST":
        saved = _save_project(request, form, formsets, project=project)
        if saved is not None:
            if request.POST.get("action") == "rediger" and project.status == ProjectStatus.INTENTION:
                status_services.project_change_status(
                    project=project,
                    to_status=ProjectStatus.DRAFT,
                    by=request.user,
                    comment=_("Rédaction du projet complet."),
                )
                messages.success(request, _("Votre intention devient un brouillon de projet complet."))
            else:
                messages.success(request, _("Modifications enregistrées."))
            return redirect("projects:project-update", pk=project.pk)
    similar = similar_projects(
        request.user,
        theme=project.theme,
        title=project.title,
        summary=project.summary,
        exclude_org_ids={project.lead_id},
        exclude_pk=project.pk,
    )
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            **formsets,
            "project": project,
            "similar": similar,
            # each named partner's answer, shown above the form (a declined one is not among the form's rows)
            "partner_answers": list(project.partnerships.select_related("organisation").order_by("organisation__name")),
            "can_submit": project.status == ProjectStatus.DRAFT and project.is_lead_member(request.user),
            "missing": filing_selectors.project_missing_for_submission(project)
            if project.status == ProjectStatus.DRAFT
            else [],
        },
    )


def _detail_context(request, project, comment_form=None):
    user = request.user
    read_only = is_archived(project)  # a closed plan's project: read, never changed (its buttons are hidden)
    partnerships = list(project.partnerships.all())
    partner_ids = {p.organisation_id for p in partnerships if not p.is_declined}  # one that declined is no partner
    insider = user.is_authenticated and (user.sees_everything or project.can_comment(user, partner_ids=partner_ids))
    plan_years, year_amounts = project_years(project)  # one query for both
    context = {
        "project": project,
        "read_only": read_only,
        "plan_years": plan_years,
        "year_amounts": year_amounts,
        # An organisation that declined is no partner: only the project's own people still see its answer.
        "partnerships": [p for p in partnerships if insider or not p.is_declined],
        "answerable": [] if read_only else [p for p in partnerships if p.can_answer(user)],
        "indicators": list(project.indicators.all()),
        "other_funding": list(project.other_funding.all()),
        "insider": insider,
        "can_edit": not read_only and project.can_edit(user),
        "can_submit": not read_only and project.status == ProjectStatus.DRAFT and project.is_lead_member(user),
        "reports_section": project_reports_section(project, user),
    }
    if insider:
        context["history"] = list(project.status_changes.select_related("changed_by"))
        context.update(project_review_context(user, project, context["history"]))
        context["comments"] = list(project.comments.select_related("author", "organisation"))
        if not read_only and project.can_comment(user, partner_ids=partner_ids):
            context["comment_form"] = comment_form or ProjectCommentForm()
    return context


def _detail_queryset():
    # committed, paid and the last report's results: in the project's query (issue 23: what the public reads); the
    # next payment, for the panel its own people read at the top (« Mon espace », worklist/_project_panel.html)
    return (
        ActionProject.objects.with_money_and_results()
        .with_next_payment()
        .select_related(
            "lead",
            "theme__plan",
            "objective",
            "space",
            "board_decision__recorded_by",  # the decision: no query of its own
            "agreement",  # the « Financement » panel's (budget): no query of its own
        )
        .prefetch_related(
            Prefetch(
                "partnerships",
                queryset=ProjectPartner.objects.select_related("organisation").order_by("organisation__name"),
            ),
            "indicators",
            "other_funding",
        )  # the plan years and the amounts by year: projects.selectors.years, one query for both
    )


def project_detail(request, pk):
    project = get_project_for_user(request, pk, queryset=_detail_queryset())
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@login_required
@shows_refusal
@require_POST
def project_comment_create(request, pk):
    project = get_project_for_change(request, pk, queryset=_detail_queryset())
    if not project.can_comment(request.user):
        raise PermissionDenied
    form = ProjectCommentForm(request.POST)
    if form.is_valid():
        org_ids = request.user.organisation_ids()
        named = {project.lead_id} | {p.organisation_id for p in project.partnerships.all() if not p.is_declined}
        organisation_id = next(iter(sorted(org_ids & named)), None)
        filing_services.project_comment_create(
            project=project,
            author=request.user,
            text=form.cleaned_data["text"],
            organisation=Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None,
        )
        messages.success(request, _("Commentaire publié."))
        return redirect("projects:project-detail", pk=project.pk)
    return render(
        request, "projects/project_detail.html", _detail_context(request, project, comment_form=form), status=400
    )


@login_required
@shows_refusal
@require_POST
def partnership_answer(request, pk, partner_pk):
    """A named partner's responsable confirms or declines its participation (« oui » / « non »).
    Someone who cannot see the project, or another organisation's member, gets 404; the project's own people
    (the lead, the partner's members without the responsable role, coordination, staff) 403."""
    project = get_project_for_change(request, pk)
    partnership = get_object_or_404(
        ProjectPartner.objects.select_related("organisation"), pk=partner_pk, project=project
    )
    user = request.user
    if not partnership.can_answer(user):
        named = {project.lead_id, partnership.organisation_id}
        if user.sees_everything or user.organisation_ids() & named:
            raise PermissionDenied
        raise Http404
    answer = request.POST.get("reponse")
    if answer not in ("oui", "non"):
        messages.error(request, _("Choisissez « Confirmer notre participation » ou « Décliner »."))
        return redirect("projects:project-detail", pk=project.pk)
    filing_services.project_partner_answer(partnership=partnership, by=user, accept=answer == "oui")
    if answer == "oui":
        messages.success(
            request,
            _("Merci : la participation de « %(name)s » et sa contribution sont confirmées.")
            % {"name": partnership.organisation.name},
        )
        return redirect("projects:project-detail", pk=project.pk)
    messages.success(
        request,
        _(
            "« %(name)s » décline sa participation au projet « %(title)s » : elle n'y est plus présentée comme partenaire. "
            "Si c'est une erreur, demandez au porteur de vous nommer de nouveau."
        )
        % {"name": partnership.organisation.name, "title": project.title},
    )
    # Home, not the project: a project that is not public is no longer among this organisation's own.
    return redirect("home")


@login_required
@shows_refusal
@require_POST
def project_submit(request, pk):
    project = get_project_for_change(request, pk)
    if not project.is_lead_member(request.user):
        raise PermissionDenied
    try:
        filing_services.project_submit(project=project, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect_back(request, "projects:project-detail", pk=project.pk)  # « Vérifier et déposer »
    messages.success(
        request, _("Projet déposé : la coordination l'analysera. Il ne se modifie plus d'ici sa décision.")
    )
    return redirect("projects:project-detail", pk=project.pk)
