"""Goals and progress against them: which goal is in force, how far along a scope is, who is behind."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from warmline.core.models import Membership
from warmline.insights import metrics
from warmline.insights.choices import PERIOD_OF, GoalMetric, GoalPeriod
from warmline.insights.metrics import Period, Scope, Totals
from warmline.insights.models import Goal

# What counts towards each goal, from a scope's totals.
ACTUAL = {
    GoalMetric.ASKS: lambda t, currency: t.asks,
    GoalMetric.INTRODUCTIONS: lambda t, currency: t.introductions,
    GoalMetric.MEETINGS: lambda t, currency: t.meetings_scheduled,
    GoalMetric.NEW_CLIENTS: lambda t, currency: t.won,
    GoalMetric.REVENUE: lambda t, currency: t.revenue.get(currency, [0, 0])[1],
}
TREND_WEEKS = 8
WORKING_DAYS = 5


def period_of(metric: str, day: datetime.date) -> Period:
    return Period.week(day) if PERIOD_OF[metric] == GoalPeriod.WEEK else Period.quarter(day)


def _scope_filter(scope: Scope) -> Q:
    if scope.kind == "rep":
        return Q(membership=scope.member)
    if scope.kind == "team":
        return Q(team=scope.team)
    return Q(membership__isnull=True, team__isnull=True)


def goals_in_force(scope: Scope, day: datetime.date) -> dict[str, Goal]:
    """Each metric's goal for the scope in the week or quarter containing `day`: the latest that started by then."""
    found: dict[str, Goal] = {}
    rows = Goal.objects.filter(_scope_filter(scope), workspace_id=scope.workspace_id,
                               starts_on__lte=Period.quarter(day).end).order_by("-starts_on", "-id")
    for goal in rows:
        if goal.metric not in found and goal.starts_on <= period_of(goal.metric, day).start:
            found[goal.metric] = goal
    return found


def upcoming(scope: Scope, day: datetime.date) -> list[Goal]:
    """The scope's goals that start after the week or quarter containing `day`, soonest first (a saved plan's
    goals start next Monday)."""
    rows = Goal.objects.filter(_scope_filter(scope), workspace_id=scope.workspace_id,
                               starts_on__gt=Period.week(day).start).order_by("starts_on", "metric", "id")
    return [g for g in rows if g.starts_on > period_of(g.metric, day).start]


def history(scope: Scope, metric: str, weeks: list[datetime.date]) -> dict[datetime.date, int | None]:
    """The weekly goal in force in each of `weeks` (None where there was none). A team or the workspace without a
    goal of its own that week has its reps' goals added up (`summed`). Two queries."""
    rows = list(Goal.objects.filter(_scope_filter(scope), workspace_id=scope.workspace_id, metric=metric,
                                    starts_on__lte=weeks[-1]).order_by("starts_on", "id")
                .values_list("starts_on", "target"))
    result = {}
    for week in weeks:
        current = [target for starts, target in rows if starts <= week]
        result[week] = current[-1] if current else None
    if scope.kind != "rep" and any(goal is None for goal in result.values()):
        added = summed(scope, metric, weeks)
        result = {week: added[week] if goal is None else goal for week, goal in result.items()}
    return result


def summed(scope: Scope, metric: str, weeks: list[datetime.date]) -> dict[datetime.date, int | None]:
    """For a team or the workspace, each week's weekly goals of the reps in it that week, added up (None when no
    rep in it had one), in one query: what a manager who sets only their reps' goals expects the team's to be."""
    rows = Goal.objects.filter(workspace_id=scope.workspace_id, membership__isnull=False, metric=metric,
                               starts_on__lte=weeks[-1])
    if scope.kind == "team":
        rows = rows.filter(membership_id__in=sorted({member for member, _, _ in scope.spells}))
    by_member: dict[int, list[tuple[datetime.date, int]]] = {}
    for member_id, starts_on, target in rows.order_by("membership_id", "starts_on", "id").values_list(
            "membership_id", "starts_on", "target"):
        by_member.setdefault(member_id, []).append((starts_on, target))
    result: dict[datetime.date, int | None] = {}
    for week in weeks:
        in_scope = scope.member_ids_on(week)
        total = None
        for member_id, goals in by_member.items():
            if in_scope is not None and member_id not in in_scope:
                continue
            current = [target for starts, target in goals if starts <= week]
            if current:
                total = (total or 0) + current[-1]
        result[week] = total
    return result


def weekly_goals(members: list[Membership], day: datetime.date) -> dict[int, dict[str, int]]:
    """Each rep's weekly goals in force on `day`, in one query: member id -> metric -> target."""
    week = Period.week(day).start
    result: dict[int, dict[str, int]] = {m.pk: {} for m in members}
    rows = (Goal.objects.filter(membership__in=members, period=GoalPeriod.WEEK, starts_on__lte=week)
            .order_by("membership_id", "metric", "-starts_on", "-id").values_list("membership_id", "metric", "target"))
    for member_id, metric, target in rows:
        result[member_id].setdefault(metric, target)
    return result


def weekly_ask_goal(member: Membership, day: datetime.date | None = None, default: int = 5) -> int:
    """The rep's weekly goal for people asked, or the method's default when none is set."""
    from django.utils import timezone

    return weekly_goals([member], day or timezone.localdate())[member.pk].get(GoalMetric.ASKS, default)


@dataclass
class Progress:
    metric: str
    label: str
    period: Period
    target: int
    actual: int
    currency: str
    # The share of the period's working days gone by (1 for a past period).
    elapsed: float
    # True: the scope has no goal of its own; this is its reps' weekly goals added up.
    summed: bool = False

    @property
    def share(self) -> float:
        return self.actual / self.target if self.target else 1.0

    @property
    def expected(self) -> float:
        return self.target * self.elapsed

    @property
    def status(self) -> str:
        """'met' once the target is reached; 'behind' when below the pace of the days gone by; else 'on_track'."""
        if self.actual >= self.target:
            return "met"
        return "behind" if self.actual < int(self.expected) else "on_track"


def elapsed(period: Period, today: datetime.date) -> float:
    """The share of the period gone by, counting working days (Monday to Friday) up to and including today."""
    if today > period.end:
        return 1.0
    if today < period.start:
        return 0.0
    working = [period.start + datetime.timedelta(days=i) for i in range(period.days)]
    working = [d for d in working if d.weekday() < WORKING_DAYS] or working
    gone = sum(1 for d in working if d <= today)
    return gone / len(working)


def progress(scope: Scope, today: datetime.date, known: dict[Period, Totals] | None = None) -> list[Progress]:
    """The scope's progress against each goal in force today, this week or this quarter. `known`: totals the
    caller already has, by period, so they are not read twice."""
    goals = goals_in_force(scope, today)
    result = []
    totals_of: dict[Period, Totals] = dict(known or {})
    week = Period.week(today).start
    for metric in GoalMetric.values:
        goal = goals.get(metric)
        target, currency, added = (goal.target, goal.currency, False) if goal else (None, "", False)
        if goal is None and scope.kind != "rep" and PERIOD_OF[metric] == GoalPeriod.WEEK:
            target, added = summed(scope, metric, [week])[week], True
        if target is None:
            continue
        period = period_of(metric, today)
        if period not in totals_of:
            totals_of[period] = metrics.totals(scope, period)
        actual = ACTUAL[metric](totals_of[period], currency)
        result.append(Progress(metric, GoalMetric(metric).label, period, target, actual, currency,
                               elapsed(period, today), summed=added))
    return result


@dataclass
class CoachingRow:
    member: Membership
    cells: list[Progress | None]  # per weekly metric; None when the rep has no goal for it

    @property
    def behind(self) -> list[Progress]:
        return [c for c in self.cells if c is not None and c.status == "behind"]

    @property
    def status(self) -> str:
        cells = [c for c in self.cells if c is not None]
        if not cells:
            return "no_goals"
        if any(c.status == "behind" for c in cells):
            return "behind"
        return "ahead" if all(c.status == "met" for c in cells) else "on_track"


def coaching(scope: Scope, today: datetime.date, members: list[Membership]) -> list[CoachingRow]:
    """This week, rep by rep: each weekly activity against the rep's goal; behind first, then on track, then
    ahead (every goal met). Three queries for any number of reps."""
    week = Period.week(today)
    per = metrics.per_member(scope, week)
    goals = weekly_goals(members, today)
    share = elapsed(week, today)
    rows = []
    for member in members:
        t = per.get(member.pk, Totals())
        cells = []
        for metric in (GoalMetric.ASKS, GoalMetric.INTRODUCTIONS, GoalMetric.MEETINGS):
            target = goals[member.pk].get(metric)
            cells.append(None if target is None else Progress(
                metric, GoalMetric(metric).label, week, target, ACTUAL[metric](t, ""), "", share))
        rows.append(CoachingRow(member, cells))
    order = {"behind": 0, "on_track": 1, "ahead": 2, "no_goals": 3}
    rows.sort(key=lambda r: (order[r.status], -len(r.behind), r.member.user.display_name.lower()))
    return rows
