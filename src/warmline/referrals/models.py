"""The referral pipeline: asks, introductions (referrals), stages with their history, notes, moments to ask.

A referral is an introduction, not a name: it always has a source (a Person who
made the introduction) and a prospect (the Person introduced).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from warmline.core.choices import AttributionPolicy, Channel
from warmline.core.models import Membership, WorkspaceScoped
from warmline.network.models import Company, Person
from warmline.referrals.choices import (
    DIGITAL_CHANNELS,
    AskChannel,
    AskOutcome,
    Confirmation,
    Conflict,
    Milestone,
    Moment,
    ReferralOrigin,
    StageKind,
    SuggestionStatus,
)


class Stage(WorkspaceScoped):
    """A column of the pipeline. Admins rename, reorder and add them; the kind says what closing in it means."""

    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4, choices=StageKind.choices, default=StageKind.OPEN)
    probability = models.PositiveSmallIntegerField(default=0, help_text="Chance of winning from here, in percent.")
    milestone = models.CharField(max_length=20, choices=Milestone.choices, blank=True)
    # Archived stages keep their history but take no new referrals.
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="stage_unique_name_ci"),
            models.UniqueConstraint(fields=["workspace", "milestone"], condition=~Q(milestone=""),
                                    name="stage_unique_milestone"),
            models.CheckConstraint(condition=Q(kind__in=StageKind.values), name="stage_kind_valid"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_0_100"),
            models.CheckConstraint(condition=Q(milestone="") | Q(kind=StageKind.OPEN),
                                   name="stage_milestone_only_open"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN


class Ask(WorkspaceScoped):
    """A rep asked a source for an introduction: to someone specific, or to a described kind of person."""

    asked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="asks")
    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="asks_received")
    target = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="asks_about")
    target_company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_description = models.CharField(
        max_length=300, blank=True, help_text="Whom the source should introduce, when there is no specific person."
    )
    reason = models.TextField(blank=True, help_text="The business reason for the introduction.")
    intro_text = models.TextField(blank=True, help_text="The introduction language offered to the source.")
    talking_points = models.TextField(blank=True, help_text="What the rep planned to say when asking.")
    channel = models.CharField(max_length=10, choices=AskChannel.choices)
    asked_on = models.DateField()
    # What the source said about the prospect.
    intel_how_they_know = models.TextField(blank=True)
    intel_what_matters = models.TextField(blank=True)
    intel_challenges = models.TextField(blank=True)
    intel_communication = models.TextField(blank=True)
    intel_obstacles = models.TextField(blank=True)
    outcome = models.CharField(max_length=10, choices=AskOutcome.choices, default=AskOutcome.PENDING)
    outcome_at = models.DateTimeField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    # The warm path the ask was planned from: person ids, employee first, target last.
    path = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-asked_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(target__isnull=False) | ~Q(target_description=""),
                                   name="ask_names_or_describes_target"),
            models.CheckConstraint(condition=~Q(target=F("source")), name="ask_target_is_not_source"),
            models.CheckConstraint(condition=Q(channel__in=AskChannel.values), name="ask_channel_valid"),
            models.CheckConstraint(condition=Q(outcome__in=AskOutcome.values), name="ask_outcome_valid"),
        ]
        indexes = [
            models.Index(fields=["workspace", "asked_on"]),
            models.Index(fields=["asked_by", "asked_on"]),
        ]

    def __str__(self) -> str:
        return f"Ask of {self.source} for {self.target_label}"

    @property
    def is_specific(self) -> bool:
        """An ask that names a person; asks for a described profile are weaker."""
        return self.target_id is not None

    @property
    def is_digital(self) -> bool:
        return self.channel in DIGITAL_CHANNELS

    @property
    def target_label(self) -> str:
        if self.target_id:
            return self.target.full_name
        return self.target_description


class Referral(WorkspaceScoped):
    """An introduction of a prospect to one of our reps by a source, tracked until it is won or lost."""

    ask = models.ForeignKey(Ask, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    origin = models.CharField(max_length=8, choices=ReferralOrigin.choices, default=ReferralOrigin.ASKED)
    # Fixed once set: credit follows the source.
    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals_made")
    # The employee who earned it: the source when they are an employee, else the one who asked.
    earned_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    prospect = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals_received")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals")
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="referrals_owned")
    value_minor = models.BigIntegerField(null=True, blank=True, help_text="Value in minor units (cents).")
    currency = models.CharField(max_length=3, default="USD")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="referrals")
    # The stage's kind, kept here so that lists and metrics filter without a join.
    status = models.CharField(max_length=4, choices=StageKind.choices, default=StageKind.OPEN)
    stage_entered_at = models.DateTimeField()
    introduced_at = models.DateTimeField()
    contact_due_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_seconds = models.BigIntegerField(null=True, blank=True,
                                                   help_text="Time from introduction to first contact.")
    closed_on = models.DateField(null=True, blank=True)
    lost_reason = models.TextField(blank=True)
    source_confirmed_at = models.DateTimeField(null=True, blank=True)
    source_confirmed_via = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    prospect_confirmed_at = models.DateTimeField(null=True, blank=True)
    prospect_confirmed_via = models.CharField(max_length=10, choices=Channel.choices, blank=True)
    # Flagged and linked, never merged: the earlier referral of the same prospect, or the won deal.
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates")
    conflict = models.CharField(max_length=16, choices=Conflict.choices, blank=True)
    # The workspace's attribution policy when this referral was recorded; the credits follow from it.
    attribution = models.CharField(max_length=12, choices=AttributionPolicy.choices,
                                   default=AttributionPolicy.FIRST_SOURCE)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-introduced_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(prospect=F("source")), name="referral_prospect_is_not_source"),
            models.CheckConstraint(condition=Q(status__in=StageKind.values), name="referral_status_valid"),
            models.CheckConstraint(condition=Q(value_minor__isnull=True) | Q(value_minor__gte=0),
                                   name="referral_value_not_negative"),
            models.CheckConstraint(condition=~Q(status=StageKind.WON) | Q(value_minor__isnull=False,
                                                                          closed_on__isnull=False),
                                   name="referral_won_has_value_and_close_date"),
            models.CheckConstraint(condition=~Q(status=StageKind.LOST) | ~Q(lost_reason=""),
                                   name="referral_lost_has_reason"),
            models.CheckConstraint(condition=Q(conflict__in=Conflict.values), name="referral_conflict_valid"),
            models.CheckConstraint(condition=Q(origin__in=ReferralOrigin.values), name="referral_origin_valid"),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "stage"]),
            models.Index(fields=["workspace", "introduced_at"]),
            models.Index(fields=["owner", "status"]),
            # The follow-up clock: open referrals not contacted yet, by due time.
            models.Index(fields=["workspace", "contact_due_at"], condition=Q(first_contact_at__isnull=True),
                         name="referral_awaiting_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.prospect} introduced by {self.source}"

    @property
    def is_closed(self) -> bool:
        return self.status != StageKind.OPEN

    def is_overdue(self, now=None) -> bool:
        """Not contacted within the workspace's time, and still open."""
        if self.first_contact_at is not None or self.status != StageKind.OPEN:
            return False
        return (now or timezone.now()) > self.contact_due_at

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def confirmation(self) -> str:
        if self.prospect_confirmed_at:
            return Confirmation.PROSPECT
        if self.source_confirmed_at:
            return Confirmation.SOURCE
        return Confirmation.REPORTED

    @property
    def confirmation_label(self) -> str:
        return Confirmation(self.confirmation).label


class Credit(WorkspaceScoped):
    """Who is credited with a referral's value when it is won, in percent (the shares of a referral sum to 100).

    Usually the source alone. For a duplicate, the attribution policy decides: the first source keeps the
    credit, or the sources share it. Credits of a referral are set when it is recorded (and, under a shared
    policy, when another source introduces the same open prospect), never changed on a closed deal.
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="credits")
    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-percent", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "source"], name="credit_unique_source"),
            models.CheckConstraint(condition=Q(percent__gte=1, percent__lte=100), name="credit_percent_1_100"),
        ]
        indexes = [models.Index(fields=["source"])]


class StageChange(WorkspaceScoped):
    """A referral entered a stage: from where, by whom, when, and how long it had spent in the previous one."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    seconds_in_from = models.BigIntegerField(null=True, blank=True, help_text="Time spent in the previous stage.")
    # Moved out of a won or lost stage.
    reopened = models.BooleanField(default=False)

    class Meta:
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["referral", "changed_at"]),
            models.Index(fields=["workspace", "changed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} → {self.to_stage}"


class OwnerChange(WorkspaceScoped):
    """A referral was reassigned to another rep."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="owner_changes")
    from_owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    to_owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]


class Note(WorkspaceScoped):
    """A note on a person, a company or a referral, shown on their timelines."""

    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(company__isnull=False) | Q(referral__isnull=False),
                name="note_has_subject",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="note_not_empty"),
        ]


class AskSuggestion(WorkspaceScoped):
    """A moment of value: the time to ask this person for referrals (after thanks, a win, even a loss)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="ask_suggestions",
                                   help_text="The rep who should ask.")
    moment = models.CharField(max_length=8, choices=Moment.choices)
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    occurred_on = models.DateField()
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    ask = models.ForeignKey(Ask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            # A deal won (or lost) suggests asking once, however often it is reopened and closed again.
            models.UniqueConstraint(fields=["referral", "moment"], condition=Q(referral__isnull=False),
                                    name="asksuggestion_once_per_deal"),
            models.CheckConstraint(condition=Q(moment__in=Moment.values), name="asksuggestion_moment_valid"),
            models.CheckConstraint(condition=Q(status__in=SuggestionStatus.values), name="asksuggestion_status_valid"),
        ]
        indexes = [models.Index(fields=["membership", "status"])]

    def __str__(self) -> str:
        return f"Ask {self.person} ({self.get_moment_display()})"
