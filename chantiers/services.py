"""Writes of the plan, spaces, meetings and action projects that carry a rule or a history."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers.models import (
    ActionProject,
    Attendance,
    Chantier,
    ChantierCitizen,
    ChantierMembership,
    Decision,
    FollowUp,
    Indicator,
    Invitation,
    Meeting,
    OtherFunding,
    ParticipationRole,
    Plan,
    PlanYear,
    ProjectComment,
    ProjectPartner,
    ProjectStatus,
    ProjectStatusChange,
    ProjectYearAmount,
)
from organisations.models import Citizen, Organisation


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


@transaction.atomic
def plan_years_ensure(*, plan: Plan, count: int = 3) -> list[PlanYear]:
    """Give the plan its fiscal years (1 April–31 March) from its start date; leaves existing years as edited."""
    first = Plan.fiscal_year_start(plan.start_date)
    years = []
    for number in range(1, count + 1):
        start, end = PlanYear.fiscal_bounds(first, number - 1)
        year, _created = PlanYear.objects.get_or_create(
            plan=plan, number=number, defaults={"start_date": start, "end_date": end}
        )
        years.append(year)
    return years


def plan_year_for(plan: Plan, day: datetime.date) -> PlanYear | None:
    return next((year for year in plan.years.all() if year.contains(day)), None)


@transaction.atomic
def plan_threshold_update(*, plan: Plan, threshold: int) -> Plan:
    """Set the hyperconcertation threshold (meetings a month) that the pages and the scheduling warning use."""
    plan.meeting_threshold_per_month = threshold
    plan.full_clean()
    plan.save(update_fields=["meeting_threshold_per_month"])
    return plan


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
    month_start = date.replace(day=1)
    next_month = (month_start + datetime.timedelta(days=32)).replace(day=1)
    invitations = Invitation.objects.filter(organisation_id__in=ids, meeting__date__gte=month_start, meeting__date__lt=next_month)
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
        _replace_rows(ProjectPartner, project, partners)
    if indicators is not None:
        _replace_rows(Indicator, project, [{**row, "order": i} for i, row in enumerate(indicators, start=1)])
    if other_funding is not None:
        _replace_rows(OtherFunding, project, other_funding)
    return project


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
