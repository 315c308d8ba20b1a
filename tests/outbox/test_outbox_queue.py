"""The durable outbox (asis.mail): queued in the transaction of its cause, sent by the worker with back-off."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from asis.mail import email_resend, email_send_queued, send_after_commit
from asis.models import EmailAlliance
from organisations.models import Organisation
from organisations.services import organisation_approve
from projects.models import ProjectStatus
from projects.services import review as review_services
from tests import factories as f

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


def test_an_email_is_queued_with_the_change_and_waits_for_the_worker(held):
    with transaction.atomic():
        email = send_after_commit(
            to=["b@example.org", "", "a@example.org", "b@example.org"], subject="Objet", body="Texte"
        )
    email.refresh_from_db()
    assert (email.status, email.to, email.subject, email.message) == (
        STATUS.queued,
        ["a@example.org", "b@example.org"],
        "Objet",
        "Texte",
    )
    assert mail.outbox == []  # no SMTP call with the change
    assert email_send_queued() == {"sent": 1, "requeued": 0, "failed": 0}
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["a@example.org", "b@example.org"], "Objet", "Texte")]
    assert email_send_queued() == {"sent": 0, "requeued": 0, "failed": 0}  # sent once
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_for_a_change_that_was_rolled_back(held):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_after_commit(to=["a@example.org"], subject="Objet", body="Texte", alliance_id=1)
        raise RuntimeError
    assert not Email.objects.exists() and not EmailAlliance.objects.exists()


def test_an_email_of_a_project_carries_its_alliance(held, cast, plan, theme):
    cast.org_a.email = "a@example.org"
    cast.org_a.save()
    project = f.make_project(lead=cast.org_a, theme=theme, status=ProjectStatus.SUBMITTED, by=cast.alice)
    review_services.project_request_changes(project=project, by=cast.coordinator, comment="Précisez le budget.")
    email = Email.objects.get()
    assert email.alliance_link.alliance_id == plan.alliance_id


def test_an_organisations_approval_carries_no_alliance(held, cast):
    pending = f.make_organisation(status=Organisation.Status.PENDING, email="org@example.org")
    f.make_user(organisation=pending, role="responsable", email="denise@example.org")
    organisation_approve(organisation=pending, by=cast.coordinator)
    assert not EmailAlliance.objects.filter(email=Email.objects.get()).exists()


def _refused_by_the_server(held):
    """A mail server that refuses the connection: nothing listens on the port."""
    held.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    held.EMAIL_HOST, held.EMAIL_PORT = "127.0.0.1", 9  # the discard port: closed here


def test_a_failed_attempt_is_kept_and_tried_again_after_1_5_30_and_120_minutes_then_failed(held):
    _refused_by_the_server(held)
    with time_machine.travel(NOON, tick=False):
        email = send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
    expected_waits = [1, 5, 30, 120]
    at = NOON
    for attempt, minutes in enumerate(expected_waits, start=1):
        with time_machine.travel(at, tick=False):
            assert email_send_queued() == {"sent": 0, "requeued": 1, "failed": 0}
            email.refresh_from_db()
            assert (email.status, email.number_of_retries) == (STATUS.requeued, attempt)
            assert email.scheduled_time == at + datetime.timedelta(minutes=minutes)
        with time_machine.travel(at + datetime.timedelta(minutes=minutes, seconds=-1), tick=False):
            assert email_send_queued() == {"sent": 0, "requeued": 0, "failed": 0}  # not before its time
        at += datetime.timedelta(minutes=minutes)
    with time_machine.travel(at, tick=False):
        assert email_send_queued() == {"sent": 0, "requeued": 0, "failed": 1}
    email.refresh_from_db()
    assert email.status == STATUS.failed
    logs = list(Log.objects.filter(email=email).values_list("status", "exception_type"))
    assert logs == [(STATUS.failed, "ConnectionRefusedError")] * 5  # each attempt's error kept


def test_a_failed_email_sent_again_leaves_at_the_next_pass(held):
    email = send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
    Email.objects.filter(pk=email.pk).update(status=STATUS.failed, number_of_retries=4)
    email_resend(email=email)
    email.refresh_from_db()
    assert (email.status, email.number_of_retries, email.scheduled_time) == (STATUS.queued, 0, None)
    assert email_send_queued()["sent"] == 1 and len(mail.outbox) == 1


def test_sending_again_an_email_that_is_not_failed_changes_nothing(held):
    email = send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
    email_send_queued()
    email_resend(email=email)
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert email_send_queued()["sent"] == 0 and len(mail.outbox) == 1


def test_in_tests_an_email_leaves_at_once_after_its_commit(django_capture_on_commit_callbacks):
    """tests/conftest.py: OUTBOX_SEND_ON_COMMIT sends each e-mail through the queue when it commits."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = send_after_commit(to=["a@example.org"], subject="Objet", body="Texte")
        assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == STATUS.sent and len(mail.outbox) == 1
    assert timezone.now() - email.last_updated < datetime.timedelta(minutes=1)
