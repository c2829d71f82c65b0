"""Saved target-account lists: the accounts a team wants to reach, kept to look at their paths again."""

from django.db import models

from warmline.core.models import WorkspaceScoped


class AccountList(WorkspaceScoped):
    """A named list of accounts, as uploaded: each entry a name and/or a domain, with its line in the file."""

    name = models.CharField(max_length=120)
    # How the list was made when it was not uploaded: "Built from the profile Logistics finance: fit 60 or more".
    description = models.CharField(max_length=200, blank=True)
    # [{"line": 2, "name": "Globex", "domain": "globex.com"}, ...], in file order.
    accounts = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return self.name

    def entries(self) -> list[tuple[int | None, str, str]]:
        return [(a.get("line"), a.get("name", ""), a.get("domain", "")) for a in self.accounts]
