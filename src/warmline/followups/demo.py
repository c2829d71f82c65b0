"""The demo's follow-ups. The pipeline's year of history made its tasks as it went (the demo sends no email for
them); here the rules that wait for time run once, and what a diligent team would have done long ago is done:
tasks due more than a few days ago are closed around their due time, most with the call or email logged. What is
left is a believable Today list: a few things overdue, some due today, more coming up.

Members hear of their follow-ups in a daily digest (the demo's email goes to the console).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from warmline.core.choices import Channel
from warmline.core.demo import DemoWorkspace
from warmline.followups import rules, services
from warmline.followups.choices import EmailMode, RuleKind, TaskStatus
from warmline.followups.models import NotificationSettings, Task
from warmline.network.models import Person
from warmline.referrals.models import Referral

SEED = 20261201
# Open tasks due before this are history: done (or, now and then, dismissed) by the demo.
KEEP_OPEN_DAYS = 3
# ...except this share of the recent ones, left overdue so the Today list shows what slipped.
LEFT_OVERDUE = 0.35


def populate(demo: DemoWorkspace) -> None:
    now = timezone.now()
    rng = random.Random(SEED)
    NotificationSettings.objects.bulk_create(
        NotificationSettings(workspace=demo.workspace, membership=m, email_mode=EmailMode.DIGEST,
                             created_via=Channel.DEMO)
        for m in demo.members.values()
    )
    rules.run_time_rules(now)
    history = now - timedelta(days=KEEP_OPEN_DAYS)
    closed = []
    for task in Task.objects.filter(workspace=demo.workspace, status=TaskStatus.OPEN, due_at__lt=now).order_by("id"):
        if task.due_at >= history and rng.random() < LEFT_OVERDUE:
            continue
        done_at = min(task.due_at - timedelta(hours=rng.uniform(0, 20)), now)
        task.completed_at = max(done_at, task.created_at)
        task.completed_by_id = task.assignee_id
        if rng.random() < 0.06:
            task.status, task.outcome = TaskStatus.DISMISSED, "Dismissed: handled in person"
        else:
            task.status, task.outcome = TaskStatus.DONE, "Done"
        task.updated_at = task.completed_at
        closed.append(task)
    Task.objects.bulk_update(closed, ["status", "completed_at", "completed_by", "outcome", "updated_at"],
                             batch_size=500)
    _spread_reconnects(demo, rng, now)
    _admin_tasks(demo, now)


def _spread_reconnects(demo: DemoWorkspace, rng: random.Random, now) -> None:
    """The quiet sources all came due the moment the rule first ran; the reps have since planned them over the
    next two weeks (a few slipped)."""
    today = timezone.localdate(now)
    moved = []
    for task in Task.objects.filter(workspace=demo.workspace, kind=RuleKind.RECONNECT, status=TaskStatus.OPEN):
        offset = rng.choice([-2, -1, 0, 0, 1, 2, 3, 4, 6, 8, 10, 13])
        hour = rng.choice([9, 10, 11, 14, 15, 16])
        task.due_at = datetime.combine(today + timedelta(days=offset), time(hour, 0), tzinfo=UTC)
        moved.append(task)
    Task.objects.bulk_update(moved, ["due_at"])


def _admin_tasks(demo: DemoWorkspace, now) -> None:
    """The admin signs in first: give them the follow-ups of a sales-ops lead."""
    admin = demo.members["admin"]
    today = timezone.localdate(now)
    top = (Referral.objects.filter(workspace=demo.workspace).values("source").annotate(n=Count("id"))
           .order_by("-n", "source").first())
    source = Person.objects.get(pk=top["source"]) if top else None
    services.add_task(admin, title="Review this week's overdue referrals with the managers",
                      reason="Go through the introductions still waiting for a first contact, and who owns them.",
                      due_at=datetime.combine(today, time(16, 0), tzinfo=UTC), via=Channel.DEMO, at=now)
    if source is not None:
        services.add_task(admin, title=f"Send {source.full_name} a thank-you gift",
                          reason=f"{source.full_name} is our most generous source this year: "
                                 f"{top['n']} introductions.", person=source,
                          due_at=datetime.combine(today + timedelta(days=2), time(11, 0), tzinfo=UTC),
                          via=Channel.DEMO, at=now)
