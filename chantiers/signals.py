"""Keeps the hyperconcertation figures (`MeetingLoad`, a cache) true: any write to an invitation, an attendance
row, a meeting, a seat or a space marks them stale, whichever path it takes (services, the admin and its
inlines, cascades). No business rule here: the next read builds the figures again
(`chantiers.selectors.meeting_loads_refresh`). Rows added by `bulk_create` send no signal; the state compares
the highest ids instead."""

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from chantiers.models import (
    Attendance,
    Invitation,
    Meeting,
    MeetingLoadState,
    Space,
    SpaceCitizen,
    SpaceMembership,
)

# Meetings (their date, times and space), who was invited or attended, who sits where, and whether a space is active.
SOURCES = (Invitation, Attendance, Meeting, SpaceMembership, SpaceCitizen, Space)


def meeting_loads_invalidate() -> None:
    """One UPDATE: the next read of the figures builds them again (and a build running now will not stamp them)."""
    MeetingLoadState.objects.filter(pk=1).update(version=F("version") + 1)


def _stale(sender, **kwargs):
    meeting_loads_invalidate()


for _model in SOURCES:
    post_save.connect(_stale, sender=_model, dispatch_uid=f"chantiers.meeting_loads.{_model.__name__}.saved")
    post_delete.connect(_stale, sender=_model, dispatch_uid=f"chantiers.meeting_loads.{_model.__name__}.deleted")
