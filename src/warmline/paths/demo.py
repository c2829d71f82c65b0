"""The demo's target-account list: accounts the sales team is going after, some well covered, some not at all."""

from __future__ import annotations

from django.db.models import Count

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership
from warmline.network.models import Company
from warmline.network.services import own_company
from warmline.paths import services

LIST_NAME = "FY27 target accounts"
# Accounts the team names that are not in the network at all: the table lists them too.
UNKNOWN = [("Halvorsen Maritime", "halvorsen-maritime.example"), ("Quillon Biotech", "")]


def populate(demo) -> None:
    """Save a list of 18 accounts: the busiest and some of the quietest companies of the network, plus two
    the network has never heard of. Saved through the service, as an upload would be."""
    workspace = demo.workspace
    companies = list(
        Company.objects.filter(workspace=workspace).exclude(pk=own_company(workspace).pk)
        .annotate(headcount=Count("people")).filter(headcount__gt=0).order_by("-headcount", "name")
    )
    picked = companies[:10] + companies[len(companies) // 2: len(companies) // 2 + 6]
    accounts = [(c.name, c.domain) for c in picked] + UNKNOWN
    admin = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).select_related("user").order_by("pk").first()
    services.save_account_list(admin, LIST_NAME, accounts=accounts, channel=Channel.IMPORT)
