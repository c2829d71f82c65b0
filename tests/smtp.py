"""A real SMTP server on loopback, so tests see the mail Django actually sends.

`SmtpSink` runs aiosmtpd in a background thread on 127.0.0.1 and a free port
chosen by the kernel, and keeps every message it receives. The `smtp_server`
fixture starts one, points Django's SMTP backend at it and stops it afterwards:

    def test_it_sends_the_invitation(smtp_server, ...):
        ...
        mail = smtp_server.wait_for(lambda m: "bob@acme.test" in m.recipients)
        assert "/invite/" in mail.text

Import the fixture into a conftest.py (or a test module) to use it:

    from tests.smtp import smtp_server  # noqa: F401
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
# aiosmtpd logs every SMTP command at INFO; failures would drown in it.
logging.getLogger("mail.log").setLevel(logging.WARNING)
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class ReceivedEmail:
    """One message as the server received it: the envelope and the parsed message."""

    message: EmailMessage
    mail_from: str
    # Envelope recipients (RCPT TO), which include Bcc; message["To"] may differ.
    recipients: tuple[str, ...]
    received_at: float = field(default_factory=time.monotonic)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        """The plain-text body (the text/plain part of a multipart message)."""
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""

    @property
    def urls(self) -> list[str]:
        """Every http(s) URL in the plain-text body, in order."""
        return [url.rstrip(".,;:)") for url in _URL.findall(self.text)]

    def is_to(self, address: str) -> bool:
        return address.lower() in (r.lower() for r in self.recipients)


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        message = email.message_from_bytes(raw, policy=email.policy.default)
        self._sink._add(ReceivedEmail(message, envelope.mail_from or "", tuple(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    """Binds port 0 and records the port the kernel chose, so there is no race
    between finding a free port and binding it."""

    def _create_server(self):
        async def create():
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context
            )
            self.port = server.sockets[0].getsockname()[1]
            return server

        return create()


class SmtpSink:
    """An SMTP server on loopback that accepts every message and keeps it."""

    def __init__(self, host: str = HOST) -> None:
        self.host = host
        self._messages: list[ReceivedEmail] = []
        self._changed = threading.Condition()
        # server_hostname avoids a reverse DNS lookup (socket.getfqdn) at start.
        self._controller = _FreePortController(
            _Handler(self), hostname=host, port=0, server_hostname="localhost", ready_timeout=10
        )
        self._running = False

    @property
    def port(self) -> int:
        if not self._running:
            raise RuntimeError("The SMTP sink is not running; call start() first.")
        return self._controller.port

    def start(self) -> SmtpSink:
        self._controller.start()
        self._running = True
        return self

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _add(self, received: ReceivedEmail) -> None:
        with self._changed:
            self._messages.append(received)
            self._changed.notify_all()

    @property
    def messages(self) -> list[ReceivedEmail]:
        """A snapshot of the messages received so far, oldest first."""
        with self._changed:
            return list(self._messages)

    def __iter__(self) -> Iterator[ReceivedEmail]:
        return iter(self.messages)

    def __len__(self) -> int:
        with self._changed:
            return len(self._messages)

    def clear(self) -> None:
        with self._changed:
            self._messages.clear()

    def wait_for(
        self, predicate: Callable[[ReceivedEmail], bool] | None = None, timeout: float = 10.0
    ) -> ReceivedEmail:
        """The first message (received so far or within TIMEOUT seconds) that
        PREDICATE accepts; any message when PREDICATE is None.

        Raises AssertionError, listing what did arrive, when none matches in time.
        """
        predicate = predicate or (lambda _m: True)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for received in self._messages:
                    if predicate(received):
                        return received
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                # Woken by each new message; the short cap also re-checks the
                # predicate now and then in case it depends on outside state.
                self._changed.wait(min(remaining, 0.25))
            got = [f"{m.recipients} {m.subject!r}" for m in self._messages] or ["nothing"]
        raise AssertionError(f"No matching email arrived within {timeout:g} s; received: {'; '.join(got)}")


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """A running SmtpSink with Django's email settings pointing at it."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        sink.stop()
