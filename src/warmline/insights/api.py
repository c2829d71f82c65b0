"""API for insights: metrics for a rep, a team or the workspace; leaderboards; goals; the referral-math planner.

The metrics are those of the dashboard and the CSV export, from the same definitions (`insights.metrics`).
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from warmline.api.errors import error_response
from warmline.core.choices import Channel
from warmline.insights import channels, dashboard, goals, metrics, planning, queries, services
from warmline.insights.choices import GoalMetric
from warmline.insights.deals import DealImportError, import_deals
from warmline.insights.metrics import PERIOD_KINDS, Period, PeriodError, Scope
from warmline.insights.models import Goal
from warmline.network.api import Input, PathId, Text500, _text
from warmline.network.importing import ImportTooLarge, check_size

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
    goal = queries.visible_goal(m, goal_id)
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


# --- channels ---------------------------------------------------------------------------------------------


class ChannelOut(Schema):
    lead_source: str = Field(description="As the CRM writes it; empty for deals without one, or for a group")
    referral: bool
    won: int
    lost: int
    win_rate: float | None = Field(description="won ÷ (won + lost); null when none closed")
    revenue: dict[str, int] = Field(description="Minor units per currency, never added across currencies")


class ChannelsOut(Schema):
    period: PeriodOut
    has_data: bool = Field(description="False until deals are imported: then there is nothing to compare with")
    deals_imported: int
    lead_sources: list[ChannelOut]
    referrals: ChannelOut
    other_channels: ChannelOut
    total: ChannelOut
    referral_share: float | None = Field(description="Referral-sourced won deals ÷ all won deals in the period")
    warmline_won: int = Field(description="Warmline's own referrals won in the period, for context, never added")
    warmline_revenue: dict[str, int]


class PeriodOnlyParams(Schema):
    period: PeriodKind = Field("quarter", description="week, month, quarter, year or custom")
    on: datetime.date | None = Field(None, description="A day in the period (default: today)")
    start: datetime.date | None = Field(None, description="First day of a custom period")
    end: datetime.date | None = Field(None, description="Last day of a custom period (inclusive)")


def _channel_out(row) -> ChannelOut:
    return ChannelOut(lead_source=row.lead_source, referral=row.is_referral, won=row.won, lost=row.lost,
                      win_rate=row.win_rate, revenue=row.revenue)


@router.get("/insights/channels", response=ChannelsOut,
            summary="Channel comparison: imported CRM deals closed in the period, by lead source, referrals apart")
def get_channels(request: HttpRequest, params: Query[PeriodOnlyParams]):
    try:
        period = Period.parse(params.period, params.on, params.start, params.end)
    except PeriodError as exc:
        raise ValidationError({exc.field: str(exc)}) from None
    c = channels.channel_comparison(request.membership.workspace_id, period.start, period.end)
    return ChannelsOut(period=_period_out(period), has_data=c.has_data, deals_imported=c.deals_imported,
                       lead_sources=[_channel_out(r) for r in c.rows], referrals=_channel_out(c.referral),
                       other_channels=_channel_out(c.other), total=_channel_out(c.total),
                       referral_share=c.referral_share, warmline_won=c.warmline_won,
                       warmline_revenue=c.warmline_revenue)


class LeadSourceImportOut(Schema):
    lead_source: str
    referral: bool
    created: int
    updated: int
    unchanged: int


class DealImportOut(Schema):
    source: Literal["salesforce", "hubspot", "generic"]
    created: int
    updated: int
    unchanged: int
    date_order: str = Field(description="'month/day/year', 'day/month/year', or empty when no date has slashes")
    date_order_assumed: bool = Field(description="True when no date in the file told the order")
    lead_sources: list[LeadSourceImportOut]


REFERRAL_SOURCES = Form([], description="The lead sources that count as referrals, repeated (default: names that "
                                        "mention a referral, an introduction or word of mouth)")
DateOrder = Literal["", "month", "day"]
DATE_ORDER = Form("", description="How to read 03/04/2026 when the file's own dates do not tell: month or day "
                                  "(default: month first, said so in the answer)")


@router.post("/insights/deals", response={200: DealImportOut},
             summary="Import a CRM deals export (multipart CSV) for the channel comparison; admins and managers",
             description="All or nothing: when any row is wrong nothing is written, and the 422 answer lists "
                         "the problems (the first 500) with their line, column and value.")
def post_deals(request: HttpRequest, file: File[UploadedFile],
               referral_sources: list[Text500] = REFERRAL_SOURCES, date_order: DateOrder = DATE_ORDER):
    try:
        check_size(file.size)
    except ImportTooLarge as error:
        return error_response(413, str(error))
    names = [s for s in referral_sources if s.strip()] or None
    try:
        result = import_deals(request.membership, file.read(), filename=file.name or "", referral_sources=names,
                              day_first={"month": False, "day": True}.get(date_order))
    except DealImportError as exc:
        return error_response(422, f"Nothing was imported: {len(exc.problems):,} problem(s) in the file.",
                              [{"field": "file", "message": str(p)} for p in exc.problems[:500]])
    return DealImportOut(source=result.source, created=result.created, updated=result.updated,
                         unchanged=result.unchanged, date_order=result.date_order,
                         date_order_assumed=result.date_order_assumed,
                         lead_sources=[LeadSourceImportOut(lead_source=c.lead_source, referral=c.is_referral,
                                                           created=c.created, updated=c.updated,
                                                           unchanged=c.unchanged) for c in result.by_lead_source])
