"""Follow-ups: the rules a workspace runs, the tasks they create, each member's notification settings, and the
outbox of emails the worker sends."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from warmline.core.models import Membership, WorkspaceScoped
from warmline.followups.choices import (
    EmailMode,
    MessageKind,
    MessageStatus,
    RuleKind,
    TaskStatus,
)
from warmline.network.models import Interaction, Person
from warmline.referrals.models import Ask, Referral


class Rule(WorkspaceScoped):
    """One follow-up rule of a workspace: admins switch it off or change its delay."""

    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    enabled = models.BooleanField(default=True)
    # Hours from the event to the task's due time. For "contact the prospect" the workspace's contact time
    # (Workspace.contact_within_hours) is the delay, so that the task and the referral's clock agree.
    delay_hours = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "kind"], name="rule_unique_kind"),
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values) & ~Q(kind=RuleKind.MANUAL),
                                   name="rule_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Task(WorkspaceScoped):
    """Something a member should do by a time, and why: made by a rule (or by hand), done once."""

    kind = models.CharField(max_length=20, choices=RuleKind.choices)
    assignee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=300)
    reason = models.CharField(max_length=500, blank=True)
    due_at = models.DateTimeField()
    # What it is about: the person to reach, and the referral or ask behind it.
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    ask = models.ForeignKey(Ask, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks")
    # A rule makes one task per event: "thank_source:referral:<public id>". Empty for tasks made by hand.
    key = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # How it was closed, in words: "Done", "Closed: the prospect was contacted"...
    outcome = models.CharField(max_length=200, blank=True)
    interaction = models.ForeignKey(Interaction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], condition=~Q(key=""), name="task_once_per_event"),
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="task_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=RuleKind.values), name="task_kind_valid"),
            models.CheckConstraint(condition=Q(status=TaskStatus.OPEN) | Q(completed_at__isnull=False),
                                   name="task_closed_has_time"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["workspace", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    @property
    def subject_path(self) -> str:
        """Where the task's work happens: its referral, its ask, its person, else the Today list."""
        if self.referral_id:
            return reverse("referrals:detail", args=[self.referral.public_id])
        if self.ask_id:
            return reverse("referrals:ask", args=[self.ask.public_id])
        if self.person_id:
            return reverse("network:person", args=[self.person.public_id])
        return reverse("followups:home")


class NotificationSettings(WorkspaceScoped):
    """How a member hears about their tasks, and their calendar feed."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="notification_settings")
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.IMMEDIATE)
    # Managers: the Monday report on their teams.
    weekly_report = models.BooleanField(default=True)
    # The calendar feed's secret, hashed; the URL is shown once when made. Empty: no feed.
    calendar_token_hash = models.CharField(max_length=64, blank=True)
    calendar_token_hint = models.CharField(max_length=12, blank=True)
    calendar_created_at = models.DateTimeField(null=True, blank=True)
    calendar_used_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(email_mode__in=EmailMode.values), name="notifications_mode_valid"),
            models.UniqueConstraint(fields=["calendar_token_hash"], condition=~Q(calendar_token_hash=""),
                                    name="notifications_unique_calendar_token"),
        ]


class OutboxMessage(WorkspaceScoped):
    """An email to send. Written in the transaction of the event that calls for it; the worker sends it, retrying
    with backoff, and keeps the row as the log of what was sent (or why it could not be)."""

    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    # One message per occasion: "task:<public id>", "digest:<member>:<date>", "report:<member>:<week>".
    key = models.CharField(max_length=120, unique=True)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=MessageStatus.values), name="outbox_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="outbox_kind_valid"),
        ]
        indexes = [
            # What the worker looks for: queued and due, or claimed by a worker that went silent.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["membership", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to} ({self.status})"

