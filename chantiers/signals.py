"""Keeps the hyperconcertation figures (`MeetingLoad`, a cache kept per alliance) true: any write to an invitation,
an attendance row, a meeting, a seat or a space marks the figures of ITS alliance stale, whichever path it takes
(services, the admin and its inlines, cascades), and no other alliance's. No business rule here: the next read of
that alliance's page builds its figures again (`chantiers.selectors.meeting_loads_refresh`). Rows added by
`bulk_create` send no signal; that read looks for the alliance's rows above the highest ids its build saw instead.

A row's alliance is read from the relations loaded with it when they are (no query), else inside the one UPDATE
that marks the state stale (a subquery). A row moved to another space or meeting (the admin could) marks both
alliances stale, the one it had when it was loaded and the new one; a row whose alliance is not found, every
alliance."""

from django.db.models import Exists, F, Q, QuerySet
from django.db.models.signals import post_delete, post_init, post_save

from chantiers.models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingLoadState,
    Space,
    SpaceCitizen,
    SpaceMembership,
)

# Meetings (their date, times and space), who was invited or attended, who sits where, and whether a space is active;
# each with the column that ties its rows to an alliance: its own, its space's, or its meeting's space's.
LINKS = {
    Invitation: "meeting_id",
    Attendance: "meeting_id",
    Meeting: "space_id",
    SpaceMembership: "space_id",
    SpaceCitizen: "space_id",
    Space: "alliance_id",
}
SOURCES = tuple(LINKS)
# The link of an instance as it was loaded (or last saved): a save that changes it moves the row.
LOADED = "_meeting_loads_link"


def meeting_loads_invalidate(alliances: list[int] | QuerySet | None = None) -> None:
    """One UPDATE: the next read of these alliances' figures builds them again (and a build running now will not
    stamp them). `alliances`: their ids; or a query of their ids (`values("alliance_id")`), read inside the
    UPDATE, every alliance's when it finds none; None: every alliance's."""
    states = MeetingLoadState.objects.all()
    if isinstance(alliances, QuerySet):
        states = states.filter(Q(alliance_id__in=alliances) | ~Exists(alliances))
    elif alliances is not None:
        states = states.filter(alliance_id__in=alliances)
    states.update(version=F("version") + 1)


def _alliances_of(model, links: set) -> QuerySet | list[int] | None:
    """The alliances of the rows of `model` linked to `links` (LINKS): ids for spaces, else a query of ids; None
    (every alliance) when no link is known."""
    links = links - {None}
    if not links:
        return None
    if model is Space:
        return sorted(links)
    if LINKS[model] == "space_id":
        return Space.objects.filter(pk__in=links).values("alliance_id")
    return Space.objects.filter(meetings__in=links).values("alliance_id")


def _cached(instance, name: str):
    """The related row `name` of `instance` when it was loaded with it (no query), else None."""
    field = instance._meta.get_field(name)
    return field.get_cached_value(instance) if field.is_cached(instance) else None


def _cached_alliance(instance) -> int | None:
    """The alliance's id read from `instance` and the relations loaded with it (no query), or None."""
    if isinstance(instance, Space):
        return instance.alliance_id
    if isinstance(instance, (Invitation, Attendance)):
        instance = _cached(instance, "meeting")
    space = _cached(instance, "space") if instance is not None else None
    return space.alliance_id if space is not None else None


def _loaded(sender, instance, **kwargs):
    instance.__dict__[LOADED] = instance.__dict__.get(LINKS[sender])  # absent when deferred: None


def _saved(sender, instance, created, **kwargs):
    before, now = instance.__dict__.get(LOADED), instance.__dict__.get(LINKS[sender])
    instance.__dict__[LOADED] = now
    if created or before == now:
        cached = _cached_alliance(instance)
        meeting_loads_invalidate([cached] if cached is not None else _alliances_of(sender, {now}))
    else:  # moved (or loaded without its link): the alliance it had and the one it has
        meeting_loads_invalidate(_alliances_of(sender, {before, now}))


def _deleted(sender, instance, **kwargs):
    # Related rows deleted with it (a cascade) are deleted first: their meeting and space are still there.
    before, now = instance.__dict__.get(LOADED), instance.__dict__.get(LINKS[sender])
    cached = _cached_alliance(instance) if before == now else None
    meeting_loads_invalidate([cached] if cached is not None else _alliances_of(sender, {before, now}))


for _model in SOURCES:
    _uid = f"chantiers.meeting_loads.{_model.__name__}"
    post_init.connect(_loaded, sender=_model, dispatch_uid=f"{_uid}.loaded")
    post_save.connect(_saved, sender=_model, dispatch_uid=f"{_uid}.saved")
    post_delete.connect(_deleted, sender=_model, dispatch_uid=f"{_uid}.deleted")
