"""The portal's one way to send an e-mail, through a durable outbox (django-post-office's `Email` table).

A service queues its e-mail with `send_after_commit`: the row is written in the service's own transaction, so a
change that is rolled back queues nothing, and the request never waits for the mail server. The worker
(`python manage.py worker`, asis.worker) sends the queue with `email_send_queued`: each e-mail is locked while it is
sent (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's write lock serialises the workers), so two workers
never send one e-mail twice. A failed attempt is logged (post_office's `Log`: the error of every attempt) and tried
again after each delay of OUTBOX_RETRY_MINUTES in turn, then the e-mail is marked failed; `email_resend` queues a
failed e-mail again. This module imports no domain app: every app's services use it.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from post_office.models import STATUS, Email, Log

from asis.models import EmailAlliance

logger = logging.getLogger(__name__)

WAITING = (STATUS.queued, STATUS.requeued)


def send_after_commit(
    *, to, subject: str, body: str, alliance_id: int | None = None, headers: dict[str, str] | None = None
) -> Email | None:
    """Queue `body` to every distinct non-empty address of `to` (sorted, one message) in the current transaction:
    the worker sends it once the transaction has committed, and nothing leaves when it is rolled back. Nothing is
    queued when no address is left. `alliance_id` names the alliance whose Coordination sees the e-mail; None for
    an e-mail of no alliance (seen by the portal's operators). `headers`: extra headers of the message (a
    notification's List-Unsubscribe, RFC 8058)."""
    [email] = send_many_after_commit(
        [{"to": to, "subject": subject, "body": body, "alliance_id": alliance_id, "headers": headers}]
    ) or [None]
    return email


def send_many_after_commit(messages) -> list[Email]:
    """Queue several e-mails at once, as `send_after_commit` queues one (each a dict of its arguments: to, subject,
    body, alliance_id, headers), in two queries whatever their number (the notifications' digests). A message with
    no address left is skipped. Returns the e-mails queued, in the order of `messages`."""
    rows, alliances = [], []
    for message in messages:
        recipients = sorted({address for address in message["to"] if address})
        if not recipients:
            continue
        rows.append(
            Email(
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=recipients,
                subject=message["subject"],
                message=message["body"],
                headers=message.get("headers") or None,
                status=STATUS.queued,
            )
        )
        alliances.append(message.get("alliance_id"))
    if not rows:
        return []
    with transaction.atomic():
        # bulk_create skips post_office's full_clean(): an address the mail server refuses fails the e-mail's
        # attempt (kept, shown to Coordination), never the change that caused it.
        emails = Email.objects.bulk_create(rows)
        links = [
            EmailAlliance(email=email, alliance_id=alliance_id)
            for email, alliance_id in zip(emails, alliances, strict=True)
            if alliance_id is not None
        ]
        if links:
            EmailAlliance.objects.bulk_create(links)
    if settings.OUTBOX_SEND_ON_COMMIT:  # tests: the e-mail leaves at once after the commit, through the queue
        for email in emails:
            _send_once_committed(email)
    return emails


def _send_once_committed(email: Email) -> None:
    """Send `email` through the queue once the current transaction commits (tests/conftest.py refines it for the
    test's own transaction, which never commits)."""
    transaction.on_commit(lambda: email_send_queued(pks=[email.pk]))


def _due(now: datetime.datetime):
    return Email.objects.filter(Q(scheduled_time__isnull=True) | Q(scheduled_time__lte=now), status__in=WAITING)


def email_send_queued(*, pks=None, limit: int | None = None) -> dict[str, int]:
    """Send the e-mails that are due, one transaction each, the row locked while it is sent (skipped by any other
    worker). Returns how many were sent, put back in the queue for a later attempt, and failed for good."""
    counts = {"sent": 0, "requeued": 0, "failed": 0}
    connection = get_connection(fail_silently=False)
    try:
        while limit is None or sum(counts.values()) < limit:
            with transaction.atomic():
                now = timezone.now()
                due = _due(now) if pks is None else _due(now).filter(pk__in=pks)
                email = due.select_for_update(skip_locked=True).order_by("scheduled_time", "pk").first()
                if email is None:
                    break
                counts[_attempt(email, connection=connection, now=now)] += 1
    finally:
        connection.close()
    return counts


def _attempt(email: Email, *, connection, now: datetime.datetime) -> str:
    """One attempt at `email` (locked by the caller): sent, or requeued after the next delay, or failed."""
    try:
        connection.send_messages([email.email_message()])
    except Exception as error:  # noqa: BLE001 - any error of the backend is this attempt's, kept in its log
        logger.warning("E-mail #%s not sent: %s: %s", email.pk, type(error).__name__, error)
        Log.objects.create(email=email, status=STATUS.failed, message=str(error), exception_type=type(error).__name__)
        delays = settings.OUTBOX_RETRY_MINUTES
        retries = email.number_of_retries or 0
        if retries < len(delays):
            Email.objects.filter(pk=email.pk).update(
                status=STATUS.requeued,
                number_of_retries=retries + 1,
                scheduled_time=now + datetime.timedelta(minutes=delays[retries]),
                last_updated=now,
            )
            return "requeued"
        Email.objects.filter(pk=email.pk).update(status=STATUS.failed, last_updated=now)
        return "failed"
    Log.objects.create(email=email, status=STATUS.sent, message="")
    Email.objects.filter(pk=email.pk).update(status=STATUS.sent, last_updated=now)
    return "sent"


@transaction.atomic
def email_resend(*, email: Email) -> Email:
    """Queue a failed e-mail again, as new: the worker's next pass sends it, with its delays from the first.
    An e-mail that is not failed is left as it is (a second click changes nothing)."""
    Email.objects.filter(pk=email.pk, status=STATUS.failed).update(
        status=STATUS.queued, number_of_retries=0, scheduled_time=None, last_updated=timezone.now()
    )
    email.refresh_from_db()
    return email
