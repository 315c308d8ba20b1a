"""The analysis committee (issue 20, part 1): Coordination names its members; each member declares their interests
in a project under analysis and, unless recused, scores the grid with their own login (or Coordination enters it
for them, marked so). Coordination reads every score, the mean and the spread on the analysis page
(projects.views.review)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from organisations.access import coordination_required, staff_or_coordination_required
from projects.access import committee_seats, get_committee_member, get_member_review, on_closed_plan, refuse_archived
from projects.forms import CommitteeMemberForm, ConflictDeclarationForm, MemberScoresForm
from projects.models import CommitteeMember, MemberScore, ReviewCriterion
from projects.selectors.committee import open_reviews_for_member
from projects.services import committee as committee_services
from projects.views._common import shows_refusal


def _alliance_or_404(request):
    if request.alliance is None:
        raise Http404
    return request.alliance


@staff_or_coordination_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def committee_list(request):
    """The alliance's committee: current and former members; Coordination adds one. Personnel reads."""
    alliance = _alliance_or_404(request)
    if request.method == "POST":
        refuse_archived(request)  # a closed plan's address reads the committee, never changes it
    can_manage = request.user.is_coordinator and not on_closed_plan(request)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Seule la coordination nomme les membres du comité d'analyse."))
    form = CommitteeMemberForm(request.POST if request.method == "POST" else None) if can_manage else None
    if request.method == "POST" and form.is_valid():
        try:
            member = committee_services.committee_member_add(alliance=alliance, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s siège au comité d'analyse.") % {"name": member.display_name})
            return redirect("projects:committee-list")
    members = list(
        CommitteeMember.objects.filter(alliance=alliance).select_related("user", "organisation").order_by("since", "pk")
    )
    current = [m for m in members if m.is_current()]
    return render(
        request,
        "projects/committee_list.html",
        {
            "current": current,
            "former": [m for m in members if m not in current],
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form is not None and form.errors else 200,
    )


@coordination_required
@shows_refusal
@require_POST
def committee_member_leave(request, pk):
    refuse_archived(request)
    member = get_committee_member(request, pk)
    try:
        committee_services.committee_member_leave(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s a quitté le comité : ses déclarations et ses notes restent consultables.")
            % {"name": member.display_name},
        )
    return redirect("projects:committee-list")


@login_required
@shows_refusal
def committee_my_reviews(request):
    """« Mes analyses » : the open analyses of the alliance a member of its committee sits on."""
    seats = list(committee_seats(request))
    if not seats:
        raise PermissionDenied(_("Vous ne siégez pas au comité d'analyse de cette alliance."))
    return render(
        request,
        "projects/committee_my_reviews.html",
        {"rows": open_reviews_for_member(request.alliance, seats)},
    )


def _member_context(request, project, review, member, declaration, *, declare_form=None, scores_form=None):
    proposed = committee_services.conflict_proposed(review=review, member=member)
    criteria = list(ReviewCriterion.objects.filter(plan_id=project.theme.plan_id, is_active=True))
    context = {
        "project": project,
        "review": review,
        "member": member,
        "declaration": declaration,
        "proposed": proposed,
        "on_behalf": member.user_id != request.user.pk,
        "partners": list(project.partnerships.not_declined().select_related("organisation")),
        "declare_form": declare_form
        or ConflictDeclarationForm(
            initial={
                "in_conflict": ("1" if declaration.in_conflict else "0")
                if declaration
                else ("1" if proposed else None),
                "note": declaration.note if declaration else "",
            }
        ),
    }
    if declaration is not None and not declaration.in_conflict:
        if scores_form is None:
            initial = {}
            for score in MemberScore.objects.counted().filter(review=review, member=member):
                initial[f"score_{score.criterion_id}"] = score.score
                initial[f"comment_{score.criterion_id}"] = score.comment
            scores_form = MemberScoresForm(initial=initial, criteria=criteria)
        context["scores_form"] = scores_form
        context["rows"] = scores_form.rows()
    return context


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def review_member(request, pk, member_pk):
    """A member's page of an analysis: their declaration of interests, then their own grid (never the others')."""
    project, review, member, declaration = get_member_review(request, pk, member_pk)
    if request.method == "POST":
        if declaration is None or declaration.in_conflict:
            raise PermissionDenied(
                _("Déclarez d'abord vos intérêts dans ce projet : la grille s'ouvre ensuite.")
                if declaration is None
                else _("Ce membre est récusé (conflit d'intérêts déclaré) : il ne note pas ce projet.")
            )
        criteria = ReviewCriterion.objects.filter(plan_id=project.theme.plan_id, is_active=True)
        form = MemberScoresForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                committee_services.member_scores_save(
                    review=review, member=member, scores=form.scores(), by=request.user
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Vos notes sont enregistrées.")
                    if member.user_id == request.user.pk
                    else _("Notes enregistrées pour %(name)s (saisies par la coordination).")
                    % {"name": member.display_name},
                )
                return redirect("projects:review-member", pk=project.pk, member_pk=member.pk)
        return render(
            request,
            "projects/review_member.html",
            _member_context(request, project, review, member, declaration, scores_form=form),
            status=400,
        )
    return render(
        request, "projects/review_member.html", _member_context(request, project, review, member, declaration)
    )


@login_required
@shows_refusal
@require_POST
def review_member_conflict(request, pk, member_pk):
    """The member's declaration of interests (Coordination may record or correct it for them)."""
    project, review, member, declaration = get_member_review(request, pk, member_pk)  # refuses a closed plan
    form = ConflictDeclarationForm(request.POST)
    if form.is_valid():
        try:
            declared = committee_services.conflict_declare(
                review=review,
                member=member,
                in_conflict=form.cleaned_data["in_conflict"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if declared.in_conflict:
                messages.success(
                    request,
                    _("Conflit d'intérêts déclaré : %(name)s est récusé·e de cette analyse.")
                    % {"name": member.display_name},
                )
                if request.user.is_coordinator:
                    return redirect("projects:review-detail", pk=project.pk)
                return redirect("projects:committee-my-reviews")
            messages.success(request, _("Déclaration enregistrée : la grille est ouverte."))
            return redirect("projects:review-member", pk=project.pk, member_pk=member.pk)
    return render(
        request,
        "projects/review_member.html",
        _member_context(request, project, review, member, declaration, declare_form=form),
        status=400,
    )
