"""The version of a plan's figures: what asis.figures_cache keys the figures built on demand with (the bilan and its
exports, the home, plan, theme and envelope pages until their totals are kept rows).

The rule is explicit: every service that writes what a plan-wide figure or the bilan shows calls
`plan_written(plan_id)` (projects, money, reports, spaces and meetings, the plan's themes and years, the succession;
not a comment, which no figure shows). The version moves once the transaction commits, in a statement of its own
(autocommit, one `INSERT … ON CONFLICT DO UPDATE`): a writer never holds a lock on the version in its transaction,
and two writers of one plan never wait on each other because of it. A transaction rolled back moves nothing.

Until its transaction commits, the writer's own reads of that plan's figures are built and not cached (`version_of`
and `plan_version` give None): what it built from rows not yet committed must not be served to anyone else.

Reading the version costs no query of its own on a plan query: `with_version()` annotates it.

The version says what was written: a writer names the part(s) of the plan's figures it wrote (`PARTS`:
`plan_written(plan_id, parts=("money",))`); with no part named, every part moves (the safe default: the plan's
structure, its themes, years and succession, moves all). The combined version moves on every write, whatever its
parts (the pages that read everything: home, plan, theme, envelope); the bilan caches each of its parts under the
versions of the parts it reads (bilan.selectors.build), so a payment does not build its tallies again.
"""

import logging
import time
import weakref

from django.db import DatabaseError, connections, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from asis import figures_cache
from plans.models import Plan, PlanVersion

log = logging.getLogger(__name__)

# The parts of a plan's figures, each a column of PlanVersion:
#   money    — commitments, reductions, payments, corrections, planned payments, sources, targets;
#   projects — the projects and what places them (theme, space and its name, status, dates, plan years, lead,
#              partners, indicators and their targets, other funding);
#   reports  — progress reports and their indicator values; the follow-ups after funding (sustainability);
#   meetings — spaces, seats, meetings, invitations, attendance;
#   activity, activity_beyond — a money row dated outside its project's dates, within the plan's years or beyond
#              them: it can make the project active in a period that holds that day (bilan.selectors.build.
#              _active_in), which the bilan's tallies count (a bilan within the plan's years reads `activity` only).
PARTS = ("money", "projects", "reports", "meetings", "activity", "activity_beyond")
MOVE_ATTEMPTS = 3  # the version's statement after a commit: tried again on a fresh connection (a database restart)
MOVE_RETRY_SECONDS = 0.5

_HOOK = "_plans_written"  # attribute of a connection: a weak reference to its open transaction's `_PlanWrites`


class _PlanWrites:
    """The on-commit hook of one transaction: the plans it wrote, whose versions move once it commits. The connection
    holds it weakly: a transaction rolled back drops its hooks (Django holds the only strong reference), so a dead
    reference means no open transaction wrote a plan yet."""

    def __init__(self, using: str):
        self.using = using
        self.plan_ids: dict[int, set[str]] = {}  # plan -> the parts written
        self.done = False

    def __call__(self):
        self.done = True
        _move_after_commit(self.plan_ids, self.using)


def _open_writes(using: str) -> "_PlanWrites | None":
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    ref = getattr(connection, _HOOK, None)
    hook = ref() if ref is not None else None
    return hook if hook is not None and not hook.done else None


def _parts(parts) -> frozenset[str]:
    if parts is None:
        return frozenset(PARTS)
    named = frozenset(parts)
    if not named or not named <= set(PARTS):
        raise ValueError(f"parts of a plan's figures: {sorted(PARTS)}, not {sorted(named)}")
    return named


def plan_written(plan_id: int, *, parts=None, using: str = "default") -> None:
    """A service wrote what a figure of plan `plan_id` shows, in the part(s) `parts` (`PARTS`; None: every part):
    its version moves once the transaction commits (at once outside a transaction). One hook per transaction, one
    statement per plan it wrote."""
    if plan_id is None:
        return
    parts = _parts(parts)
    connection = connections[using]
    if not connection.in_atomic_block:
        _move_after_commit({plan_id: parts}, using)
        return
    hook = _open_writes(using)
    if hook is None:
        hook = _PlanWrites(using)
        setattr(connection, _HOOK, weakref.ref(hook))
        # robust: the write has committed whatever happens to the version's statement
        transaction.on_commit(hook, using=using, robust=True)
    hook.plan_ids.setdefault(plan_id, set()).update(parts)


def _move(plan_ids, using: str) -> None:
    """One statement per plan (in autocommit: after the commit of the transaction that wrote), never in a writer's
    transaction: the combined version and the parts written move by one. The request's person then reads current
    figures only (asis.figures_cache.note_write)."""
    if not isinstance(plan_ids, dict):  # plans named without parts: every part
        plan_ids = dict.fromkeys(plan_ids, PARTS)
    table = PlanVersion._meta.db_table
    columns = ", ".join(PARTS)
    moved = ", ".join(f"{part} = {table}.{part} + excluded.{part}" for part in PARTS)
    with connections[using].cursor() as cursor:
        for plan_id in sorted(plan_ids):
            steps = [int(part in plan_ids[plan_id]) for part in PARTS]
            cursor.execute(
                f"INSERT INTO {table} (plan_id, version, {columns}) VALUES (%s, 1{', %s' * len(PARTS)}) "
                f"ON CONFLICT (plan_id) DO UPDATE SET version = {table}.version + 1, {moved}",
                [plan_id, *steps],
            )
    figures_cache.note_write()


def _move_after_commit(plan_ids, using: str) -> None:
    """`_move` once the write has committed. Its statement can still fail (the database restarted between the two):
    it is tried again on a fresh connection; if it never passes, the write stays committed but the cached figures
    would be served for up to FIGURES_CACHE_SECONDS without it, so the figures cache is emptied (shared by every
    server with Redis; with LocMem, this process's) and the error logged for the operator."""
    connection = connections[using]
    error = None
    for attempt in range(1, MOVE_ATTEMPTS + 1):
        try:
            _move(plan_ids, using)
            return
        except DatabaseError as failed:
            error = failed
            if attempt == MOVE_ATTEMPTS or connection.in_atomic_block:
                break  # inside an outer transaction (tests) there is no fresh connection to take
            connection.close()  # the next statement opens a new one
            time.sleep(MOVE_RETRY_SECONDS * attempt)
    log.error(
        "The figures' version of plans %s could not be moved after their write committed: figures cache emptied.",
        sorted(plan_ids),
        exc_info=error,
    )
    figures_cache.clear()
    figures_cache.note_write()


def move_all(*, using: str = "default") -> None:
    """Every plan's version moves past any it had before (after a restore, which brings back the versions of the day
    of the backup, or a load that wrote around the services): nothing cached before is found again. The new version
    is at least the time in milliseconds, which no count of writes since an earlier move reaches."""
    floor = int(time.time() * 1000)
    table, plan_table = PlanVersion._meta.db_table, Plan._meta.db_table
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_id, version, {', '.join(PARTS)}) SELECT id{', 0' * (len(PARTS) + 1)} "
            f"FROM {plan_table} WHERE id NOT IN (SELECT plan_id FROM {table})"
        )
        moved = ", ".join(
            f"{column} = CASE WHEN {column} + 1 > %s THEN {column} + 1 ELSE %s END" for column in ("version", *PARTS)
        )
        cursor.execute(f"UPDATE {table} SET {moved}", [floor, floor] * (len(PARTS) + 1))


def database_restored(sender, *, using: str = "default", **kwargs) -> None:
    """Receiver of asis.signals.database_restored (the floor package cannot name the plans)."""
    move_all(using=using)


def organisation_renamed(sender, *, using: str = "default", **kwargs) -> None:
    """Receiver of asis.signals.organisation_renamed (organisations cannot name the plans): every plan's figures move
    once the rename commits, every part (a name shows in each: leads and partners, seats, commitments). A rename is
    rare; looking for the plans the organisation shows in would cost more than building their figures again."""
    for plan_id in Plan.objects.using(using).values_list("pk", flat=True):
        plan_written(plan_id, using=using)


def _pending(plan_id: int, using: str = "default") -> bool:
    """Whether the open transaction wrote this plan's figures (not committed yet)."""
    hook = _open_writes(using)
    return hook is not None and plan_id in hook.plan_ids


def plan_version(plan_id: int, *, using: str = "default") -> int | None:
    """The version of plan `plan_id`'s figures (1 query); None while this transaction has written them."""
    if _pending(plan_id, using):
        return None
    version = PlanVersion.objects.using(using).filter(plan_id=plan_id).values_list("version", flat=True).first()
    return version or 0


def version_subquery(plan_field: str = "pk", column: str = "version"):
    """The version of the plan that `plan_field` names (or of one of its parts: `column`), for an `annotate()` (0
    for a plan without a row)."""
    return Coalesce(Subquery(PlanVersion.objects.filter(plan_id=OuterRef(plan_field)).values(column)[:1]), Value(0))


def parts_subqueries(plan_field: str = "pk") -> dict:
    """The annotations `figures_<part>` of the versions of each part of the plan that `plan_field` names, to put on
    the query that reads the plan (`versions_of` reads them back): no query of their own."""
    return {f"figures_{part}": version_subquery(plan_field, part) for part in PARTS}


def versions_of(plan, *, using: str = "default") -> dict | None:
    """{"all": combined version, part: version of that part…} annotated on `plan` (`version_subquery` and
    `parts_subqueries`); None without them (the figures are then built, not cached) or while this transaction has
    written any of the plan's figures (what it would build could read rows not committed yet)."""
    version = version_of(plan, using=using)
    if version is None:
        return None
    parts = {part: getattr(plan, f"figures_{part}", None) for part in PARTS}
    if any(value is None for value in parts.values()):
        return None
    return {"all": version, **parts}


def with_version(plans, plan_field: str = "pk"):
    """`plans` (or any queryset with a plan field) annotated with `figures_version`: read in the query it is put on."""
    return plans.annotate(figures_version=version_subquery(plan_field))


def version_of(plan, *, using: str = "default") -> int | None:
    """The version annotated on `plan` (`with_version`, `version_subquery`); None without it (the figures are then
    built, not cached) or while this transaction has written the plan's figures."""
    version = getattr(plan, "figures_version", None)
    if version is None or _pending(plan.pk, using):
        return None
    return version


def plans_versions(plans, *, parts=(), using: str = "default") -> tuple | None:
    """The versions of these plans' figures as (plan, version) pairs, for a figure read from several plans (a theme's
    page), in 1 query; None while this transaction has written one of them. With `parts` (PARTS), a tuple of such
    pairs for the combined version, then for each part named, still in 1 query."""
    columns = ("version", *parts) if parts and _parts(parts) else ("version",)
    named = {f"figures_{column}": version_subquery(column=column) for column in columns}
    rows = tuple(
        Plan.objects.using(using)
        .filter(pk__in=plans.values("pk"))
        .annotate(**named)
        .order_by("pk")
        .values_list("pk", *named)
    )
    if any(_pending(row[0], using) for row in rows):
        return None
    if not parts:
        return rows
    return tuple(tuple((row[0], row[i]) for row in rows) for i in range(1, len(columns) + 1))


def alliance_plans_written(alliance_id: int, *, parts=None, using: str = "default") -> None:
    """A write to what an alliance's spaces show (spaces, seats, meetings, attendance, decisions): every plan of the
    alliance moves its version (a space works on themes of several plans, and the bilan of each counts its meetings).
    One query."""
    if alliance_id is None:
        return
    for plan_id in Plan.objects.using(using).filter(alliance_id=alliance_id).values_list("pk", flat=True):
        plan_written(plan_id, parts=parts, using=using)
