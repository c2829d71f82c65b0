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
