"""Enumerations of the referral pipeline."""

from django.db import models


class StageKind(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Milestone(models.TextChoices):
    """What a stage means for the metrics, whatever an admin renames it to."""

    INTRODUCED = "introduced", "Introduced"
    CONTACTED = "contacted", "Contacted"
    MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
    MEETING_HELD = "meeting_held", "Meeting held"
    PROPOSAL = "proposal", "Proposal"


class AskChannel(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"
    SOCIAL = "social", "Social media"


# Asks made in writing: allowed, but weaker than a conversation, and reported apart.
DIGITAL_CHANNELS = frozenset({AskChannel.EMAIL, AskChannel.SOCIAL})


class AskOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    AGREED = "agreed", "Agreed to introduce"
    DECLINED = "declined", "Declined"
    NO_ONE = "no_one", "No one in mind"


class ReferralOrigin(models.TextChoices):
    ASKED = "asked", "From an ask"
    UNASKED = "unasked", "Arrived unasked"
    VERBAL = "verbal", "Verbal introduction"


class Confirmation(models.TextChoices):
    """How sure we are that the introduction happened, weakest first."""

    REPORTED = "reported", "Reported by the rep"
    SOURCE = "source", "Confirmed by the source"
    PROSPECT = "prospect", "Confirmed by the prospect"


class Conflict(models.TextChoices):
    NONE = "", "None"
    OPEN_REFERRAL = "open_referral", "Prospect already has an open referral"
    EXISTING_CLIENT = "existing_client", "Prospect is already a client"


class Moment(models.TextChoices):
    """Moments of value: the right time to ask someone for referrals."""

    THANKED = "thanked", "Thanked us for an insight"
    WON = "won", "Deal won"
    LOST = "lost", "Deal lost"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASKED = "asked", "Asked"
    DISMISSED = "dismissed", "Dismissed"


# The pipeline every new workspace starts with: (name, kind, probability %, milestone).
DEFAULT_STAGES = (
    ("Introduced", StageKind.OPEN, 10, Milestone.INTRODUCED),
    ("Contacted", StageKind.OPEN, 20, Milestone.CONTACTED),
    ("Meeting scheduled", StageKind.OPEN, 30, Milestone.MEETING_SCHEDULED),
    ("Meeting held", StageKind.OPEN, 50, Milestone.MEETING_HELD),
    ("Proposal", StageKind.OPEN, 70, Milestone.PROPOSAL),
    ("Won", StageKind.WON, 100, ""),
    ("Lost", StageKind.LOST, 0, ""),
    ("Disqualified", StageKind.LOST, 0, ""),
)
