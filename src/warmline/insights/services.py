"""Every write of the insights: goals, and a plan saved as goals."""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from warmline.core.choices import Channel, Role
from warmline.core.models import Membership, Team
from warmline.core.money import MAX_MINOR, MoneyError, check_currency
from warmline.insights import queries
from warmline.insights.choices import PERIOD_OF, GoalMetric
from warmline.insights.goals import period_of
from warmline.insights.models import Goal
from warmline.insights.referral_math import Plan

MAX_COUNT_TARGET = 100_000


def _require_goal_setter(actor: Membership, member: Membership | None, team: Team | None) -> None:
    if actor.role == Role.REP:
        raise PermissionDenied("Managers and admins set goals.")
    for obj in (member, team):
        if obj is not None and obj.workspace_id != actor.workspace_id:
            raise ValidationError({"scope": "That rep or team is not in this workspace."})
    if actor.role == Role.MANAGER:
        if team is not None and team.manager_id != actor.pk:
            raise PermissionDenied(f"You do not manage {team.name}.")
        if member is not None and not queries.coached_members(actor).filter(pk=member.pk).exists():
            raise PermissionDenied(f"{member.user.display_name} is not on a team you manage.")
        if member is None and team is None:
            raise PermissionDenied("Admins set the workspace's goals.")


@transaction.atomic
def set_goal(actor: Membership, *, metric: str, target, member: Membership | None = None, team: Team | None = None,
             starts_on: datetime.date | None = None, currency: str = "", via: str = Channel.UI, at=None) -> Goal:
    """Set a goal for a rep, a team, or the workspace (neither), from the week or quarter containing `starts_on`
    (this one by default). A goal for the same scope, metric and start replaces the target."""
    now = at or timezone.now()
    if member is not None and team is not None:
        raise ValidationError({"scope": "A goal is for a rep or a team, not both."})
    _require_goal_setter(actor, member, team)
    errors = {}
    if metric not in GoalMetric.values:
        errors["metric"] = f"'{metric}' is not a goal: use {', '.join(GoalMetric.values)}."
    limit = MAX_MINOR if metric == GoalMetric.REVENUE else MAX_COUNT_TARGET
    if isinstance(target, bool) or not isinstance(target, int):
        errors["target"] = f"'{target}' is not a whole number."
    elif not 0 <= target <= limit:
        errors["target"] = f"A target is between 0 and {limit:,}; {target:,} is not."
    if metric == GoalMetric.REVENUE:
        try:
            currency = check_currency(currency or actor.workspace.currency)
        except MoneyError as exc:
            errors["currency"] = str(exc)
    else:
        currency = ""
    if errors:
        raise ValidationError(errors)
    start = period_of(metric, starts_on or timezone.localdate(now)).start
    goal, created = Goal.objects.select_for_update().get_or_create(
        workspace_id=actor.workspace_id, metric=metric, membership=member, team=team, starts_on=start,
        defaults={"period": PERIOD_OF[metric], "target": target, "currency": currency, "created_by": actor.user,
                  "created_via": via, "created_at": now},
    )
    if not created:
        goal.target, goal.currency = target, currency
        goal.save(update_fields=["target", "currency", "updated_at"])
    return goal


@transaction.atomic
def delete_goal(actor: Membership, goal: Goal) -> None:
    _require_goal_setter(actor, goal.membership, goal.team)
    goal.delete()


@transaction.atomic
def save_plan(actor: Membership, plan: Plan, *, members: list[Membership], team: Team | None,
              starts_on: datetime.date, via: str = Channel.UI, at=None) -> list[Goal]:
    """Save a plan as goals: each rep's weekly asks and introductions, and the team's (or the workspace's)
    new clients per quarter when the plan covers at least one (a longer plan's pace: clients × 13 ÷ weeks)."""
    saved = [set_goal(actor, metric=GoalMetric.ASKS, target=plan.asks_per_rep_week, member=m, starts_on=starts_on,
                      via=via, at=at) for m in members]
    saved += [set_goal(actor, metric=GoalMetric.INTRODUCTIONS, target=plan.introductions_per_rep_week, member=m,
                       starts_on=starts_on, via=via, at=at) for m in members]
    if plan.weeks >= 12 and (team is not None or actor.role == Role.ADMIN):
        per_quarter = plan.clients if plan.weeks <= 13 else math.ceil(plan.clients * 13 / plan.weeks)
        saved.append(set_goal(actor, metric=GoalMetric.NEW_CLIENTS, target=per_quarter, team=team,
                              starts_on=starts_on, via=via, at=at))
    return saved
