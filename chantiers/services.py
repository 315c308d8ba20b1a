"""Writes of the concertation spaces and their meetings that carry a rule or a history."""

import calendar
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chantiers import notices
from chantiers.models import (
    Attendance,
    Decision,
    FollowUp,
    Invitation,
    Meeting,
    MeetingLoadState,
    ParticipationRole,
    Space,
    SpaceCitizen,
    SpaceFacilitator,
    SpaceMembership,
)
from chantiers.selectors import facilitator_candidates
from figures import services as figures
from organisations.models import Citizen, Organisation
from plans.models import Plan
from plans.versions import alliance_plans_written

# ---------------------------------------------------------------- what a write of the spaces changes


MEETINGS, SPACES = ("meetings",), ("meetings", "projects")  # parts of a plan's figures (plans.versions.PARTS)


def meeting_loads_invalidate(alliances: list[int] | None = None) -> None:
    """One UPDATE: the next read of these alliances' hyperconcertation figures (`MeetingLoad`) builds them again (and
    a build running now will not stamp them). None: every alliance's (a load of data, the admin's bulk actions)."""
    states = MeetingLoadState.objects.all()
    if alliances is not None:
        states = states.filter(alliance_id__in=alliances)
    states.update(version=F("version") + 1)


def spaces_written(
    *, alliance_id: int | None = None, space: Space | None = None, meeting: Meeting | None = None, parts=None
):
    """A write to an alliance's spaces, seats, meetings, invitations or attendance (named by the alliance, a space or
    a meeting): its hyperconcertation figures are stale, and its plans' figures move their version (plans.versions:
    the theme pages and the bilan count spaces, seats and meetings). Explicit, in every service that writes them; no
    signal. The alliance is read from the rows loaded with `space` or `meeting` (no query), else in one query."""
    if alliance_id is None:
        alliance_id = _alliance_of(space=space, meeting=meeting)
    meeting_loads_invalidate([alliance_id])
    # `parts` (plans.versions.PARTS): a meeting's write (invitations, attendance) or a seat's is the meetings' part
    # only; a space's also moves the projects' (the bilan's tallies name each project's space)
    if parts is None:
        parts = MEETINGS if meeting is not None and space is None else SPACES
    alliance_plans_written(alliance_id, parts=parts)


def _alliance_of(*, space: Space | None = None, meeting: Meeting | None = None) -> int | None:
    if meeting is not None and Meeting._meta.get_field("space").is_cached(meeting):
        space = meeting.space
    if space is not None:
        return space.alliance_id
    return Space.objects.filter(pk=meeting.space_id).values_list("alliance_id", flat=True).first()


# ---------------------------------------------------------------- the meetings the plans' pages count (figures)

PRESENT = Q(attendances__present=True)
# Per space and day: the meetings, the attendance rows marked present at them, and of those the citizens'. DISTINCT:
# the join to the attendance repeats a meeting once per row.
DAY_COUNTS = {
    "meetings": Count("pk", distinct=True),
    "present": Count("attendances", filter=PRESENT, distinct=True),
    "citizens_present": Count("attendances", filter=PRESENT & Q(attendances__citizen__isnull=False), distinct=True),
}


def _lock_spaces(space_ids) -> None:
    """Lock the spaces (in the order of their ids) whose meetings a write counts: a space's themes, its meetings'
    days and their attendance are then read and moved by one writer at a time, so a delta is added to the themes
    the space serves when it commits (a theme change waits for a meeting scheduled meanwhile, and moves it too)."""
    list(Space.objects.select_for_update().filter(pk__in=space_ids).order_by("pk").values_list("pk", flat=True))


def _served(space_ids) -> dict[int, list[tuple[int, int]]]:
    """The (plan id, theme id) of the themes each space serves (1 query)."""
    served = defaultdict(list)
    links = Space.themes.through.objects.filter(space_id__in=space_ids)
    for space_id, plan_id, theme_id in links.values_list("space_id", "theme__plan_id", "theme_id"):
        served[space_id].append((plan_id, theme_id))
    return served


def _negated(values: dict) -> dict:
    return {name: -value for name, value in values.items()}


def meeting_days(meetings, *, lock: bool = False) -> list[tuple[list, datetime.date, dict]]:
    """The `meetings` (a queryset) as the kept totals count them: (the themes their space serves, a day, its
    meetings and attendance), per space and day (2 queries; 1 when there is none). `lock`: their spaces are locked
    first (a write around the services, as `_lock_spaces` says: the admin's)."""
    if lock:
        _lock_spaces(meetings.values("space_id"))
    rows = list(meetings.order_by().values("space_id", "date").annotate(**DAY_COUNTS))
    served = _served({row["space_id"] for row in rows}) if rows else {}
    return [(served.get(row.pop("space_id"), []), row.pop("date"), row) for row in rows]


def meeting_days_moved(*, before=(), after=()) -> None:
    """The kept totals (figures) move from the days `before` to the days `after` (both read by `meeting_days`, around
    a write that went around the services: the admin's saves, a test's rows)."""
    figures.meetings_add([*((themes, day, _negated(values)) for themes, day, values in before), *after])


def _themes_moved(space: Space, before: list[tuple[int, int]], after: list[tuple[int, int]]) -> None:
    """The space now serves the themes `after` instead of `before`: its meetings and their attendance leave the
    themes (and plans) it no longer serves for those it serves now (one aggregate over its meetings, per day)."""
    if set(before) == set(after):
        return
    days = list(
        Meeting.objects.filter(space=space)
        .order_by()
        .values("date")
        .annotate(**DAY_COUNTS)
        .values_list("date", *DAY_COUNTS)
    )
    figures.meetings_add(
        [(before, day, _negated(dict(zip(DAY_COUNTS, values, strict=True)))) for day, *values in days]
        + [(after, day, dict(zip(DAY_COUNTS, values, strict=True))) for day, *values in days]
    )


# ---------------------------------------------------------------- concertation spaces


@transaction.atomic
def space_create(*, by=None, themes, lead_organisation=None, alliance=None, **fields) -> Space:
    """Create a space of `alliance` (by default its themes' alliance); its lead organisation takes the first seat,
    as lead. Its themes are themes of that alliance's plans."""
    themes = list(themes)
    if alliance is None:
        if not themes:
            raise ValidationError(_("Choisissez au moins un enjeu du plan."))
        alliance = themes[0].plan.alliance
    if any(theme.plan.alliance_id != alliance.pk for theme in themes):
        raise ValidationError({"themes": _("Ces enjeux ne sont pas ceux du plan de cette alliance.")})
    space = Space(alliance=alliance, lead_organisation=lead_organisation, **fields)
    space.full_clean()
    space.save()
    space.themes.set(themes)
    if lead_organisation is not None:
        space_seat_organisation(space=space, organisation=lead_organisation, role=ParticipationRole.LEAD)
    spaces_written(space=space)
    return space


@transaction.atomic
def space_update(*, space: Space, themes=None, **fields) -> Space:
    """Change a space; `themes`: the themes it serves from now on (its meetings are counted under them)."""
    if themes is not None:
        themes = list(themes)
        _lock_spaces([space.pk])
        before = _served([space.pk])[space.pk]
    for name, value in fields.items():
        setattr(space, name, value)
    space.full_clean()
    space.save()
    if themes is not None:
        space.themes.set(themes)
        _themes_moved(space, before, [(theme.plan_id, theme.pk) for theme in themes])
    lead = space.lead_organisation
    if lead is not None and not space.memberships.current().filter(organisation=lead).exists():
        space_seat_organisation(space=space, organisation=lead, role=ParticipationRole.LEAD)
    spaces_written(space=space)
    return space


@transaction.atomic
def space_archive(*, space: Space, on: datetime.date | None = None) -> Space:
    """Archive, never delete: its meetings, projects and seats stay readable."""
    if space.status == Space.Status.ARCHIVED:
        raise ValidationError(_("Ce lieu de concertation est déjà archivé."))
    space.status = Space.Status.ARCHIVED
    space.archived_on = on or timezone.localdate()
    space.save(update_fields=["status", "archived_on"])
    spaces_written(space=space)
    return space


@transaction.atomic
def space_restore(*, space: Space) -> Space:
    space.status = Space.Status.ACTIVE
    space.archived_on = None
    space.save(update_fields=["status", "archived_on"])
    spaces_written(space=space)
    return space


@transaction.atomic
def space_themes_add(*, space: Space, themes) -> Space:
    """Link the space to more themes (the next plan's themes it carries on): its links to earlier themes stay, so
    a closed plan's pages still list it. Its meetings count for the new themes too."""
    themes = list(themes)
    _lock_spaces([space.pk])
    before = _served([space.pk])[space.pk]
    space.themes.add(*themes)
    _themes_moved(space, before, list({*before, *((theme.plan_id, theme.pk) for theme in themes)}))
    spaces_written(space=space)
    return space


def _seat(model, *, space, role, joined_on, **who):
    seat = model(space=space, role=role, joined_on=joined_on or timezone.localdate(), **who)
    seat.full_clean()
    seat.save()
    spaces_written(space=space, parts=MEETINGS)
    return seat


@transaction.atomic
def space_seat_organisation(
    *, space: Space, organisation: Organisation, role: str = ParticipationRole.MEMBER, joined_on=None
) -> SpaceMembership:
    if space.memberships.current().filter(organisation=organisation).exists():
        raise ValidationError(_("%(org)s siège déjà à ce lieu de concertation.") % {"org": organisation})
    return _seat(SpaceMembership, space=space, organisation=organisation, role=role, joined_on=joined_on)


@transaction.atomic
def space_seat_citizen(
    *, space: Space, citizen: Citizen, role: str = ParticipationRole.MEMBER, joined_on=None
) -> SpaceCitizen:
    if space.citizen_memberships.current().filter(citizen=citizen).exists():
        raise ValidationError(_("%(citizen)s siège déjà à ce lieu de concertation.") % {"citizen": citizen})
    return _seat(SpaceCitizen, space=space, citizen=citizen, role=role, joined_on=joined_on)


@transaction.atomic
def space_unseat(*, seat: SpaceMembership | SpaceCitizen, left_on=None):
    """A member leaves: the seat is kept with its end date (history), never deleted."""
    if seat.left_on is not None:
        raise ValidationError(_("Ce membre a déjà quitté ce lieu de concertation."))
    seat.left_on = left_on or timezone.localdate()
    seat.full_clean()
    seat.save(update_fields=["left_on"])
    spaces_written(space=seat.space)
    return seat


# ---------------------------------------------------------------- facilitators (animateurs)


@transaction.atomic
def facilitator_name(*, space: Space, user, by=None, since: datetime.date | None = None) -> SpaceFacilitator:
    """Name `user` to run `space`'s meetings. They must belong to an organisation seated in the space now: a
    facilitator speaks in the space for a member, and sees the space through that seat."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    if space.status != Space.Status.ACTIVE:
        raise ValidationError(_("Ce lieu de concertation est archivé : on n'y nomme plus d'animateur."))
    if SpaceFacilitator.objects.current().filter(space=space, user=user).exists():
        raise ValidationError(_("Cette personne anime déjà ce lieu de concertation."))
    if not facilitator_candidates(space).filter(pk=user.pk).exists():
        raise ValidationError(
            _("Seule une personne membre d'une organisation qui siège à ce lieu de concertation peut l'animer.")
        )
    facilitator = SpaceFacilitator(space=space, user=user, named_by=by, since=since or timezone.localdate())
    facilitator.full_clean()
    facilitator.save()
    return facilitator


@transaction.atomic
def facilitator_remove(*, facilitator: SpaceFacilitator, until: datetime.date | None = None) -> SpaceFacilitator:
    """The person stops running the space's meetings: the row is kept with its end date."""
    facilitator = SpaceFacilitator.objects.select_for_update().get(pk=facilitator.pk)
    if facilitator.until is not None:
        raise ValidationError(_("Cette personne n'anime déjà plus ce lieu de concertation."))
    facilitator.until = until or timezone.localdate()
    facilitator.full_clean()
    facilitator.save(update_fields=["until"])
    return facilitator


# ---------------------------------------------------------------- meetings


def meeting_warnings(
    *, space: Space, date: datetime.date, organisations, plan: Plan | None, exclude_meeting=None
) -> dict:
    """Before scheduling (principle 3, avoid hyperconcertation): which invited organisations are
    already at or above the monthly threshold of `plan` (the page's plan; the default threshold without one)
    in that month, and which have another meeting of the space's alliance that same day. Only that
    alliance's meetings count: another alliance's are none of its business (and its threshold is its own).
    Two queries whatever the number of organisations."""
    organisations = list(organisations)
    ids = [org.pk for org in organisations]
    threshold = plan.meeting_threshold_per_month if plan else Plan.DEFAULT_MEETING_THRESHOLD
    # The month's first and last days (not "the first of the next month": December 9999 has none, a 500).
    month_start = date.replace(day=1)
    month_end = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    invitations = Invitation.objects.filter(
        organisation_id__in=ids,
        meeting__space__alliance_id=space.alliance_id,
        meeting__date__gte=month_start,
        meeting__date__lte=month_end,
    )
    if exclude_meeting is not None:
        invitations = invitations.exclude(meeting=exclude_meeting)
    per_org = {
        row["organisation_id"]: row["n"]
        for row in invitations.values("organisation_id").annotate(n=Count("meeting", distinct=True))
    }
    same_day = defaultdict(list)
    for invitation in invitations.filter(meeting__date=date).select_related("meeting__space"):
        same_day[invitation.organisation_id].append(invitation.meeting)
    by_id = {org.pk: org for org in organisations}
    return {
        "threshold": threshold,
        "over_threshold": [
            (by_id[pk], n) for pk, n in sorted(per_org.items(), key=lambda kv: -kv[1]) if n >= threshold
        ],
        "same_day": [(by_id[pk], meetings) for pk, meetings in same_day.items()],
    }


@transaction.atomic
def meeting_schedule(*, space: Space, invite_members: bool = True, extra_organisations=(), **fields) -> Meeting:
    """Schedule a meeting of a space and invite its current members (organisations and citizens); the people of the
    organisations invited are told, as each chose (chantiers.notices)."""
    if space.status == Space.Status.ARCHIVED:
        raise ValidationError(_("Ce lieu de concertation est archivé : on n'y planifie plus de rencontre."))
    _lock_spaces([space.pk])
    meeting = Meeting(space=space, **fields)
    meeting.full_clean()
    meeting.save()
    figures.meetings_add([(_served([space.pk])[space.pk], meeting.date, {"meetings": 1})])
    organisations = set(extra_organisations)
    citizens = set()
    if invite_members:
        organisations |= {m.organisation for m in space.memberships.current().select_related("organisation")}
        citizens = {seat.citizen for seat in space.citizen_memberships.current().select_related("citizen")}
    Invitation.objects.bulk_create(
        [Invitation(meeting=meeting, organisation=org) for org in organisations]
        + [Invitation(meeting=meeting, citizen=citizen) for citizen in citizens]
    )
    spaces_written(space=space, parts=MEETINGS)
    if meeting.date >= timezone.localdate():  # a meeting recorded after it was held tells nobody
        notices.meeting_scheduled_notify(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    """Change a meeting. Moved to another day (or space), it is counted there with its attendance. What was stored
    is read again, the form having already changed `meeting`."""
    stored_space = Meeting.objects.values_list("space_id", flat=True).get(pk=meeting.pk)
    for name, value in fields.items():
        setattr(meeting, name, value)
    _lock_spaces({stored_space, meeting.space_id})
    stored = Meeting.objects.values_list("space_id", "date").get(pk=meeting.pk)  # its space locked: stays so
    meeting.full_clean()
    if stored != (meeting.space_id, meeting.date):
        before = meeting_days(Meeting.objects.filter(pk=meeting.pk))
    meeting.save()
    if stored != (meeting.space_id, meeting.date):
        meeting_days_moved(before=before, after=meeting_days(Meeting.objects.filter(pk=meeting.pk)))
    spaces_written(meeting=meeting)
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, users=(), citizens=(), organisations=()) -> list[Attendance]:
    """Replace the meeting's attendance: people (for their organisation), citizens, organisations alone."""
    if meeting.date > timezone.localdate():
        raise ValidationError(_("On consigne les présences d'une rencontre qui a eu lieu."))
    _lock_spaces([meeting.space_id])
    date = Meeting.objects.values_list("date", flat=True).get(pk=meeting.pk)  # its space locked: stays so
    counted = meeting.attendances.aggregate(
        n=Count("pk", filter=Q(present=True)), citizens=Count("pk", filter=Q(present=True, citizen__isnull=False))
    )
    before = {"present": counted["n"], "citizens_present": counted["citizens"]}
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
    attendances = Attendance.objects.bulk_create(rows)
    after = {
        "present": sum(row.present for row in rows),
        "citizens_present": sum(row.present and row.citizen_id is not None for row in rows),
    }
    if after != before:
        deltas = {name: after[name] - before[name] for name in after}
        figures.meetings_add([(_served([meeting.space_id])[meeting.space_id], date, deltas)])
    spaces_written(meeting=meeting)
    return attendances


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
    alliance_plans_written(_alliance_of(meeting=meeting), parts=MEETINGS)  # the bilan lists the meetings' decisions
    return decision


@transaction.atomic
def follow_up_set_done(*, follow_up: FollowUp, done: bool = True, on: datetime.date | None = None) -> FollowUp:
    follow_up.done = done
    follow_up.done_on = (on or timezone.localdate()) if done else None
    follow_up.save(update_fields=["done", "done_on"])
    return follow_up
