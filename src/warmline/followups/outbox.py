"""The outbox: emails written in the transaction of the event that calls for them, sent later by the worker.

`queue_email` is called inside a transaction (a task created, a digest due): the message commits with it or not
at all, and its key makes it once per occasion. The worker claims due messages one at a time, sends them through
Django's email backend (SMTP in production) and records the outcome on the row, which is the log of what was sent.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import threading

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from warmline.core.models import Membership
from warmline.followups.choices import MessageKind, MessageStatus, TaskStatus
from warmline.followups.models import OutboxMessage, Task

log = logging.getLogger("warmline.worker")


def queue_email(membership: Membership, *, kind: str, key: str, subject: str, body: str,
                at: datetime.datetime | None = None) -> OutboxMessage | None:
    """Queue an email to a member, once per key; None when that key was queued before or they have no address."""
    address = (membership.user.email or "").strip()
    if not address:
        return None
    if OutboxMessage.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                workspace_id=membership.workspace_id, membership=membership, kind=kind, key=key, to=address,
                subject=subject[:300], body=body, status=MessageStatus.QUEUED,
                next_attempt_at=at or timezone.now(), created_at=at or timezone.now(),
            )
    except IntegrityError:  # another worker queued the same occasion at the same moment
        return None


# --- sending ---------------------------------------------------------------------------------------

MAX_ATTEMPTS = 10
# A message still "sending" this long after its claim belongs to a worker that died mid-send: claim it again.
STALE_AFTER = datetime.timedelta(minutes=10)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=2)
# Times claim_next looks again after another worker took the message it read.
CLAIM_TRIES = 5


def _due(now: datetime.datetime):
    return OutboxMessage.objects.filter(
        Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
        | Q(status=MessageStatus.SENDING, claimed_at__lt=now - STALE_AFTER)
    ).order_by("next_attempt_at", "pk")


def claim_next(now: datetime.datetime | None = None) -> OutboxMessage | None:
    """Take the oldest message due at `now`, or one whose worker went silent. Two workers never take the same one."""
    now = now or timezone.now()
    for _ in range(CLAIM_TRIES):
        with transaction.atomic():
            waiting = _due(now)
            if transaction.get_connection().vendor == "postgresql":
                waiting = waiting.select_for_update(skip_locked=True)
            message = waiting.first()
            if message is None:
                return None
            claimed = OutboxMessage.objects.filter(
                pk=message.pk, status=message.status, claimed_at=message.claimed_at, attempts=message.attempts,
            ).update(status=MessageStatus.SENDING, claimed_at=now)
        if claimed:
            message.status, message.claimed_at = MessageStatus.SENDING, now
            return message
        # Nothing got updated: another worker got there first. Look for the next one.
    return None


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failed attempt: one minute, doubling, at most two hours."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), LONGEST_RETRY)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items())
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        detail = str(error) or repr(error)
    return f"{type(error).__name__}: {detail}"[:500]


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _is_permanent(error: BaseException) -> bool:
    """A 5xx refusal of this message: sending it again would be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def _is_transient(error: BaseException) -> bool:
    # Connection refused, timeouts, TLS errors and dropped connections are OSErrors or SMTPServerDisconnected;
    # 4xx replies and the server's other complaints are SMTPExceptions.
    return isinstance(error, OSError | smtplib.SMTPException)


def _mine(message: OutboxMessage):
    """The row as long as this claim holds it: not re-claimed by another worker since, not settled."""
    return OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at)


def _try_later(message: OutboxMessage, error: BaseException, now: datetime.datetime) -> str:
    attempts = message.attempts + 1
    problem = _describe(error)
    if attempts >= MAX_ATTEMPTS:
        status, next_attempt_at = MessageStatus.FAILED, message.next_attempt_at
        last_error = f"Gave up after {attempts} attempts; the last: {problem}"[:500]
        log.error("gave up on %s %s to %s after %s attempts: %s", message.kind, message.public_id, message.to,
                  attempts, problem)
    else:
        status, next_attempt_at, last_error = MessageStatus.QUEUED, now + retry_delay(attempts), problem
        log.warning("could not send %s %s to %s (attempt %s), retrying at %s: %s", message.kind, message.public_id,
                    message.to, attempts, next_attempt_at.isoformat(timespec="seconds"), problem)
    _mine(message).update(status=status, attempts=attempts, next_attempt_at=next_attempt_at, last_error=last_error)
    return status


def _give_up(message: OutboxMessage, error: BaseException) -> str:
    _mine(message).update(status=MessageStatus.FAILED, attempts=message.attempts + 1, last_error=_describe(error))
    return MessageStatus.FAILED


def moot(message: OutboxMessage) -> str:
    """Why a claimed message should no longer go out ('' when it should): its reader left the workspace, or the
    task it announces was closed while it waited (say, a worker that was down for a day)."""
    member = (Membership.objects.filter(pk=message.membership_id).select_related("user").first()
              if message.membership_id else None)
    if member is None:
        return "The member was removed."
    if not (member.is_active and member.user.is_active):
        return f"{member.user.display_name} is no longer active."
    if message.kind == MessageKind.TASK and message.key.startswith("task:"):
        task = Task.objects.filter(public_id=message.key.removeprefix("task:")).values("status").first()
        if task is not None and task["status"] != TaskStatus.OPEN:
            return f"The task was {task['status']} before the email went out."
    return ""


def _cancel(message: OutboxMessage, reason: str) -> str:
    _mine(message).update(status=MessageStatus.CANCELLED, last_error=reason[:500])
    log.info("not sending %s %s to %s: %s", message.kind, message.public_id, message.to, reason)
    return MessageStatus.CANCELLED


def send_claimed(message: OutboxMessage, *, connection, now: datetime.datetime | None = None) -> str:
    """Send a message claimed by this worker through `connection` and record the outcome on its row.

    Returns the outcome: sent; queued again after a transient failure (with backoff); failed when the server
    refused it for good, after MAX_ATTEMPTS, or when the message cannot be built. (`send_due` first drops the
    messages that became moot while they waited: see `moot`.)
    """
    now = now or timezone.now()
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
                         connection=connection, headers={"Auto-Submitted": "auto-generated"})
    try:
        email.send(fail_silently=False)
    except Exception as error:
        if _is_permanent(error):
            log.error("%s %s to %s refused, not retrying: %s", message.kind, message.public_id, message.to,
                      _describe(error))
            return _give_up(message, error)
        if _is_transient(error):
            return _try_later(message, error, now)
        # Not the server's doing (a header Django refuses, an address it cannot encode): it would fail again.
        log.exception("could not send %s %s to %s, not retrying", message.kind, message.public_id, message.to)
        return _give_up(message, error)
    # A worker that went silent may have been declared stale and replaced meanwhile: the message went out all
    # the same, so record it whoever holds the claim now.
    OutboxMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING).update(
        status=MessageStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error="")
    log.info("sent %s %s to %s", message.kind, message.public_id, message.to)
    return MessageStatus.SENT


def send_due(now: datetime.datetime | None = None, *, stop: threading.Event | None = None,
             limit: int | None = None) -> int:
    """Claim and send due messages over one email connection until none is due, `stop` is set (checked between
    messages) or `limit` messages were handled. Returns how many were sent.

    A transient failure ends the batch: the server is in trouble, and the next pass tries again.
    """
    sent = handled = 0
    mail = None
    try:
        while (limit is None or handled < limit) and not (stop is not None and stop.is_set()):
            at = now or timezone.now()
            message = claim_next(at)
            if message is None:
                break
            handled += 1
            reason = moot(message)
            if reason:
                _cancel(message, reason)
                continue
            if mail is None:
                mail = get_connection(fail_silently=False)
                try:
                    mail.open()
                except Exception as error:
                    mail = None
                    _try_later(message, error, at)
                    break
            status = send_claimed(message, connection=mail, now=at)
            if status == MessageStatus.SENT:
                sent += 1
            elif status == MessageStatus.QUEUED:
                break
    finally:
        if mail is not None:
            try:
                mail.close()
            except (OSError, smtplib.SMTPException) as error:
                log.debug("closing the email connection: %s", _describe(error))
    return sent
