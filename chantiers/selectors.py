"""Reads of the participation pages: principle 3 (avoid hyperconcertation) and principle 5 (the citizen at the heart).

Plain data out (dataclasses and dicts), every count and sum in SQL: a fixed number of queries
whatever the number of organisations, people, meetings or attendance rows.
"""

import calendar
import datetime
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from chantiers.access import is_report_reader
from chantiers.models import (
    ActionProject,
    Attendance,
    Chantier,
    Decision,
    Invitation,
    Meeting,
    Plan,
    ProgressReport,
    ProjectStatus,
    ReportDeadline,
)
from chantiers.services import report_can_file, report_kinds_open
from organisations.models import Citizen, Organisation, User

WINDOW_MONTHS = (3, 6, 12)
DEFAULT_THRESHOLD = Plan._meta.get_field("meeting_threshold_per_month").default


def current_plan() -> Plan | None:
    return Plan.objects.current()


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the 31st becomes the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------- principle 3: hyperconcertation


@dataclass(frozen=True)
class Window:
    """The last `months` months, `start` to `end` (today) inclusive; above `limit` meetings is too many."""

    months: int
    start: datetime.date
    end: datetime.date
    limit: int

    def q(self, path: str) -> Q:
        return Q(**{f"{path}__date__gte": self.start, f"{path}__date__lte": self.end})


@dataclass(frozen=True)
class WindowLoad:
    months: int
    meetings: int
    minutes: int
    over: bool

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Load:
    """What one organisation, citizen or user was asked to attend."""

    kind: str  # "organisation", "citizen" or "user"
    pk: int
    name: str
    spaces: int
    windows: list[WindowLoad] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return any(w.over for w in self.windows)


def meeting_windows(*, threshold: int, today: datetime.date | None = None) -> list[Window]:
    today = today or timezone.localdate()
    return [Window(months, months_before(today, months), today, threshold * months) for months in WINDOW_MONTHS]


def _window_aggregates(path: str, windows: list[Window]) -> dict:
    """Meetings reached through `path` and their minutes, in each window (conditional aggregation)."""
    aggregates = {}
    for window in windows:
        aggregates[f"meetings_{window.months}"] = Count(path, filter=window.q(path))
        aggregates[f"minutes_{window.months}"] = Sum(f"{path}__duration_minutes", filter=window.q(path), default=0)
    return aggregates


def _asked_by(rows, who: str, windows: list[Window], **aggregates) -> dict[int, dict]:
    """{id of `who`: meetings and minutes per window, and any extra aggregates}, from invitation or attendance
    rows (one per meeting and person), in one grouped query over the longest window."""
    grouped = (
        rows.filter(windows[-1].q("meeting"))
        .order_by()
        .values(who)
        .annotate(**_window_aggregates("meeting", windows), **aggregates)
    )
    return {row.pop(who): row for row in grouped}


def _seats(relation: str) -> Count:
    """Current seats in active spaces (at most one per space)."""
    return Count(
        relation,
        filter=Q(**{f"{relation}__left_on__isnull": True, f"{relation}__chantier__status": Chantier.Status.ACTIVE}),
    )


def _windows_of(asked: dict | None, windows: list[Window]) -> list[WindowLoad]:
    asked = asked or {}
    loads = []
    for w in windows:
        meetings = asked.get(f"meetings_{w.months}", 0)
        loads.append(WindowLoad(w.months, meetings, asked.get(f"minutes_{w.months}", 0), meetings > w.limit))
    return loads


def organisation_loads(windows: list[Window]) -> list[Load]:
    """Every organisation: the active spaces it sits in now, the meetings it was invited to. Two queries."""
    organisations = Organisation.objects.order_by().annotate(spaces=_seats("chantier_memberships"))
    asked = _asked_by(Invitation.objects.filter(organisation__isnull=False), "organisation", windows)
    return [
        Load("organisation", pk, name, spaces, _windows_of(asked.get(pk), windows))
        for pk, name, spaces in organisations.values_list("pk", "name", "spaces")
    ]


def citizen_loads(windows: list[Window]) -> list[Load]:
    """Every citizen: the active spaces they sit in now, the meetings they were invited to. Two queries."""
    citizens = Citizen.objects.order_by().annotate(spaces=_seats("chantier_memberships"))
    asked = _asked_by(Invitation.objects.filter(citizen__isnull=False), "citizen", windows)
    return [
        Load("citizen", pk, f"{first} {last}".strip(), spaces, _windows_of(asked.get(pk), windows))
        for pk, first, last, spaces in citizens.values_list("pk", "first_name", "last_name", "spaces")
    ]


def user_loads(windows: list[Window]) -> list[Load]:
    """Every user: the meetings they were invited to or have an attendance row at (once per meeting), and the
    distinct spaces of those meetings over the longest window. Four queries.

    The invited and attended-only sets are disjoint, so their figures add up: attendance rows count only for
    meetings without an invitation, and their spaces only when no invitation of the window is in that space.
    """
    longest = windows[-1]
    users = User.objects.order_by().values_list("pk", "username", "first_name", "last_name")
    spaces = Count("meeting__chantier", distinct=True)
    invited = _asked_by(Invitation.objects.filter(user__isnull=False), "user", windows, spaces=spaces)
    attended_only = Attendance.objects.filter(user__isnull=False).exclude(
        Exists(Invitation.objects.filter(user=OuterRef("user"), meeting=OuterRef("meeting")))
    )
    attended = _asked_by(attended_only, "user", windows)
    invited_in_space = Invitation.objects.filter(
        longest.q("meeting"), user=OuterRef("user"), meeting__chantier=OuterRef("meeting__chantier")
    )
    more_spaces = dict(
        Attendance.objects.filter(longest.q("meeting"), user__isnull=False)
        .exclude(Exists(invited_in_space))
        .order_by()
        .values("user")
        .annotate(spaces=spaces)
        .values_list("user", "spaces")
    )
    loads = []
    for pk, username, first, last in users:
        asked = _added(invited.get(pk, {}), attended.get(pk, {}))
        name = f"{first} {last}".strip() or username
        loads.append(Load("user", pk, name, asked.get("spaces", 0) + more_spaces.get(pk, 0), _windows_of(asked, windows)))
    return loads


def _added(a: dict, b: dict) -> dict:
    return {key: a.get(key, 0) + b.get(key, 0) for key in a.keys() | b.keys()}


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


# ?tri=<column>: how to read each sortable (numeric) column of a Load.
SORT_COLUMNS = {"lieux": lambda load: load.spaces}
for _i, _months in enumerate(WINDOW_MONTHS):
    SORT_COLUMNS[f"rencontres-{_months}"] = lambda load, i=_i: load.windows[i].meetings
    SORT_COLUMNS[f"heures-{_months}"] = lambda load, i=_i: load.windows[i].minutes
DEFAULT_SORT = f"rencontres-{WINDOW_MONTHS[0]}"


def sort_loads(loads: list[Load], column: str, *, descending: bool = True) -> list[Load]:
    """By `column`, ties by name (A to Z either way)."""
    by_name = sorted(loads, key=lambda load: (_plain(load.name), load.kind, load.pk))
    return sorted(by_name, key=SORT_COLUMNS[column], reverse=descending)


def hyperconcertation_report(*, threshold: int, today: datetime.date | None = None) -> dict:
    """Organisations and people (citizens and users), unsorted. Eight queries."""
    windows = meeting_windows(threshold=threshold, today=today)
    return {
        "windows": windows,
        "organisations": organisation_loads(windows),  # 2
        "people": citizen_loads(windows) + user_loads(windows),  # 2 + 4
    }


# ---------------------------------------------------------------- principle 5: the citizen at the heart


def _percent(part: int, whole: int) -> Decimal | None:
    """A whole percent, rounded half up (the `percent` filter truncates); None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP)


def citizen_participation(*, today: datetime.date | None = None) -> dict:
    """Per active space: current citizen members, their attendance rate at the meetings held so far (up to
    today), and how many of the held meetings that took a decision had a citizen present. Four grouped
    queries, whatever the number of spaces and meetings; totals added up from them."""
    today = today or timezone.localdate()
    active = Chantier.Status.ACTIVE
    spaces = (
        Chantier.objects.filter(status=active)
        .order_by("name")
        .annotate(citizen_members=Count("citizen_memberships", filter=Q(citizen_memberships__left_on__isnull=True)))
        .values("pk", "name", "citizen_members")
    )
    held = {"meeting__chantier__status": active, "meeting__date__lte": today, "citizen__isnull": False}
    invitations = dict(
        Invitation.objects.filter(**held).order_by().values("meeting__chantier").annotate(n=Count("pk")).values_list("meeting__chantier", "n")
    )
    present = dict(
        Attendance.objects.filter(**held, present=True)
        .order_by()
        .values("meeting__chantier")
        .annotate(n=Count("pk"))
        .values_list("meeting__chantier", "n")
    )
    decided = Q(pk__in=Decision.objects.values("meeting"))
    with_citizen = Q(pk__in=Attendance.objects.filter(citizen__isnull=False, present=True).values("meeting"))
    decisions = {
        row.pop("chantier"): row
        for row in Meeting.objects.filter(chantier__status=active, date__lte=today)
        .order_by()
        .values("chantier")
        .annotate(decided_meetings=Count("pk", filter=decided), decided_with_citizen=Count("pk", filter=decided & with_citizen))
    }
    rows = []
    for space in spaces:
        pk = space["pk"]
        rows.append(
            {
                **space,
                "citizen_invitations": invitations.get(pk, 0),
                "citizen_present": present.get(pk, 0),
                **decisions.get(pk, {"decided_meetings": 0, "decided_with_citizen": 0}),
            }
        )
    keys = ("citizen_members", "citizen_invitations", "citizen_present", "decided_meetings", "decided_with_citizen")
    totals = {key: sum(row[key] for row in rows) for key in keys}
    for row in (*rows, totals):
        row["attendance_rate"] = _percent(row["citizen_present"], row["citizen_invitations"])
        row["decided_with_citizen_share"] = _percent(row["decided_with_citizen"], row["decided_meetings"])
    return {"today": today, "spaces": rows, "totals": totals}


# ---- reports



# Projects that may have deadlines or reports (the board accepted them); before that the section is not shown.
REPORT_SECTION_STATUSES = (
    ProjectStatus.ACCEPTED, ProjectStatus.AGREEMENT_SIGNED, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED,
    ProjectStatus.FINAL_REPORT, ProjectStatus.WITHDRAWN,
)
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class DeadlineRow:
    """A deadline and where it stands: `filed` (with its report), `late` or `due`; `days` late or left."""

    deadline: ReportDeadline
    state: str
    days: int
    report: ProgressReport | None = None

    @property
    def is_late(self) -> bool:
        return self.state == "late"


def _deadline_row(deadline: ReportDeadline, today: datetime.date, report: ProgressReport | None = None) -> DeadlineRow:
    if report is not None:
        return DeadlineRow(deadline, "filed", 0, report)
    if deadline.due_on < today:
        return DeadlineRow(deadline, "late", (today - deadline.due_on).days)
    return DeadlineRow(deadline, "due", (deadline.due_on - today).days)


def _filed_report(deadline: ReportDeadline) -> ProgressReport | None:
    try:
        return deadline.report
    except ObjectDoesNotExist:
        return None


def project_reports_section(project: ActionProject, user, today: datetime.date | None = None) -> dict | None:
    """The project page's reports section: deadlines (due, filed, late), reports, and what the user may file.
    None when the user may not read the reports or the project cannot have any. Two queries
    (the partnerships are prefetched by the project page)."""
    if project.status not in REPORT_SECTION_STATUSES:
        return None
    partner_ids = {p.organisation_id for p in project.partnerships.all()}
    if not is_report_reader(user, project, partner_ids):
        return None
    today = today or timezone.localdate()
    deadlines = list(project.report_deadlines.select_related("report").order_by("due_on", "pk"))
    reports = list(project.reports.select_related("submitted_by", "deadline").order_by("-period_end", "-pk"))
    can_file = report_can_file(project, user)
    kinds = report_kinds_open(project, has_final=any(report.is_final for report in reports))
    rows = [_deadline_row(deadline, today, _filed_report(deadline)) for deadline in deadlines]
    return {
        "deadlines": rows,
        "late_count": sum(row.is_late for row in rows),
        "reports": reports,
        "can_file_progress": can_file and kinds[ReportDeadline.Kind.PROGRESS],
        "can_file_final": can_file and kinds[ReportDeadline.Kind.FINAL],
    }


def project_report_budget(project: ActionProject) -> dict:
    """What was asked of the envelope and what is committed now (sum of `Commitment.CURRENT`), one query."""
    from budget.models import (
        Commitment,  # budget sits above chantiers: read lazily, never imported at load
    )

    committed = Commitment.objects.filter(project=project).aggregate(total=Sum(Commitment.CURRENT, default=Decimal("0")))
    return {"requested": project.amount_requested, "committed": committed["total"]}


def late_reports(today: datetime.date | None = None, days: int = UPCOMING_DAYS) -> dict:
    """The coordinators' list: every pending deadline past due (most late first) and those due within `days` days.
    Two queries whatever the number of projects (each deadline with its project and lead organisation)."""
    today = today or timezone.localdate()
    pending = ReportDeadline.objects.awaited().select_related("project__lead")
    late = pending.filter(due_on__lt=today).order_by("due_on", "project__title", "pk")
    upcoming = pending.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days)).order_by(
        "due_on", "project__title", "pk"
    )
    return {
        "today": today,
        "days": days,
        "late": [_deadline_row(deadline, today) for deadline in late],
        "upcoming": [_deadline_row(deadline, today) for deadline in upcoming],
    }
