"""The worker's digests (send_notification_digests): daily ones every day, weekly ones on Mondays; one e-mail per
person grouping their notices by kind, in their language; each notice sent once."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from post_office.models import Email

from notifications.models import Frequency, Kind, NotificationPreference, PendingNotice
from notifications.services import notification_digests_send
from outbox.jobs import JOBS
from tests import factories as f

MONDAY = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
TUESDAY = MONDAY + datetime.timedelta(days=1)


def _person(frequency, *, kinds=(Kind.MEETINGS,), language="", notices=1, org=None):
    user = f.make_user(organisation=org or f.make_organisation(), language=language)
    user.email = f"{user.username}@example.org"
    user.save()
    for kind in kinds:
        NotificationPreference.objects.create(user=user, kind=kind, frequency=frequency)
        for i in range(notices):
            PendingNotice.objects.create(user=user, kind=kind, subject=f"Avis {kind} {i}", body=f"Texte {kind} {i}")
    return user


def _send(now, capture):
    with capture(execute=True):
        return notification_digests_send(now=now)


def test_one_e_mail_per_person_grouping_the_notices_by_kind(db, django_capture_on_commit_callbacks):
    daily = _person(Frequency.DAILY, kinds=(Kind.MEETINGS, Kind.DECISIONS), notices=2)
    result = _send(TUESDAY, django_capture_on_commit_callbacks)
    assert result == {"emails": 1, "notices": 4, "dropped": 0}
    [message] = mail.outbox
    assert message.to == [daily.email] and message.subject == "ASIS : votre résumé d'avis (4 avis)"
    body = message.body
    assert body.index("=== Rencontres (2) ===") < body.index("Avis meetings 0") < body.index("Avis meetings 1")
    assert body.index("Avis meetings 1") < body.index("=== Décisions (2) ===") < body.index("Texte decisions 1")
    assert "/notifications/desabonnement/" in body
    notices = PendingNotice.objects.all()
    assert {notice.sent_at for notice in notices} == {TUESDAY}
    assert {notice.digest_email_id for notice in notices} == {Email.objects.get().pk}


def test_running_twice_sends_nothing_twice(db, django_capture_on_commit_callbacks):
    _person(Frequency.DAILY)
    _send(TUESDAY, django_capture_on_commit_callbacks)
    assert _send(TUESDAY + datetime.timedelta(hours=1), django_capture_on_commit_callbacks) == {
        "emails": 0,
        "notices": 0,
        "dropped": 0,
    }
    assert len(mail.outbox) == 1
    assert PendingNotice.objects.get().sent_at == TUESDAY  # kept, never deleted


def test_weekly_digests_leave_on_mondays_only(db, django_capture_on_commit_callbacks):
    daily, weekly = _person(Frequency.DAILY), _person(Frequency.WEEKLY)
    _send(TUESDAY, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[daily.email]]
    assert PendingNotice.objects.get(user=weekly).sent_at is None
    _send(TUESDAY + datetime.timedelta(days=6), django_capture_on_commit_callbacks)  # the next Monday
    assert [message.to for message in mail.outbox] == [[daily.email], [weekly.email]]


def test_the_digest_is_in_the_person_s_language(db, django_capture_on_commit_callbacks):
    english = _person(Frequency.DAILY, language="en")
    french = _person(Frequency.DAILY, language="fr-ca")
    _send(TUESDAY, django_capture_on_commit_callbacks)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address[english.email].subject == "ASIS: your notice digest (1 notice)"
    assert "=== Meetings (1) ===" in by_address[english.email].body
    assert by_address[french.email].subject == "ASIS : votre résumé d'avis (1 avis)"


def test_a_kind_turned_off_since_is_dropped_and_one_set_back_to_immediate_leaves(
    db, django_capture_on_commit_callbacks
):
    dropped = _person(Frequency.DAILY)
    dropped.notification_preferences.update(frequency=Frequency.NONE)
    back = _person(Frequency.WEEKLY)
    back.notification_preferences.update(frequency=Frequency.IMMEDIATE)
    assert _send(TUESDAY, django_capture_on_commit_callbacks) == {"emails": 1, "notices": 1, "dropped": 1}
    assert [message.to for message in mail.outbox] == [[back.email]]
    notice = PendingNotice.objects.get(user=dropped)
    assert notice.sent_at == TUESDAY and notice.digest_email is None


def test_the_queries_do_not_grow_with_the_people(db, django_assert_max_num_queries):
    org = f.make_organisation()
    for _i in range(2):
        _person(Frequency.DAILY, kinds=(Kind.MEETINGS, Kind.PROJECTS), org=org)
    # the notices with their people (1), the preferences (1), the e-mails (1), their alliance (0: none here),
    # the notices marked sent (1), savepoints (4)
    with django_assert_max_num_queries(8):
        notification_digests_send(now=TUESDAY)
    for _i in range(15):
        _person(Frequency.DAILY, kinds=(Kind.MEETINGS, Kind.PROJECTS), org=org)
    with django_assert_max_num_queries(8):
        assert notification_digests_send(now=TUESDAY)["emails"] == 15


def test_the_command_and_the_worker_s_job(db, django_capture_on_commit_callbacks):
    _person(Frequency.DAILY)
    assert "send_notification_digests" in JOBS and "send_notification_digests" in settings.WORKER_JOB_HOURS
    out = StringIO()
    with time_machine.travel(TUESDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests", stdout=out)
    assert "1 résumé(s) envoyé(s), 1 avis" in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_run_at_the_same_time_skips_the_notices_another_holds(db):
    """Two workers at once: the second finds the first's notices locked (SKIP LOCKED) and sends none of them."""
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks (SKIP LOCKED) are PostgreSQL's")
    _person(Frequency.DAILY)
    held, release, results = threading.Event(), threading.Event(), {}

    def first():
        with transaction.atomic():
            list(PendingNotice.objects.waiting().select_for_update())
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(10)
    try:
        results["second"] = notification_digests_send(now=timezone.now())
    finally:
        release.set()
        thread.join()
    assert results["second"] == {"emails": 0, "notices": 0, "dropped": 0}
    assert PendingNotice.objects.get().sent_at is None
