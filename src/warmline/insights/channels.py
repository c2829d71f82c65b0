"""The channel comparison: how deals from referrals fare against the team's other lead sources, from the deals
imported from the CRM (`insights.deals`), beside the referral wins Warmline tracks itself.

Without imported deals there is nothing to compare with: `has_data` is False and no baseline is made up.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from warmline.insights import rollups
from warmline.insights.choices import DealStatus
from warmline.insights.models import Deal, ReferralFact
from warmline.referrals.choices import StageKind


@dataclass
class ChannelRow:
    """Imported deals of one lead source, or of a group of them, closed (won or lost) in the period."""

    lead_source: str  # as the CRM writes it; "" for deals without one, or for a group
    is_referral: bool
    won: int = 0
    lost: int = 0
    # currency -> minor units; amounts in different currencies are never added
    revenue: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.lead_source or "No lead source"

    @property
    def closed(self) -> int:
        """Deals won or lost whose close date is in the period."""
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        """Won ÷ closed: of the deals whose close date is in the period, the share won. None when none closed."""
        return self.won / self.closed if self.closed else None

    def add(self, status: str, deals: int, currency: str, value: int | None) -> None:
        if status == DealStatus.WON:
            self.won += deals
            if value is not None:
                self.revenue[currency] = self.revenue.get(currency, 0) + value
        else:
            self.lost += deals


@dataclass
class ChannelComparison:
    """Imported deals closed from `period_start` to `period_end` (both included), per lead source and in total."""

    workspace_id: int
    period_start: datetime.date
    period_end: datetime.date
    has_data: bool  # the workspace has imported deals, of any date or status
    deals_imported: int  # all the workspace's imported deals, of any date or status
    last_imported_at: datetime.datetime | None
    # One row per lead source with deals closed in the period (spellings that differ only in case are one row),
    # most won first.
    rows: list[ChannelRow]
    referral: ChannelRow  # the referral lead sources together
    other: ChannelRow  # every other lead source together, deals without one included
    total: ChannelRow
    # Warmline's own referrals won in the period (status won now, close date in the period), for context: the same
    # deals may also be in the CRM's export.
    warmline_won: int = 0
    warmline_revenue: dict[str, int] = field(default_factory=dict)

    @property
    def referral_share(self) -> float | None:
        """Referral-sourced won deals ÷ all won deals: of the imported deals won in the period, the share whose lead
        source counts as a referral. None when none was won."""
        return self.referral.won / self.total.won if self.total.won else None

    @property
    def referral_revenue_share(self) -> dict[str, float]:
        """Per currency, the revenue of referral-sourced deals won in the period ÷ the revenue of all deals won in
        the period. Only currencies with revenue in the period."""
        return {currency: self.referral.revenue.get(currency, 0) / value
                for currency, value in sorted(self.total.revenue.items()) if value}


def channel_comparison(workspace_id: int, period_start: datetime.date,
                       period_end: datetime.date) -> ChannelComparison:
    """The workspace's channels for the period, in four queries whatever the number of deals or lead sources
    (more only when the rollups have queued changes to apply first)."""
    imported = Deal.objects.filter(workspace_id=workspace_id).aggregate(n=Count("id"), last=Max("imported_at"))
    result = ChannelComparison(
        workspace_id, period_start, period_end, has_data=bool(imported["n"]), deals_imported=imported["n"],
        last_imported_at=imported["last"], rows=[], referral=ChannelRow("", True), other=ChannelRow("", False),
        total=ChannelRow("", False))
    if result.has_data:
        _count_deals(result)
    # The facts are brought up to date before they are read, as for every figure (one query when nothing waits).
    rollups.refresh(workspace_id)
    won = (ReferralFact.objects.filter(workspace_id=workspace_id, status=StageKind.WON,
                                       closed_on__gte=period_start, closed_on__lte=period_end)
           .values("currency").order_by("currency").annotate(n=Count("pk"), value=Sum("value_minor")))
    for row in won:
        result.warmline_won += row["n"]
        if row["value"] is not None:
            result.warmline_revenue[row["currency"]] = row["value"]
    return result


def _count_deals(result: ChannelComparison) -> None:
    closed = (Deal.objects.filter(workspace_id=result.workspace_id, status__in=[DealStatus.WON, DealStatus.LOST],
                                  closed_on__gte=result.period_start, closed_on__lte=result.period_end)
              .values("lead_source", "is_referral", "status", "currency").order_by()
              .annotate(n=Count("id"), value=Sum("value_minor")))
    rows: dict[tuple[str, bool], ChannelRow] = {}
    spellings: dict[tuple[str, bool], Counter] = {}
    for row in closed:
        key = (row["lead_source"].casefold(), row["is_referral"])
        channel = rows.setdefault(key, ChannelRow(row["lead_source"], row["is_referral"]))
        spellings.setdefault(key, Counter())[row["lead_source"]] += row["n"]
        for group in (channel, result.referral if row["is_referral"] else result.other, result.total):
            group.add(row["status"], row["n"], row["currency"], row["value"])
    for key, channel in rows.items():
        # The spelling most of the deals use, then the first alphabetically.
        channel.lead_source = min(spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
    result.rows = sorted(rows.values(), key=lambda c: (-c.won, -c.closed, c.label.casefold(), not c.is_referral))
