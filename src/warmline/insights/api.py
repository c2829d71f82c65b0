"""API for insights: metrics for a rep, a team or the workspace; leaderboards; goals; the referral-math planner.

The metrics are those of the dashboard and the CSV export, from the same definitions (`insights.metrics`).
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from warmline.core.choices import Channel
from warmline.insights import dashboard, goals, metrics, planning, queries, services
from warmline.insights.choices import GoalMetric
from warmline.insights.metrics import PERIOD_KINDS, Period, PeriodError, Scope
from warmline.insights.models import Goal
from warmline.network.api import Input, PathId, _text

router = Router(tags=["insights"])

ScopeKey = _text(70)
PeriodKind = Literal[*PERIOD_KINDS]
MetricName = Literal[*GoalMetric.values]


class PeriodParams(Schema):
    scope: ScopeKey = Field("", description="'workspace', 'team:<id>' or 'rep:<id>' (default: your own figures, "
                                            "or your team's if you manage one, or the workspace for admins)")
    period: PeriodKind = Field("week", description="week, month, quarter, year or custom")
    on: datetime.date | None = Field(None, description="A day in the period (default: today)")
    start: datetime.date | None = Field(None, description="First day of a custom period")
    end: datetime.date | None = Field(None, description="Last day of a custom period (inclusive)")


class PeriodOut(Schema):
    kind: str
    start: datetime.date
    end: datetime.date
    label: str


class ScopeOut(Schema):
    key: str
    kind: Literal["rep", "team", "workspace"]
    label: str


class MetricOut(Schema):
    key: str
    label: str
    kind: Literal["activity", "results", "discipline"]
    unit: Literal["count", "share", "money", "days", "hours"]
    value: int | float | dict[str, int] | None = Field(
        description="count: an integer; share: 0 to 1; money: minor units per ISO currency (never added across "
                    "currencies); days and hours: a number; null when there is nothing to divide by")
    definition: str


class MetricsOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    metrics: list[MetricOut]


def _scope_out(scope: Scope) -> ScopeOut:
    return ScopeOut(key=scope.key, kind=scope.kind, label=scope.label)


def _period_out(period: Period) -> PeriodOut:
    return PeriodOut(kind=period.kind, start=period.start, end=period.end, label=period.label)


def _read(request: HttpRequest, params: PeriodParams) -> tuple[Scope, Period]:
    scope = queries.access_scope(request.membership, params.scope)
    try:
        period = Period.parse(params.period, params.on, params.start, params.end)
    except PeriodError as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    return scope, period


@router.get("/insights/metrics", response=MetricsOut,
            summary="Every metric of a rep, a team or the workspace for a period, with its definition")
def get_metrics(request: HttpRequest, params: Query[PeriodParams]):
    scope, period = _read(request, params)
    return MetricsOut(scope=_scope_out(scope), period=_period_out(period), metrics=[
        MetricOut(key=m.key, label=m.label, kind=m.kind, unit=m.unit, value=value, definition=m.definition)
        for m, value in metrics.values(scope, period)])


class RankedOut(Schema):
    rank: int
    name: str
    value: int = Field(description="The count, or for revenue the minor units of `currency`")
    you: bool


class BoardsOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    currency: str
    reps_by_asks: list[RankedOut]
    reps_by_introductions: list[RankedOut]
    reps_by_meetings: list[RankedOut]
    reps_by_revenue: list[RankedOut]
    sources_by_introductions: list[RankedOut]
    sources_by_revenue: list[RankedOut]
    employees_by_introductions: list[RankedOut]


@router.get("/insights/leaderboards", response=BoardsOut,
            summary="Leaderboards: workspace-wide, or a team's private board (its members, manager and admins)")
def get_leaderboards(request: HttpRequest, params: Query[PeriodParams]):
    if params.scope.startswith("rep:"):
        raise ValidationError({"scope": "A board is the workspace's or a team's: use 'workspace' or 'team:<id>'."})
    params.scope = params.scope or "workspace"
    scope, period = _read(request, params)
    m = request.membership
    boards = dashboard.leaderboards(m, scope, period)

    def out(rows):
        return [RankedOut(rank=r.rank, name=r.name, value=r.number, you=r.me) for r in rows]

    return BoardsOut(scope=_scope_out(scope), period=_period_out(period), currency=m.workspace.currency,
                     reps_by_asks=out(boards["asks"]), reps_by_introductions=out(boards["introductions"]),
                     reps_by_meetings=out(boards["meetings"]), reps_by_revenue=out(boards["revenue"]),
                     sources_by_introductions=out(boards["source_introductions"]),
                     sources_by_revenue=out(boards["source_revenue"]), employees_by_introductions=out(boards["employees"]))


class GoalOut(Schema):
    id: str
    metric: MetricName
    period: Literal["week", "quarter"]
    scope: str
    target: int = Field(description="A count, or for revenue minor units of `currency`")
    currency: str
    starts_on: datetime.date


class ProgressOut(Schema):
    metric: MetricName
    period: PeriodOut
    target: int
    actual: int
    currency: str
    expected_by_now: float
    status: Literal["met", "on_track", "behind"]


class GoalsOut(Schema):
    scope: ScopeOut
    goals: list[GoalOut]
    progress: list[ProgressOut]


def _goal_out(goal: Goal) -> GoalOut:
    scope = (f"rep:{goal.membership.public_id}" if goal.membership_id else
             f"team:{goal.team.public_id}" if goal.team_id else "workspace")
    return GoalOut(id=goal.public_id, metric=goal.metric, period=goal.period, scope=scope, target=goal.target,
                   currency=goal.currency, starts_on=goal.starts_on)


class ScopeParams(Schema):
    scope: ScopeKey = Field("", description="'workspace', 'team:<id>' or 'rep:<id>' (default as for metrics)")


@router.get("/insights/goals", response=GoalsOut, summary="The goals in force today for a scope, and progress")
def get_goals(request: HttpRequest, params: Query[ScopeParams]):
    found = queries.access_scope(request.membership, params.scope)
    today = timezone.localdate()
    in_force = goals.goals_in_force(found, today)
    return GoalsOut(
        scope=_scope_out(found),
        goals=[_goal_out(g) for g in in_force.values()],
        progress=[ProgressOut(metric=p.metric, period=_period_out(p.period), target=p.target, actual=p.actual,
                              currency=p.currency, expected_by_now=round(p.expected, 2), status=p.status)
                  for p in goals.progress(found, today)],
    )


class GoalIn(Input):
    scope: ScopeKey = Field(description="'workspace', 'team:<id>' or 'rep:<id>'")
    metric: MetricName
    target: int = Field(description="A count, or for revenue minor units of `currency` (e.g. 5000000 = $50,000)")
    currency: _text(3) = ""
    starts_on: datetime.date | None = Field(None, description="A day of the first week or quarter (default: today)")


@router.post("/insights/goals", response={201: GoalOut},
             summary="Set a goal (managers: their teams and reps; admins: anyone and the workspace)")
def set_goal(request: HttpRequest, payload: GoalIn):
    m = request.membership
    scope = queries.access_scope(m, payload.scope)
    goal = services.set_goal(m, metric=payload.metric, target=payload.target, member=scope.member, team=scope.team,
                             starts_on=payload.starts_on, currency=payload.currency, via=Channel.API)
    return Status(201, _goal_out(Goal.objects.select_related("membership", "team").get(pk=goal.pk)))


@router.delete("/insights/goals/{goal_id}", response={204: None}, summary="Remove a goal")
def delete_goal(request: HttpRequest, goal_id: PathId):
    m = request.membership
    goal = Goal.objects.filter(workspace_id=m.workspace_id, public_id=goal_id).select_related(
        "membership__user", "team").first()
    if goal is None:
        raise queries.NotVisible("No such goal.")
    services.delete_goal(m, goal)
    return Status(204, None)


class RateOut(Schema):
    value: float
    measured: bool = Field(description="False: the method's default of 50 %, for lack of history")
    basis: str


class PlanIn(Input):
    scope: ScopeKey = Field("", description="'workspace' or 'team:<id>' (default: your team, or the workspace)")
    clients: int = Field(ge=1, le=10_000, description="New clients wanted")
    weeks: int = Field(13, ge=1, le=52, description="Over how many weeks")
    window_days: Literal[*planning.WINDOWS] = Field(180, description="Rates measured over the last N days")
    save: bool = Field(False, description="Also save the plan as each rep's weekly goals")


class PlanOut(Schema):
    scope: ScopeOut
    clients: int
    weeks: int
    reps: int
    ask_to_introduction: RateOut
    introduction_to_client: RateOut
    introductions: int
    asks: int
    introductions_per_week: int
    asks_per_week: int
    introductions_per_rep_week: int
    asks_per_rep_week: int
    saved_goals: int


@router.post("/insights/plan", response=PlanOut,
             summary="Referral math: the introductions and asks a target of new clients takes, per week and rep")
def make_plan(request: HttpRequest, payload: PlanIn):
    m = request.membership
    key = payload.scope or queries.default_scope_key(m)
    if key.startswith("rep:"):
        key = "workspace" if not payload.scope else key
    if key.startswith("rep:"):
        raise ValidationError({"scope": "A plan is for a team or the workspace."})
    scope = queries.access_scope(m, key)
    today = timezone.localdate()
    plan, _ = planning.make_plan(scope, clients=payload.clients, weeks=payload.weeks,
                                 window_days=payload.window_days, today=today)
    saved = 0
    if payload.save:
        starts = today + datetime.timedelta(days=7 - today.weekday())
        saved = len(services.save_plan(m, plan, members=queries.members_of_scope(scope, today), team=scope.team,
                                       starts_on=starts, via=Channel.API))

    def rate(r):
        return RateOut(value=r.value, measured=r.measured, basis=r.basis)

    return PlanOut(scope=_scope_out(scope), clients=plan.clients, weeks=plan.weeks, reps=plan.reps,
                   ask_to_introduction=rate(plan.ask_to_intro), introduction_to_client=rate(plan.intro_to_client),
                   introductions=plan.introductions, asks=plan.asks, introductions_per_week=plan.introductions_per_week,
                   asks_per_week=plan.asks_per_week, introductions_per_rep_week=plan.introductions_per_rep_week,
                   asks_per_rep_week=plan.asks_per_rep_week, saved_goals=saved)
