"""Enumerations of the insights: what a goal counts and over which period, what kind of source introduced."""

from django.db import models


class GoalMetric(models.TextChoices):
    ASKS = "asks", "People asked"
    INTRODUCTIONS = "introductions", "Introductions"
    MEETINGS = "meetings", "Meetings scheduled"
    NEW_CLIENTS = "new_clients", "New clients"
    REVENUE = "revenue", "Revenue from referrals"


class GoalPeriod(models.TextChoices):
    WEEK = "week", "Per week"
    QUARTER = "quarter", "Per quarter"


# Which metrics are set per week and which per quarter: activities are coached weekly, results quarterly.
WEEKLY_METRICS = (GoalMetric.ASKS, GoalMetric.INTRODUCTIONS, GoalMetric.MEETINGS)
QUARTERLY_METRICS = (GoalMetric.NEW_CLIENTS, GoalMetric.REVENUE)
PERIOD_OF = {**dict.fromkeys(WEEKLY_METRICS, GoalPeriod.WEEK), **dict.fromkeys(QUARTERLY_METRICS, GoalPeriod.QUARTER)}


class SourceType(models.TextChoices):
    """What the source of an introduction is to us, at the time the figures were last refreshed."""

    EMPLOYEE = "employee", "Employee"
    CLIENT = "client", "Client"
    PARTNER = "partner", "Partner or vendor"
    OTHER = "other", "Other contact"


class DealStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"
