"""Reads of the participation pages: principle 3 (avoid hyperconcertation) and principle 5 (the citizen at the heart).

Plain data out (dataclasses and dicts), every count and sum in SQL: a fixed number of queries
whatever the number of organisations, people, meetings or attendance rows.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from chantiers.models import (
    Attendance,
    Decision,
    Invitation,
    Meeting,
    MeetingLoad,
    MeetingLoadState,
    Space,
    SpaceCitizen,
    SpaceFacilitator,
    SpaceMembership,
)
from organisations.models import Citizen, Organisation, User
from plans.models import Plan

WINDOW_MONTHS = (3, 6, 12)
DEFAULT_THRESHOLD = Plan._meta.get_field("meeting_threshold_per_month").default


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


# The hyperconcertation tables are ranked in SQL: every figure of every row is computed by the database,
# sorted there, and only the page shown (LIMIT/OFFSET) comes back to Python. Raw SQL because the people
# table is a union of two models (citizens and users) and a user's meetings are the union of their
# invitations and attendance rows: plain SQL-92 (CTE, UNION, CASE), the same on SQLite and PostgreSQL.
#
# The figures are counted over every invitation and attendance row of the last 12 months: at province scale
# (hundreds of thousands of rows, most of them recent) that takes about half a second however it is written.
# They only change with the day or with a write, so the page reads them from `MeetingLoad`, built once for
# the day and built again after any write (chantiers.services.spaces_written marks it stale): then a page is a join of the
# organisations (or people) to their row of figures, sorted and cut. The names stay live.
#
# Each alliance has its own figures (issue 17): the meetings of its spaces and the seats in them. Its page lists
# every organisation (organisations are shared by the alliances, each with its figures in this one) but only the
# people who took part in this alliance (a meeting in the 12 months or a seat): another alliance's citizens and
# people are none of its business.

# ?tri=<column>: the SQL column behind each sortable (numeric) column of the tables.
SORT_COLUMNS = {"lieux": "spaces"}
for _months in WINDOW_MONTHS:
    SORT_COLUMNS[f"rencontres-{_months}"] = f"meetings_{_months}"
    SORT_COLUMNS[f"heures-{_months}"] = f"minutes_{_months}"
DEFAULT_SORT = f"rencontres-{WINDOW_MONTHS[0]}"
TABLES = ("organisations", "people")
KINDS = {"organisations": (MeetingLoad.Kind.ORGANISATION,), "people": (MeetingLoad.Kind.CITIZEN, MeetingLoad.Kind.USER)}
FIGURES = [f"{what}_{months}" for months in WINDOW_MONTHS for what in ("meetings", "minutes")] + ["spaces"]
assert all(MeetingLoad._meta.get_field(name) for name in FIGURES)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _then_meeting() -> str:
    """How a link row joins its meeting. SQLite's planner would start from the meetings of the window (by
    date) and look up each meeting's invitations, then sort them all to group them; read the links in the
    order of the invitee's index instead (CROSS JOIN keeps the written order on SQLite), so the rows come
    grouped already and each meeting is one primary-key lookup (measured: docs/benchmarks.md). PostgreSQL
    plans the join itself (hash join)."""
    return "CROSS JOIN" if connection.vendor == "sqlite" else "JOIN"


def _alliance_sql(alliance) -> str:
    """An alliance's id as an SQL literal (an int: nothing to escape); 0, which no alliance has, for none."""
    return str(int(alliance.pk)) if alliance is not None else "0"


def _asked_sql(links: str, windows: list[Window], *, spaces: bool = False) -> tuple[str, list]:
    """`SELECT alliance_id, who, meetings_3, minutes_3, …, spaces`: the figures of each invitee of `links` (rows
    `who, meeting_id`, one per invitee and meeting) in each alliance (its meetings' spaces'), grouped by alliance
    and invitee over the longest window only; `spaces`, the distinct spaces of those meetings (users), or 0."""
    longest = windows[-1]
    params: list = []
    figures = []
    for window in windows:
        if window is longest:  # the WHERE below already keeps the longest window only
            figures += [
                f"COUNT(*) AS meetings_{window.months}",
                f"SUM(COALESCE(m.duration_minutes, 0)) AS minutes_{window.months}",
            ]
        else:
            figures += [
                f"SUM(CASE WHEN m.date >= %s THEN 1 ELSE 0 END) AS meetings_{window.months}",
                f"SUM(CASE WHEN m.date >= %s THEN COALESCE(m.duration_minutes, 0) ELSE 0 END) AS minutes_{window.months}",
            ]
            params += [window.start, window.start]
    figures.append("COUNT(DISTINCT m.space_id) AS spaces" if spaces else "0 AS spaces")
    join = _then_meeting()
    sql = (
        f"SELECT c.alliance_id AS alliance_id, l.who AS who, {', '.join(figures)} "
        f"FROM ({links}) l {join} {_table(Meeting)} m ON m.id = l.meeting_id {join} {_table(Space)} c ON c.id = m.space_id "
        f"WHERE m.date >= %s AND m.date <= %s GROUP BY c.alliance_id, l.who"
    )
    return sql, params + [longest.start, longest.end]


def _seats_sql(model, column: str) -> str:
    """`SELECT alliance_id, who, 0, …, spaces`: current seats in an alliance's active spaces (at most one per space),
    per alliance and organisation or citizen."""
    zeros = ", ".join(["0"] * (len(FIGURES) - 1))
    return (
        f"SELECT c.alliance_id AS alliance_id, s.{column} AS who, {zeros}, COUNT(*) AS spaces FROM {_table(model)} s "
        f"JOIN {_table(Space)} c ON c.id = s.space_id WHERE s.left_on IS NULL AND c.status = %s "
        f"GROUP BY c.alliance_id, s.{column}"
    )


def _figures_sql(windows: list[Window], kinds, alliance=...) -> tuple[str, list]:  # ...: every alliance
    """`SELECT kind, alliance_id, who, meetings_3, minutes_3, …, spaces`: one row per alliance and invitee of
    `kinds` with a meeting of that alliance in the longest window or a seat in one of its spaces (of `alliance`
    only, when given), computed from the invitations, attendance rows and seats. Each kind is grouped on
    its own (organisations and citizens from their invitations; users from their attendance rows and the
    invitations without one, so a meeting counts once): no union of every link row to sort before grouping.
    `spaces`: the active spaces an organisation or a citizen sits in now; for a user, the distinct spaces of
    their meetings over the longest window."""
    invitation, attendance = _table(Invitation), _table(Attendance)
    active = Space.Status.ACTIVE
    parts = []
    params: list = []

    def part(kind, sql: str, sql_params: list) -> None:
        parts.append(f"SELECT %s AS kind, f.* FROM ({sql}) f")
        params.extend([kind.value, *sql_params])

    for kind in kinds:
        if kind == MeetingLoad.Kind.ORGANISATION:
            part(
                kind,
                *_asked_sql(
                    f"SELECT organisation_id AS who, meeting_id FROM {invitation} WHERE organisation_id IS NOT NULL",
                    windows,
                ),
            )
            part(kind, _seats_sql(SpaceMembership, "organisation_id"), [active])
        elif kind == MeetingLoad.Kind.CITIZEN:
            part(
                kind,
                *_asked_sql(
                    f"SELECT citizen_id AS who, meeting_id FROM {invitation} WHERE citizen_id IS NOT NULL", windows
                ),
            )
            part(kind, _seats_sql(SpaceCitizen, "citizen_id"), [active])
        else:
            # A user counts once per meeting, invited or with an attendance row: every attendance row, and the
            # invitations of meetings without one (the unique (meeting, user) index answers NOT EXISTS).
            links = (
                f"SELECT user_id AS who, meeting_id FROM {attendance} WHERE user_id IS NOT NULL "
                f"UNION ALL SELECT i.user_id, i.meeting_id FROM {invitation} i WHERE i.user_id IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {attendance} x WHERE x.meeting_id = i.meeting_id AND x.user_id = i.user_id)"
            )
            part(kind, *_asked_sql(links, windows, spaces=True))
    sums = ", ".join(f"SUM({name}) AS {name}" for name in FIGURES)
    where = f"WHERE alliance_id = {_alliance_sql(alliance)} " if alliance is not ... else ""
    sql = f"SELECT kind, alliance_id, who, {sums} FROM ({' UNION ALL '.join(parts)}) u {where}GROUP BY kind, alliance_id, who"
    return sql, params


def _entity(kind) -> tuple[str, str]:
    """The table (aliased `o`) of a kind of invitee and the SQL of its name."""
    if kind == MeetingLoad.Kind.ORGANISATION:
        return f"{_table(Organisation)} o", "o.name"
    full = "TRIM(o.first_name || ' ' || o.last_name)"
    if kind == MeetingLoad.Kind.CITIZEN:
        return f"{_table(Citizen)} o", full
    return f"{_table(User)} o", f"CASE WHEN {full} = '' THEN o.username ELSE {full} END"


def _loads_union(kinds, source: str, alliance) -> str:
    """The invitees of these kinds (pk, name) with their figures in `alliance` read from `source` (a CTE or the
    MeetingLoad table): every organisation, 0 where it has none; the people with figures there. One SELECT a
    kind, in a UNION ALL."""
    columns = ", ".join(f"COALESCE(a.{name}, 0) AS {name}" for name in FIGURES)
    here = f"a.alliance_id = {_alliance_sql(alliance)}"
    selects = []
    for kind in kinds:
        entity, name = _entity(kind)
        if kind == MeetingLoad.Kind.ORGANISATION:
            rows = f"FROM {entity} LEFT JOIN {source} a ON a.kind = '{kind.value}' AND a.who = o.id AND {here}"
        else:
            rows = f"FROM {source} a JOIN {entity} ON o.id = a.who WHERE a.kind = '{kind.value}' AND {here}"
        selects.append(f"SELECT '{kind.value}' AS kind, o.id AS pk, {name} AS name, {columns} {rows}")
    return " UNION ALL ".join(selects)


def _loads_sql(
    table: str, windows: list[Window], alliance, *, cached: bool = False, top: tuple[str, int] | None = None
) -> tuple[str, list]:
    """`WITH … loads AS (SELECT kind, pk, name, spaces, meetings_3, minutes_3, …)`: one row per organisation
    (table "organisations") or per citizen and user of `alliance` (table "people"), with its figures in
    `alliance`: computed here
    (`_figures_sql`), or (`cached`) read from `MeetingLoad`, made true for the windows' day by
    `meeting_loads_refresh`.

    `top` (cached only), `(column, k)`: only the rows that may be among the first k by `column`, descending.
    The first k all have at least the k-th highest positive value in that column (`bound`, read from
    `MeetingLoad` alone, whose rows all belong to an existing invitee: invitations, attendance and seats
    are PROTECTed or their deletion marks it stale); the other rows are left out before joining, naming and
    sorting. Without k positive values (a page deep into the zeros), the bound is 0 and every row is kept."""
    kinds = KINDS[table]
    if not cached:
        figures, params = _figures_sql(windows, kinds, alliance)
        return f"WITH figures AS ({figures}), loads AS ({_loads_union(kinds, 'figures', alliance)})", params
    # The table itself, not a CTE: SQLite would copy a CTE read twice, then index the copy.
    load = _table(MeetingLoad)
    here = _alliance_sql(alliance)
    params: list = []
    if top is None:
        return f"WITH loads AS ({_loads_union(kinds, load, alliance)})", params
    column, k = top
    assert column in FIGURES
    # The k highest of each kind on the (alliance, kind, column) index, then the k-th highest of them all.
    highest = " UNION ALL ".join(
        f"SELECT * FROM (SELECT b.{column} AS v FROM {load} b WHERE b.alliance_id = {here} AND b.kind = %s "
        f"AND b.{column} > 0 ORDER BY b.{column} DESC LIMIT %s) h{i}"
        for i in range(len(kinds))
    )
    bound = f"COALESCE((SELECT v FROM ({highest}) h ORDER BY v DESC LIMIT 1 OFFSET %s), 0)"
    for kind in kinds:
        params += [kind.value, k]
    params.append(max(k - 1, 0))
    columns = ", ".join(f"a.{name}" for name in FIGURES)
    zeros = ", ".join(["0"] * len(FIGURES))
    selects = []
    for kind in kinds:
        entity, name = _entity(kind)
        selects.append(
            f"SELECT '{kind.value}' AS kind, o.id AS pk, {name} AS name, {columns} FROM {load} a JOIN {entity} ON o.id = a.who "
            f"WHERE a.alliance_id = {here} AND a.kind = '{kind.value}' AND a.{column} >= (SELECT v FROM bound)"
        )
        if kind == MeetingLoad.Kind.ORGANISATION:  # every organisation is listed; people only with figures here
            selects.append(
                f"SELECT '{kind.value}', o.id, {name}, {zeros} FROM {entity} WHERE (SELECT v FROM bound) = 0 "
                f"AND NOT EXISTS (SELECT 1 FROM {load} x WHERE x.alliance_id = {here} AND x.kind = '{kind.value}' "
                f"AND x.who = o.id)"
            )
    return f"WITH bound AS (SELECT {bound} AS v), loads AS ({' UNION ALL '.join(selects)})", params


def _people_count_sql(alliance) -> str:
    """The number of rows of the people table: the alliance's citizens and users with figures (once built)."""
    kinds = ", ".join(f"'{kind.value}'" for kind in KINDS["people"])
    return f"SELECT COUNT(*) FROM {_table(MeetingLoad)} WHERE alliance_id = {_alliance_sql(alliance)} AND kind IN ({kinds})"


def _count_sql(table: str, alliance) -> str:
    """The number of rows of a table read from `MeetingLoad`: one per organisation (no figure needed), or per
    citizen and user of the alliance."""
    if table == "organisations":
        return f"SELECT COUNT(*) FROM {_table(Organisation)}"
    return _people_count_sql(alliance)


def _over_sql(windows: list[Window]) -> tuple[str, list]:
    return " OR ".join(f"meetings_{w.months} > %s" for w in windows), [w.limit for w in windows]


class RankedLoads:
    """One table of an alliance's page (`organisations` or `people`), sorted by `column` in SQL. `count()` is one
    cheap query (read from `MeetingLoad`, no figure computed); sliced (by the paginator), one query reads every
    row's figures, sorts them, returns the page shown and, alongside, how many rows are over the threshold
    (`over_count`)."""

    def __init__(
        self,
        table: str,
        windows: list[Window],
        column: str = DEFAULT_SORT,
        *,
        alliance,
        descending: bool = True,
        cached: bool = False,
        count: int | None = None,
    ):
        """`alliance`: whose meetings and seats count (None: no alliance, no figure); `cached`: the figures are
        read from `MeetingLoad` (made true for the windows' day by the caller); `count`: the number of rows when
        the caller already knows it."""
        if table not in TABLES or column not in SORT_COLUMNS:
            raise ValueError(f"unknown table or column: {table}, {column}")
        self.table, self.windows, self.column, self.descending, self.cached = table, windows, column, descending, cached
        self.alliance = alliance
        self._count = count
        self._over_count = None

    def count(self) -> int:
        if self._count is None:
            with connection.cursor() as cursor:
                if self.cached:
                    cursor.execute(_count_sql(self.table, self.alliance))
                else:
                    head, params = _loads_sql(self.table, self.windows, self.alliance)
                    cursor.execute(f"{head} SELECT COUNT(*) FROM loads", params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self) -> int:
        return self.count()

    def _over_count_sql(self) -> tuple[str, list]:
        over, params = _over_sql(self.windows)
        if self.cached:
            # On the figures alone: an invitee without a row has none, and none can be deleted (PROTECT).
            kinds = [kind.value for kind in KINDS[self.table]]
            marks = ", ".join(["%s"] * len(kinds))
            here = _alliance_sql(self.alliance)
            return (
                f"(SELECT COUNT(*) FROM {_table(MeetingLoad)} WHERE alliance_id = {here} AND kind IN ({marks}) AND ({over}))",
                kinds + params,
            )
        return f"SUM(CASE WHEN {over} THEN 1 ELSE 0 END) OVER ()", params  # over every row, before LIMIT

    @property
    def over_count(self) -> int:
        """Known from any non-empty slice read; otherwise one query (none when the table is empty)."""
        if self._over_count is None:
            if self.count() == 0:
                self._over_count = 0
            else:
                head, params = _loads_sql(self.table, self.windows, self.alliance, cached=self.cached)
                over, over_params = _over_sql(self.windows)
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"{head} SELECT SUM(CASE WHEN {over} THEN 1 ELSE 0 END) FROM loads", params + over_params
                    )
                    self._over_count = cursor.fetchone()[0] or 0
        return self._over_count

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("RankedLoads is read by slices")
        start = index.start or 0
        limit = (index.stop - start) if index.stop is not None else None
        return self._rows(start, limit)

    def _rows(self, offset: int, limit: int | None) -> list[Load]:
        # A page of the figures read from MeetingLoad, most first (the default): only the rows that may be on it.
        top = (SORT_COLUMNS[self.column], offset + limit) if self.cached and self.descending and limit else None
        head, params = _loads_sql(self.table, self.windows, self.alliance, cached=self.cached, top=top)
        over_count, over_params = self._over_count_sql()
        order = "DESC" if self.descending else "ASC"
        names = [f"meetings_{w.months}, minutes_{w.months}" for w in self.windows]
        sql = (
            f"{head} SELECT kind, pk, name, spaces, {', '.join(names)}, {over_count} AS over_count FROM loads "
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


def organisation_loads(windows: list[Window], *, alliance) -> list[Load]:
    """Every organisation: the alliance's active spaces it sits in now, the alliance's meetings it was invited to."""
    return RankedLoads("organisations", windows, alliance=alliance).all()


def people_loads(windows: list[Window], *, alliance) -> list[Load]:
    """The alliance's citizens (its active spaces they sit in now, its meetings they were invited to) and users
    (its meetings they were invited to or have an attendance row at, once per meeting, and the distinct spaces
    of those meetings over the longest window)."""
    return RankedLoads("people", windows, alliance=alliance).all()


def citizen_loads(windows: list[Window], *, alliance) -> list[Load]:
    return [load for load in people_loads(windows, alliance=alliance) if load.kind == "citizen"]


def user_loads(windows: list[Window], *, alliance) -> list[Load]:
    return [load for load in people_loads(windows, alliance=alliance) if load.kind == "user"]


# Rows added by `bulk_create` send no signal: an alliance's state keeps the highest id of each table that its
# last build saw, and its figures are stale while a row of that alliance lies above it (ids are never reused:
# AUTOINCREMENT on SQLite, sequences on PostgreSQL). Deletions send signals. Each table, and how its rows reach
# their alliance: `x` the row, `c` its space.
STATE_HIGHEST = {
    "invitations_max": (Invitation, "meeting"),
    "attendances_max": (Attendance, "meeting"),
    "seats_max": (SpaceMembership, "space"),
    "citizen_seats_max": (SpaceCitizen, "space"),
}


def _added_sql(name: str, alliance) -> str:
    """`EXISTS`: a row of `alliance` in the table of STATE_HIGHEST[name] above the highest id its figures were
    built with (`s.<name>`), up to the table's highest id now (`t.<name>`). Read from the new rows (that range of
    the primary key) to their alliance, so its cost is the rows added since the build, not the alliance's rows:
    the highest id of an alliance's own invitations and attendance rows took 87 ms on PostgreSQL for one alliance
    100 times ASIS's size (`generate_volume --scale 100 --into-current`: 420 000 rows), on every view; this,
    0.1 ms. The upper bound tells PostgreSQL's planner the range is narrow (with a lower bound alone it
    estimates a third of the table and reads all of it); SQLite keeps the written order (`_then_meeting`)."""
    model, through = STATE_HIGHEST[name]
    join = _then_meeting()
    if through == "meeting":
        rows = f"{_table(model)} x {join} {_table(Meeting)} m ON m.id = x.meeting_id {join} {_table(Space)} c ON c.id = m.space_id"
    else:
        rows = f"{_table(model)} x {join} {_table(Space)} c ON c.id = x.space_id"
    return (
        f"EXISTS (SELECT 1 FROM {rows} WHERE x.id > s.{name} AND x.id <= t.{name} "
        f"AND c.alliance_id = {_alliance_sql(alliance)})"
    )


def _state_sql(alliance) -> str:
    """One statement: the rows of each table of `alliance`'s page (its people as the figures last built count
    them), the highest ids of STATE_HIGHEST (every alliance's rows: what a build starting now would see), and
    whether `alliance`'s figures are true: built for the day given, from its current version, and no row of
    its added since (`_added_sql`). Its state row only: another alliance's writes and rows leave it true."""
    highest = ", ".join(
        f"(SELECT COALESCE(MAX(id), 0) FROM {_table(model)}) AS {name}"
        for name, (model, _through) in STATE_HIGHEST.items()
    )
    added = " OR ".join(_added_sql(name, alliance) for name in STATE_HIGHEST)
    return (
        f"WITH t AS (SELECT {highest}) "
        f"SELECT (SELECT COUNT(*) FROM {_table(Organisation)}), ({_people_count_sql(alliance)}), "
        f"{', '.join(f't.{name}' for name in STATE_HIGHEST)}, "
        f"CASE WHEN s.as_of = %s AND s.built_version = s.version AND NOT ({added}) THEN 1 ELSE 0 END "
        f"FROM t LEFT JOIN {_table(MeetingLoadState)} s ON s.alliance_id = {_alliance_sql(alliance)}"
    )


def meeting_loads_refresh(windows: list[Window], *, alliance) -> tuple[int, int | None]:
    """Makes `alliance`'s rows of `MeetingLoad` true for the windows' day (their end), and returns the number of
    rows of its tables: organisations, and people (its citizens and users with figures), None when the figures
    were just built (they are counted again when asked). One query when the figures are true (the usual case);
    four more to build them otherwise. Another alliance's figures are neither read nor built: a write there
    does not make this page build (issue 17). No alliance (a page of none): no figures, nothing to build."""
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(alliance), [windows[-1].end])
        organisations, people, *highest, fresh = cursor.fetchone()
    if not fresh and alliance is not None:
        _meeting_loads_build(windows, alliance, dict(zip(STATE_HIGHEST, highest)))
        people = None
    return organisations, people


def _state_locked(alliance) -> MeetingLoadState:
    """`alliance`'s state row, locked until the transaction ends, and created first when it has none (its first
    build): one statement, an INSERT whose conflict with the existing row updates it (to the same version), which
    locks it as SELECT … FOR UPDATE would (PostgreSQL; SQLite locks the database on any write)."""
    state = _table(MeetingLoadState)
    fields = MeetingLoadState._meta.concrete_fields
    zeros = ["version", *STATE_HIGHEST]
    sql = (
        f"INSERT INTO {state} (alliance_id, {', '.join(zeros)}) VALUES (%s{', 0' * len(zeros)}) "
        f"ON CONFLICT (alliance_id) DO UPDATE SET version = {state}.version "
        f"RETURNING {', '.join(connection.ops.quote_name(field.column) for field in fields)}"
    )
    return next(iter(MeetingLoadState.objects.raw(sql, [alliance.pk])))


@transaction.atomic
def _meeting_loads_build(windows: list[Window], alliance, highest: dict[str, int]) -> None:
    """`alliance`'s rows of `MeetingLoad`, in one INSERT … SELECT; no other alliance's row is touched. Its state
    row is locked first (`_state_locked`), so two requests do not build it at once, and a write that marks it stale
    meanwhile waits, then wins: the state is stamped only if its version did not move. The highest ids were read
    before this build, so its rows added during it make the next read build again."""
    today = windows[-1].end
    state = _state_locked(alliance)
    if (
        state.as_of == today
        and state.built_version == state.version
        and all(getattr(state, k) >= v for k, v in highest.items())
    ):
        return  # another request has just built it, from every row this one saw (and maybe later ones)
    figures, params = _figures_sql(windows, MeetingLoad.Kind, alliance=alliance)
    load = _table(MeetingLoad)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {load} WHERE alliance_id = {_alliance_sql(alliance)}")
        cursor.execute(f"INSERT INTO {load} (kind, alliance_id, who, {', '.join(FIGURES)}) {figures}", params)
    MeetingLoadState.objects.filter(pk=state.pk, version=state.version).update(
        as_of=today, built_version=state.version, **highest
    )


def hyperconcertation_report(
    *,
    alliance,
    threshold: int,
    column: str = DEFAULT_SORT,
    descending: bool = True,
    today: datetime.date | None = None,
) -> dict:
    """`alliance`'s organisations and people (citizens and users), sorted by `column`: the figures of the day made
    true and the two counts (one query; four more when the figures must be built, and then one to count the
    people), then one query a table for the page of rows shown."""
    windows = meeting_windows(threshold=threshold, today=today)
    organisations, people = meeting_loads_refresh(windows, alliance=alliance)
    options = {"alliance": alliance, "descending": descending, "cached": True}
    return {
        "windows": windows,
        "organisations": RankedLoads("organisations", windows, column, count=organisations, **options),
        "people": RankedLoads("people", windows, column, count=people, **options),
    }


# ---------------------------------------------------------------- principle 5: the citizen at the heart


def _percent(part: int, whole: int) -> Decimal | None:
    """A whole percent, rounded half up (the `percent` filter truncates); None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), ROUND_HALF_UP)


def citizen_participation(*, alliance, today: datetime.date | None = None) -> dict:
    """Per active space of `alliance`: current citizen members, their attendance rate at the meetings held so far
    (up to today), and how many of the held meetings that took a decision had a citizen present. Four grouped
    queries, whatever the number of spaces and meetings; totals added up from them."""
    today = today or timezone.localdate()
    active = Space.Status.ACTIVE
    spaces = (
        Space.objects.in_alliance(alliance)
        .filter(status=active)
        .order_by("name")
        .annotate(citizen_members=Count("citizen_memberships", filter=Q(citizen_memberships__left_on__isnull=True)))
        .values("pk", "name", "citizen_members")
    )
    held = {
        "meeting__space__alliance": alliance,
        "meeting__space__status": active,
        "meeting__date__lte": today,
        "citizen__isnull": False,
    }
    invitations = dict(
        Invitation.objects.filter(**held)
        .order_by()
        .values("meeting__space")
        .annotate(n=Count("pk"))
        .values_list("meeting__space", "n")
    )
    present = dict(
        Attendance.objects.filter(**held, present=True)
        .order_by()
        .values("meeting__space")
        .annotate(n=Count("pk"))
        .values_list("meeting__space", "n")
    )
    decided = Q(pk__in=Decision.objects.values("meeting"))
    with_citizen = Q(pk__in=Attendance.objects.filter(citizen__isnull=False, present=True).values("meeting"))
    decisions = {
        row.pop("space"): row
        for row in Meeting.objects.in_alliance(alliance)
        .filter(space__status=active, date__lte=today)
        .order_by()
        .values("space")
        .annotate(
            decided_meetings=Count("pk", filter=decided),
            decided_with_citizen=Count("pk", filter=decided & with_citizen),
        )
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


def facilitator_candidates(space: Space):
    """Who Coordination may name to run `space`'s meetings: active people who are active members of an organisation
    seated in it now, and do not run it already."""
    seated = SpaceMembership.objects.current().filter(space=space).values("organisation_id")
    running = SpaceFacilitator.objects.current().filter(space=space).values("user_id")
    return (
        User.objects.filter(
            is_active=True,
            memberships__left_on__isnull=True,
            memberships__organisation_id__in=seated,
        )
        .exclude(pk__in=running)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


# ---------------------------------------------------------------- meetings avoided (principle 3)


@dataclass(frozen=True)
class SharedMeeting:
    """An upcoming meeting of another space where most of a meeting's invited organisations already sit."""

    meeting_id: int
    date: datetime.date
    space_name: str
    overlap: int
    invited: int


def meetings_to_share(space: Space, *, limit: int = 5) -> list[SharedMeeting]:
    """The next meeting of each other active space of the alliance whose seated organisations cover most (more than
    half) of the organisations `space` would invite, most overlap first (1 query: the overlap and the next meeting
    are subqueries of the spaces)."""
    invited = SpaceMembership.objects.current().filter(space=space).values("organisation_id")
    overlap = (
        SpaceMembership.objects.current()
        .filter(space=OuterRef("pk"), organisation_id__in=invited)
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    invited_count = (
        SpaceMembership.objects.current()
        .filter(space=space)
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_meeting = Meeting.objects.filter(space=OuterRef("pk"), date__gte=timezone.localdate()).order_by(
        "date", "start_time", "pk"
    )
    rows = (
        Space.objects.active()
        .filter(alliance_id=space.alliance_id)
        .exclude(pk=space.pk)
        .annotate(
            overlap=Coalesce(Subquery(overlap, output_field=IntegerField()), 0),
            invited=Coalesce(Subquery(invited_count, output_field=IntegerField()), 0),
            next_pk=Subquery(next_meeting.values("pk")[:1]),
            next_date=Subquery(next_meeting.values("date")[:1]),
        )
        .filter(next_pk__isnull=False, overlap__gt=0)
        .order_by("-overlap", "next_date", "name")
        .values_list("next_pk", "next_date", "name", "overlap", "invited")
    )
    return [SharedMeeting(*row) for row in rows[: limit * 4] if row[3] * 2 > row[4]][:limit]
