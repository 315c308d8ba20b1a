"""The portal's one way to send an e-mail from a service.

E-mails are French plain text sent with Django's `send_mail` (console backend in development). They
leave after the commit, so a change that was rolled back sends nothing. This module imports no
domain app: every app's services use it.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def send_after_commit(*, to, subject: str, body: str) -> None:
    """Send `body` to every distinct non-empty address of `to` (sorted, one message) once the current
    transaction commits; at once outside a transaction. Nothing is sent when no address is left."""
    recipients = sorted({address for address in to if address})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        )
