"""The notices the concertation spaces send (chantiers.notices): a meeting scheduled tells the people of the invited
organisations (« Rencontres »); a written consultation opened tells its respondents' people (« Rencontres »), and
its decision (« Décisions »)."""

import datetime

from django.core import mail
from django.utils import timezone

from chantiers.models import SpaceMembership
from chantiers.services import meeting_schedule
from chantiers.services_avoided import consultation_decide, consultation_launch
from notifications.models import Frequency, Kind, NotificationPreference, PendingNotice
from tests import factories as f


def _seated(cast, theme):
    space = f.make_space(themes=[theme])
    for org in (cast.org_a, cast.org_b):
        SpaceMembership.objects.create(space=space, organisation=org)
    for user in (cast.alice, cast.bob, cast.charlie, cast.coordinator):
        user.email = f"{user.username}@example.org"
        user.save()
    return space


def test_a_meeting_scheduled_tells_the_invited_organisations_people(cast, theme, django_capture_on_commit_callbacks):
    space = _seated(cast, theme)
    cast.charlie.language = "en"
    cast.charlie.save()
    NotificationPreference.objects.create(user=cast.bob, kind=Kind.MEETINGS, frequency=Frequency.DAILY)
    day = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_schedule(space=space, date=day, place="Salle 3", agenda="Budget")
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["alice@example.org", "charlie@example.org"]  # bob chose the daily digest
    assert space.name in by_address["alice@example.org"].subject
    assert "Salle 3" in by_address["alice@example.org"].body and "Budget" in by_address["alice@example.org"].body
    assert f"/rencontres/{meeting.pk}/" in by_address["alice@example.org"].body
    assert by_address["charlie@example.org"].subject.startswith("ASIS: meeting")
    assert PendingNotice.objects.get(user=cast.bob).kind == Kind.MEETINGS


def test_a_meeting_recorded_after_it_was_held_tells_nobody(cast, theme, django_capture_on_commit_callbacks):
    space = _seated(cast, theme)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_schedule(space=space, date=timezone.localdate() - datetime.timedelta(days=3))
    assert mail.outbox == []


def test_a_written_consultation_tells_its_respondents_then_its_decision(
    cast, theme, django_capture_on_commit_callbacks
):
    space = _seated(cast, theme)
    NotificationPreference.objects.create(user=cast.charlie, kind=Kind.DECISIONS, frequency=Frequency.NONE)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        avoided = consultation_launch(
            space=space,
            date=today + datetime.timedelta(days=10),
            subject="Choix du thème",
            duration_minutes=60,
            questions=["Quel thème?"],
            due_on=today + datetime.timedelta(days=5),
            by=cast.coordinator,
        )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.org",
        "bob@example.org",
        "charlie@example.org",
    ]
    assert all("Choix du thème" in message.subject for message in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_decide(consultation=avoided.consultation, text="Les jeux d'autrefois", by=cast.coordinator)
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.org", "bob@example.org"]
    assert all("Les jeux d'autrefois" in message.body for message in mail.outbox)


def test_demo_consultations_tell_nobody(cast, theme, django_capture_on_commit_callbacks):
    space = _seated(cast, theme)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_launch(
            space=space,
            date=today,
            subject="Démo",
            duration_minutes=60,
            questions=["?"],
            due_on=today,
            by=cast.coordinator,
            is_demo=True,
        )
    assert mail.outbox == []
