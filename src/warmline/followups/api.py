"""API for follow-ups: tasks (list, add, complete, dismiss, snooze, reopen), the rules, notification settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from warmline.core import queries as core_queries
from warmline.core.api import _field_ref
from warmline.core.choices import Channel
from warmline.followups import queries, rules, services
from warmline.followups.choices import DEFAULT_DELAY_HOURS, RULE_TRIGGERS, EmailMode, RuleKind, TaskStatus
from warmline.followups.models import Task
from warmline.network import queries as network_queries
from warmline.network.api import Id, Input, PageParams, PathId, PersonRef, _page, _text
from warmline.referrals import queries as referral_queries
from warmline.referrals.api import MemberRef

router = Router(tags=["follow-ups"])

Text180, Text300, Text500 = _text(180), _text(300), _text(500)
TaskKind = Literal[*RuleKind.values]
RuleName = Literal[*(kind.value for kind in DEFAULT_DELAY_HOURS)]
Status_ = Literal[*TaskStatus.values]
When = Literal["overdue", "today", "upcoming", "all"]
LogKind = Literal["meeting", "call", "email", "introduction"]


class TaskOut(Schema):
    id: str
    kind: TaskKind
    kind_label: str
    title: str
    reason: str
    due_at: datetime
    overdue: bool
    status: Status_
    assignee: MemberRef
    person: PersonRef | None
    referral_id: str | None
    ask_id: str | None
    url: str = Field(description="The page where the work happens (referral, ask or person)")
    outcome: str
    completed_at: datetime | None
    created_at: datetime
    created_via: str

    @staticmethod
    def build(task: Task, now: datetime | None = None) -> TaskOut:
        return TaskOut(
            id=task.public_id, kind=task.kind, kind_label=task.get_kind_display(), title=task.title,
            reason=task.reason, due_at=task.due_at, overdue=task.is_overdue(now), status=task.status,
            assignee=MemberRef.build(task.assignee), person=PersonRef.build(task.person) if task.person else None,
            referral_id=task.referral.public_id if task.referral_id else None,
            ask_id=task.ask.public_id if task.ask_id else None, url=task.subject_path, outcome=task.outcome,
            completed_at=task.completed_at, created_at=task.created_at, created_via=task.created_via,
        )


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class TaskFilters(PageParams):
    status: Status_ = Field(TaskStatus.OPEN, description="open (default), done or dismissed")
    when: When = Field("all", description="Open tasks only: overdue, due today, upcoming (after today) or all")
    member: Id = Field("", description="Whose tasks (managers: their teams; admins: anyone). Default: yours")


class TaskIn(Input):
    title: Text300
    due_at: datetime
    reason: Text500 = ""
    person: Id | None = Field(None, description="Whom it is about")
    referral: Id | None = None
    assignee: Id | None = Field(None, description="A member whose tasks you see (default: you)")


class CompleteIn(Input):
    log: LogKind | None = Field(None, description="Also log this interaction with the task's person "
                                "(introduction: the one we made for a partner, on a reciprocate task only)")
    summary: Text500 = ""


class DismissIn(Input):
    reason: Text180 = ""


class SnoozeIn(Input):
    until: datetime | None = Field(None, description="The new due time (within a year); required")


class RuleOut(Schema):
    kind: RuleName
    task: str
    when: str
    enabled: bool
    delay_hours: int


class RuleIn(Input):
    # Strict: `true` is not one hour and "yes" is not on.
    enabled: bool = Field(strict=True)
    delay_hours: int | None = Field(None, strict=True, description="Hours from the event to the due time "
                                    "(follow_up_ask, reconnect and reciprocate: whole days, as hours)")


class NotificationsOut(Schema):
    email_mode: Literal[*EmailMode.values]
    weekly_report: bool
    calendar_feed: bool = Field(description="Whether a calendar link is active (its URL is shown once, in the app)")


class NotificationsIn(Input):
    email_mode: Literal[*EmailMode.values]
    weekly_report: bool | None = Field(None, strict=True)


def _aware(value: datetime, field: str) -> datetime:
    if timezone.is_naive(value):
        raise ValidationError({field: "Give a time zone (e.g. 2026-12-01T09:00:00Z)."})
    try:
        return value.astimezone(timezone.get_fixed_timezone(0))  # in UTC: PostgreSQL refuses offsets beyond ±15:59
    except OverflowError:
        raise ValidationError({field: f"{value.isoformat()} is out of range."}) from None


def _tasks_of(request: HttpRequest, member_id: str):
    m = request.membership
    if not member_id or member_id == m.public_id:
        return m
    member = core_queries.access_member(m, member_id)
    scope = queries.task_scope(m)
    if scope is not None and member.pk not in scope:
        raise ValidationError({"member": "You see the tasks of your own teams only."})
    return member


@router.get("/tasks", response=TaskPage, summary="Tasks: yours by default, open ones, soonest due first")
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    member = _tasks_of(request, filters.member)
    now = timezone.now()
    found = Task.objects.filter(assignee=member, status=filters.status).select_related(
        "assignee__user", "person", "referral", "ask")
    if filters.status == TaskStatus.OPEN and filters.when != "all":
        tomorrow = queries.start_of_day(timezone.localdate(now)) + timedelta(days=1)
        found = {"overdue": found.filter(due_at__lt=now),
                 "today": found.filter(due_at__gte=now, due_at__lt=tomorrow),
                 "upcoming": found.filter(due_at__gte=tomorrow)}[filters.when]
    found = found.order_by("due_at", "id") if filters.status == TaskStatus.OPEN else found.order_by(
        "-completed_at", "-id")
    count, items = _page(found, filters)
    return TaskPage(count=count, items=[TaskOut.build(t, now) for t in items])


@router.post("/tasks", response={201: TaskOut}, summary="Add a task by hand")
def add_task(request: HttpRequest, payload: TaskIn):
    m = request.membership
    task = services.add_task(
        m, title=payload.title, due_at=_aware(payload.due_at, "due_at"), reason=payload.reason,
        person=_field_ref(network_queries.access_person, request, "person", payload.person),
        referral=_field_ref(referral_queries.access_referral, request, "referral", payload.referral),
        assignee=_field_ref(core_queries.access_member, request, "assignee", payload.assignee), via=Channel.API)
    return Status(201, TaskOut.build(queries.access_task(m, task.public_id)))


@router.get("/tasks/{task_id}", response=TaskOut, summary="One task")
def get_task(request: HttpRequest, task_id: PathId):
    return TaskOut.build(queries.access_task(request.membership, task_id))


@router.post("/tasks/{task_id}/complete", response=TaskOut,
             summary="Mark a task done, optionally logging the call, email or meeting")
def complete_task(request: HttpRequest, task_id: PathId, payload: CompleteIn):
    m = request.membership
    task = services.complete_task(m, queries.access_task(m, task_id), log=payload.log or "",
                                  summary=payload.summary, via=Channel.API)
    return TaskOut.build(queries.access_task(m, task.public_id))


@router.post("/tasks/{task_id}/dismiss", response=TaskOut, summary="Close a task that is not needed")
def dismiss_task(request: HttpRequest, task_id: PathId, payload: DismissIn):
    m = request.membership
    task = services.dismiss_task(m, queries.access_task(m, task_id), reason=payload.reason)
    return TaskOut.build(queries.access_task(m, task.public_id))


@router.post("/tasks/{task_id}/snooze", response=TaskOut, summary="Move an open task's due time")
def snooze_task(request: HttpRequest, task_id: PathId, payload: SnoozeIn):
    m = request.membership
    task = queries.access_task(m, task_id)
    if payload.until is None:
        raise ValidationError({"until": "Give the new due time, e.g. 2026-12-02T09:00:00Z."})
    task = services.snooze_task(m, task, until=_aware(payload.until, "until"))
    return TaskOut.build(queries.access_task(m, task.public_id))


@router.post("/tasks/{task_id}/reopen", response=TaskOut, summary="Reopen a done or dismissed task")
def reopen_task(request: HttpRequest, task_id: PathId):
    m = request.membership
    task = services.reopen_task(m, queries.access_task(m, task_id))
    return TaskOut.build(queries.access_task(m, task.public_id))


def _rules(request: HttpRequest) -> list[RuleOut]:
    settings = rules.settings_of(request.membership.workspace)
    return [RuleOut(kind=kind, task=RuleKind(kind).label, when=RULE_TRIGGERS[kind], enabled=s.enabled,
                    delay_hours=s.delay_hours) for kind, s in settings.items()]


@router.get("/followup-rules", response=list[RuleOut], summary="The workspace's follow-up rules")
def list_rules(request: HttpRequest):
    return _rules(request)


@router.put("/followup-rules/{kind}", response=RuleOut, summary="Switch a rule on or off, or re-time it (admins)")
def save_rule(request: HttpRequest, kind: RuleName, payload: RuleIn):
    services.save_rule(request.membership, kind, enabled=payload.enabled, delay_hours=payload.delay_hours)
    return next(rule for rule in _rules(request) if rule.kind == kind)


def _notifications(request: HttpRequest) -> NotificationsOut:
    found = queries.notification_settings(request.membership)
    return NotificationsOut(email_mode=found.email_mode, weekly_report=found.weekly_report,
                            calendar_feed=bool(found.calendar_token_hash))


@router.get("/notification-settings", response=NotificationsOut, summary="How you hear about your follow-ups")
def get_notifications(request: HttpRequest):
    return _notifications(request)


@router.put("/notification-settings", response=NotificationsOut, summary="Email immediately, in a digest, or never")
def put_notifications(request: HttpRequest, payload: NotificationsIn):
    services.save_notification_settings(request.membership, email_mode=payload.email_mode,
                                        weekly_report=payload.weekly_report)
    return _notifications(request)
