"""The review of filed projects: the analysis grid, the committee's analysis and recommendation,
the board's decision, requests for changes; and, before filing, the intentions by theme and the
look-alike projects of different organisations (principles 1, 3 and 4).

Only Coordination writes; Personnel reads; a partner reads the outcome on the project page, never
the committee's scores.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from asis.forms import add_service_error
from organisations.access import coordination_required, staff_or_coordination_required
from plans.access import current_plan_or_404
from projects.access import get_criterion, get_project_for_user, is_archived, plan_for_change, refuse_archived
from projects.forms import (
    BoardDecisionForm,
    RequestChangesForm,
    ReviewCriterionForm,
    ReviewOpenForm,
    ReviewRecommendDraftForm,
    ReviewRecommendForm,
    ReviewScoresForm,
)
from projects.models import (
    ActionProject,
    BoardDecision,
    ProjectReview,
    ProjectStatus,
    ReviewCriterion,
    ReviewScore,
)
from projects.selectors.committee import committee_table
from projects.services import review as review_services
from projects.similarity import Candidate, similar_pairs
from projects.views._common import shows_refusal

# Intentions and projects compared for look-alike pairs: the most recently updated, at most.
MAX_PAIR_CANDIDATES = 400
MAX_PAIRS = 60
NOT_SIMILAR = (ProjectStatus.WITHDRAWN, ProjectStatus.REFUSED)


def _project_for_coordination(request, pk, *, queryset=None) -> ActionProject:
    """A project the user may see (404 otherwise) that only Coordination may act on, while its plan is open
    (403 otherwise)."""
    project = get_project_for_user(request, pk, queryset=queryset)
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Seule la coordination analyse les projets et consigne les décisions."))
    refuse_archived(request, project.theme.plan)
    return project


# ---------------------------------------------------------------- the analysis grid


@staff_or_coordination_required
def criterion_list(request):
    """The grid of the plan the page is about (each plan has its own)."""
    plan = current_plan_or_404(request)
    used = ReviewScore.objects.filter(criterion=OuterRef("pk"))
    criteria = list(plan.review_criteria.annotate(used=Exists(used)).order_by("-is_active", "order", "pk"))
    return render(
        request,
        "projects/review_criterion_list.html",
        {
            "active": [c for c in criteria if c.is_active],
            "archived": [c for c in criteria if not c.is_active],
            "can_manage": request.user.is_coordinator and not plan.is_archived,
        },
    )


@coordination_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def criterion_create(request):
    plan = plan_for_change(request)
    form = ReviewCriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = review_services.criterion_create(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le critère « %(name)s » est ajouté à la grille.") % {"name": criterion.name})
            return redirect("projects:criterion-list")
    return render(
        request,
        "projects/review_criterion_form.html",
        {"form": form, "criterion": None},
        status=400 if form.errors else 200,
    )


@coordination_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def criterion_update(request, pk):
    criterion = get_criterion(request, pk, write=True)
    form = ReviewCriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.criterion_update(criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le critère est modifié."))
            return redirect("projects:criterion-list")
    criterion.refresh_from_db()
    return render(
        request,
        "projects/review_criterion_form.html",
        {"form": form, "criterion": criterion},
        status=400 if form.errors else 200,
    )


def _criterion_action(request, pk, action, done_message):
    criterion = get_criterion(request, pk, write=True)
    try:
        action(criterion=criterion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message % {"name": criterion.name})
    return redirect("projects:criterion-list")


@coordination_required
@shows_refusal
@require_POST
def criterion_archive(request, pk):
    return _criterion_action(
        request,
        pk,
        review_services.criterion_archive,
        _("Le critère « %(name)s » est archivé : les analyses qui l'ont noté le gardent."),
    )


@coordination_required
@shows_refusal
@require_POST
def criterion_restore(request, pk):
    return _criterion_action(
        request, pk, review_services.criterion_restore, _("Le critère « %(name)s » est de nouveau en usage.")
    )


@coordination_required
@shows_refusal
@require_POST
def criterion_delete(request, pk):
    return _criterion_action(request, pk, review_services.criterion_delete, _("Le critère « %(name)s » est supprimé."))


# ---------------------------------------------------------------- the committee's analysis


@dataclass
class GridRow:
    criterion: ReviewCriterion
    score: ReviewScore | None = None
    score_field: object = None
    comment_field: object = None


@dataclass
class Grid:
    rows: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.score.score for row in self.rows if row.score)

    @property
    def maximum(self) -> int:
        return sum(row.criterion.max_score for row in self.rows)

    @property
    def scored(self) -> int:
        return sum(1 for row in self.rows if row.score)


def _grid(review: ProjectReview, scores, criteria=()) -> Grid:
    """The rows of a review: the active criteria (while it is open) and every criterion it scored."""
    by_criterion = {s.criterion_id: s for s in scores}
    rows = {c.pk: GridRow(criterion=c, score=by_criterion.get(c.pk)) for c in criteria} if not review.is_closed else {}
    for score in scores:
        rows.setdefault(score.criterion_id, GridRow(criterion=score.criterion, score=score))
    ordered = sorted(rows.values(), key=lambda row: (row.criterion.order, row.criterion.pk))
    return Grid(rows=ordered)


def _analysis_context(request, project, *, scores_form=None, recommend_form=None):
    review = project.reviews.select_related("opened_by", "recommended_by").first()
    if review is None:
        raise Http404(_("Ce projet n'a pas encore été mis en analyse."))
    scores = list(review.scores.select_related("criterion"))
    editable = (
        request.user.is_coordinator
        and not review.is_closed
        and project.status == ProjectStatus.UNDER_ANALYSIS
        and not is_archived(project)
    )
    criteria = (
        list(ReviewCriterion.objects.filter(plan_id=project.theme.plan_id, is_active=True))
        if not review.is_closed
        else []
    )
    grid = _grid(review, scores, criteria)
    committee = committee_table(
        review,
        criteria
        if not review.is_closed
        else list(
            ReviewCriterion.objects.filter(member_scores__review=review, member_scores__withdrawn_at__isnull=True)
            .distinct()
            .order_by("order", "pk")
        ),
    )
    context = {
        "project": project,
        "review": review,
        "grid": grid,
        "committee": committee,
        "editable": editable,
        "show_scores": True,
    }
    if editable:
        if scores_form is None:
            initial = {"committee": review.committee}
            for score in scores:
                initial[f"score_{score.criterion_id}"] = score.score
                initial[f"comment_{score.criterion_id}"] = score.comment
            scores_form = ReviewScoresForm(initial=initial, criteria=criteria)
        fields = {c.pk: (s, m) for c, s, m in scores_form.rows()}
        for row in grid.rows:
            row.score_field, row.comment_field = fields.get(row.criterion.pk, (None, None))
        context["scores_form"] = scores_form
        # Once the committee took part, the quorum proposed is a majority of its members not recused.
        quorum = len(committee.members) // 2 + 1 if committee.in_use else None
        context["recommend_form"] = recommend_form or ReviewRecommendForm(initial={"quorum": quorum})
    return context


def _open_review_or_redirect(request, project):
    """The project's open analysis, or a redirect with the reason when there is none to change."""
    review = project.reviews.first()
    if review is None:
        raise Http404(_("Ce projet n'a pas encore été mis en analyse."))
    if review.is_closed or project.status != ProjectStatus.UNDER_ANALYSIS:
        messages.error(
            request, _("Cette analyse est close ou le projet n'est plus en analyse : la grille ne se modifie plus.")
        )
        return redirect("projects:review-detail", pk=project.pk)
    return review


@login_required
@shows_refusal
@require_POST
def review_open(request, pk):
    project = _project_for_coordination(request, pk)
    form = ReviewOpenForm(request.POST)
    form.is_valid()
    try:
        review_services.review_open(project=project, by=request.user, comment=form.cleaned_data.get("comment", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:project-detail", pk=project.pk)
    messages.success(request, _("L'analyse du projet est ouverte : le comité peut le noter."))
    return redirect("projects:review-detail", pk=project.pk)


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def review_detail(request, pk):
    """The analysis page: Coordination scores the grid (a draft until it recommends); Personnel reads; the
    regional funder does not (the committee's scores are confidential)."""
    project = get_project_for_user(request, pk)
    if not request.user.sees_everything:
        raise PermissionDenied(_("Les notes du comité d'analyse sont confidentielles."))
    if request.method == "POST":
        if not request.user.is_coordinator:
            raise PermissionDenied(_("Seule la coordination analyse les projets et consigne les décisions."))
        refuse_archived(request, project.theme.plan)
        review = _open_review_or_redirect(request, project)
        if not isinstance(review, ProjectReview):
            return review
        criteria = ReviewCriterion.objects.filter(plan_id=project.theme.plan_id, is_active=True)
        form = ReviewScoresForm(request.POST, criteria=criteria)
        # The recommendation typed beside the grid is checked as a draft (nothing required yet: it is not being
        # made): a bad amount or a note too long refuses the whole form, nothing saved, everything shown as typed.
        draft = ReviewRecommendDraftForm(request.POST)
        typed = draft.is_typed()
        if draft.is_valid() and _scores_saved(request, review, form):
            messages.success(request, _("Grille d'analyse enregistrée."))
            if typed:  # what was typed for the recommendation comes back on the page, to be made with « Recommander »
                request.session[_draft_key(project)] = {name: draft.data.get(name, "") for name in draft.fields}
            return redirect("projects:review-detail", pk=project.pk)
        form.is_valid()  # both forms' errors, in one pass
        return _analysis_refused(request, project, scores_form=form, recommend_form=draft)
    kept = request.session.pop(_draft_key(project), None)
    recommend_form = ReviewRecommendForm(initial=kept) if kept else None
    return render(
        request, "projects/review_detail.html", _analysis_context(request, project, recommend_form=recommend_form)
    )


def _draft_key(project) -> str:
    """Where the session keeps a recommendation typed beside the grid when the grid was saved (until the page reads it)."""
    return f"recommendation-draft-{project.pk}"


@login_required
@shows_refusal
@require_POST
def review_recommend(request, pk):
    """The committee's recommendation. Posted from the analysis page, it carries the grid typed above it: the scores
    are saved first (kept even when the recommendation is refused), then the recommendation is made."""
    project = _project_for_coordination(request, pk)
    review = _open_review_or_redirect(request, project)
    if not isinstance(review, ProjectReview):
        return review
    form = ReviewRecommendForm(request.POST)
    scores_form = None
    if _posts_the_grid(request.POST):
        criteria = ReviewCriterion.objects.filter(plan_id=project.theme.plan_id, is_active=True)
        scores_form = ReviewScoresForm(request.POST, criteria=criteria)
        if not _scores_saved(request, review, scores_form):
            form.is_valid()  # its errors too, in one pass
            return _analysis_refused(request, project, scores_form=scores_form, recommend_form=form)
    if form.is_valid():
        try:
            review_services.review_recommend(
                review=review,
                recommendation=form.cleaned_data["recommendation"],
                by=request.user,
                note=form.cleaned_data["recommendation_note"],
                amount=form.cleaned_data["recommended_amount"],
                quorum=form.cleaned_data["quorum"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Recommandation consignée : le projet attend la décision du conseil d'administration.")
            )
            return redirect("projects:project-detail", pk=project.pk)
    if scores_form is not None:
        messages.info(request, _("Grille d'analyse enregistrée."))  # what was typed is kept, the refusal below says why
    return _analysis_refused(request, project, scores_form=scores_form, recommend_form=form)


def _posts_the_grid(data) -> bool:
    """Whether a POST carries the analysis grid (the analysis page's one form), not the recommendation alone."""
    return "committee" in data or any(key.startswith("score_") for key in data)


def _scores_saved(request, review, scores_form) -> bool:
    """Saves the grid of a valid form; False with the form's errors otherwise."""
    if not scores_form.is_valid():
        return False
    try:
        review_services.review_save_scores(
            review=review,
            scores=scores_form.scores(),
            committee=scores_form.cleaned_data["committee"],
            by=request.user,
        )
    except ValidationError as error:
        add_service_error(scores_form, error)
        return False
    return True


def _analysis_refused(request, project, **forms):
    return render(request, "projects/review_detail.html", _analysis_context(request, project, **forms), status=400)


# ---------------------------------------------------------------- the board's decision, requests for changes


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def board_decision_create(request, pk):
    project = _project_for_coordination(request, pk)
    if project.status != ProjectStatus.RECOMMENDED:
        messages.error(
            request,
            _("Le conseil d'administration décide d'un projet recommandé; ce projet est « %(status)s ».")
            % {"status": project.get_status_display()},
        )
        return redirect("projects:project-detail", pk=project.pk)
    review = project.reviews.first()
    form = BoardDecisionForm(request.POST or None, plan=project.theme.plan)
    if request.method == "POST" and form.is_valid():
        try:
            decision = review_services.board_decision_record(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Décision du conseil consignée : projet %(outcome)s.")
                % {"outcome": decision.get_outcome_display().lower()},
            )
            return redirect("projects:project-detail", pk=project.pk)
    return render(
        request,
        "projects/review_decision_form.html",
        {"project": project, "review": review, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@shows_refusal
@require_http_methods(["GET", "POST"])
def project_request_changes(request, pk):
    project = _project_for_coordination(request, pk)
    if project.status not in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS):
        messages.error(
            request,
            _("On demande des modifications à un projet déposé ou en analyse; ce projet est « %(status)s ».")
            % {"status": project.get_status_display()},
        )
        return redirect("projects:project-detail", pk=project.pk)
    form = RequestChangesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_services.project_request_changes(
                project=project, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le projet redevient un brouillon; le porteur en est avisé par courriel."))
            return redirect("projects:project-detail", pk=project.pk)
    return render(
        request,
        "projects/review_request_changes.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------- on the project page


def _board_decision(project):
    """The project's board decision: read with the project when the page selected it (no query), else one query."""
    selected = type(project).board_decision.related  # the reverse one-to-one: None cached when there is none
    if selected.is_cached(project):
        return selected.get_cached_value(project)
    return BoardDecision.objects.filter(project=project).select_related("recorded_by").first()


def project_review_context(user, project, history) -> dict:
    """The analyses and the board's decision for the project page. Coordination and Personnel see
    the committee's scores; the partner the outcome only. No query unless the history shows an
    analysis (reviews) or a board decision."""
    reached = {change.to_status for change in history}
    can_review = user.is_coordinator and not is_archived(project)  # a closed plan's reviews are read only
    context = {"show_scores": user.sees_everything, "can_review": can_review}
    reviews = []
    if ProjectStatus.UNDER_ANALYSIS in reached:
        queryset = project.reviews.select_related("opened_by", "recommended_by")
        if user.sees_everything:
            queryset = queryset.prefetch_related("scores__criterion")
        reviews = list(queryset)
        if user.sees_everything:
            for review in reviews:
                review.grid = _grid(review, list(review.scores.all()))
    context["reviews"] = reviews
    decided = reached & {ProjectStatus.ACCEPTED, ProjectStatus.REFUSED}
    context["board_decision"] = _board_decision(project) if decided else None
    if can_review and (
        project.status == ProjectStatus.SUBMITTED or (project.status == ProjectStatus.UNDER_ANALYSIS and not reviews)
    ):
        context["open_form"] = ReviewOpenForm()
    return context


# ---------------------------------------------------------------- intentions and look-alikes


@staff_or_coordination_required
def intention_list(request):
    """The intentions by theme (principle 4: start from the organisations' intentions): two queries."""
    plan = current_plan_or_404(request)
    themes = list(plan.themes.order_by("order"))
    intentions = (
        ActionProject.objects.in_plan(plan)
        .filter(status=ProjectStatus.INTENTION)
        .select_related("lead")
        .order_by("-created_at", "pk")
    )
    by_theme = {theme.pk: [] for theme in themes}
    for intention in intentions:
        by_theme.setdefault(intention.theme_id, []).append(intention)
    return render(
        request,
        "projects/review_intentions.html",
        {
            "groups": [(theme, by_theme[theme.pk]) for theme in themes],
            "can_manage": request.user.is_coordinator and not plan.is_archived,
        },
    )


@login_required
@shows_refusal
@require_POST
def intention_to_draft(request, pk):
    project = _project_for_coordination(request, pk)
    try:
        review_services.intention_to_draft(project=project, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:intention-list")
    messages.success(
        request,
        _("L'intention « %(title)s » devient un brouillon de projet que son porteur complétera.")
        % {"title": project.title},
    )
    return redirect("projects:project-detail", pk=project.pk)


@staff_or_coordination_required
def similar_pair_list(request):
    """Intentions and projects of different organisations that look alike, so Coordination connects
    them (principles 1 and 3): one query, compared in memory."""
    plan = current_plan_or_404(request)
    projects = list(
        ActionProject.objects.in_plan(plan)
        .exclude(status__in=NOT_SIMILAR)
        .select_related("lead", "theme")
        .order_by("-updated_at", "pk")[:MAX_PAIR_CANDIDATES]
    )
    by_pk = {p.pk: p for p in projects}
    pairs = similar_pairs(
        [Candidate(key=p.pk, theme_id=p.theme_id, title=p.title, summary=p.summary, group=p.lead_id) for p in projects],
        limit=MAX_PAIRS,
    )
    return render(
        request,
        "projects/review_pairs.html",
        {
            "pairs": [(by_pk[a], by_pk[b], score) for a, b, score in pairs],
            "limit": MAX_PAIRS,
        },
    )
