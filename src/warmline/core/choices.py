"""Enumerations shared across apps."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    REP = "rep", "Rep"


class Channel(models.TextChoices):
    """Through which channel a record was created (kept on every record)."""

    UI = "ui", "Web UI"
    API = "api", "API"
    CLI = "cli", "Command line"
    IMPORT = "import", "Import"
    RULE = "rule", "Rule"
    DEMO = "demo", "Demo data"


class Sharing(models.TextChoices):
    """What colleagues may see of an employee's imported network."""

    SHARE = "share", "Share: colleagues see the relationship"
    EXISTENCE = "existence", "Existence only: colleagues see that a path exists, not the contact's details"
    PRIVATE = "private", "Private: only I see it"


class AttributionPolicy(models.TextChoices):
    """Who gets credit when two sources introduce the same prospect."""

    FIRST_SOURCE = "first_source", "First source keeps the credit"
    SHARED = "shared", "Credit is shared equally"


class ReferralEditScope(models.TextChoices):
    """Which referrals a rep may move, edit and confirm (managers and admins may always move what they see)."""

    TEAM = "team", "Reps may move their team's referrals"
    OWN = "own", "Reps may move only their own referrals"
