"""« Mes rencontres » and the personal iCalendar feed.

The list shows the meetings of the page's alliance. The feed is the person's, whatever the alliance of its
address: it lists their meetings in every alliance they may see, each linked to its alliance's page.
The feed cannot ask for a login (calendar apps do not log in): a secret token in its address
identifies the person, and they may draw a new one if the address leaks.
"""

import datetime
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from alliances.addresses import alliance_reverse
from chantiers.access import refuse_closed_plan, shows_closed_plan
from chantiers.ical import meetings_calendar
from chantiers.models import Meeting

PAGE_SIZE = 25
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500
# Same day: all-day meetings first, then by start time (the same on SQLite and PostgreSQL).
CHRONOLOGICAL = ("date", F("start_time").asc(nulls_first=True), "pk")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    """The user's upcoming meetings in the page's alliance; its Coordination and Personnel may see all of them
    (`?tout=1`).

    POST `regenerate` draws a new secret for the feed address (the old address stops working); not on a closed
    plan's page, which changes nothing.
    """
    user = request.user
    if request.method == "POST":
        refuse_closed_plan(request)
        if "regenerate" in request.POST:
            user.calendar_token = uuid.uuid4()
            user.save(update_fields=["calendar_token"])
            messages.success(
                request,
                _(
                    "Nouvelle adresse d'agenda créée. L'ancienne ne fonctionne plus : abonnez-vous de nouveau avec celle-ci."
                ),
            )
        return redirect(request.get_full_path())

    can_show_all = user.sees_everything
    show_all = can_show_all and request.GET.get("tout") == "1"
    meetings = Meeting.objects.in_alliance(request.alliance)
    meetings = meetings if show_all else meetings.for_calendar_of(user)
    meetings = meetings.upcoming().select_related("space").order_by(*CHRONOLOGICAL)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    feed_url = request.build_absolute_uri(reverse("chantiers:meeting-feed", args=[user.calendar_token]))
    return render(
        request,
        "chantiers/meeting_list.html",
        {
            "page": page,
            "show_all": show_all,
            "can_show_all": can_show_all,
            "feed_url": feed_url,
            "read_only": shows_closed_plan(request),
        },
    )


@require_safe
def meeting_feed(request, token):
    """The person's meetings from 90 days ago onward, in every alliance they may see, as iCalendar
    (text/calendar); each links to its meeting's page in its own alliance."""
    user = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    since = timezone.localdate() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings = (
        Meeting.objects.for_calendar_of(user)
        .filter(date__gte=since)
        .select_related("space__alliance")
        .order_by(*CHRONOLOGICAL)[:FEED_MAX_EVENTS]
    )
    calendar = meetings_calendar(
        meetings,
        name=_("ASIS — mes rencontres"),
        url_for=lambda meeting: request.build_absolute_uri(
            alliance_reverse(meeting.space.alliance, "chantiers:meeting-detail", args=[meeting.pk])
        ),
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="asis-rencontres.ics"'
    return response
