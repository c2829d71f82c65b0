"""What the dashboard and the leaderboards show, assembled from the metrics, the goals and the sources.

The page, the CSV export and the benchmark all build from here, so what they show is the same.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from warmline.core.models import Membership
from warmline.core.money import format_money
from warmline.insights import charts, goals, metrics, queries, rollups
from warmline.insights.channels import ChannelComparison
from warmline.insights.choices import GoalMetric, SourceType
from warmline.insights.metrics import ACTIVITY, DISCIPLINE, KIND_LABELS, RESULTS, Metric, Period, Scope, Totals
from warmline.network.models import Person

TREND_WEEKS = 12
REVENUE_MONTHS = 12
WEEKLY_CHARTS = (("asks", GoalMetric.ASKS, "People asked"), ("introductions", GoalMetric.INTRODUCTIONS,
                                                             "Referrals received"),
                 ("meetings_scheduled", GoalMetric.MEETINGS, "Meetings scheduled"))


def show(metric: Metric, value, currency: str) -> str:
    """A metric's value as people read it."""
    if value is None or value == {}:
        return "–"
    if metric.unit == "share":
        return f"{value:.0%}"
    if metric.unit == "money":
        return money_text(value, currency)
    if metric.unit == "days":
        return f"{value:.0f} days" if value >= 1.95 or value == 0 else f"{value:.1f} days"
    if metric.unit == "hours":
        return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} days"
    return f"{value:,}"


def money_text(amounts: dict[str, int], currency: str) -> str:
    """The workspace's currency first, then any others, never added together."""
    order = sorted(amounts, key=lambda c: (c != currency, c))
    return " + ".join(format_money(amounts[c], c, cents=False) for c in order) or "–"


def plain(metric: Metric, value) -> str:
    """A metric's value for CSV: numbers without formatting; money as CUR:minor pairs."""
    if value is None:
        return ""
    if metric.unit == "money":
        return " ".join(f"{c}:{v}" for c, v in sorted(value.items()))
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


@dataclass
class MetricCell:
    metric: Metric
    value: object
    text: str


@dataclass
class NamedRow:
    name: str
    introductions: int
    won: int
    revenue: str
    revenue_main: int
    url: str = ""
    amounts: dict[str, int] | None = None  # currency -> minor units, for the CSV

    @property
    def plain_revenue(self) -> str:
        return " ".join(f"{c}:{v}" for c, v in sorted((self.amounts or {}).items()))


def metric_cells(scope: Scope, period: Period, currency: str, now=None) -> tuple[dict[str, list[MetricCell]], Totals]:
    t = metrics.totals(scope, period, now=now)
    groups: dict[str, list[MetricCell]] = {k: [] for k in (ACTIVITY, RESULTS, DISCIPLINE)}
    for m in metrics.METRICS.values():
        value = m.value(t)
        groups[m.kind].append(MetricCell(m, value, show(m, value, currency)))
    return groups, t


def funnel(t: Totals) -> list[charts.FunnelStep]:
    return charts.funnel([("People asked", t.asks), ("Introduced", t.introductions),
                          ("Meeting held", t.meetings_held), ("Won", t.won)])


def weekly_charts(scope: Scope, period: Period):
    """Twelve weeks to the period's last week (or this week), each activity against the scope's goal then."""
    today = datetime.date.today()
    last = min(period.end, today) if period.start <= today else period.end
    last_week = Period.week(last).start
    first = last_week - datetime.timedelta(weeks=TREND_WEEKS - 1)
    weeks = metrics.per_week(scope, first, TREND_WEEKS)
    starts = list(weeks)
    result = []
    for attr, metric, label in WEEKLY_CHARTS:
        goal_by_week = goals.history(scope, metric, starts)
        rows = [(f"{w:%-d %b}", getattr(weeks[w], attr), f"{getattr(weeks[w], attr):,}") for w in starts]
        result.append({"key": attr, "label": label,
                       "chart": charts.bar_chart(rows, [goal_by_week[w] for w in starts]),
                       "table": [(w, getattr(weeks[w], attr), goal_by_week[w]) for w in starts]})
    return result


def revenue_chart(scope: Scope, period: Period, currency: str):
    months = metrics.per_month_revenue(scope, period.end, REVENUE_MONTHS)
    others = sorted({c for amounts in months.values() for c in amounts} - {currency})
    rows = [(f"{m:%b %y}", amounts.get(currency, 0), format_money(amounts.get(currency, 0), currency, cents=False))
            for m, amounts in months.items()]
    from warmline.core.money import exponent

    unit = 10 ** exponent(currency)
    chart = charts.bar_chart([(label, value / unit, text) for label, value, text in rows],
                             fmt=lambda v: format_money(int(v * unit), currency, cents=False))
    return {"chart": chart, "currency": currency, "others": others,
            "table": [(m, money_text(amounts, currency)) for m, amounts in months.items()]}


def source_rows(scope: Scope, period: Period, currency: str, limit: int = 8) -> dict:
    top = metrics.by_source(scope, period, limit=limit)
    people = {p.pk: p for p in Person.objects.filter(pk__in=[r.key for r in top])}
    employees = metrics.by_employee(scope, period, limit=limit)
    names = queries.member_names(scope.workspace_id, [r.key for r in employees])
    types = metrics.by_source_type(scope, period)
    return {
        "top": [NamedRow(people[r.key].full_name if r.key in people else "?", r.introductions, r.won,
                         money_text(r.revenue, currency), r.revenue.get(currency, 0),
                         f"/network/people/{people[r.key].public_id}/" if r.key in people else "", r.revenue)
                for r in top],
        "employees": [NamedRow(names[r.key].user.display_name if r.key in names else "?", r.introductions, r.won,
                               "", 0) for r in employees],
        "types": [NamedRow(SourceType(r.key).label, r.introductions, r.won, money_text(r.revenue, currency),
                           r.revenue.get(currency, 0), amounts=r.revenue) for r in types],
    }


def build(viewer: Membership, scope: Scope, period: Period, *, today: datetime.date | None = None,
          currency: str | None = None) -> dict:
    """Everything the dashboard shows for the scope and period."""
    from django.utils import timezone

    today = today or timezone.localdate()
    currency = currency or viewer.workspace.currency
    with rollups.fresh(scope.workspace_id):
        groups, t = metric_cells(scope, period, currency)
        context = {
            "groups": [(KIND_LABELS[k], cells) for k, cells in groups.items()],
            "funnel": funnel(t),
            "weekly": weekly_charts(scope, period),
            "revenue": revenue_chart(scope, period, currency),
            "progress": goals.progress(scope, today, known={period: t}),
            "sources": source_rows(scope, period, currency),
            "coaching": None,
        }
        if queries.can_coach(viewer, scope):
            context["coaching"] = goals.coaching(scope, today, queries.members_of_scope(scope, today))
    return context


# --- leaderboards --------------------------------------------------------------------------------------


@dataclass
class Ranked:
    rank: int
    name: str
    value: str
    number: int
    me: bool = False


def _ranked(items: list[tuple[str, int, str, bool]], limit: int) -> list[Ranked]:
    items = sorted(items, key=lambda i: (-i[1], i[0].lower()))
    result, rank, previous = [], 0, None
    for position, (name, number, text, me) in enumerate(items, start=1):
        if number != previous:
            rank, previous = position, number
        result.append(Ranked(rank, name, text, number, me))
    return [r for r in result if r.number > 0][:limit]


def leaderboards(viewer: Membership, scope: Scope, period: Period, *, limit: int = 10,
                 currency: str | None = None) -> dict:
    """Reps by asks, introductions, meetings and revenue; sources by introductions and by revenue; employees
    outside sales by introductions. For a team's private board, its members on the days they were on it."""
    currency = currency or viewer.workspace.currency
    with rollups.fresh(scope.workspace_id):
        per = metrics.per_member(scope, period)
        names = queries.member_names(scope.workspace_id, per)
        reps = [(names[pk].user.display_name, t, pk == viewer.pk) for pk, t in per.items() if pk in names]
        boards = {
            "asks": _ranked([(n, t.asks, f"{t.asks:,}", me) for n, t, me in reps], limit),
            "introductions": _ranked([(n, t.introductions, f"{t.introductions:,}", me) for n, t, me in reps], limit),
            "meetings": _ranked([(n, t.meetings_scheduled, f"{t.meetings_scheduled:,}", me) for n, t, me in reps],
                                limit),
            "revenue": _ranked([(n, t.revenue.get(currency, [0, 0])[1],
                                 format_money(t.revenue.get(currency, [0, 0])[1], currency, cents=False), me)
                                for n, t, me in reps], limit),
        }
        by_intros = metrics.by_source(scope, period, limit=limit)
        by_revenue = metrics.by_source(scope, period, limit=limit, order="revenue", currency=currency)
        people = {p.pk: p.full_name for p in Person.objects.filter(pk__in=[r.key for r in by_intros + by_revenue])}
        boards["source_introductions"] = _ranked(
            [(people.get(r.key, "?"), r.introductions, f"{r.introductions:,}", False) for r in by_intros], limit)
        boards["source_revenue"] = _ranked(
            [(people.get(r.key, "?"), r.revenue.get(currency, 0),
              format_money(r.revenue.get(currency, 0), currency, cents=False), False) for r in by_revenue], limit)
        employees = metrics.by_employee(scope, period, limit=limit)
        staff = queries.member_names(scope.workspace_id, [r.key for r in employees])
        boards["employees"] = _ranked(
            [(staff[r.key].user.display_name, r.introductions, f"{r.introductions:,}", r.key == viewer.pk)
             for r in employees if r.key in staff], limit)
    return boards


# --- channels -----------------------------------------------------------------------------------------------


@dataclass
class ChannelBar:
    label: str
    is_referral: bool
    won: int
    lost: int
    win_rate: float | None
    revenue: str
    width: float  # won deals, as a percent of the lead source with most


def channel_bars(c: ChannelComparison, currency: str) -> dict:
    """The channel comparison as the page draws it: a bar per lead source (deals won), and the share of the won
    deals, and of their revenue, that came from referrals."""
    most = max([r.won for r in c.rows] + [1])
    rows = [ChannelBar(r.label, r.is_referral, r.won, r.lost, r.win_rate, money_text(r.revenue, currency),
                       round(100 * r.won / most, 1)) for r in c.rows]
    groups = [ChannelBar(label, g.is_referral, g.won, g.lost, g.win_rate, money_text(g.revenue, currency),
                         round(100 * g.won / c.total.won, 1) if c.total.won else 0)
              for label, g in (("Referrals", c.referral), ("Other channels", c.other))]
    revenue_share = c.referral_revenue_share
    return {"rows": rows, "groups": groups, "share": c.referral_share,
            "revenue_share": revenue_share.get(currency), "other_currencies": sorted(set(revenue_share) - {currency}),
            "warmline_revenue": money_text(c.warmline_revenue, currency),
            "referral_revenue": format_money(c.referral.revenue.get(currency, 0), currency, cents=False),
            "total_revenue": format_money(c.total.revenue.get(currency, 0), currency, cents=False)}
