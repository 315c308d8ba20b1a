"""With a real SMTP server (aiosmtpd) that is down, then up: the request that causes an e-mail answers as usual, the
e-mail waits in the queue, and once the server is up a worker pass sends it; none is lost, none is sent twice (also
with two workers at once on PostgreSQL, and after the worker was stopped for an hour)."""

import datetime
import email as email_parser
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from asis.mail import email_send_queued, send_after_commit
from organisations.models import Membership, Organisation
from outbox.worker import worker_pass
from tests import factories as f


@pytest.fixture(autouse=True)
def _no_scheduled_job(settings):
    """These worker passes are about e-mail: whatever the hour the suite runs at, no nightly job (a backup, a check)
    runs inside the test's transaction (tests/outbox/test_worker.py tests the jobs)."""
    settings.WORKER_JOB_HOURS = {}


def _subjects(smtp):
    return sorted(
        str(email_parser.header.make_header(email_parser.header.decode_header(message["Subject"])))
        for message in (email_parser.message_from_string(raw) for _rcpt, raw in smtp.messages)
    )


@pytest.mark.django_db
def test_approving_with_the_mail_server_down_answers_and_the_email_leaves_once_it_is_up(client, cast, smtp):
    pending = f.make_organisation(name="Nouvelle ressource", status=Organisation.Status.PENDING)
    f.make_user("denise", organisation=pending, role=Membership.Role.RESPONSABLE, email="denise@example.org")
    client.force_login(cast.coordinator)
    response = client.post(reverse("organisations:organisation-approve", args=[pending.pk]))
    assert response.status_code == 302  # not 500: no SMTP call in the request
    pending.refresh_from_db()
    assert pending.status == Organisation.Status.APPROVED
    queued = Email.objects.get()
    assert queued.status == STATUS.queued and queued.to == ["denise@example.org"]

    assert worker_pass().emails == {"sent": 0, "requeued": 1, "failed": 0}  # the server is down
    queued.refresh_from_db()
    assert queued.status == STATUS.requeued
    assert Log.objects.get(email=queued).exception_type == "ConnectionRefusedError"

    smtp.up()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1, seconds=1)):
        assert worker_pass().emails == {"sent": 1, "requeued": 0, "failed": 0}
        assert worker_pass().emails == {"sent": 0, "requeued": 0, "failed": 0}
    assert [rcpt for rcpt, _raw in smtp.messages] == [["denise@example.org"]]
    assert _subjects(smtp) == ["ASIS : votre organisation est approuvée"]
    queued.refresh_from_db()
    assert queued.status == STATUS.sent


@pytest.mark.django_db
def test_a_worker_stopped_for_an_hour_sends_everything_queued_once(smtp):
    start = timezone.now()
    for minute in range(0, 60, 10):
        with time_machine.travel(start + datetime.timedelta(minutes=minute)):
            send_after_commit(to=[f"p{minute}@example.org"], subject=f"Message {minute}", body="Texte")
    smtp.up()
    with time_machine.travel(start + datetime.timedelta(hours=1)):
        assert worker_pass().emails == {"sent": 6, "requeued": 0, "failed": 0}
        assert worker_pass().emails == {"sent": 0, "requeued": 0, "failed": 0}
    assert sorted(rcpt[0] for rcpt, _raw in smtp.messages) == sorted(f"p{m}@example.org" for m in range(0, 60, 10))
    assert Email.objects.filter(status=STATUS.sent).count() == 6


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SKIP LOCKED) are PostgreSQL's")
def test_two_workers_at_once_send_each_email_exactly_once(smtp):
    for i in range(30):
        send_after_commit(to=[f"p{i}@example.org"], subject=f"Message {i}", body="Texte")
    smtp.inbox.delay = 0.02  # a server that takes its time: the two workers overlap
    smtp.up()
    results, start = [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            results.append(email_send_queued())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result["sent"] for result in results) == 30
    assert all(result["sent"] for result in results)  # both workers took a share
    recipients = sorted(rcpt[0] for rcpt, _raw in smtp.messages)
    assert recipients == sorted(f"p{i}@example.org" for i in range(30))  # 0 lost, none twice
    assert Email.objects.filter(status=STATUS.sent).count() == 30
