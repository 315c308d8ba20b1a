"""Reads of the participation pages: principle 3 (avoid hyperconcertation) and principle 5 (the citizen at the heart).

Plain data out (dataclasses and dicts), every count and sum in SQL: a fixed number of queries
whatever the number of organisations, people, meetings or attendance rows.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from chantiers.access import is_report_reader
from chantiers.models import (
    ActionProject,
    Attendance,
    Chantier,
    ChantierCitizen,
    ChantierMembership,
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


# The hyperconcertation tables are ranked in SQL: every figure of every row is computed by the database in
# one statement (grouped common table expressions), sorted there, and only the page shown (LIMIT/OFFSET)
# comes back to Python. At province scale (thousands of organisations, citizens and users, hundreds of
# thousands of invitations) building a Load for every row and sorting them in Python took seconds.
# Raw SQL because the people table is a union of two models (citizens and users) and a user's meetings are
# the union of their invitations and attendance rows: plain SQL-92 (CTE, UNION, CASE), the same on SQLite
# and PostgreSQL.

# ?tri=<column>: the SQL column behind each sortable (numeric) column of the tables.
SORT_COLUMNS = {"lieux": "spaces"}
for _months in WINDOW_MONTHS:
    SORT_COLUMNS[f"rencontres-{_months}"] = f"meetings_{_months}"
    SORT_COLUMNS[f"heures-{_months}"] = f"minutes_{_months}"
DEFAULT_SORT = f"rencontres-{WINDOW_MONTHS[0]}"
TABLES = ("organisations", "people")


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _then_meeting() -> str:
    """How a link row joins its meeting. SQLite's planner would start from the meetings of the window (by
    date) and look up each meeting's invitations, then sort them all to group them; read the links in the
    order of the invitee's index instead (CROSS JOIN keeps the written order on SQLite), so the rows come
    grouped already and each meeting is one primary-key lookup: about 3× faster at province scale.
    PostgreSQL plans the join itself (hash join)."""
    return "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"


def _asked_sql(links: str, windows: list[Window], *, spaces: bool = False) -> tuple[str, list]:
    """`SELECT who, meetings_3, minutes_3, … [, met_spaces]`: the figures of each invitee of `links` (rows
    `who, meeting_id`, one per invitee and meeting), grouped by invitee over the longest window only."""
    longest = windows[-1]
    params: list = []
    figures = []
    for window in windows:
        if window is longest:  # the WHERE below already keeps the longest window only
            figures += [f"COUNT(*) AS meetings_{window.months}", f"SUM(COALESCE(m.duration_minutes, 0)) AS minutes_{window.months}"]
        else:
            figures += [
                f"SUM(CASE WHEN m.date >= %s THEN 1 ELSE 0 END) AS meetings_{window.months}",
                f"SUM(CASE WHEN m.date >= %s THEN COALESCE(m.duration_minutes, 0) ELSE 0 END) AS minutes_{window.months}",
            ]
            params += [window.start, window.start]
    if spaces:
        figures.append("COUNT(DISTINCT m.chantier_id) AS met_spaces")
    sql = (
        f"SELECT l.who, {', '.join(figures)} FROM ({links}) l {_then_meeting()} {_table(Meeting)} m ON m.id = l.meeting_id "
        f"WHERE m.date >= %s AND m.date <= %s GROUP BY l.who"
    )
    return sql, params + [longest.start, longest.end]


def _loads_sql(table: str, windows: list[Window]) -> tuple[str, list]:
    """`WITH … loads AS (SELECT kind, pk, name, spaces, meetings_3, minutes_3, … )`: one row per organisation
    (table "organisations") or per citizen and user (table "people"), with its figures.

    Each kind of invitee is grouped on its own (organisations and citizens from their invitations; users from
    their attendance rows and the invitations without one, so a meeting counts once) then joined to its
    table: no union of every link row to sort and deduplicate before grouping."""
    invitation, attendance = _table(Invitation), _table(Attendance)
    columns = ", ".join(
        f"COALESCE(a.meetings_{w.months}, 0) AS meetings_{w.months}, COALESCE(a.minutes_{w.months}, 0) AS minutes_{w.months}"
        for w in windows
    )
    space = _table(Chantier)
    active = Chantier.Status.ACTIVE

    def seats(model, column: str) -> str:
        """Current seats in active spaces (at most one per space), per organisation or citizen."""
        return (
            f"SELECT s.{column} AS who, COUNT(*) AS n FROM {_table(model)} s JOIN {space} c ON c.id = s.chantier_id "
            f"WHERE s.left_on IS NULL AND c.status = %s GROUP BY s.{column}"
        )

    if table == "organisations":
        asked, params = _asked_sql(
            f"SELECT organisation_id AS who, meeting_id FROM {invitation} WHERE organisation_id IS NOT NULL", windows
        )
        ctes = f"asked AS ({asked}), seats AS ({seats(ChantierMembership, 'organisation_id')})"
        params += [active]
        rows = (
            f"SELECT 'organisation' AS kind, o.id AS pk, o.name AS name, COALESCE(s.n, 0) AS spaces, {columns} "
            f"FROM {_table(Organisation)} o LEFT JOIN seats s ON s.who = o.id LEFT JOIN asked a ON a.who = o.id"
        )
        return f"WITH {ctes}, loads AS ({rows})", params
    citizens, params = _asked_sql(
        f"SELECT citizen_id AS who, meeting_id FROM {invitation} WHERE citizen_id IS NOT NULL", windows
    )
    # A user is counted once per meeting, invited or with an attendance row: every attendance row, and the
    # invitations of meetings without one (the unique (meeting, user) index answers NOT EXISTS).
    users, user_params = _asked_sql(
        f"SELECT user_id AS who, meeting_id FROM {attendance} WHERE user_id IS NOT NULL "
        f"UNION ALL SELECT i.user_id, i.meeting_id FROM {invitation} i WHERE i.user_id IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {attendance} x WHERE x.meeting_id = i.meeting_id AND x.user_id = i.user_id)",
        windows,
        spaces=True,
    )
    ctes = f"citizen_asked AS ({citizens}), user_asked AS ({users}), seats AS ({seats(ChantierCitizen, 'citizen_id')})"
    params += user_params + [active]
    user_name = "TRIM(u.first_name || ' ' || u.last_name)"
    rows = (
        f"SELECT 'citizen' AS kind, c.id AS pk, TRIM(c.first_name || ' ' || c.last_name) AS name, COALESCE(s.n, 0) AS spaces, {columns} "
        f"FROM {_table(Citizen)} c LEFT JOIN seats s ON s.who = c.id LEFT JOIN citizen_asked a ON a.who = c.id "
        f"UNION ALL "
        f"SELECT 'user', u.id, CASE WHEN {user_name} = '' THEN u.username ELSE {user_name} END, "
        f"COALESCE(a.met_spaces, 0), {columns} "
        f"FROM {_table(User)} u LEFT JOIN user_asked a ON a.who = u.id"
    )
    return f"WITH {ctes}, loads AS ({rows})", params


def _count_sql(table: str) -> str:
    """The number of rows of a table: one per organisation, or per citizen and user (no figure needed)."""
    if table == "organisations":
        return f"SELECT COUNT(*) FROM {_table(Organisation)}"
    return f"SELECT (SELECT COUNT(*) FROM {_table(Citizen)}) + (SELECT COUNT(*) FROM {_table(User)})"


def _over_sql(windows: list[Window]) -> tuple[str, list]:
    return " OR ".join(f"meetings_{w.months} > %s" for w in windows), [w.limit for w in windows]


class RankedLoads:
    """One table of the page (`organisations` or `people`), sorted by `column` in SQL. `count()` is one cheap
    query (the rows of the table, no figure); sliced (by the paginator), one query computes every row's
    figures, sorts them, returns the page shown and, alongside (a window function over all rows, before
    LIMIT), how many rows are over the threshold (`over_count`)."""

    def __init__(self, table: str, windows: list[Window], column: str = DEFAULT_SORT, *, descending: bool = True):
        if table not in TABLES or column not in SORT_COLUMNS:
            raise ValueError(f"unknown table or column: {table}, {column}")
        self.table, self.windows, self.column, self.descending = table, windows, column, descending
        self._count = None
        self._over_count = None

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                cursor.execute(_count_sql(self.table))
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    @property
    def over_count(self) -> int:
        """Known from any non-empty slice read; otherwise one query (none when the table is empty)."""
        if self._over_count is None:
            if self.count() == 0:
                self._over_count = 0
            else:
                head, params = _loads_sql(self.table, self.windows)
                over, over_params = _over_sql(self.windows)
                with connection.cursor() as cursor:
                    cursor.execute(f"{head} SELECT SUM(CASE WHEN {over} THEN 1 ELSE 0 END) FROM loads", params + over_params)
                    self._over_count = cursor.fetchone()[0] or 0
        return self._over_count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RankedLoads is read by slices")
        start = index.start or 0
        limit = (index.stop - start) if index.stop is not None else None
        return self._rows(start, limit)

    def _rows(self, offset: int, limit: int | None) -> list[Load]:
        head, params = _loads_sql(self.table, self.windows)
        over, over_params = _over_sql(self.windows)
        order = "DESC" if self.descending else "ASC"
        names = [f"meetings_{w.months}, minutes_{w.months}" for w in self.windows]
        sql = (
            f"{head} SELECT kind, pk, name, spaces, {', '.join(names)}, "
            f"SUM(CASE WHEN {over} THEN 1 ELSE 0 END) OVER () AS over_count FROM loads "
            f"ORDER BY {SORT_COLUMNS[self.column]} {order}, LOWER(name), kind, pk"
        )
        params += over_params
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [max(limit, 0), offset]
        elif offset:
            sql += " LIMIT -1 OFFSET %s" if connection.vendor == "sqlite" else " OFFSET %s"
            params += [offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        loads = []
        for kind, pk, name, spaces, *figures, over_count in fetched:
            self._over_count = int(over_count or 0)
            windows = []
            for i, w in enumerate(self.windows):
                meetings, minutes = int(figures[2 * i]), int(figures[2 * i + 1])
                windows.append(WindowLoad(w.months, meetings, minutes, meetings > w.limit))
            loads.append(Load(kind, pk, name, int(spaces), windows))
        return loads

    def all(self) -> list[Load]:
        return self._rows(0, None)


def organisation_loads(windows: list[Window]) -> list[Load]:
    """Every organisation: the active spaces it sits in now, the meetings it was invited to."""
    return RankedLoads("organisations", windows).all()


def people_loads(windows: list[Window]) -> list[Load]:
    """Every citizen (the active spaces they sit in now, the meetings they were invited to) and every user
    (the meetings they were invited to or have an attendance row at, once per meeting, and the distinct
    spaces of those meetings over the longest window)."""
    return RankedLoads("people", windows).all()


def citizen_loads(windows: list[Window]) -> list[Load]:
    return [load for load in people_loads(windows) if load.kind == "citizen"]


def user_loads(windows: list[Window]) -> list[Load]:
    return [load for load in people_loads(windows) if load.kind == "user"]


def hyperconcertation_report(
    *, threshold: int, column: str = DEFAULT_SORT, descending: bool = True, today: datetime.date | None = None
) -> dict:
    """Organisations and people (citizens and users), sorted by `column`: each table is read by pages,
    two queries a table (its count and over-threshold count, the rows of the page)."""
    windows = meeting_windows(threshold=threshold, today=today)
    return {
        "windows": windows,
        "organisations": RankedLoads("organisations", windows, column, descending=descending),
        "people": RankedLoads("people", windows, column, descending=descending),
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
