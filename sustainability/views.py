"""After funding: the follow-ups (« Suivis de durabilité ») the lead organisation answers and Coordination reads,
and the public register of practices (« Pratiques à reprendre »). Views parse, check access (access.py), validate,
call a service, render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from asis.forms import add_service_error
from sustainability import services
from sustainability.access import (
    checks_of,
    get_check_for_user,
    get_practice_for_edit,
    get_project_for_practice,
    practices_of,
)
from sustainability.forms import CheckAnswerForm, PracticeForm
from sustainability.models import Practice
from sustainability.selectors import check_list as checks_listed

PAGE_SIZE = 50


@require_safe
@login_required
def check_list(request):
    """Coordination and staff: every check of the alliance (answered, awaited, late); a partner: its organisations'."""
    checks = checks_listed(checks_of(request))
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sustainability/check_list.html",
        {"page": page, "checks": page.object_list, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def check_detail(request, pk):
    """The check: its questions to the lead's members until answered, its answers afterwards (to them, to
    Coordination and staff)."""
    check = get_check_for_user(request, pk, answer=request.method == "POST")
    can_answer = not check.is_answered and services.can_answer(check, request.user)
    form = CheckAnswerForm(request.POST if request.method == "POST" else None) if can_answer else None
    if request.method == "POST" and form is None:
        messages.error(request, _("Ce suivi a déjà reçu sa réponse : elle ne se modifie plus."))
        return redirect(check)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_answer(check=check, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Merci : votre réponse est enregistrée."))
            return redirect(check)
    practice = Practice.objects.filter(project_id=check.project_id).first()
    return render(
        request,
        "sustainability/check_detail.html",
        {
            "check": check,
            "form": form,
            "practice": practice,
            "can_edit_practice": services.practice_can_edit(check.project, request.user),
            "late": check.is_late(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request, pk):
    """The lead organisation writes its project's practice and publishes it, or keeps it unpublished."""
    project = get_project_for_practice(request, pk)
    practice = Practice.objects.filter(project=project).first()
    form = PracticeForm(
        request.POST if request.method == "POST" else None,
        instance=practice,
        initial={"publish": practice.published if practice else True},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            practice = services.practice_save(
                project=project,
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                reuse=data["reuse"],
                contact_role=data["contact_role"],
                publish=data["publish"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("La pratique est publiée dans le registre.")
                if practice.published
                else _("La pratique est enregistrée; elle n'est pas publiée."),
            )
            return redirect(practice)
    return render(request, "sustainability/practice_form.html", {"project": project, "form": form})


@require_POST
@login_required
def practice_publish(request, pk):
    """Publish or unpublish (never delete) a practice; `publier` = 1 or 0."""
    practice = get_practice_for_edit(request, pk)
    publish = request.POST.get("publier") == "1"
    try:
        services.practice_publish(practice=practice, by=request.user, publish=publish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La pratique est publiée dans le registre.") if publish else _("La pratique est retirée du registre."),
        )
    return redirect(practice)


@require_safe
def practice_list(request):
    """The alliance's public register of practices: published ones (and, for their organisation, its own)."""
    practices = practices_of(request).published().select_related("organisation", "project").order_by("title", "pk")
    page = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sustainability/practice_list.html", {"page": page, "practices": page.object_list})


@require_safe
def practice_detail(request, pk):
    """A practice of the register: public once published; its organisation and Coordination read it unpublished."""
    practice = get_object_or_404(practices_of(request).select_related("organisation", "project"), pk=pk)
    return render(
        request,
        "sustainability/practice_detail.html",
        {"practice": practice, "can_edit": services.practice_can_edit(practice.project, request.user)},
    )
