"""The outbox's tests hold the queue (no sending at commit, as in production) and may start a real SMTP server."""

import asyncio
import socket

import pytest
from aiosmtpd.controller import Controller


@pytest.fixture
def held(settings):
    """Production's way: e-mails wait in the queue until a worker pass sends them."""
    settings.OUTBOX_SEND_ON_COMMIT = False
    return settings


class Inbox:
    """The messages a real SMTP server (aiosmtpd) received: (recipients, raw message)."""

    def __init__(self):
        self.messages = []
        self.delay = 0  # seconds the server takes to accept a message

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server on a local port that stays the portal's EMAIL_PORT while the server is down."""

    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self._controller = None

    @property
    def messages(self):
        return self.inbox.messages

    def up(self):
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(held):
    """A real SMTP server, down at first (`smtp.up()` starts it); the portal sends to it over SMTP."""
    server = SMTPServer(_free_port())
    held.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    held.EMAIL_HOST, held.EMAIL_PORT, held.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    held.EMAIL_TIMEOUT = 5
    yield server
    server.down()
