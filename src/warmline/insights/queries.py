"""Reads for the insights pages and API, with who may see which figures.

- Everyone sees the workspace-wide figures and boards, and their own figures.
- A team's figures and its private board: its members, its manager, admins.
- A rep's own figures: the rep, the managers of the teams they are on, admins.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from warmline.core.choices import Role
from warmline.core.models import Membership, Team
from warmline.insights.metrics import Scope


class NotVisible(Http404):
    """The scope does not exist, or the viewer may not see it (the two look the same)."""


def visible_teams(viewer: Membership) -> QuerySet[Team]:
    """Teams whose figures and private board the viewer sees. Cached on the viewer."""
    teams = Team.objects.filter(workspace_id=viewer.workspace_id).select_related("manager__user").order_by("name")
    if viewer.role != Role.ADMIN:
        teams = teams.filter(Q(manager=viewer) | Q(team_members__membership=viewer)).distinct()
    return teams


def coached_members(viewer: Membership) -> QuerySet[Membership]:
    """Reps whose own figures the viewer sees: themselves, and the members of the teams they manage (all for an
    admin)."""
    members = Membership.objects.filter(workspace_id=viewer.workspace_id, is_active=True).select_related("user")
    if viewer.role == Role.ADMIN:
        return members.filter(Q(teams__isnull=False) | Q(pk=viewer.pk)).distinct().order_by("user__full_name", "pk")
    return members.filter(Q(pk=viewer.pk) | Q(teams__manager=viewer)).distinct().order_by("user__full_name", "pk")


@dataclass(frozen=True)
class ScopeOption:
    key: str
    label: str
    group: str


def scope_options(viewer: Membership) -> list[ScopeOption]:
    options = [ScopeOption("workspace", "Whole workspace", "Workspace")]
    options += [ScopeOption(f"team:{t.public_id}", t.name, "Teams") for t in visible_teams(viewer)]
    options += [ScopeOption(f"rep:{m.public_id}", "Me" if m.pk == viewer.pk else m.user.display_name, "Reps")
                for m in coached_members(viewer)]
    return options


def default_scope_key(viewer: Membership) -> str:
    if viewer.role == Role.ADMIN:
        return "workspace"
    managed = Team.objects.filter(workspace_id=viewer.workspace_id, manager=viewer).order_by("name").first()
    if managed is not None:
        return f"team:{managed.public_id}"
    return f"rep:{viewer.public_id}"


def access_scope(viewer: Membership, key: str | None) -> Scope:
    """The scope named by `key` ('workspace', 'team:<id>', 'rep:<id>'), if the viewer may see it."""
    key = (key or "").strip() or default_scope_key(viewer)
    kind, _, public_id = key.partition(":")
    if kind == "workspace" and not public_id:
        return Scope.of_workspace(viewer.workspace_id)
    if kind == "team" and public_id:
        team = visible_teams(viewer).filter(public_id=public_id).first()
        if team is not None:
            return Scope.of_team(team)
    elif kind == "rep" and public_id:
        member = coached_members(viewer).filter(public_id=public_id).first()
        if member is None and viewer.role == Role.ADMIN:
            member = Membership.objects.filter(workspace_id=viewer.workspace_id, public_id=public_id).select_related(
                "user").first()
        if member is not None:
            return Scope.of_rep(member)
    raise NotVisible(f"No figures for '{key}' that you can see: use 'workspace', or a team or rep of yours.")


def can_coach(viewer: Membership, scope: Scope) -> bool:
    """Whether the viewer sees the rep-by-rep coaching view of the scope: admins, and a team's manager."""
    if viewer.role == Role.ADMIN:
        return scope.kind != "rep"
    return scope.kind == "team" and scope.team.manager_id == viewer.pk


def can_set_goals(viewer: Membership) -> bool:
    return viewer.role in (Role.ADMIN, Role.MANAGER)


def members_of_scope(scope: Scope, day) -> list[Membership]:
    """The reps in the scope on `day` (for the workspace: everyone on a team)."""
    ids = scope.member_ids_on(day)
    members = Membership.objects.filter(workspace_id=scope.workspace_id, is_active=True).select_related("user")
    if ids is None:
        members = members.filter(Q(teams__isnull=False)).distinct()
    else:
        members = members.filter(pk__in=ids)
    return list(members.order_by("user__full_name", "pk"))


def member_names(workspace_id: int, ids) -> dict[int, Membership]:
    return {m.pk: m for m in Membership.objects.filter(workspace_id=workspace_id, pk__in=set(ids))
            .select_related("user")}


def visible_goal(viewer: Membership, goal_id: str):
    """The goal with this id if the viewer may see its rep, team or workspace; else NotVisible (a 404: another
    team's goals are not revealed)."""
    from warmline.insights.models import Goal

    goal = Goal.objects.filter(workspace_id=viewer.workspace_id, public_id=goal_id).select_related(
        "membership__user", "team").first()
    if goal is None:
        raise NotVisible("No such goal.")
    key = (f"rep:{goal.membership.public_id}" if goal.membership_id else
           f"team:{goal.team.public_id}" if goal.team_id else "workspace")
    if goal.membership_id != viewer.pk:
        access_scope(viewer, key)  # raises NotVisible
    return goal
