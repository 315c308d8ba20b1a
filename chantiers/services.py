"""Writes of the plan, spaces, meetings and action projects that carry a rule or a history."""

import calendar
import datetime
from collections import defaultdict
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from asis.mail import send_after_commit
from asis.templatetags.asis_format import format_money
from chantiers import validators
from chantiers.models import (
    ActionProject,
    Attendance,
    BoardDecision,
    Chantier,
    ChantierCitizen,
    ChantierMembership,
    Decision,
    FollowUp,
    Indicator,
    IndicatorValue,
    Invitation,
    Meeting,
    OtherFunding,
    ParticipationRole,
    ProgressReport,
    ProjectComment,
    ProjectPartner,
    ProjectReview,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
    ReportAttachment,
    ReportDeadline,
    ReviewCriterion,
    ReviewScore,
)
from organisations.models import Citizen, Membership, Organisation
from plans.models import Plan


@transaction.atomic
def project_change_status(
    *, project: ActionProject, to_status: str, by=None, comment: str = "", at: datetime.datetime | None = None
) -> ProjectStatusChange:
    """Move a project along the review process, keeping who, when (`at`, now by default) and why.

    The project row is locked and re-read, so the rule applies to its current status;
    the caller's instance is brought up to date.
    """
    caller = project
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if to_status not in ProjectStatus.values:
        raise ValidationError(_("Statut inconnu : %(status)s.") % {"status": to_status})
    if not project.can_become(to_status):
        raise ValidationError(
            _("Un projet « %(current)s » ne peut pas passer à « %(target)s ».")
            % {"current": project.get_status_display(), "target": ProjectStatus(to_status).label}
        )
    change = ProjectStatusChange.objects.create(
        project=project, from_status=project.status, to_status=to_status, changed_by=by, comment=comment,
        changed_at=at or timezone.now(),
    )
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    caller.status = to_status
    return change


@transaction.atomic
def project_create(
    *, by=None, status: str = ProjectStatus.DRAFT, comment: str = "", at: datetime.datetime | None = None, **fields
) -> ActionProject:
    """Create a project (an intention or a draft) and the first line of its history."""
    if status not in (ProjectStatus.INTENTION, ProjectStatus.DRAFT):
        raise ValidationError(_("Un projet commence comme intention ou comme brouillon."))
    plan_years = fields.pop("plan_years", None)
    project = ActionProject(status=status, **fields)
    project.full_clean()
    project.save()
    if plan_years:
        project.plan_years.set(plan_years)
    ProjectStatusChange.objects.create(
        project=project, from_status="", to_status=status, changed_by=by, comment=comment, changed_at=at or timezone.now()
    )
    return project


# ---------------------------------------------------------------- concertation spaces


@transaction.atomic
def chantier_create(*, by=None, themes, lead_organisation=None, **fields) -> Chantier:
    """Create a space; its lead organisation takes the first seat, as lead."""
    chantier = Chantier(lead_organisation=lead_organisation, **fields)
    chantier.full_clean()
    chantier.save()
    chantier.themes.set(themes)
    if lead_organisation is not None:
        chantier_seat_organisation(chantier=chantier, organisation=lead_organisation, role=ParticipationRole.LEAD)
    return chantier


@transaction.atomic
def chantier_update(*, chantier: Chantier, themes=None, **fields) -> Chantier:
    for name, value in fields.items():
        setattr(chantier, name, value)
    chantier.full_clean()
    chantier.save()
    if themes is not None:
        chantier.themes.set(themes)
    lead = chantier.lead_organisation
    if lead is not None and not chantier.memberships.current().filter(organisation=lead).exists():
        chantier_seat_organisation(chantier=chantier, organisation=lead, role=ParticipationRole.LEAD)
    return chantier


@transaction.atomic
def chantier_archive(*, chantier: Chantier, on: datetime.date | None = None) -> Chantier:
    """Archive, never delete: its meetings, projects and seats stay readable."""
    if chantier.status == Chantier.Status.ARCHIVED:
        raise ValidationError(_("Ce lieu de concertation est déjà archivé."))
    chantier.status = Chantier.Status.ARCHIVED
    chantier.archived_on = on or timezone.localdate()
    chantier.save(update_fields=["status", "archived_on"])
    return chantier


@transaction.atomic
def chantier_restore(*, chantier: Chantier) -> Chantier:
    chantier.status = Chantier.Status.ACTIVE
    chantier.archived_on = None
    chantier.save(update_fields=["status", "archived_on"])
    return chantier


def _seat(model, *, chantier, role, joined_on, **who):
    seat = model(chantier=chantier, role=role, joined_on=joined_on or timezone.localdate(), **who)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def chantier_seat_organisation(
    *, chantier: Chantier, organisation: Organisation, role: str = ParticipationRole.MEMBER, joined_on=None
) -> ChantierMembership:
    if chantier.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError(_("%(org)s siège déjà à ce lieu de concertation.") % {"org": organisation})
    return _seat(ChantierMembership, chantier=chantier, organisation=organisation, role=role, joined_on=joined_on)


@transaction.atomic
def chantier_seat_citizen(
    *, chantier: Chantier, citizen: Citizen, role: str = ParticipationRole.MEMBER, joined_on=None
) -> ChantierCitizen:
    if chantier.citizen_memberships.current().filter(citizen=citizen).exists():
        raise ValidationError(_("%(citizen)s siège déjà à ce lieu de concertation.") % {"citizen": citizen})
    return _seat(ChantierCitizen, chantier=chantier, citizen=citizen, role=role, joined_on=joined_on)


@transaction.atomic
def chantier_unseat(*, seat: ChantierMembership | ChantierCitizen, left_on=None):
    """A member leaves: the seat is kept with its end date (history), never deleted."""
    if seat.left_on is not None:
        raise ValidationError(_("Ce membre a déjà quitté ce lieu de concertation."))
    seat.left_on = left_on or timezone.localdate()
    seat.full_clean()
    seat.save(update_fields=["left_on"])
    return seat


# ---------------------------------------------------------------- meetings


def meeting_warnings(*, chantier: Chantier, date: datetime.date, organisations, exclude_meeting=None) -> dict:
    """Before scheduling (principle 3, avoid hyperconcertation): which invited organisations are
    already at or above the monthly threshold in that month, and which have another Alliance
    meeting that same day. Two queries whatever the number of organisations."""
    organisations = list(organisations)
    ids = [org.pk for org in organisations]
    plan = Plan.objects.current()
    threshold = plan.meeting_threshold_per_month if plan else Plan.DEFAULT_MEETING_THRESHOLD
    # The month's first and last days (not "the first of the next month": December 9999 has none, a 500).
    month_start = date.replace(day=1)
    month_end = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    invitations = Invitation.objects.filter(organisation_id__in=ids, meeting__date__gte=month_start, meeting__date__lte=month_end)
    if exclude_meeting is not None:
        invitations = invitations.exclude(meeting=exclude_meeting)
    per_org = {row["organisation_id"]: row["n"] for row in invitations.values("organisation_id").annotate(n=Count("meeting", distinct=True))}
    same_day = defaultdict(list)
    for invitation in invitations.filter(meeting__date=date).select_related("meeting__chantier"):
        same_day[invitation.organisation_id].append(invitation.meeting)
    by_id = {org.pk: org for org in organisations}
    return {
        "threshold": threshold,
        "over_threshold": [(by_id[pk], n) for pk, n in sorted(per_org.items(), key=lambda kv: -kv[1]) if n >= threshold],
        "same_day": [(by_id[pk], meetings) for pk, meetings in same_day.items()],
    }


@transaction.atomic
def meeting_schedule(*, chantier: Chantier, invite_members: bool = True, extra_organisations=(), **fields) -> Meeting:
    """Schedule a meeting of a space and invite its current members (organisations and citizens)."""
    if chantier.status == Chantier.Status.ARCHIVED:
        raise ValidationError(_("Ce lieu de concertation est archivé : on n'y planifie plus de rencontre."))
    meeting = Meeting(chantier=chantier, **fields)
    meeting.full_clean()
    meeting.save()
    organisations = set(extra_organisations)
    citizens = set()
    if invite_members:
        organisations |= {m.organisation for m in chantier.memberships.current().select_related("organisation")}
        citizens = {seat.citizen for seat in chantier.citizen_memberships.current().select_related("citizen")}
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, organisation=org) for org in organisations]
        + [Invitation(meeting=meeting, citizen=citizen) for citizen in citizens]
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, users=(), citizens=(), organisations=()) -> list[Attendance]:
    """Replace the meeting's attendance: people (for their organisation), citizens, organisations alone."""
    if meeting.date > timezone.localdate():
        raise ValidationError(_("On consigne les présences d'une rencontre qui a eu lieu."))
    meeting.attendances.all().delete()
    invited = set(meeting.invitations.filter(organisation__isnull=False).values_list("organisation_id", flat=True))
    rows = []
    represented = set()
    for user in users:
        # A person speaks for the organisation invited to this meeting (the first of theirs otherwise).
        theirs = sorted(user.organisation_ids())
        org_id = next((pk for pk in theirs if pk in invited), theirs[0] if theirs else None)
        represented.add(org_id)
        rows.append(Attendance(meeting=meeting, user=user, organisation_id=org_id))
    rows += [Attendance(meeting=meeting, citizen=citizen) for citizen in citizens]
    rows += [Attendance(meeting=meeting, organisation=org) for org in organisations if org.pk not in represented]
    return Attendance.objects.bulk_create(rows)


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, follow_ups=()) -> Decision:
    """A decision and its follow-up actions: dicts of what, responsible_organisation/user, due_on."""
    decision = Decision(meeting=meeting, text=text)
    decision.full_clean()
    decision.save()
    for data in follow_ups:
        follow_up = FollowUp(decision=decision, **data)
        follow_up.full_clean()
        follow_up.save()
    return decision


@transaction.atomic
def follow_up_set_done(*, follow_up: FollowUp, done: bool = True, on: datetime.date | None = None) -> FollowUp:
    follow_up.done = done
    follow_up.done_on = (on or timezone.localdate()) if done else None
    follow_up.save(update_fields=["done", "done_on"])
    return follow_up


# ---------------------------------------------------------------- the partners' project forms


def _replace_rows(model, project: ActionProject, rows) -> None:
    """Replace a project's rows of `model` by `rows` (dicts of fields), each validated before it is saved."""
    model.objects.filter(project=project).delete()
    for data in rows:
        row = model(project=project, **data)
        row.full_clean()
        row.save()


@transaction.atomic
def project_save_draft(
    *,
    by,
    project: ActionProject | None = None,
    year_amounts: dict | None = None,
    partners=None,
    indicators=None,
    other_funding=None,
    status: str = ProjectStatus.DRAFT,
    **fields,
) -> ActionProject:
    """Create (as `status`, an intention or a draft) or update a project with whatever is filled in,
    with its amounts by plan year ({PlanYear: Decimal}), partners, indicators and other funding
    (lists of dicts; None leaves them unchanged). `amount_requested` becomes the sum of the year amounts.
    """
    if year_amounts is not None:
        if any(amount is not None and amount < 0 for amount in year_amounts.values()):
            raise ValidationError({"year_amounts": _("Le montant ne peut pas être négatif.")})
        fields["amount_requested"] = sum((a for a in year_amounts.values() if a), Decimal("0.00"))
    plan_years = fields.pop("plan_years", None)
    if project is None:
        project = project_create(by=by, status=status, **fields)
    else:
        for name, value in fields.items():
            setattr(project, name, value)
        project.full_clean()
        project.save()
    if plan_years is not None:
        project.plan_years.set(plan_years)
    if year_amounts is not None:
        _replace_rows(
            ProjectYearAmount, project,
            [{"plan_year": year, "amount": amount} for year, amount in year_amounts.items() if amount],
        )
    if partners is not None:
        if any(row["organisation"].pk == project.lead_id for row in partners):
            raise ValidationError({"partners": _("Le porteur du projet n'est pas son propre partenaire.")})
        _save_partners(project, partners)
    if indicators is not None:
        _replace_rows(Indicator, project, [{**row, "order": i} for i, row in enumerate(indicators, start=1)])
    if other_funding is not None:
        _replace_rows(OtherFunding, project, other_funding)
    return project


# What the lead declares of a partner's contribution: a change asks the partner again.
_CONTRIBUTION_FIELDS = ("contribution_kind", "contribution_value", "contribution_description")


def _save_partners(project: ActionProject, rows) -> None:
    """Bring the project's partners in line with the form, in place, so that an answer is never lost.

    - A partner kept with the same contribution keeps its answer (re-saving a draft changes nothing).
    - A changed contribution (kind, value or description) asks the partner again: pending, and told by e-mail
      if it had answered.
    - A newly named organisation is pending and told by e-mail. So is a declined one named again.
    - A partner left out of the form is removed while it is pending (it never agreed to anything). One that
      declined stays recorded as declined (the form does not show it). One that confirmed cannot be removed by
      the lead: its commitment is on record, and only the coordination may take it off (the admin).
    The history of each row (django-simple-history) keeps every answer and every change."""
    current = {
        p.organisation_id: p
        for p in ProjectPartner.objects.select_for_update(of=("self",)).select_related("organisation").filter(project=project)
    }
    wanted = {}
    for data in rows:
        wanted[data["organisation"].pk] = data
    removed_confirmed = [p for org_id, p in current.items() if org_id not in wanted and p.is_confirmed]
    if removed_confirmed:
        raise ValidationError({"partners": _(
            "%(names)s a confirmé sa participation : ce partenaire reste au projet. Pour le retirer, écrivez à la coordination."
        ) % {"names": ", ".join(sorted(p.organisation.name for p in removed_confirmed))}})
    for org_id, partner in current.items():
        if org_id not in wanted and partner.is_pending:
            partner.delete()  # its creation and deletion stay in the history
    # An organisation once named on this project and left out while pending was told already: naming it again
    # does not e-mail it again (a lead saving a draft over and over would flood it otherwise).
    told = set(
        ProjectPartner.history.filter(project_id=project.pk, organisation_id__in=[o for o in wanted if o not in current])
        .values_list("organisation_id", flat=True)
    )
    asked = []
    for org_id, data in wanted.items():
        partner = current.get(org_id)
        if partner is None:
            partner = ProjectPartner(project=project, **data)
            if org_id not in told:
                asked.append(partner)
        else:
            # A declined partner is not in the form: naming it again asks it again.
            changed = partner.is_declined or any(
                getattr(partner, name) != data.get(name, getattr(partner, name)) for name in _CONTRIBUTION_FIELDS
            )
            if not changed:
                continue
            for name, value in data.items():
                setattr(partner, name, value)
            if not partner.is_pending:
                asked.append(partner)
            partner.status, partner.answered_by, partner.answered_at = ProjectPartner.Status.PENDING, None, None
        partner.full_clean()
        partner.save()
    # An organisation the coordination has not approved yet (a fresh sign-up) cannot make the portal e-mail
    # others: the request waits on the named organisation's home page (« Demandes de partenariat »).
    if project.lead.status != Organisation.Status.APPROVED:
        return
    for partner in asked:
        _partner_asked_mail(project, partner)


def _partner_asked_mail(project: ActionProject, partner: ProjectPartner) -> None:
    """Tell the named organisation's responsables (its members when it has none) that a project names it.
    Nothing the lead wrote is in it but the project's title: the rest is read on the portal, once logged in."""
    recipients = _reminder_recipients([partner.organisation_id])[partner.organisation_id]
    value = partner.contribution_value
    send_after_commit(
        to=recipients,
        subject=_("ASIS : confirmez-vous votre participation au projet « %(title)s »?") % {"title": project.title},
        body=_(
            "Bonjour,\n\nUn projet déposé sur le portail ASIS, « %(title)s », nomme votre organisation, « %(name)s », "
            "comme partenaire (contribution %(kind)s, valeur estimée : %(value)s).\n\n"
            "Tant que votre organisation ne l'a pas confirmé, ce partenariat et ce montant sont présentés comme non "
            "confirmés et ne comptent dans aucun bilan. Les responsables de votre organisation peuvent confirmer ou "
            "décliner cette participation sur le portail : page d'accueil, « Demandes de partenariat ».\n\n"
            "L'équipe de coordination de l'ASIS"
        ) % {
            "title": project.title, "name": partner.organisation.name,
            "kind": partner.get_contribution_kind_display().lower(),
            "value": format_money(value) if value is not None else _("non précisée"),
        },
    )


@transaction.atomic
def project_partner_answer(*, partnership: ProjectPartner, by, accept: bool) -> ProjectPartner:
    """The named organisation's responsable confirms (or declines) its participation and the declared contribution.
    It may change its answer later; each answer is kept in the row's history (who, when)."""
    partnership = ProjectPartner.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=partnership.pk)
    if not partnership.can_answer(by):
        raise ValidationError(_("Seuls les responsables de « %(name)s » répondent pour elle.") % {"name": partnership.organisation.name})
    partnership.status = ProjectPartner.Status.CONFIRMED if accept else ProjectPartner.Status.DECLINED
    partnership.answered_by = by
    partnership.answered_at = timezone.now()
    partnership.full_clean()
    partnership.save()
    return partnership


def project_missing_for_submission(project: ActionProject) -> list[str]:
    """What a project still lacks to be filed (French, for the partner); empty when complete."""
    missing = []
    if not project.description.strip():
        missing.append(_("la description"))
    if not project.target_population.strip():
        missing.append(_("la population visée"))
    if not (project.start_date and project.end_date):
        missing.append(_("les dates de début et de fin"))
    if not project.year_amounts.filter(amount__gt=0).exists():
        missing.append(_("un montant demandé pour au moins une année du plan"))
    return missing


@transaction.atomic
def project_submit(*, project: ActionProject, by) -> ProjectStatusChange:
    """The lead organisation files its draft: it must be approved and the project complete."""
    if project.lead.status != project.lead.Status.APPROVED:
        raise ValidationError(
            _("Votre organisation n'est pas encore approuvée par la coordination : elle pourra déposer un projet une fois approuvée.")
        )
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(
            _("Seul un brouillon peut être déposé; ce projet est « %(status)s ».") % {"status": project.get_status_display()}
        )
    missing = project_missing_for_submission(project)
    if missing:
        raise ValidationError(_("Il manque, pour déposer ce projet : %(missing)s.") % {"missing": ", ".join(missing)})
    return project_change_status(project=project, to_status=ProjectStatus.SUBMITTED, by=by)


@transaction.atomic
def project_comment_create(*, project: ActionProject, author, text: str, organisation=None) -> ProjectComment:
    comment = ProjectComment(project=project, author=author, organisation=organisation, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment


# ---- review
# The committee's analysis of a filed project, its recommendation and the board's decision
# (dépôt -> en analyse -> recommandé -> accepté ou refusé), and the analysis grid they use.


def _lead_emails(project: ActionProject) -> list[str]:
    """The lead organisation's address and its current members' addresses."""
    members = project.lead.memberships.current().values_list("user__email", flat=True)
    return [project.lead.email, *members]


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
    highest = criterion.scores.aggregate(highest=Max("score"))["highest"]
    if highest is not None and criterion.max_score is not None and criterion.max_score < highest:
        raise ValidationError({
            "max_score": _("Une analyse a déjà donné %(score)s à ce critère : la note maximale ne peut descendre sous %(score)s.")
            % {"score": highest}
        })
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
    if criterion.scores.exists():
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
    project_change_status(project=current, to_status=ProjectStatus.UNDER_ANALYSIS, by=by, comment=comment.strip(), at=at)
    project.status = current.status
    return review


def _locked_open_review(review: ProjectReview) -> ProjectReview:
    """The review, locked with its project; refused unless it is the project's open analysis."""
    ActionProject.objects.select_for_update().get(pk=review.project_id)
    review = ProjectReview.objects.select_for_update(of=("self",)).select_related("project__theme").get(pk=review.pk)
    if review.is_closed:
        raise ValidationError(_("Cette analyse est close : la recommandation est faite, la grille ne se modifie plus."))
    if review.project.reviews.values_list("pk", flat=True).first() != review.pk:
        raise ValidationError(_("Une analyse plus récente de ce projet est ouverte : celle-ci reste dans l'historique."))
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
        row = ReviewScore.objects.filter(review=review, criterion=criterion).first() or ReviewScore(review=review, criterion=criterion)
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


@transaction.atomic
def review_recommend(
    *, review: ProjectReview, recommendation: str, note: str, by, amount: Decimal | None = None,
    at: datetime.datetime | None = None,
) -> ProjectReview:
    """The committee recommends, with its reasons, once every criterion of the grid is scored;
    the project goes « Recommandé » and the review becomes read-only."""
    review = _locked_open_review(review)
    if recommendation not in ProjectReview.Recommendation.values:
        raise ValidationError({"recommendation": _("Choisissez une recommandation.")})
    note = _require_text(note, "recommendation_note", _("Indiquez les motifs de la recommandation."))
    if amount is not None and amount < 0:
        raise ValidationError({"recommended_amount": _("Le montant ne peut pas être négatif.")})
    scored = set(review.scores.values_list("criterion_id", flat=True))
    missing = [c.name for c in ReviewCriterion.objects.filter(plan_id=review.project.theme.plan_id, is_active=True) if c.pk not in scored]
    if missing:
        raise ValidationError(_("Notez chaque critère de la grille avant de recommander; il manque : %(missing)s.") % {"missing": ", ".join(missing)})
    at = at or timezone.now()
    review.recommendation, review.recommendation_note, review.recommended_amount = recommendation, note, amount
    review.recommended_by, review.recommended_at = by, at
    review.full_clean()
    review.save()
    project_change_status(
        project=review.project, to_status=ProjectStatus.RECOMMENDED, by=by, at=at,
        comment=_("Recommandation du comité d'analyse : %(recommendation)s.") % {"recommendation": review.get_recommendation_display()},
    )
    return review


@transaction.atomic
def board_decision_record(
    *, project: ActionProject, outcome: str, resolution_number: str, decided_on: datetime.date, by,
    granted_amount: Decimal | None = None, note: str = "", at: datetime.datetime | None = None,
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
    resolution_number = _require_text(resolution_number, "resolution_number", _("Indiquez le numéro de la résolution du conseil."))
    if decided_on is None:
        raise ValidationError({"decided_on": _("Indiquez la date de la décision.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("La date de la décision ne peut pas être dans le futur.")})
    if granted_amount is not None and outcome == BoardDecision.Outcome.REFUSED:
        raise ValidationError({"granted_amount": _("Un projet refusé ne reçoit pas de montant.")})
    if granted_amount is not None and granted_amount < 0:
        raise ValidationError({"granted_amount": _("Le montant ne peut pas être négatif.")})
    decision = BoardDecision(
        project=current, outcome=outcome, resolution_number=resolution_number, decided_on=decided_on,
        granted_amount=granted_amount, note=(note or "").strip(), recorded_by=by, recorded_at=at or timezone.now(),
    )
    decision.full_clean()
    decision.save()
    to_status = {BoardDecision.Outcome.ACCEPTED: ProjectStatus.ACCEPTED, BoardDecision.Outcome.REFUSED: ProjectStatus.REFUSED}[outcome]
    project_change_status(
        project=project, to_status=to_status, by=by, at=at,
        comment=_("Résolution %(number)s du conseil d'administration du %(date)s.")
        % {"number": resolution_number, "date": decided_on.isoformat()},
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
    send_after_commit(
        to=_lead_emails(current),
        subject=_("ASIS : des modifications sont demandées à votre projet « %(title)s »") % {"title": current.title},
        body=_(
            "Bonjour,\n\nLa coordination de l'Alliance demande des modifications à votre projet « %(title)s », "
            "qui redevient un brouillon :\n\n%(comment)s\n\n"
            "Modifiez-le sur le portail ASIS puis déposez-le de nouveau.\n\n"
            "L'équipe de coordination de l'ASIS"
        )
        % {"title": current.title, "comment": comment},
    )
    return change


@transaction.atomic
def intention_to_draft(*, project: ActionProject, by) -> ProjectStatusChange:
    """Coordination turns an intention into a draft project that its lead completes."""
    return project_change_status(
        project=project, to_status=ProjectStatus.DRAFT, by=by, comment=_("Rédaction du projet complet.")
    )
# ---- reports

# A progress report is filed once the board accepted the project; the final report once the work is under way.
REPORTABLE_STATUSES = (ProjectStatus.ACCEPTED, ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)
FINAL_REPORTABLE_STATUSES = (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)

def _attachments_quota_check(*, organisation_id: int, report: ProgressReport | None, files, field: str) -> None:
    """Refuse files that would pass the quotas (files and bytes per report, bytes per organisation), before
    any is stored. Locks the organisation's row first, so that two uploads at once are counted one after the
    other and cannot both pass; call it inside the service's transaction. One query for the stored figures."""
    if not files:
        return
    Organisation.objects.select_for_update().only("pk").get(pk=organisation_id)
    in_report = Q(report_id=report.pk if report is not None else None)  # a new report: IS NULL, never true
    stored = ReportAttachment.objects.filter(report__project__lead_id=organisation_id).aggregate(
        organisation_bytes=Sum("size", default=0),
        report_files=Count("pk", filter=in_report),
        report_bytes=Sum("size", filter=in_report, default=0),
    )
    try:
        validators.attachments_quota_check(files, **stored)
    except ValidationError as error:
        raise ValidationError({field: error.error_list}) from None


def _store_attachments(*, report: ProgressReport, files, by, stored: list) -> list[ReportAttachment]:
    rows = []
    for file, content_type in zip(files, validators.attachments_check(files), strict=True):
        attachment = ReportAttachment(
            report=report, file=file, original_name=PurePath(file.name).name[:255], content_type=content_type,
            size=file.size, uploaded_by=by,
        )
        attachment.save()  # stores the file under a random name (attachment_path)
        stored.append(attachment.file.name)
        rows.append(attachment)
    return rows


def _forget_files(names) -> None:
    """A rolled-back upload leaves no file behind: the database forgets the rows, this forgets the files."""
    storage = ReportAttachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _stored_files_removed_on_error(function):
    """Run `function(stored=[...])`; if it raises, delete the files it stored (the transaction forgets the rows)."""
    stored: list[str] = []
    try:
        return function(stored)
    except Exception:
        _forget_files(stored)
        raise


def report_can_file(project: ActionProject, user) -> bool:
    """Members of the lead organisation file its reports; Personnel only reads. No query (the roles are cached)."""
    return project.is_lead_member(user) and not (user.is_personnel and not user.is_coordinator)


def report_kinds_open(project: ActionProject, *, has_final: bool) -> dict[str, bool]:
    """Which reports the project may receive now: {"progress": bool, "final": bool}."""
    return {
        ReportDeadline.Kind.PROGRESS: project.status in REPORTABLE_STATUSES,
        ReportDeadline.Kind.FINAL: project.status in FINAL_REPORTABLE_STATUSES and not has_final,
    }


@transaction.atomic
def report_create(
    *,
    project: ActionProject,
    by,
    is_final: bool = False,
    deadline: ReportDeadline | None = None,
    partners_involved=(),
    indicator_values: dict | None = None,
    attachments=(),
    **fields,
) -> ProgressReport:
    """The lead organisation files a progress report (or its final report) with its indicator values,
    partners involved and attachments. A filed report does not change. The final report of a completed
    project moves it to « Rapport final déposé »."""
    project = ActionProject.objects.select_for_update().get(pk=project.pk)
    if not report_can_file(project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse déposent les rapports de ce projet."))
    has_final = project.reports.filter(is_final=True).exists()
    kind = ReportDeadline.Kind.FINAL if is_final else ReportDeadline.Kind.PROGRESS
    if is_final and has_final:
        raise ValidationError(_("Le rapport final de ce projet est déjà déposé."))
    if not report_kinds_open(project, has_final=has_final)[kind]:
        if is_final:
            message = _("Le rapport final se dépose quand le projet est en cours ou terminé; ce projet est « %(status)s ».")
        else:
            message = _("Ce projet est « %(status)s » : il ne reçoit pas de rapport d'étape.")
        raise ValidationError(message % {"status": project.get_status_display()})
    if deadline is not None:
        deadline = ReportDeadline.objects.select_for_update().get(pk=deadline.pk)
        if deadline.project_id != project.pk:
            raise ValidationError({"deadline": _("Cette échéance appartient à un autre projet.")})
        if deadline.kind != kind:
            raise ValidationError({"deadline": _("Cette échéance attend un autre type de rapport.")})
        if ProgressReport.objects.filter(deadline=deadline).exists():
            raise ValidationError({"deadline": _("Un rapport répond déjà à cette échéance.")})
    partner_ids = set(project.partnerships.not_declined().values_list("organisation_id", flat=True))
    partners_involved = list(partners_involved)
    if any(org.pk not in partner_ids for org in partners_involved):
        raise ValidationError({"partners_involved": _("Choisissez parmi les partenaires du projet.")})
    indicators = {indicator.pk: indicator for indicator in project.indicators.all()}
    values = {indicator: value for indicator, value in (indicator_values or {}).items() if value is not None}
    if any(indicator.pk not in indicators for indicator in values):
        raise ValidationError(_("Cet indicateur appartient à un autre projet."))
    if not is_final:
        for name in ("effects", "sustainability", "reusable"):
            fields.pop(name, None)
    report = ProgressReport(project=project, deadline=deadline, is_final=is_final, submitted_by=by, **fields)
    report.full_clean()
    attachments = list(attachments)
    validators.attachments_check(attachments)  # before anything is stored
    _attachments_quota_check(organisation_id=project.lead_id, report=None, files=attachments, field="attachments")

    def save(stored):
        report.save()
        report.partners_involved.set(partners_involved)
        for indicator, value in values.items():
            row = IndicatorValue(report=report, indicator=indicators[indicator.pk], value=value)
            row.full_clean()
            row.save()
        _store_attachments(report=report, files=attachments, by=by, stored=stored)
        if is_final and project.status == ProjectStatus.COMPLETED:
            project_change_status(project=project, to_status=ProjectStatus.FINAL_REPORT, by=by,
                                  comment=_("Rapport final déposé."))
        return report

    return _stored_files_removed_on_error(save)


@transaction.atomic
def report_attachments_add(*, report: ProgressReport, files, by) -> list[ReportAttachment]:
    """The lead organisation adds supporting documents to a filed report (the report itself stays as filed)."""
    if not report_can_file(report.project, by):
        raise ValidationError(_("Seuls les membres de l'organisation porteuse ajoutent des pièces jointes à ce rapport."))
    files = list(files)
    if not files:
        raise ValidationError({"files": _("Choisissez au moins un fichier.")})
    validators.attachments_check(files)
    _attachments_quota_check(organisation_id=report.project.lead_id, report=report, files=files, field="files")
    return _stored_files_removed_on_error(lambda stored: _store_attachments(report=report, files=files, by=by, stored=stored))


def _week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())  # weeks start on Monday


def _reminder_recipients(org_ids) -> dict[int, list[str]]:
    """Per organisation: its responsables' addresses, or its members' when no responsable has one. One query."""
    rows = (
        Membership.objects.current().filter(organisation_id__in=org_ids, user__is_active=True)
        .exclude(user__email="").values_list("organisation_id", "role", "user__email")
    )
    responsables, members = defaultdict(set), defaultdict(set)
    for org_id, role, email in rows:
        (responsables if role == Membership.Role.RESPONSABLE else members)[org_id].add(email)
    return {org_id: sorted(responsables[org_id] or members[org_id]) for org_id in org_ids}


def _reminder_body(*, organisation: Organisation, deadlines, today: datetime.date, base_url: str) -> str:
    lines = []
    for deadline in deadlines:
        if deadline.due_on < today:
            when = _("en retard de %(days)s jours") % {"days": (today - deadline.due_on).days}
        elif deadline.due_on == today:
            when = _("à remettre aujourd'hui")
        else:
            when = _("dans %(days)s jours") % {"days": (deadline.due_on - today).days}
        line = _("- %(project)s — %(kind)s%(label)s, à remettre le %(due)s (%(when)s)") % {
            "project": deadline.project.title, "kind": deadline.get_kind_display(),
            "label": f" ({deadline.label})" if deadline.label else "", "due": deadline.due_on.isoformat(), "when": when,
        }
        if base_url:
            line += "\n  " + base_url.rstrip("/") + deadline.project.get_absolute_url()
        lines.append(line)
    return _(
        "Bonjour,\n\nVoici les rapports que « %(name)s » doit remettre à l'Alliance pour la solidarité et "
        "l'inclusion sociale de Rouyn-Noranda :\n\n%(lines)s\n\nDéposez-les dans le portail ASIS, à la page de "
        "chaque projet (bouton « Déposer un rapport »). Si une échéance pose problème, écrivez à la coordination.\n\n"
        "L'équipe de coordination de l'ASIS"
    ) % {"name": organisation.name, "lines": "\n".join(lines)}


@transaction.atomic
def report_reminders_send(
    *, today: datetime.date | None = None, days: int = 14, dry_run: bool = False, base_url: str = ""
) -> dict:
    """E-mail each organisation whose reports are due within `days` days or late: one message listing its
    projects' deadlines, to its responsables (its members when it has none). A deadline is reminded at most
    once a week (Monday to Sunday); `reminded_on` keeps the date. With `dry_run`, nothing is sent or saved.

    Returns {"organisations": [(organisation, [deadlines], [addresses])], "deadlines": n, "without_address": [orgs]}.
    """
    today = today or timezone.localdate()
    if days < 0:
        raise ValidationError(_("Le nombre de jours ne peut pas être négatif."))
    due = (
        ReportDeadline.objects.awaited()
        .filter(due_on__lte=today + datetime.timedelta(days=days))
        .exclude(reminded_on__gte=_week_start(today))
        .select_related("project__lead")
        .order_by("project__lead__name", "due_on", "project__title", "pk")
    )
    if not dry_run:
        due = due.select_for_update(of=("self",))
    by_org = defaultdict(list)
    for deadline in due:
        by_org[deadline.project.lead].append(deadline)
    recipients = _reminder_recipients([org.pk for org in by_org])
    sent, without_address, reminded = [], [], []
    for organisation, deadlines in by_org.items():
        to = recipients.get(organisation.pk, [])
        if not to:
            without_address.append(organisation)
            continue
        sent.append((organisation, deadlines, to))
        reminded += [deadline.pk for deadline in deadlines]
        if dry_run:
            continue
        subject = _("ASIS : rapports à remettre pour « %(name)s »") % {"name": organisation.name}
        body = _reminder_body(organisation=organisation, deadlines=deadlines, today=today, base_url=base_url)
        send_after_commit(to=to, subject=subject, body=body)
    if not dry_run and reminded:
        ReportDeadline.objects.filter(pk__in=reminded).update(reminded_on=today)
    return {"organisations": sent, "deadlines": len(reminded), "without_address": without_address}
