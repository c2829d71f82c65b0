"""Reads of tenancy data. Every access_* helper filters by workspace and role
inside the query and raises Http404 otherwise, so another workspace's objects
are indistinguishable from objects that do not exist."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from warmline.core.choices import Role
from warmline.core.models import ApiToken, Invitation, Membership, Team, User, Workspace, hash_secret


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("workspace", "user")
        .order_by("workspace__name")
    )


def membership_in(user: User, workspace_id: int | None) -> Membership | None:
    """The user's membership in the given workspace, or their first one."""
    memberships = memberships_of(user)
    if workspace_id is not None:
        chosen = memberships.filter(workspace_id=workspace_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def access_workspace_switch(user: User, public_id: str) -> Membership:
    membership = memberships_of(user).filter(workspace__public_id=public_id).first()
    if membership is None:
        raise Http404("No such workspace.")
    return membership


def visible_memberships(viewer: Membership) -> QuerySet[Membership]:
    """Whose activity the viewer may see: admins everyone, managers their teams, reps themselves."""
    qs = Membership.objects.filter(workspace_id=viewer.workspace_id)
    if viewer.role == Role.ADMIN:
        return qs
    if viewer.role == Role.MANAGER:
        return qs.filter(Q(pk=viewer.pk) | Q(teams__manager=viewer)).distinct()
    return qs.filter(pk=viewer.pk)


def members_for(viewer: Membership) -> QuerySet[Membership]:
    """The workspace directory: every member sees colleagues' names, roles and teams."""
    return (
        Membership.objects.filter(workspace_id=viewer.workspace_id)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("id", "name", "public_id")))
        .order_by("-is_active", "user__full_name", "user__email")
    )


def access_member(viewer: Membership, public_id: str) -> Membership:
    try:
        return members_for(viewer).get(public_id=public_id)
    except Membership.DoesNotExist:
        raise Http404("No such member.") from None


def teams_for(viewer: Membership) -> QuerySet[Team]:
    return (
        Team.objects.filter(workspace_id=viewer.workspace_id)
        .select_related("manager__user")
        .annotate(member_count=Count("team_members"))
        .order_by("name")
    )


def access_team(viewer: Membership, public_id: str) -> Team:
    try:
        return teams_for(viewer).get(public_id=public_id)
    except Team.DoesNotExist:
        raise Http404("No such team.") from None


def teams_of(viewer: Membership) -> QuerySet[Team]:
    """The teams the viewer manages or belongs to."""
    return (
        Team.objects.filter(workspace_id=viewer.workspace_id)
        .filter(Q(manager=viewer) | Q(team_members__membership=viewer))
        .select_related("manager__user")
        .distinct()
        .order_by("name")
    )


def team_candidates(viewer: Membership, team: Team | None = None) -> dict[str, QuerySet[Membership]]:
    """Who may be picked as a team's manager and members: active managers or
    admins, and active members; plus whoever is on the team now, so saving the
    form never drops someone silently."""
    nobody = Q(pk__in=[])
    current_manager = Q(managed_teams=team) if team is not None else nobody
    current_members = Q(team_members__team=team) if team is not None else nobody
    people = members_for(viewer)
    return {
        "manager": people.filter(Q(is_active=True, role__in=[Role.ADMIN, Role.MANAGER]) | current_manager).distinct(),
        "members": people.filter(Q(is_active=True) | current_members).distinct(),
    }


def team_members(team: Team) -> QuerySet[Membership]:
    return team.members.select_related("user").order_by("user__full_name", "user__email")


def require_admin(viewer: Membership) -> None:
    if viewer.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins can manage this.")


def invitations_for(viewer: Membership) -> QuerySet[Invitation]:
    """Invitations are the admins' business: anyone else is refused."""
    require_admin(viewer)
    return Invitation.objects.filter(workspace_id=viewer.workspace_id).select_related("created_by", "team")


def pending_invitation_count(viewer: Membership) -> int | None:
    """Open invitations, for admins; None for roles that do not manage them."""
    if viewer.role != Role.ADMIN:
        return None
    return invitations_for(viewer).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def access_invitation(viewer: Membership, public_id: str) -> Invitation:
    """Another workspace's invitation is not found (404), whoever asks."""
    try:
        return Invitation.objects.select_related("created_by", "team").get(
            workspace_id=viewer.workspace_id, public_id=public_id
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link points at, whatever its state (the view explains expiry)."""
    try:
        return Invitation.objects.select_related("workspace", "team").get(token_hash=hash_secret(token))
    except Invitation.DoesNotExist:
        raise Http404("This invitation link is not valid.") from None


def tokens_for(viewer: Membership) -> QuerySet[ApiToken]:
    """A user sees and revokes their own tokens in the current workspace."""
    return ApiToken.objects.filter(workspace_id=viewer.workspace_id, membership=viewer)


def access_token(viewer: Membership, public_id: str) -> ApiToken:
    try:
        return tokens_for(viewer).get(public_id=public_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None


def membership_for_token(secret: str) -> tuple[ApiToken, Membership] | None:
    """The active token and membership a bearer secret stands for, if any."""
    token = (
        ApiToken.objects.select_related("membership__user", "membership__workspace")
        .filter(
            token_hash=hash_secret(secret),
            revoked_at__isnull=True,
            membership__is_active=True,
            membership__user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    return token, token.membership


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def tokens_of_user(user: User) -> QuerySet[ApiToken]:
    """Every token of a user, across workspaces (for the operator's CLI)."""
    return ApiToken.objects.filter(membership__user=user).select_related("workspace")


def token_by_id(public_id: str) -> ApiToken | None:
    return ApiToken.objects.select_related("membership").filter(public_id=public_id).first()


def workspace_tables() -> list:
    """Every model with a workspace column, so tables added later are counted too."""
    found = [m for m in apps.get_models() if any(f.name == "workspace" for f in m._meta.concrete_fields)]
    return sorted(found, key=lambda m: m._meta.db_table)


def _table_key(model) -> str:
    return str(model._meta.verbose_name_plural).replace(" ", "_")


def workspace_stats(slug: str | None = None) -> list[dict]:
    """Row counts of every workspace table, per workspace, and what each app's `stats` module adds."""
    workspaces = Workspace.objects.order_by("slug")
    if slug is not None:
        workspaces = workspaces.filter(slug=slug)
    tables = workspace_tables()
    extras = _app_stats()
    return [
        {
            "slug": ws.slug,
            "name": ws.name,
            "id": ws.public_id,
            "counts": {_table_key(m): m.objects.filter(workspace=ws).count() for m in tables},
            **{key: value for extra in extras for key, value in extra(ws).items()},
        }
        for ws in workspaces
    ]


def _app_stats() -> list:
    """Each installed app may add figures with a `stats.workspace_stats(workspace) -> dict` function."""
    found = []
    for config in apps.get_app_configs():
        if find_spec(f"{config.name}.stats") is not None:
            found.append(import_module(f"{config.name}.stats").workspace_stats)
    return found
