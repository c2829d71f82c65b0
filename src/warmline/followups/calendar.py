"""Each member's calendar feed: their open follow-up tasks as iCalendar events, at a private URL whose secret is
kept only as a hash and can be replaced or revoked."""

from __future__ import annotations

import datetime
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from warmline.core.models import Membership, hash_secret
from warmline.followups.choices import TaskStatus
from warmline.followups.models import NotificationSettings, Task

PRODID = "-//Warmline//Follow-ups//EN"
# What a calendar shows: the recent past (overdue work) and the next quarter; done and dismissed tasks never.
WINDOW_PAST = datetime.timedelta(days=30)
WINDOW_AHEAD = datetime.timedelta(days=90)
MAX_EVENTS = 500
EVENT_DURATION = datetime.timedelta(minutes=15)
# Calendars poll the feed often; recording each read would be a write per poll.
USED_AT_EVERY = datetime.timedelta(minutes=10)
HINT_LENGTH = 6
# What secrets.token_urlsafe makes. Anything else is refused before it is hashed or looked up.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


@transaction.atomic
def new_feed_token(membership: Membership, at: datetime.datetime | None = None) -> str:
    """Makes the member's calendar secret, replacing (so revoking) any earlier one. Returned here and never again:
    only its hash and its last characters are kept."""
    now = at or timezone.now()
    token = secrets.token_urlsafe(32)
    found, _ = NotificationSettings.objects.select_for_update().get_or_create(
        membership=membership, defaults={"workspace_id": membership.workspace_id, "created_by": membership.user})
    found.calendar_token_hash = hash_secret(token)
    found.calendar_token_hint = token[-HINT_LENGTH:]
    found.calendar_created_at = now
    found.calendar_used_at = None
    found.updated_at = now
    found.save(update_fields=["calendar_token_hash", "calendar_token_hint", "calendar_created_at",
                              "calendar_used_at", "updated_at"])
    return token


@transaction.atomic
def revoke_feed(membership: Membership) -> None:
    """Ends the member's calendar feed: its URL answers 404 from now on."""
    NotificationSettings.objects.filter(membership=membership).update(
        calendar_token_hash="", calendar_token_hint="", calendar_created_at=None, calendar_used_at=None,
        updated_at=timezone.now())


def feed_url(token: str) -> str:
    return settings.SITE_URL + reverse("followups:calendar_feed", args=[token])


def member_for_token(token: str) -> Membership | None:
    """The active member (of an active user) whose calendar secret this is, else None; records the read."""
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    found = (NotificationSettings.objects.select_related("membership__user")
             .filter(calendar_token_hash=hash_secret(token), membership__is_active=True,
                     membership__user__is_active=True)
             .first())
    if found is None:
        return None
    now = timezone.now()
    if found.calendar_used_at is None or now - found.calendar_used_at >= USED_AT_EVERY:
        NotificationSettings.objects.filter(pk=found.pk).update(calendar_used_at=now)
    return found.membership


def feed_tasks(membership: Membership, now: datetime.datetime) -> list[Task]:
    """The member's open tasks due in the feed's window, earliest first, with what their links need (one query)."""
    return list(
        Task.objects.filter(workspace_id=membership.workspace_id, assignee=membership, status=TaskStatus.OPEN,
                            due_at__gte=now - WINDOW_PAST, due_at__lte=now + WINDOW_AHEAD)
        .select_related("referral", "ask", "person")
        .only("public_id", "kind", "title", "reason", "due_at", "status",
              "referral__public_id", "ask__public_id", "person__public_id")
        .order_by("due_at", "id")[:MAX_EVENTS]
    )


def build_feed(membership: Membership, now: datetime.datetime | None = None) -> bytes:
    """The member's open follow-ups as an iCalendar (RFC 5545) document."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Warmline follow-ups — {membership.user.display_name}")
    for task in feed_tasks(membership, now):
        calendar.add_component(_event(task, now))
    return calendar.to_ical()


def _event(task: Task, now: datetime.datetime) -> Event:
    link = settings.SITE_URL + task.subject_path
    overdue = task.due_at < now
    event = Event()
    event.add("uid", f"{task.public_id}@warmline")
    event.add("dtstamp", now)
    event.add("dtstart", task.due_at.astimezone(datetime.UTC))
    event.add("duration", EVENT_DURATION)
    event.add("summary", f"Overdue: {task.title}" if overdue else task.title)
    event.add("description", f"{task.reason}\n\n{link}" if task.reason else link)
    event.add("url", link)
    event.add("categories", [task.get_kind_display()])
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", task.title)
    alarm.add("trigger", datetime.timedelta(0))
    event.add_component(alarm)
    return event
