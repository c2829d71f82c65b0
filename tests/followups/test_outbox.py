"""The outbox sends each queued email once over real SMTP, keeps it queued with a doubling wait while the server is
away, gives up on a 5xx refusal or after MAX_ATTEMPTS, and never lets two workers claim the same message."""

import datetime
import socket
import threading

import pytest
from django.core.mail import get_connection

from tests.smtp import SmtpSink
from warmline.followups import outbox
from warmline.followups.models import OutboxMessage

T = datetime.datetime(2025, 3, 4, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)


def _queue(world, count=1, *, at=T) -> list[OutboxMessage]:
    return [
        outbox.queue_email(world.carol, kind="task", key=f"task:test-{i}", subject=f"Call Ann Lee ({i})",
                           body=f"Ann Lee was introduced to you by Dana Ortiz.\nTask {i}.", at=at)
        for i in range(count)
    ]


def _row(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


def _closed_port() -> int:
    """A loopback port with nothing listening: the kernel gave it to us and we closed it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _RefusingHandler:
    """An SMTP server that refuses every recipient with REPLY."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        return self.reply


@pytest.fixture
def refusing_server(settings, smtp_server):
    """The smtp_server fixture's settings, pointing at a server that refuses recipients with the given reply."""

    def start(reply: str) -> SmtpSink:
        sink = SmtpSink()
        sink._controller.handler = _RefusingHandler(reply)  # SmtpSink takes no handler; its controller uses this one
        started.append(sink.start())
        settings.EMAIL_PORT = sink.port
        return sink

    started: list[SmtpSink] = []
    yield start
    for sink in started:
        sink.stop()


def test_it_sends_each_queued_email_once_with_its_recipient_subject_body_and_sender(world, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Warmline <warmline@acme.test>"
    first, second = _queue(world, 2)

    assert outbox.send_due(now=T) == 2

    received = {mail.subject: mail for mail in smtp_server.messages}
    assert sorted(received) == ["Call Ann Lee (0)", "Call Ann Lee (1)"]
    mail = received["Call Ann Lee (0)"]
    assert mail.recipients == ("carol@acme.test",) and mail.message["To"] == "carol@acme.test"
    assert mail.message["From"] == "Warmline <warmline@acme.test>" and mail.mail_from == "warmline@acme.test"
    assert mail.text.splitlines() == ["Ann Lee was introduced to you by Dana Ortiz.", "Task 0."]
    assert mail.message["Auto-Submitted"] == "auto-generated"
    for message in (first, second):
        row = _row(message)
        assert (row.status, row.sent_at, row.attempts, row.last_error) == ("sent", T, 1, "")

    assert outbox.send_due(now=T + datetime.timedelta(days=1)) == 0
    assert len(smtp_server) == 2


def test_it_does_not_send_a_message_before_its_time(world, smtp_server):
    (message,) = _queue(world, at=T + MINUTE)
    assert outbox.send_due(now=T) == 0
    assert outbox.send_due(now=T + MINUTE) == 1
    assert _row(message).status == "sent"


def test_it_keeps_a_message_queued_while_the_server_is_down_and_sends_it_when_it_is_back(world, smtp_server, settings):
    (message,) = _queue(world)
    settings.EMAIL_PORT = _closed_port()

    assert outbox.send_due(now=T) == 0
    row = _row(message)
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 1, T + MINUTE)
    assert row.last_error.startswith("ConnectionRefusedError: ")
    assert row.sent_at is None

    assert outbox.send_due(now=T + 30 * SECOND) == 0
    assert _row(message).attempts == 1

    settings.EMAIL_PORT = smtp_server.port
    assert outbox.send_due(now=T + 2 * MINUTE) == 1
    row = _row(message)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 2, T + 2 * MINUTE, "")
    assert [mail.subject for mail in smtp_server] == ["Call Ann Lee (0)"]


def test_it_tries_one_message_per_pass_while_the_server_is_down(world, smtp_server, settings):
    messages = _queue(world, 3)
    settings.EMAIL_PORT = _closed_port()

    assert outbox.send_due(now=T) == 0
    assert [_row(m).attempts for m in messages] == [1, 0, 0]
    assert {_row(m).status for m in messages} == {"queued"}


def test_it_doubles_the_wait_and_gives_up_after_max_attempts(world, smtp_server, settings):
    (message,) = _queue(world)
    settings.EMAIL_PORT = _closed_port()
    now, waits = T, []
    while _row(message).status == "queued":
        outbox.send_due(now=now)
        row = _row(message)
        if row.status == "queued":
            waits.append(row.next_attempt_at - now)
            assert outbox.send_due(now=row.next_attempt_at - SECOND) == 0  # not a second early
            now = row.next_attempt_at

    assert [wait // MINUTE for wait in waits] == [1, 2, 4, 8, 16, 32, 64, 120, 120]
    row = _row(message)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert row.last_error.startswith("Gave up after 10 attempts; the last: ConnectionRefusedError: ")

    settings.EMAIL_PORT = smtp_server.port
    assert outbox.send_due(now=now + datetime.timedelta(days=30)) == 0
    assert len(smtp_server) == 0
    assert _row(message).attempts == outbox.MAX_ATTEMPTS


def test_it_fails_at_once_when_the_server_refuses_the_recipient_for_good(world, refusing_server):
    refusing_server("550 5.1.1 no such user")
    (message,) = _queue(world)

    assert outbox.send_due(now=T) == 0

    row = _row(message)
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert row.last_error == "SMTPRecipientsRefused: carol@acme.test: 550 5.1.1 no such user"
    assert outbox.send_due(now=T + datetime.timedelta(days=1)) == 0


def test_it_retries_when_the_server_refuses_the_recipient_for_now(world, refusing_server):
    refusing_server("451 4.3.0 mailbox busy, try later")
    (message,) = _queue(world)

    assert outbox.send_due(now=T) == 0

    row = _row(message)
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 1, T + MINUTE)
    assert row.last_error == "SMTPRecipientsRefused: carol@acme.test: 451 4.3.0 mailbox busy, try later"


def test_it_goes_on_with_the_next_message_after_a_permanent_refusal(world, refusing_server, settings):
    refusing_server("550 5.1.1 no such user")
    _queue(world, 3)
    assert outbox.send_due(now=T) == 0
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"failed"}


def test_it_claims_each_message_once(world):
    first, second = _queue(world, 2)

    claimed = [outbox.claim_next(T), outbox.claim_next(T), outbox.claim_next(T)]

    assert [c.pk if c else None for c in claimed] == [first.pk, second.pk, None]
    assert list(OutboxMessage.objects.values_list("status", "claimed_at").order_by().distinct()) == [("sending", T)]


def test_it_claims_the_oldest_due_message_first(world):
    later = outbox.queue_email(world.carol, kind="task", key="task:later", subject="Later", body="x", at=T)
    earlier = outbox.queue_email(world.carol, kind="task", key="task:earlier", subject="Earlier", body="x",
                                 at=T - MINUTE)
    assert [outbox.claim_next(T).pk, outbox.claim_next(T).pk] == [earlier.pk, later.pk]


def test_it_reclaims_a_message_whose_worker_went_silent_for_ten_minutes_and_not_before(world):
    (message,) = _queue(world)
    assert outbox.claim_next(T).pk == message.pk

    assert outbox.claim_next(T + 10 * MINUTE - SECOND) is None
    assert outbox.claim_next(T + 10 * MINUTE) is None
    reclaimed = outbox.claim_next(T + 10 * MINUTE + SECOND)

    assert reclaimed.pk == message.pk
    assert _row(message).claimed_at == T + 10 * MINUTE + SECOND
    assert outbox.claim_next(T + 10 * MINUTE + SECOND) is None


def test_a_silent_worker_that_fails_late_does_not_put_back_a_message_another_worker_took(world, settings):
    (message,) = _queue(world)
    silent = outbox.claim_next(T)
    replacement = outbox.claim_next(T + 11 * MINUTE)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _closed_port(), 5
    assert outbox.send_claimed(silent, connection=get_connection(), now=T + 12 * MINUTE) == "queued"
    row = _row(message)
    assert (row.status, row.attempts, row.claimed_at) == ("sending", 0, T + 11 * MINUTE)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.send_claimed(replacement, connection=get_connection(), now=T + 12 * MINUTE) == "sent"
    assert _row(message).status == "sent"


def test_it_stops_between_messages_when_asked_and_at_the_limit(world, smtp_server):
    _queue(world, 3)
    stop = threading.Event()
    stop.set()
    assert outbox.send_due(now=T, stop=stop) == 0
    assert outbox.send_due(now=T, limit=2) == 2
    assert len(smtp_server) == 2
    assert outbox.send_due(now=T) == 1


def test_an_email_whose_task_was_closed_or_whose_reader_left_is_not_sent(world, smtp_server):
    from tests.referrals.builders import T0, build_pipeline, refer
    from warmline.followups import services
    from warmline.followups.models import Task

    pipeline = build_pipeline(world)
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    refer(world.bob, pipeline.erin, pipeline.bob_smith)
    services.complete_task(world.carol, Task.objects.get(assignee=world.carol, kind="thank_source"), at=T0)
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])

    assert outbox.send_due() == 1  # task emails are queued for the real now
    assert [mail.subject for mail in smtp_server.messages] == ["To do: Contact Bob Smith"]
    outcomes = {(m.to, m.subject): (m.status, m.last_error) for m in OutboxMessage.objects.exclude(status="sent")}
    assert outcomes == {
        ("carol@acme.test", "To do: Thank Dana Client"):
            ("cancelled", "The task was done before the email went out."),
        ("bob@acme.test", "To do: Contact Bob Smith"): ("cancelled", "Bob Manager is no longer active."),
        ("bob@acme.test", "To do: Thank Erin Partner"): ("cancelled", "Bob Manager is no longer active."),
    }
