"""What the dashboards read: per-referral facts and per-rep daily rollups kept up to date from the pipeline,
goals, and deals imported from a CRM for the channel comparison.

The rollups are derived data: `rollups.rebuild` recreates them from the pipeline at any time, and the
definitions of what they count live in `metrics`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from warmline.core.models import Membership, Team, Workspace, WorkspaceScoped
from warmline.insights.choices import DealStatus, GoalMetric, GoalPeriod, SourceType
from warmline.network.models import Person
from warmline.referrals.choices import StageKind
from warmline.referrals.models import Referral


class ReferralFact(models.Model):
    """One row per referral: the dates and outcomes the metrics count, worked out from its stage history.

    `meeting_scheduled_on` and `meeting_held_on` are the first days the referral reached those milestones (an
    open stage at or after the milestone's stage, or a won stage): moving back a stage keeps them, moving forward
    again does not count twice. `status`, `closed_on` and the value are the referral's current ones, so a
    reopened deal no longer counts as won.
    """

    referral = models.OneToOneField(Referral, primary_key=True, on_delete=models.CASCADE, related_name="fact")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    source_type = models.CharField(max_length=10, choices=SourceType.choices)
    # The employee who made the introduction, when the source is one of us.
    source_member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The employee whose network the introduction came through: the source when they are one of us, else the
    # colleague at the start of the warm path the ask was planned from.
    network_member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    introduced_on = models.DateField()
    contacted = models.BooleanField(default=False)
    contacted_in_time = models.BooleanField(default=False)
    first_contact_seconds = models.BigIntegerField(null=True, blank=True)
    thanked = models.BooleanField(default=False)
    meeting_scheduled_on = models.DateField(null=True, blank=True)
    meeting_held_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4, choices=StageKind.choices)
    closed_on = models.DateField(null=True, blank=True)
    days_to_close = models.IntegerField(null=True, blank=True)
    value_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)

    class Meta:
        # Wide on purpose: the dashboards' scans of a period's facts (sources, kinds of source, colleagues, the
        # median time to first contact, the introductions waiting for contact) read the index alone, not the rows.
        indexes = [
            models.Index(fields=["workspace", "introduced_on", "source", "status", "source_type", "network_member",
                                 "first_contact_seconds", "contacted", "owner"], name="fact_introduced"),
            models.Index(fields=["workspace", "closed_on", "status", "source_type", "currency", "value_minor",
                                 "owner"], condition=Q(closed_on__isnull=False), name="fact_closed_wide"),
            models.Index(fields=["owner", "introduced_on"]),
        ]


class DailyStat(models.Model):
    """A rep's counts for one day (UTC), summed by the dashboards. Rows with nothing to count are not kept."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    asks = models.IntegerField(default=0)
    asks_specific = models.IntegerField(default=0)
    asks_digital = models.IntegerField(default=0)
    introductions = models.IntegerField(default=0)
    contacted = models.IntegerField(default=0)
    contacted_in_time = models.IntegerField(default=0)
    thanked = models.IntegerField(default=0)
    # Of the day's introductions, how many are won, and closed either way, by now.
    cohort_won = models.IntegerField(default=0)
    cohort_closed = models.IntegerField(default=0)
    meetings_scheduled = models.IntegerField(default=0)
    meetings_held = models.IntegerField(default=0)
    won = models.IntegerField(default=0)
    lost = models.IntegerField(default=0)
    days_to_close = models.BigIntegerField(default=0, help_text="Summed over the deals won that day.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "day"], name="dailystat_unique_day")]
        indexes = [models.Index(fields=["workspace", "day"])]


class DailyRevenue(models.Model):
    """A rep's referral deals won on one day, per currency: amounts in different currencies are never added."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    currency = models.CharField(max_length=3)
    won = models.IntegerField(default=0)
    value_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "day", "currency"],
                                               name="dailyrevenue_unique_day")]
        indexes = [models.Index(fields=["workspace", "day"])]


class RollupQueue(models.Model):
    """What changed since the rollups were last brought up to date: a referral, or a rep's asks on a day.

    Written in the transaction of the change; read and emptied before any figure is shown, and by the worker.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    referral_id = models.BigIntegerField(null=True, blank=True)
    membership_id = models.BigIntegerField(null=True, blank=True)
    day = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "id"])]


class Goal(WorkspaceScoped):
    """A target for a rep, a team or the whole workspace (neither set), from the week or quarter it starts.

    A goal stays in force until a newer one for the same scope and metric starts, so past weeks keep the goal
    they had. Revenue goals are in minor units of `currency`.
    """

    metric = models.CharField(max_length=14, choices=GoalMetric.choices)
    period = models.CharField(max_length=8, choices=GoalPeriod.choices)
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="goals")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="goals")
    target = models.BigIntegerField()
    currency = models.CharField(max_length=3, blank=True)
    starts_on = models.DateField(help_text="The first day of the week or quarter it applies from.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(membership__isnull=True) | Q(team__isnull=True),
                                   name="goal_one_scope"),
            models.CheckConstraint(condition=Q(metric__in=GoalMetric.values), name="goal_metric_valid"),
            models.CheckConstraint(condition=Q(period__in=GoalPeriod.values), name="goal_period_valid"),
            models.CheckConstraint(condition=Q(target__gte=0), name="goal_target_not_negative"),
            models.CheckConstraint(condition=~Q(metric=GoalMetric.REVENUE) | ~Q(currency=""),
                                   name="goal_revenue_has_currency"),
        ]
        indexes = [models.Index(fields=["workspace", "metric", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.target} {self.get_period_display().lower()}"


class Deal(WorkspaceScoped):
    """A deal imported from the CRM with its lead source, so that referral deals compare with the other channels.

    `external_id` is the CRM's id: importing the same export again updates the deals instead of doubling them.
    """

    external_id = models.CharField(max_length=100)
    name = models.CharField(max_length=300, blank=True)
    lead_source = models.CharField(max_length=100)
    is_referral = models.BooleanField(default=False)
    status = models.CharField(max_length=4, choices=DealStatus.choices)
    created_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    value_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-closed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "external_id"], name="deal_unique_external_id"),
            models.CheckConstraint(condition=Q(status__in=DealStatus.values), name="deal_status_valid"),
            models.CheckConstraint(condition=Q(value_minor__isnull=True) | Q(value_minor__gte=0),
                                   name="deal_value_not_negative"),
        ]
        indexes = [models.Index(fields=["workspace", "closed_on"])]
