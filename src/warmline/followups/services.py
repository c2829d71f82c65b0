"""Every write of follow-ups, as verbs that own their transaction. Time is injectable (`at=`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership, Workspace
from warmline.followups import queries, rules
from warmline.followups.choices import DEFAULT_DELAY_HOURS, RULES_IN_DAYS, EmailMode, RuleKind, TaskStatus
from warmline.followups.models import NotificationSettings, Rule, Task
from warmline.network import services as network_services
from warmline.network.choices import InteractionKind
from warmline.network.models import Person
from warmline.referrals import queries as referral_queries
from warmline.referrals import services as referral_services
from warmline.referrals.choices import Milestone, StageKind
from warmline.referrals.models import Referral

# What completing a task says when it logs an interaction and the member wrote nothing.
DEFAULT_SUMMARIES = {
    RuleKind.CONTACT_PROSPECT: "First contact after {source}'s introduction",
    RuleKind.THANK_SOURCE: "Thanked them for introducing {prospect}",
    RuleKind.TELL_SOURCE: "Told them how the meeting with {prospect} went",
    RuleKind.CONGRATULATE: "Told them {prospect} became a client, thanked them and asked who else they know",
    RuleKind.ASK_LOST: "Asked for referrals after the deal was lost",
    RuleKind.FOLLOW_UP_ASK: "Followed up on the introduction they agreed to make",
    RuleKind.RECONNECT: "Reconnected",
    RuleKind.RECIPROCATE: "Introduced them to someone who could use them",
}
MAX_SNOOZE_DAYS = 365


def _now(at: datetime.datetime | None) -> datetime.datetime:
    if at is not None and timezone.is_naive(at):
        raise ValueError("Times must be timezone-aware.")
    return at or timezone.now()


def _locked(actor: Membership, task: Task) -> Task:
    locked = Task.objects.select_for_update(of=("self",)).select_related(
        "person", "referral__source", "referral__prospect").get(pk=task.pk)
    if locked.workspace_id != actor.workspace_id:
        raise PermissionDenied("That task belongs to another workspace.")
    scope = queries.task_scope(actor)
    if scope is not None and locked.assignee_id not in scope:
        raise PermissionDenied("That task is someone else's.")
    return locked


def default_summary(task: Task) -> str:
    referral = task.referral
    return DEFAULT_SUMMARIES.get(task.kind, task.title).format(
        source=referral.source.full_name if referral else "", prospect=referral.prospect.full_name if referral else "")


@transaction.atomic
def complete_task(actor: Membership, task: Task, *, log: str = "", summary: str = "", via: str = Channel.UI,
                  at=None) -> Task:
    """Mark a task done; with `log` (meeting, call or email; on a reciprocate task also the introduction we made
    for them), also log that interaction with the task's person. Completing a done task changes nothing."""
    now = _now(at)
    task = _locked(actor, task)
    if task.status == TaskStatus.DONE:
        return task
    summary = (summary or "").strip()
    if log:
        if log == InteractionKind.INTRODUCTION and task.kind != RuleKind.RECIPROCATE:
            raise ValidationError({"log": "Log an introduction we made on a reciprocate task only; this task is "
                                          f"'{task.get_kind_display().lower()}': use meeting, call or email."})
        if log not in (InteractionKind.MEETING, InteractionKind.CALL, InteractionKind.EMAIL,
                       InteractionKind.INTRODUCTION):
            raise ValidationError({"log": f"'{log}' is not a way to get in touch: use meeting, call or email."})
        if task.person is None:
            raise ValidationError({"log": "This task is about no one: there is no interaction to log."})
        if len(summary) > 500:
            raise ValidationError({"summary": f"At most 500 characters ({len(summary)} given)."})
        task.interaction = network_services.log_interaction(
            actor, task.person, kind=log, occurred_on=timezone.localdate(now),
            summary=summary or default_summary(task), channel=via)
    task.status, task.completed_at, task.completed_by = TaskStatus.DONE, now, actor
    task.outcome = ("Done" if not log else "Done: introduction logged" if log == InteractionKind.INTRODUCTION
                    else f"Done: {InteractionKind(log).label.lower()} logged")
    task.updated_at = now
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "interaction", "updated_at"])
    if task.kind == RuleKind.CONTACT_PROSPECT and log:
        _record_first_contact(actor, task.referral, now, via)
    return task


def _record_first_contact(actor: Membership, referral: Referral | None, now, via: str) -> None:
    """The prospect was contacted (a call, an email or a meeting logged): the referral moves on to the
    'contacted' stage, which starts its clock, when it is still before it and the actor may move it."""
    if referral is None or referral.first_contact_at is not None or referral.status != StageKind.OPEN:
        return
    referral = Referral.objects.select_related("stage").get(pk=referral.pk)
    contacted = next((s for s in referral_queries.stages_of(referral.workspace_id)
                      if s.milestone == Milestone.CONTACTED), None)
    if contacted is None or referral.stage.position >= contacted.position or not referral_queries.can_change(
            actor, referral):
        return
    referral_services.move_referral(actor, referral, contacted, via=via, at=now)


@transaction.atomic
def dismiss_task(actor: Membership, task: Task, *, reason: str = "", at=None) -> Task:
    """Not needed after all: closed without being done, and never made again by its rule."""
    now = _now(at)
    task = _locked(actor, task)
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"status": f"This task is already {task.get_status_display().lower()}."})
    reason = (reason or "").strip()
    if len(reason) > 180:
        raise ValidationError({"reason": f"At most 180 characters ({len(reason)} given)."})
    task.status, task.completed_at, task.completed_by = TaskStatus.DISMISSED, now, actor
    task.outcome = f"Dismissed: {reason}" if reason else "Dismissed"
    task.updated_at = now
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "updated_at"])
    return task


@transaction.atomic
def reopen_task(actor: Membership, task: Task, *, at=None) -> Task:
    """Undo a completion or a dismissal (the interaction logged, if any, stays)."""
    now = _now(at)
    task = _locked(actor, task)
    if task.status == TaskStatus.OPEN:
        return task
    task.status, task.completed_at, task.completed_by, task.outcome = TaskStatus.OPEN, None, None, ""
    task.updated_at = now
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "updated_at"])
    return task


@transaction.atomic
def snooze_task(actor: Membership, task: Task, *, until: datetime.datetime, at=None) -> Task:
    """Move the due time of an open task."""
    now = _now(at)
    if timezone.is_naive(until):
        raise ValueError("Times must be timezone-aware.")
    task = _locked(actor, task)
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"status": f"This task is {task.get_status_display().lower()}: reopen it first."})
    if until <= now:
        raise ValidationError({"until": "Snooze to a time in the future."})
    if until > now + datetime.timedelta(days=MAX_SNOOZE_DAYS):
        raise ValidationError({"until": f"Snooze for at most {MAX_SNOOZE_DAYS} days."})
    task.due_at, task.updated_at = until, now
    task.save(update_fields=["due_at", "updated_at"])
    return task


@transaction.atomic
def add_task(actor: Membership, *, title: str, due_at: datetime.datetime, reason: str = "",
             person: Person | None = None, referral: Referral | None = None, assignee: Membership | None = None,
             via: str = Channel.UI, at=None) -> Task:
    """A task made by hand: for yourself, or (managers, admins) for someone whose tasks you see."""
    now = _now(at)
    assignee = assignee or actor
    for obj in (person, referral, assignee):
        if obj is not None and obj.workspace_id != actor.workspace_id:
            raise PermissionDenied("That belongs to another workspace.")
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Say what is to be done."
    elif len(title) > 300:
        errors["title"] = f"At most 300 characters ({len(title)} given)."
    reason = (reason or "").strip()
    if len(reason) > 500:
        errors["reason"] = f"At most 500 characters ({len(reason)} given)."
    if timezone.is_naive(due_at):
        raise ValueError("Times must be timezone-aware.")
    if not now - datetime.timedelta(days=MAX_SNOOZE_DAYS) <= due_at <= now + datetime.timedelta(days=MAX_SNOOZE_DAYS):
        errors["due_at"] = f"A due time within a year of today ({due_at:%Y-%m-%d} given)."
    scope = queries.task_scope(actor)
    if scope is not None and assignee.pk not in scope:
        errors["assignee"] = f"You cannot give tasks to {assignee.user.display_name}."
    elif not assignee.is_active:
        errors["assignee"] = f"{assignee.user.display_name} is no longer active in this workspace."
    if errors:
        raise ValidationError(errors)
    task = rules.make_task(
        workspace_id=actor.workspace_id, kind=RuleKind.MANUAL, key="", assignee=assignee, title=title,
        reason=reason, due_at=due_at, at=now, person=person or (referral.prospect if referral else None),
        referral=referral, via=via, created_by=actor.user, notify=assignee.pk != actor.pk)
    return task


# --- rules and preferences -------------------------------------------------------------------------


@transaction.atomic
def save_rule(actor: Membership, kind: str, *, enabled: bool, delay_hours: int | None = None, at=None) -> Rule:
    """Switch a rule on or off, or re-time it. The contact rule's delay is the workspace's contact time."""
    now = _now(at)
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins change the follow-up rules.")
    if kind not in DEFAULT_DELAY_HOURS:
        names = ", ".join(str(k.value) for k in DEFAULT_DELAY_HOURS)
        raise ValidationError({"kind": f"'{kind}' is not a rule: use {names}."})
    if delay_hours is not None:
        in_days = kind in RULES_IN_DAYS
        low, high = (24, 365 * 24) if in_days else (1, 30 * 24)
        if not isinstance(delay_hours, int) or isinstance(delay_hours, bool) or not low <= delay_hours <= high:
            unit, scale = ("days", 24) if in_days else ("hours", 1)
            raise ValidationError({"delay_hours": f"Between {low // scale} and {high // scale} {unit}."})
        if in_days and delay_hours % 24:
            raise ValidationError({"delay_hours": f"This rule waits whole days: give a multiple of 24 hours "
                                                  f"({delay_hours} given)."})
    rule, _ = Rule.objects.select_for_update().get_or_create(
        workspace_id=actor.workspace_id, kind=kind,
        defaults={"delay_hours": DEFAULT_DELAY_HOURS[kind], "created_by": actor.user, "created_at": now})
    rule.enabled = bool(enabled)
    if delay_hours is not None:
        if kind == RuleKind.CONTACT_PROSPECT:
            # The pipeline's contact time: re-times the referrals waiting for first contact, and their tasks.
            ws = Workspace.objects.get(pk=actor.workspace_id)
            referral_services.update_pipeline_settings(
                actor, contact_within_hours=delay_hours, attribution_policy=ws.attribution_policy,
                referral_edit_scope=ws.referral_edit_scope, currency=ws.currency, at=now)
        else:
            rule.delay_hours = delay_hours
    rule.updated_at = now
    rule.save(update_fields=["enabled", "delay_hours", "updated_at"])
    return rule


@transaction.atomic
def save_notification_settings(actor: Membership, *, email_mode: str, weekly_report: bool | None = None,
                               at=None) -> NotificationSettings:
    now = _now(at)
    if email_mode not in EmailMode.values:
        raise ValidationError({"email_mode": f"'{email_mode}' is not a choice: use {', '.join(EmailMode.values)}."})
    found, _ = NotificationSettings.objects.select_for_update().get_or_create(
        membership=actor, defaults={"workspace_id": actor.workspace_id, "created_by": actor.user})
    found.email_mode = email_mode
    if weekly_report is not None:
        found.weekly_report = bool(weekly_report)
    found.updated_at = now
    found.save(update_fields=["email_mode", "weekly_report", "updated_at"])
    return found
