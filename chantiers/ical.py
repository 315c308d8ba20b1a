"""Meetings as an RFC 5545 iCalendar feed (Outlook, Google Agenda, Apple Calendar subscribe to it).

Built with the `icalendar` library, which escapes text, folds long lines and writes the VTIMEZONE.
Times are Rouyn-Noranda's (America/Toronto); a meeting without a start time is an all-day event.
"""

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from asis.forms import EARLIEST_DATE, LATEST_DATE
from chantiers.models import Meeting

PRODID = "-//ASIS Rouyn-Noranda//Rencontres//FR"
DEFAULT_DURATION = datetime.timedelta(minutes=90)
REFRESH_INTERVAL = datetime.timedelta(hours=1)


def meeting_uid(meeting: Meeting) -> str:
    """Stable across feeds, so a calendar app updates an event rather than duplicating it."""
    return f"meeting-{meeting.pk}@asis"


def _bounds(meeting: Meeting) -> tuple[datetime.date | datetime.datetime, datetime.date | datetime.datetime]:
    start = meeting.starts_at()
    if start is None:
        # An all-day event: DTSTART;VALUE=DATE, and DTEND is the next day (exclusive).
        return meeting.date, meeting.date + datetime.timedelta(days=1)
    end = meeting.ends_at()
    if end is None or end <= start:
        end = start + DEFAULT_DURATION
    return start, end


def _location(meeting: Meeting) -> str | None:
    return meeting.place or meeting.video_link or None


def _description(meeting: Meeting) -> str | None:
    parts = [meeting.agenda.strip()] if meeting.agenda.strip() else []
    if meeting.place and meeting.video_link:
        parts.append(_("Visioconférence : %(url)s") % {"url": meeting.video_link})
    return "\n\n".join(parts) or None


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    url_for: Callable[[Meeting], str],
    stamp: datetime.datetime | None = None,
) -> Calendar:
    """One VEVENT per meeting (its `chantier` should be selected with it)."""
    stamp = stamp or timezone.now()
    calendar = Calendar.new(prodid=PRODID, name=name, refresh_interval=REFRESH_INTERVAL)
    del calendar.uid  # Calendar.new draws a new one on every request; the feed needs none.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
    # Outlook ignores REFRESH-INTERVAL and reads its own older property.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
    first = last = None
    for meeting in meetings:
        if not EARLIEST_DATE <= meeting.date <= LATEST_DATE:
            # Forms refuse such a date; one stored otherwise (year 9999) is no real meeting, and its next day,
            # or the time zone's definition a year on, overflows Python's dates: every invited person's feed
            # would answer 500. Left out of the feed, still on the meeting's page for coordination to fix.
            continue
        start, end = _bounds(meeting)
        calendar.add_component(
            Event.new(
                uid=meeting_uid(meeting),
                stamp=stamp,
                start=start,
                end=end,
                summary=_("%(space)s — Rencontre") % {"space": meeting.space.name},
                location=_location(meeting),
                description=_description(meeting),
                url=url_for(meeting),
            )
        )
        first = min(first or meeting.date, meeting.date)
        last = max(last or meeting.date, meeting.date)
    if first is not None:
        # The VTIMEZONE needs to cover the events' dates only (a small, valid definition).
        calendar.add_missing_timezones(
            first_date=first - datetime.timedelta(days=366), last_date=last + datetime.timedelta(days=366)
        )
    return calendar
