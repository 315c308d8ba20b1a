"""The project application as a task list, saved as you go (issue 23, item 4; GOV.UK « task list » and « one thing
per page », the SDG's « Formulaires »): the list of its sections with their status, a short form per section, and
« Vérifier et déposer », every answer with a « Modifier » link, then the filing.

Partners write their project here. Coordination keeps the project's full form (`project_update`): it corrects a
project at any status, often one field among all, and reads the whole on one page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from asis.forms import add_service_error
from projects.access import get_project_application, get_project_for_user, is_archived
from projects.forms import ProjectSectionForm
from projects.models import ActionProject, ProjectBudgetLine, ProjectPartner, ProjectStatus, ProjectYearAmount
from projects.selectors.application import SECTIONS_BY_SLUG, application_answers, application_sections, next_section
from projects.selectors.similar import similar_projects
from projects.services import filing as filing_services
from projects.views._common import shows_refusal
from projects.views.projects import _formsets, _rows

LATER = "plus-tard"  # « Enregistrer et revenir plus tard »: the button's value


def _application_queryset():
    return ActionProject.objects.select_related("lead", "theme__plan", "objective", "space").prefetch_related(
        Prefetch(
            "partnerships",
            queryset=ProjectPartner.objects.select_related("organisation").order_by("organisation__name"),
        ),
        Prefetch("year_amounts", queryset=ProjectYearAmount.objects.select_related("plan_year")),
        Prefetch("budget_lines", queryset=ProjectBudgetLine.objects.select_related("category", "plan_year")),
        "indicators",
        "other_funding",
        "plan_years",
    )


def _can_write(request, project) -> bool:
    return not is_archived(project) and project.can_edit(request.user)


def _states_context(request, project) -> dict:
    states = application_sections(project)
    required = [state for state in states if not state.section.optional]
    return {
        "project": project,
        "states": states,
        "missing": [state for state in states if state.missing],
        "done_count": sum(1 for state in required if state.is_done),
        "required_count": len(required),
        "can_write": _can_write(request, project),
        "drafting": project.status in (ProjectStatus.INTENTION, ProjectStatus.DRAFT),
        "can_submit": project.status == ProjectStatus.DRAFT
        and project.is_lead_member(request.user)
        and not is_archived(project),
    }


@login_required
@shows_refusal
@require_GET
def project_application(request, pk):
    """The task list: each section, its status (in words), a link to its short form while it may be changed."""
    project = get_project_application(request, pk, queryset=_application_queryset())
    context = _states_context(request, project)
    if context["can_write"]:
        context["similar"] = similar_projects(
            request.user,
            theme=project.theme,
            title=project.title,
            summary=project.summary,
            exclude_org_ids={project.lead_id},
            exclude_pk=project.pk,
        )
    return render(request, "projects/application.html", context)


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def project_application_section(request, pk, section):
    """One section's short form. « Enregistrer et continuer » asks for what the section requires and goes on to the
    next one; « Enregistrer et revenir plus tard » keeps what is typed (when it holds) and goes back to the list.
    Either way, with an error nothing of the section is saved and the error summary says what to correct."""
    spec = SECTIONS_BY_SLUG.get(section)
    if spec is None:
        raise Http404
    project = get_project_for_user(request, pk, write=True, queryset=_application_queryset())
    year_amounts = {row.plan_year_id: row.amount for row in project.year_amounts.all()}
    form = ProjectSectionForm(
        request.POST or None,
        instance=project,
        plan=project.theme.plan,
        year_amounts=year_amounts,
        budget_lines={(line.category_id, line.plan_year_id): line.amount for line in project.budget_lines.all()},
        initial={"plan_years": list(project.plan_years.all())},
        section=spec,
    )
    formsets = {
        name: formset
        for name, formset in _formsets(request, project=project, lead=project.lead).items()
        if name in spec.formsets
    }
    if request.method == "POST":
        later = request.POST.get("action") == LATER
        valid = form.is_valid_for_later() if later else form.is_valid()
        valid = all([fs.is_valid() for fs in formsets.values()]) and valid  # noqa: C419  (every formset's errors)
        if valid and _save_section(request, project, form, formsets):
            messages.success(request, _("« %(section)s » est enregistré.") % {"section": spec.title})
            following = next_section(spec)
            if later:
                return redirect("projects:project-application", pk=project.pk)
            if following is None:
                return redirect("projects:project-application-review", pk=project.pk)
            return redirect("projects:project-application-section", pk=project.pk, section=following.slug)
    return render(
        request,
        "projects/application_section.html",
        {
            "project": project,
            "section": spec,
            "form": form,
            **formsets,
            "later": LATER,
            # each named partner's answer, shown above the partners' rows (a declined one is not among them)
            "partner_answers": list(project.partnerships.all()) if "partner_formset" in spec.formsets else [],
        },
    )


def _save_section(request, project, form, formsets) -> bool:
    """Save the section through the service; False with the service's refusal on the form."""
    changes = form.project_fields()
    if form.section.amounts:
        changes["year_amounts"] = form.year_amounts()
        if form.has_lines():
            changes["budget_lines"] = form.budget_lines()
    if "partner_formset" in formsets:
        changes["partners"] = _rows(formsets["partner_formset"], "organisation")
    if "indicator_formset" in formsets:
        changes["indicators"] = _rows(formsets["indicator_formset"], "name")
    if "funding_formset" in formsets:
        changes["other_funding"] = _rows(formsets["funding_formset"], "source_name")
    try:
        filing_services.project_application_save(project=project, by=request.user, **changes)
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True


@login_required
@shows_refusal
@require_GET
def project_application_review(request, pk):
    """« Vérifier et déposer »: every answer, section by section, with « Modifier »; the filing once every section
    is complete, otherwise what is missing, each with its section's link."""
    project = get_project_application(request, pk, queryset=_application_queryset())
    context = _states_context(request, project)
    context["sections"] = application_answers(project, context["states"])
    context["review_url"] = reverse("projects:project-application-review", args=[project.pk])
    return render(request, "projects/application_review.html", context)
