"""Reads of follow-ups. A member sees their own tasks; managers also those of the teams they manage; admins
everyone's. A task outside the viewer's view is not found (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from warmline.core.choices import Role
from warmline.core.models import Membership, Team, TeamMember
from warmline.followups import rules
from warmline.followups.choices import RULE_TRIGGERS, RULES_IN_DAYS, EmailMode, RuleKind, TaskStatus
from warmline.followups.models import NotificationSettings, OutboxMessage, Task

UPCOMING_DAYS = 7


def task_scope(viewer: Membership) -> list[int] | None:
    """Members whose tasks the viewer sees; None for everyone (admins). Cached on the viewer."""
    cached = getattr(viewer, "_task_scope", False)
    if cached is not False:
        return cached
    scope = None
    if viewer.role != Role.ADMIN:
        ids = {viewer.pk}
        if viewer.role == Role.MANAGER:
            managed = Team.objects.filter(workspace_id=viewer.workspace_id, manager=viewer)
            ids |= set(TeamMember.objects.filter(team__in=managed).values_list("membership_id", flat=True))
        scope = sorted(ids)
    viewer._task_scope = scope
    return scope


def tasks_for(viewer: Membership) -> QuerySet[Task]:
    tasks = Task.objects.filter(workspace_id=viewer.workspace_id)
    scope = task_scope(viewer)
    return tasks if scope is None else tasks.filter(assignee_id__in=scope)


def access_task(viewer: Membership, public_id: str) -> Task:
    try:
        return tasks_for(viewer).select_related("assignee__user", "person", "referral", "ask").get(
            public_id=public_id)
    except Task.DoesNotExist:
        raise Http404("No such task.") from None


def start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


def due_count(member: Membership, *, now: datetime.datetime | None = None) -> int:
    """Open tasks due today or overdue: the count beside Follow-ups in the navigation."""
    now = now or timezone.now()
    tomorrow = start_of_day(timezone.localdate(now) + datetime.timedelta(days=1))
    return Task.objects.filter(assignee=member, status=TaskStatus.OPEN, due_at__lt=tomorrow).count()


@dataclass
class TodayList:
    overdue: list[Task] = field(default_factory=list)
    today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    later: int = 0
    done_today: list[Task] = field(default_factory=list)

    @property
    def due_count(self) -> int:
        return len(self.overdue) + len(self.today)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.upcoming)


def today_list(member: Membership, *, now: datetime.datetime | None = None) -> TodayList:
    """The member's open tasks: overdue (past their due time), due later today, and in the next days."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tomorrow = start_of_day(today + datetime.timedelta(days=1))
    horizon = start_of_day(today + datetime.timedelta(days=UPCOMING_DAYS + 1))
    mine = Task.objects.filter(assignee=member)
    rows = list(
        mine.filter(status=TaskStatus.OPEN, due_at__lt=horizon)
        .select_related("person__company", "referral", "ask").order_by("due_at", "id")
    )
    result = TodayList()
    for task in rows:
        if task.due_at < now:
            result.overdue.append(task)
        elif task.due_at < tomorrow:
            result.today.append(task)
        else:
            result.upcoming.append(task)
    result.later = mine.filter(status=TaskStatus.OPEN, due_at__gte=horizon).count()
    result.done_today = list(
        mine.filter(status=TaskStatus.DONE, completed_at__gte=start_of_day(today), completed_by=member)
        .select_related("person").order_by("-completed_at", "-id")[:10]
    )
    return result


def open_tasks_of_referral(viewer: Membership, referral) -> list[Task]:
    return list(tasks_for(viewer).filter(referral=referral, status=TaskStatus.OPEN)
                .select_related("assignee__user").order_by("due_at", "id"))


def open_tasks_about(viewer: Membership, person) -> list[Task]:
    return list(tasks_for(viewer).filter(person=person, status=TaskStatus.OPEN)
                .select_related("assignee__user").order_by("due_at", "id"))


@dataclass(frozen=True)
class RuleRow:
    kind: str
    label: str
    trigger: str
    enabled: bool
    delay_hours: int
    in_days: bool

    @property
    def delay_value(self) -> int:
        return self.delay_hours // 24 if self.in_days else self.delay_hours

    @property
    def unit(self) -> str:
        return "days" if self.in_days else "hours"


def rule_rows(viewer: Membership) -> list[RuleRow]:
    settings = rules.settings_of(viewer.workspace)
    return [
        RuleRow(kind, RuleKind(kind).label, RULE_TRIGGERS[kind], setting.enabled, setting.delay_hours,
                kind in RULES_IN_DAYS)
        for kind, setting in settings.items()
    ]


def notification_settings(member: Membership) -> NotificationSettings:
    """The member's settings, unsaved defaults when they never changed them."""
    found = NotificationSettings.objects.filter(membership=member).first()
    return found or NotificationSettings(workspace_id=member.workspace_id, membership=member,
                                         email_mode=EmailMode.IMMEDIATE)


def recent_emails(member: Membership, limit: int = 20) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(membership=member).order_by("-created_at", "-id")[:limit])


def manages_a_team(member: Membership) -> bool:
    return Team.objects.filter(Q(manager=member), workspace_id=member.workspace_id).exists()
