"""notify(): each recipient as they chose (immediate e-mail, digest notice, nothing), in their language, with a signed
unsubscribe link at the end (issue 21, part 4)."""

import pytest
from django.core import mail
from django.utils.translation import gettext as _

from notifications.models import Frequency, Kind, NotificationPreference, PendingNotice
from notifications.services import notify, unsubscribe_read
from tests import factories as f


@pytest.fixture
def people(db):
    org = f.make_organisation()
    return [f.make_user(organisation=org, email=f"p{i}@example.org") for i in range(3)]


def _notify(users, **extra):
    return notify(
        users=users,
        kind=Kind.MEETINGS,
        subject=lambda: _("Rencontres"),
        body=lambda: _("Aucun courriel"),
        **extra,
    )


def test_immediate_by_default_one_e_mail_each_with_its_own_unsubscribe_link(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        done = _notify(people)
    assert done["immediate"] == people
    assert sorted(message.to[0] for message in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    for message in mail.outbox:
        assert message.subject == "Rencontres"
        assert message.body.startswith("Aucun courriel")
        token = message.body.split("/notifications/desabonnement/")[1].split("/")[0]
        user_id, kinds = unsubscribe_read(token)
        assert user_id == next(p.pk for p in people if p.email == message.to[0]) and kinds == [Kind.MEETINGS]
    assert not PendingNotice.objects.exists()


def test_digest_keeps_a_notice_and_none_sends_nothing(people, django_capture_on_commit_callbacks):
    immediate, daily, silent = people
    NotificationPreference.objects.create(user=daily, kind=Kind.MEETINGS, frequency=Frequency.DAILY)
    NotificationPreference.objects.create(user=silent, kind=Kind.MEETINGS, frequency=Frequency.NONE)
    NotificationPreference.objects.create(user=immediate, kind=Kind.DECISIONS, frequency=Frequency.NONE)  # other kind
    with django_capture_on_commit_callbacks(execute=True):
        done = _notify(people, alliance_id=None)
    assert (done["immediate"], done["digest"], done["none"]) == ([immediate], [daily], [silent])
    assert [message.to for message in mail.outbox] == [[immediate.email]]
    notice = PendingNotice.objects.get()
    assert (notice.user, notice.kind, notice.subject, notice.sent_at) == (daily, Kind.MEETINGS, "Rencontres", None)


def test_the_e_mail_is_in_each_recipient_s_language(people, django_capture_on_commit_callbacks):
    french, english, blank = people
    french.language, english.language = "fr-ca", "en"
    french.save(), english.save()
    NotificationPreference.objects.create(user=blank, kind=Kind.MEETINGS, frequency=Frequency.WEEKLY)
    blank.language = "en"
    blank.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[french.email].subject == "Rencontres"
    assert "Pour ne plus en recevoir" in by_address[french.email].body
    assert by_address[english.email].subject == "Meetings"
    assert by_address[english.email].body.startswith("No e-mail")
    assert "To stop receiving them" in by_address[english.email].body
    assert PendingNotice.objects.get(user=blank).subject == "Meetings"  # the digest's notice, written in English


def test_inactive_people_and_people_without_an_address_are_skipped(people, django_capture_on_commit_callbacks):
    people[0].is_active = False
    people[0].save()
    people[1].email = ""
    people[1].save()
    with django_capture_on_commit_callbacks(execute=True):
        done = _notify(people)
    assert done["immediate"] == [people[2]]
    assert len(mail.outbox) == 1


def test_an_organisation_s_own_address_gets_the_e_mail_without_preferences(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people[:1], addresses=["info@org.example", "P0@example.org"])
    assert sorted(message.to[0] for message in mail.outbox) == ["info@org.example", "p0@example.org"]
    organisation = next(message for message in mail.outbox if message.to == ["info@org.example"])
    assert "desabonnement" not in organisation.body


def test_one_click_headers_when_the_portal_s_address_is_known(people, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_URL = "https://asis.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(people[:1])
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://asis.example.org/notifications/desabonnement/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://asis.example.org/notifications/desabonnement/" in message.body


def test_queries_do_not_grow_with_the_recipients(db, django_assert_max_num_queries):
    org = f.make_organisation()
    few = [f.make_user(organisation=org, email=f"few{i}@example.org") for i in range(2)]
    many = [f.make_user(organisation=org, email=f"many{i}@example.org") for i in range(12)]
    for user in many[::2]:
        NotificationPreference.objects.create(user=user, kind=Kind.MEETINGS, frequency=Frequency.DAILY)
    # the preferences (1), the notices (1), the e-mails (1; their alliance: none here), two savepoints and their
    # releases (4): seven, whatever the number of recipients
    with django_assert_max_num_queries(7):
        _notify(few, alliance_id=None)
    with django_assert_max_num_queries(7):
        _notify(many, alliance_id=None)
