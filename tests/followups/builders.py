"""Helpers for follow-up tests: the pipeline world of tests/referrals, and short ways to read tasks."""

from __future__ import annotations

import datetime

from warmline.followups.models import OutboxMessage, Task

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def tasks(**filters) -> list[Task]:
    return list(Task.objects.filter(**filters).order_by("kind", "id"))


def kinds(**filters) -> list[str]:
    return [task.kind for task in tasks(**filters)]


def open_kinds(**filters) -> list[str]:
    return kinds(status="open", **filters)


def outbox(**filters) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(**filters).order_by("id"))
