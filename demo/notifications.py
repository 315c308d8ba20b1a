"""The demo's e-mail notices (issue 21, part 4): `partenaire2` receives the meetings' notices as a daily digest, and
one notice (the next meeting of its employment table) waits for the worker's next digest. Through the services
(notifications.services). Idempotent: a second load finds the notice and adds nothing."""

from django.utils.translation import gettext as _

from asis.templatetags.asis_format import day_date
from chantiers.models import Meeting
from notifications.models import Frequency, Kind, PendingNotice
from notifications.services import notify, preferences_set
from organisations.models import User


def load(users: dict[str, User]) -> None:
    person = users["partenaire2"]
    if PendingNotice.objects.filter(user=person).exists():
        return
    preferences_set(user=person, choices={Kind.MEETINGS: Frequency.DAILY})
    meeting = (
        Meeting.objects.filter(is_demo=True, invitations__organisation_id__in=person.organisation_ids())
        .select_related("space")
        .order_by("-date", "pk")
        .first()
    )
    if meeting is None:
        return
    notify(
        users=[person],
        kind=Kind.MEETINGS,
        alliance_id=meeting.space.alliance_id,
        subject=lambda: (
            _("ASIS : rencontre « %(space)s » le %(date)s")
            % {"space": meeting.space.name, "date": day_date(meeting.date)}
        ),
        body=lambda: (
            _(
                "Bonjour,\n\nUne rencontre du lieu de concertation « %(space)s » est prévue le %(when)s%(place)s. Votre "
                "organisation y est invitée."
            )
            % {"space": meeting.space.name, "when": day_date(meeting.date), "place": ""}
        ),
    )
