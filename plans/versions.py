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
MOVE_ATTEMPTS = 3  # the version's statement after a commit: tried again on a fresh connection (a database restart)
MOVE_RETRY_SECONDS = 0.5

_HOOK = "_plans_written"  # attribute of a connection: a weak reference to its open transaction's `_PlanWrites`


class _PlanWrites:
    """The on-commit hook of one transaction: the plans it wrote, whose versions move once it commits. The connection
    holds it weakly: a transaction rolled back drops its hooks (Django holds the only strong reference), so a dead
    reference means no open transaction wrote a plan yet."""

    def __init__(self, using: str):
        self.using = using
        self.plan_ids: set[int] = set()
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


def plan_written(plan_id: int, *, using: str = "default") -> None:
    """A service wrote what a figure of plan `plan_id` shows: its version moves once the transaction commits (at
    once outside a transaction). One hook per transaction, one statement per plan it wrote."""
    if plan_id is None:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        _move_after_commit([plan_id], using)
        return
    hook = _open_writes(using)
    if hook is None:
        hook = _PlanWrites(using)
        setattr(connection, _HOOK, weakref.ref(hook))
        # robust: the write has committed whatever happens to the version's statement
        transaction.on_commit(hook, using=using, robust=True)
    hook.plan_ids.add(plan_id)


def _move(plan_ids, using: str) -> None:
    """One statement per plan (in autocommit: after the commit of the transaction that wrote), never in a writer's
    transaction. The request's person then reads current figures only (asis.figures_cache.note_write)."""
    table = PlanVersion._meta.db_table
    with connections[using].cursor() as cursor:
        for plan_id in sorted(set(plan_ids)):
            cursor.execute(
                f"INSERT INTO {table} (plan_id, version) VALUES (%s, 1) "
                f"ON CONFLICT (plan_id) DO UPDATE SET version = {table}.version + 1",
                [plan_id],
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
            f"INSERT INTO {table} (plan_id, version) SELECT id, 0 FROM {plan_table} "
            f"WHERE id NOT IN (SELECT plan_id FROM {table})"
        )
        cursor.execute(
            f"UPDATE {table} SET version = CASE WHEN version + 1 > %s THEN version + 1 ELSE %s END", [floor, floor]
        )


def database_restored(sender, *, using: str = "default", **kwargs) -> None:
    """Receiver of asis.signals.database_restored (the floor package cannot name the plans)."""
    move_all(using=using)


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


def version_subquery(plan_field: str = "pk"):
    """The version of the plan that `plan_field` names, for an `annotate()` (0 for a plan without a row)."""
    return Coalesce(Subquery(PlanVersion.objects.filter(plan_id=OuterRef(plan_field)).values("version")[:1]), Value(0))


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


def plans_versions(plans, *, using: str = "default") -> tuple | None:
    """The versions of these plans' figures as (plan, version) pairs, for a figure read from several plans (a theme's
    page), in 1 query; None while this transaction has written one of them."""
    pairs = tuple(
        Plan.objects.using(using)
        .filter(pk__in=plans.values("pk"))
        .annotate(figures_version=version_subquery())
        .order_by("pk")
        .values_list("pk", "figures_version")
    )
    if any(_pending(pk, using) for pk, _version in pairs):
        return None
    return pairs


def alliance_plans_written(alliance_id: int, *, using: str = "default") -> None:
    """A write to what an alliance's spaces show (spaces, seats, meetings, attendance, decisions): every plan of the
    alliance moves its version (a space works on themes of several plans, and the bilan of each counts its meetings).
    One query."""
    if alliance_id is None:
        return
    for plan_id in Plan.objects.using(using).filter(alliance_id=alliance_id).values_list("pk", flat=True):
        plan_written(plan_id, using=using)
