"""What the concertation spaces' writes tell people by e-mail (issue 21, part 4), through notifications.notify: each
person as they chose, in their language. A meeting scheduled tells the people of the organisations invited (their
members' accounts) and the persons invited, kind « Rencontres »; a written consultation opened tells the people of
its respondent organisations, kind « Rencontres » too — it stands in for a meeting and asks for their time by a date,
as a meeting does — and its decision tells them, kind « Décisions ». A citizen with their own access (part 5),
invited or asked, is told too, with a link to their own pages (the alliance's pages are not theirs). Demo data
tells nobody."""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alliances.addresses import alliance_reverse
from asis.templatetags.asis_format import day_date
from chantiers.models import Consultation, Meeting
from notifications.models import Kind
from notifications.services import notify
from organisations.models import Membership, User


def _people(*, organisation_ids=(), user_ids=()) -> list[User]:
    """The current members of the organisations and the persons named, each once. Two queries at most."""
    people = {
        membership.user_id: membership.user
        for membership in Membership.objects.current()
        .filter(organisation_id__in=list(organisation_ids))
        .select_related("user")
        .order_by("pk")
    }
    missing = [pk for pk in user_ids if pk not in people]
    if missing:
        people.update({user.pk: user for user in User.objects.filter(pk__in=missing)})
    return list(people.values())


def _citizens(citizen_ids) -> list[User]:
    """The active accounts of the citizens named (a citizen kept as a record by Coordination has none). One query."""
    return list(User.objects.filter(citizen__pk__in=list(citizen_ids), is_active=True).order_by("pk"))


def _citizen_link(viewname: str = "citizen:home", **kwargs) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse(viewname, kwargs=kwargs or None)


def _link(alliance, viewname: str, pk: int) -> str:
    return settings.PORTAL_URL.rstrip("/") + alliance_reverse(alliance, viewname, kwargs={"pk": pk})


def meeting_scheduled_notify(meeting: Meeting) -> None:
    """Tell the meeting's invitees that it is scheduled (a meeting of the past, recorded afterwards, tells nobody)."""
    if meeting.is_demo:
        return
    invitations = list(meeting.invitations.values_list("organisation_id", "user_id", "citizen_id"))
    users = _people(
        organisation_ids={org for org, _user, _citizen in invitations if org},
        user_ids={user for _org, user, _citizen in invitations if user},
    )
    citizens = _citizens({citizen for _org, _user, citizen in invitations if citizen})
    space = meeting.space
    link = _link(space.alliance, "chantiers:meeting-detail", meeting.pk)

    def body(citizen: bool = False):
        when = day_date(meeting.date)
        if meeting.start_time:
            when += " " + _("à %(time)s") % {"time": date_format(meeting.start_time, "TIME_FORMAT")}
        invited = (
            _("Vous y êtes invité ou invitée : dites-nous sur le portail si vous y serez.")
            if citizen
            else _("Votre organisation y est invitée.")
        )
        text = _("Bonjour,\n\nUne rencontre du lieu de concertation « %(space)s » est prévue le %(when)s%(place)s.") % {
            "space": space.name,
            "when": when,
            "place": (" — " + meeting.place) if meeting.place else "",
        }
        text += " " + invited
        if meeting.agenda.strip():
            text += "\n\n" + _("Ordre du jour :") + "\n" + meeting.agenda.strip()
        where = _citizen_link() if citizen else link
        return (
            text + "\n\n" + _("La rencontre sur le portail ASIS :") + f"\n{where}\n\n" + _("L'équipe de coordination")
        )

    def subject():
        return _("ASIS : rencontre « %(space)s » le %(date)s") % {"space": space.name, "date": day_date(meeting.date)}

    notify(users=users, kind=Kind.MEETINGS, alliance_id=space.alliance_id, subject=subject, body=body)
    if citizens:
        notify(
            users=citizens,
            kind=Kind.MEETINGS,
            alliance_id=space.alliance_id,
            subject=subject,
            body=lambda: body(citizen=True),
        )


def _respondents(consultation: Consultation) -> list[User]:
    organisation_ids = consultation.respondents.filter(organisation__isnull=False).values_list(
        "organisation_id", flat=True
    )
    return _people(organisation_ids=set(organisation_ids))


def _consultation_audiences(consultation: Consultation) -> list[tuple[list[User], str, bool]]:
    """Who a consultation tells, each with the link they open: the respondent organisations' people (the
    consultation's page of the alliance) and the citizens whose seat it asks with their own access (their own answer
    page, part 5): (people, link, citizens?)."""
    space = consultation.space
    seats = consultation.respondents.filter(citizen_seat__isnull=False).values_list("citizen_seat__citizen", flat=True)
    audiences = [
        (_respondents(consultation), _link(space.alliance, "chantiers:consultation-detail", consultation.pk), False),
        (_citizens(seats), _citizen_link("citizen:consultation-answer", pk=consultation.pk), True),
    ]
    return [(users, link, citizens) for users, link, citizens in audiences if users]


def consultation_launched_notify(consultation: Consultation) -> None:
    """Tell the respondents' people that a written consultation asks for their answers by its date."""
    if consultation.is_demo:
        return
    space = consultation.space
    for users, link, citizens in _consultation_audiences(consultation):

        def body(link=link, citizens=citizens):
            text = (
                _(
                    "Bonjour,\n\nAu lieu d'une rencontre, le lieu de concertation « %(space)s » consulte ses membres "
                    "par écrit : « %(title)s ». Répondez sur le portail ASIS au plus tard le %(due)s :\n%(link)s\n\n"
                    "L'équipe de coordination"
                )
                if citizens
                else _(
                    "Bonjour,\n\nAu lieu d'une rencontre, le lieu de concertation « %(space)s » consulte votre "
                    "organisation par écrit : « %(title)s ». Répondez sur le portail ASIS au plus tard le %(due)s :\n"
                    "%(link)s\n\nL'équipe de coordination"
                )
            )
            return text % {
                "space": space.name,
                "title": consultation.title,
                "due": day_date(consultation.due_on),
                "link": link,
            }

        notify(
            users=users,
            kind=Kind.MEETINGS,
            alliance_id=space.alliance_id,
            subject=lambda: _("ASIS : consultation écrite « %(title)s »") % {"title": consultation.title},
            body=body,
        )


def consultation_decided_notify(consultation: Consultation) -> None:
    """Tell the respondents' people the decision taken on the answers."""
    if consultation.is_demo:
        return
    space = consultation.space
    for users, link, _citizens_too in _consultation_audiences(consultation):
        notify(
            users=users,
            kind=Kind.DECISIONS,
            alliance_id=space.alliance_id,
            subject=lambda: _("ASIS : décision de la consultation « %(title)s »") % {"title": consultation.title},
            body=lambda link=link: (
                _(
                    "Bonjour,\n\nLa décision prise sur les réponses à la consultation écrite « %(title)s » (lieu de "
                    "concertation « %(space)s ») :\n\n%(decision)s\n\n%(link)s\n\nL'équipe de coordination"
                )
                % {"space": space.name, "title": consultation.title, "decision": consultation.decision, "link": link}
            ),
        )
