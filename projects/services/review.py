"""The review of filed projects: the analysis grid, analyses and scores, the recommendation, the board's
decision, sending a project back for changes and turning an intention into a draft."""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.templatetags.asis_format import day_date
from notifications.models import Kind
from notifications.services import notify
from plans.models import Plan
from projects.models import (
    ActionProject,
    BoardDecision,
    CommitteeMember,
    MemberScore,
    ProjectReview,
    ProjectStatus,
    ProjectStatusChange,
    ReviewCriterion,
    ReviewScore,
)
from projects.services._common import project_alliance_id
from projects.services.resolutions import resolution_for_number
from projects.services.status import project_change_status


def _lead_members(project: ActionProject) -> list:
    """The lead organisation's current members (notified as each chose; its own address is written to as well)."""
    return [membership.user for membership in project.lead.memberships.current().select_related("user")]


def _locked_project(project: ActionProject) -> ActionProject:
    return ActionProject.objects.select_for_update(of=("self",)).select_related("lead").get(pk=project.pk)


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def criterion_create(
    *, plan: Plan, name: str, max_score: int, description: str = "", order: int | None = None
) -> ReviewCriterion:
    """A new criterion of the analysis grid, last unless `order` is given."""
    if order is None:
        last = plan.review_criteria.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    criterion = ReviewCriterion(plan=plan, name=name.strip(), description=description, max_score=max_score, order=order)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: ReviewCriterion, **fields) -> ReviewCriterion:
    """Edit a criterion; its maximum may not fall below a score already given with it."""
    criterion = ReviewCriterion.objects.select_for_update().get(pk=criterion.pk)
    for name, value in fields.items():
        setattr(criterion, name, value)
    highest = max(
        (
            value
            for value in (
                criterion.scores.aggregate(highest=Max("score"))["highest"],
                criterion.member_scores.aggregate(highest=Max("score"))["highest"],
            )
            if value is not None
        ),
        default=None,
    )
    if highest is not None and criterion.max_score is not None and criterion.max_score < highest:
        raise ValidationError(
            {
                "max_score": _(
                    "Une analyse a déjà donné %(score)s à ce critère : la note maximale ne peut descendre sous %(score)s."
                )
                % {"score": highest}
            }
        )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_archive(*, criterion: ReviewCriterion) -> ReviewCriterion:
    """Take a criterion out of the grid; the analyses that used it keep their scores."""
    if not criterion.is_active:
        raise ValidationError(_("Ce critère est déjà archivé."))
    criterion.is_active = False
    criterion.save(update_fields=["is_active"])
    return criterion


@transaction.atomic
def criterion_restore(*, criterion: ReviewCriterion) -> ReviewCriterion:
    if criterion.is_active:
        raise ValidationError(_("Ce critère est déjà en usage."))
    criterion.is_active = True
    criterion.save(update_fields=["is_active"])
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: ReviewCriterion) -> None:
    """Delete a criterion never used in an analysis; one with scores is archived instead."""
    if criterion.scores.exists() or criterion.member_scores.exists():
        raise ValidationError(_("Ce critère a servi à noter des projets : archivez-le plutôt que de le supprimer."))
    criterion.delete()


@transaction.atomic
def review_open(
    *, project: ActionProject, by, comment: str = "", committee: str = "", at: datetime.datetime | None = None
) -> ProjectReview:
    """Coordination opens the analysis of a filed project: a new review, the project goes « En analyse ».

    A project put « En analyse » without a review (by the admin, or data loaded before the grid) gets its review."""
    current = _locked_project(project)
    if current.status == ProjectStatus.UNDER_ANALYSIS and not current.reviews.exists():
        review = ProjectReview(project=current, opened_by=by, committee=committee.strip())
        review.full_clean()
        review.save()
        return review
    if current.status != ProjectStatus.SUBMITTED:
        raise ValidationError(
            _("Seul un projet déposé peut être mis en analyse; ce projet est « %(status)s ».")
            % {"status": current.get_status_display()}
        )
    review = ProjectReview(project=current, opened_by=by, committee=committee.strip(), opened_at=at or timezone.now())
    review.full_clean()
    review.save()
    project_change_status(
        project=current, to_status=ProjectStatus.UNDER_ANALYSIS, by=by, comment=comment.strip(), at=at
    )
    project.status = current.status
    return review


def _locked_open_review(review: ProjectReview) -> ProjectReview:
    """The review, locked with its project; refused unless it is the project's open analysis."""
    ActionProject.objects.select_for_update().get(pk=review.project_id)
    review = ProjectReview.objects.select_for_update(of=("self",)).select_related("project__theme").get(pk=review.pk)
    if review.is_closed:
        raise ValidationError(_("Cette analyse est close : la recommandation est faite, la grille ne se modifie plus."))
    if review.project.reviews.values_list("pk", flat=True).first() != review.pk:
        raise ValidationError(
            _("Une analyse plus récente de ce projet est ouverte : celle-ci reste dans l'historique.")
        )
    if review.project.status != ProjectStatus.UNDER_ANALYSIS:
        raise ValidationError(
            _("Ce projet n'est pas en analyse (il est « %(status)s ») : la grille ne se modifie plus.")
            % {"status": review.project.get_status_display()}
        )
    return review


@transaction.atomic
def review_save_scores(*, review: ProjectReview, scores: dict, committee: str | None = None, by=None) -> ProjectReview:
    """Save the committee's grid, a draft until the recommendation: `scores` maps a criterion to
    (score, comment); a score of None removes that criterion's score."""
    review = _locked_open_review(review)
    if committee is not None:
        review.committee = committee.strip()
        review.full_clean()
        review.save(update_fields=["committee"])
    errors = {}
    for criterion, (score, comment) in scores.items():
        if criterion.plan_id != review.project.theme.plan_id or not criterion.is_active:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                _("Le critère « %(name)s » ne fait pas partie de la grille en usage.") % {"name": criterion.name}
            )
            continue
        if score is None:
            ReviewScore.objects.filter(review=review, criterion=criterion).delete()
            continue
        row = ReviewScore.objects.filter(review=review, criterion=criterion).first() or ReviewScore(
            review=review, criterion=criterion
        )
        row.score, row.comment = score, (comment or "").strip()
        try:
            row.full_clean()
        except ValidationError as error:
            errors.setdefault(f"score_{criterion.pk}", []).extend(
                _("%(name)s : %(message)s") % {"name": criterion.name, "message": message} for message in error.messages
            )
            continue
        row.save()
    if errors:
        raise ValidationError(errors)
    return review


def committee_standing(review: ProjectReview) -> tuple[list, list]:
    """(participants, recused) of an analysis: the members, not recused, who scored every criterion in use, and the
    members who declared a conflict. Three queries."""
    recused = list(CommitteeMember.objects.filter(conflicts__review=review, conflicts__in_conflict=True).order_by("pk"))
    active = set(
        ReviewCriterion.objects.filter(plan_id=review.project.theme.plan_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    scored: dict[int, set] = {}
    for member_id, criterion_id in (
        MemberScore.objects.counted().filter(review=review).values_list("member_id", "criterion_id")
    ):
        scored.setdefault(member_id, set()).add(criterion_id)
    recused_ids = {m.pk for m in recused}
    full = [pk for pk, done in scored.items() if pk not in recused_ids and active and active <= done]
    participants = list(CommitteeMember.objects.filter(pk__in=full).order_by("pk")) if full else []
    return participants, recused


@transaction.atomic
def review_recommend(
    *,
    review: ProjectReview,
    recommendation: str,
    note: str,
    by,
    amount: Decimal | None = None,
    quorum: int | None = None,
    at: datetime.datetime | None = None,
) -> ProjectReview:
    """The committee recommends, with its reasons, once every criterion of the grid is scored;
    the project goes « Recommandé » and the review becomes read-only.

    Once a committee member declared on this analysis (issue 20, part 1), the committee took part: the quorum is
    required and checked against the members who took part (not recused, the whole grid scored), and the
    recommendation records them and the recused. A quorum given for an analysis without the members is checked too.
    Without them, Coordination's grid alone is the committee's, as before."""
    review = _locked_open_review(review)
    if recommendation not in ProjectReview.Recommendation.values:
        raise ValidationError({"recommendation": _("Choisissez une recommandation.")})
    note = _require_text(note, "recommendation_note", _("Indiquez les motifs de la recommandation."))
    if amount is not None and amount < 0:
        raise ValidationError({"recommended_amount": _("Le montant ne peut pas être négatif.")})
    with_members = review.conflicts.exists()
    participants, recused = committee_standing(review) if (with_members or quorum is not None) else ([], [])
    if with_members and quorum is None:
        raise ValidationError({"quorum": _("Indiquez le quorum du comité pour cette analyse.")})
    if quorum is not None and quorum < 1:
        raise ValidationError({"quorum": _("Le quorum est d'au moins un membre.")})
    if quorum is not None and len(participants) < quorum:
        raise ValidationError(
            {
                "quorum": _(
                    "Quorum non atteint : %(count)s membre(s) du comité ont noté toute la grille, le quorum est de "
                    "%(quorum)s. Rien n'est enregistré."
                )
                % {"count": len(participants), "quorum": quorum}
            }
        )
    scored = set(review.scores.values_list("criterion_id", flat=True))
    if participants:
        scored |= set(
            review.member_scores.counted().filter(member__in=participants).values_list("criterion_id", flat=True)
        )
    missing = [
        c.name
        for c in ReviewCriterion.objects.filter(plan_id=review.project.theme.plan_id, is_active=True)
        if c.pk not in scored
    ]
    if missing:
        raise ValidationError(
            _("Notez chaque critère de la grille avant de recommander; il manque : %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    at = at or timezone.now()
    review.recommendation, review.recommendation_note, review.recommended_amount = recommendation, note, amount
    review.recommended_by, review.recommended_at = by, at
    review.quorum = quorum
    review.full_clean()
    review.save()
    if participants or recused:
        review.participants.set(participants)
        review.recused_members.set(recused)
    project_change_status(
        project=review.project,
        to_status=ProjectStatus.RECOMMENDED,
        by=by,
        at=at,
        comment=_("Recommandation du comité d'analyse : %(recommendation)s.")
        % {"recommendation": review.get_recommendation_display()},
    )
    return review


@transaction.atomic
def board_decision_record(
    *,
    project: ActionProject,
    outcome: str,
    resolution_number: str,
    decided_on: datetime.date,
    by,
    granted_amount: Decimal | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> BoardDecision:
    """The board accepts or refuses a recommended project by a resolution (number and date);
    the project becomes « Accepté » or « Refusé » and its history names the resolution."""
    current = _locked_project(project)
    if current.status != ProjectStatus.RECOMMENDED:
        raise ValidationError(
            _("Le conseil d'administration décide d'un projet recommandé; ce projet est « %(status)s ».")
            % {"status": current.get_status_display()}
        )
    if outcome not in BoardDecision.Outcome.values:
        raise ValidationError({"outcome": _("Choisissez la décision du conseil : accepté ou refusé.")})
    resolution_number = _require_text(
        resolution_number, "resolution_number", _("Indiquez le numéro de la résolution du conseil.")
    )
    if decided_on is None:
        raise ValidationError({"decided_on": _("Indiquez la date de la décision.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("La date de la décision ne peut pas être dans le futur.")})
    if granted_amount is not None and outcome == BoardDecision.Outcome.REFUSED:
        raise ValidationError({"granted_amount": _("Un projet refusé ne reçoit pas de montant.")})
    if granted_amount is not None and granted_amount < 0:
        raise ValidationError({"granted_amount": _("Le montant ne peut pas être négatif.")})
    resolution = resolution_for_number(
        alliance_id=project_alliance_id(current), number=resolution_number, decided_on=decided_on, by=by
    )
    decision = BoardDecision(
        project=current,
        outcome=outcome,
        resolution=resolution,
        resolution_number=resolution_number,
        decided_on=decided_on,
        granted_amount=granted_amount,
        note=(note or "").strip(),
        recorded_by=by,
        recorded_at=at or timezone.now(),
    )
    decision.full_clean()
    decision.save()
    to_status = {
        BoardDecision.Outcome.ACCEPTED: ProjectStatus.ACCEPTED,
        BoardDecision.Outcome.REFUSED: ProjectStatus.REFUSED,
    }[outcome]
    project_change_status(
        project=project,
        to_status=to_status,
        by=by,
        at=at,
        comment=_("Résolution %(number)s du conseil d'administration du %(date)s.")
        % {"number": resolution_number, "date": day_date(decided_on)},
    )
    if not current.is_demo:  # the board's decision to the lead's people, as each chose (« Décisions »)
        notify(
            users=_lead_members(current),
            kind=Kind.DECISIONS,
            alliance_id=project_alliance_id(current),
            subject=lambda: _("ASIS : décision du conseil sur votre projet « %(title)s »") % {"title": current.title},
            body=lambda: (
                _(
                    "Bonjour,\n\nPar sa résolution %(number)s du %(date)s, le conseil d'administration de l'Alliance a "
                    "décidé de votre projet « %(title)s » : %(outcome)s.\n\nLe détail est sur la page du projet, dans le "
                    "portail ASIS.\n\nL'équipe de coordination de l'ASIS"
                )
                % {
                    "number": resolution_number,
                    "date": day_date(decided_on),
                    "title": current.title,
                    "outcome": decision.get_outcome_display().lower(),
                }
            ),
        )
    return decision


@transaction.atomic
def project_request_changes(*, project: ActionProject, by, comment: str) -> ProjectStatusChange:
    """Coordination sends a filed project back to its lead as a draft, saying what to change; the lead
    is told by e-mail. An open analysis stays in the history; filing again opens a new one."""
    comment = _require_text(comment, "comment", _("Dites au porteur ce qu'il doit modifier."))
    current = _locked_project(project)
    if current.status not in (ProjectStatus.SUBMITTED, ProjectStatus.UNDER_ANALYSIS):
        raise ValidationError(
            _("On demande des modifications à un projet déposé ou en analyse; ce projet est « %(status)s ».")
            % {"status": current.get_status_display()}
        )
    change = project_change_status(project=project, to_status=ProjectStatus.DRAFT, by=by, comment=comment)
    notify(
        users=_lead_members(current),
        addresses=[current.lead.email],
        kind=Kind.PROJECTS,
        alliance_id=project_alliance_id(current),
        subject=lambda: (
            _("ASIS : des modifications sont demandées à votre projet « %(title)s »") % {"title": current.title}
        ),
        body=lambda: (
            _(
                "Bonjour,\n\nLa coordination de l'Alliance demande des modifications à votre projet « %(title)s », "
                "qui redevient un brouillon :\n\n%(comment)s\n\n"
                "Modifiez-le sur le portail ASIS puis déposez-le de nouveau.\n\n"
                "L'équipe de coordination de l'ASIS"
            )
            % {"title": current.title, "comment": comment}
        ),
    )
    return change


@transaction.atomic
def intention_to_draft(*, project: ActionProject, by) -> ProjectStatusChange:
    """Coordination turns an intention into a draft project that its lead completes."""
    return project_change_status(
        project=project, to_status=ProjectStatus.DRAFT, by=by, comment=_("Rédaction du projet complet.")
    )
