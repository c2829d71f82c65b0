"""Enumerations of follow-ups: the rules, the tasks they create, and how people hear about them."""

from django.db import models


class RuleKind(models.TextChoices):
    """What happened, and so what should be done. Each is one rule row per workspace."""

    CONTACT_PROSPECT = "contact_prospect", "Contact the prospect"
    THANK_SOURCE = "thank_source", "Thank the source"
    TELL_SOURCE = "tell_source", "Tell the source how it went"
    CONGRATULATE = "congratulate", "Congratulate and thank the source, ask who else they know"
    ASK_LOST = "ask_lost", "Ask the lost prospect for referrals"
    FOLLOW_UP_ASK = "follow_up_ask", "Follow up with the source"
    RECONNECT = "reconnect", "Reconnect with the source"
    RECIPROCATE = "reciprocate", "Reciprocate: introduce the partner to someone"
    MANUAL = "manual", "Task"


# When each rule fires, in words, and its default delay in hours (None: the workspace's contact time).
RULE_TRIGGERS = {
    RuleKind.CONTACT_PROSPECT: "an introduction is recorded",
    RuleKind.THANK_SOURCE: "an introduction is recorded",
    RuleKind.TELL_SOURCE: "a meeting with the prospect is held",
    RuleKind.CONGRATULATE: "a referral is won",
    RuleKind.ASK_LOST: "a referral is lost",
    RuleKind.FOLLOW_UP_ASK: "a source agreed to introduce and no introduction has come",
    RuleKind.RECONNECT: "a referral source has had no contact",
    RuleKind.RECIPROCATE: "a partner has given us more introductions than we have given back in a year",
}
DEFAULT_DELAY_HOURS = {
    RuleKind.CONTACT_PROSPECT: None,
    RuleKind.THANK_SOURCE: 24,
    RuleKind.TELL_SOURCE: 24,
    RuleKind.CONGRATULATE: 24,
    RuleKind.ASK_LOST: 72,
    RuleKind.FOLLOW_UP_ASK: 7 * 24,
    RuleKind.RECONNECT: 90 * 24,
    RuleKind.RECIPROCATE: 14 * 24,
}
# Rules re-timed in days rather than hours (they wait for something not to happen, or give time to find someone).
RULES_IN_DAYS = frozenset({RuleKind.FOLLOW_UP_ASK, RuleKind.RECONNECT, RuleKind.RECIPROCATE})


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, one email per task"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Never (no email at all, not even the weekly report)"


class MessageKind(models.TextChoices):
    TASK = "task", "New task"
    DIGEST = "digest", "Daily digest"
    REPORT = "report", "Weekly manager report"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent"
