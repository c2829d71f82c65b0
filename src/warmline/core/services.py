"""Every write to tenancy data, one verb each, each owning its transaction.

Emails go out only after the transaction commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from warmline.core.choices import Channel, Role
from warmline.core.models import ApiToken, Invitation, Membership, Team, TeamMember, User, Workspace, hash_secret


def _require_admin(actor: Membership) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins can do this.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_workspace(name: str, slug: str | None = None) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A workspace needs a name."})
    return Workspace.objects.create(name=name, slug=slug or _unique_slug(name))


@dataclass
class AdminCreated:
    user: User
    membership: Membership
    workspace_created: bool
    user_created: bool


@transaction.atomic
def create_admin(email: str, workspace_name: str, password: str, full_name: str = "") -> AdminCreated:
    """Makes EMAIL an admin of the named workspace, creating either as needed.

    An existing user keeps their password unless a new one is given.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    workspace = Workspace.objects.filter(name=workspace_name.strip()).first()
    if workspace is None:
        workspace = Workspace.objects.filter(slug=workspace_name.strip()).first()
    workspace_created = workspace is None
    if workspace is None:
        workspace = create_workspace(workspace_name)
    user = User.objects.filter(email__iexact=email).first()
    user_created = user is None
    if user is None:
        validate_password(password, User(email=email, full_name=full_name))
        user = User.objects.create_user(email, password, full_name=full_name)
    elif password:
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    membership, _ = Membership.objects.update_or_create(
        workspace=workspace,
        user=user,
        defaults={"role": Role.ADMIN, "is_active": True},
        create_defaults={"role": Role.ADMIN, "created_via": Channel.CLI},
    )
    return AdminCreated(user, membership, workspace_created, user_created)


def _check_team(actor: Membership, name: str, manager: Membership | None, members, team: Team | None = None) -> str:
    _require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    same_name = Team.objects.filter(workspace_id=actor.workspace_id, name__iexact=name)
    if team is not None:
        same_name = same_name.exclude(pk=team.pk)
    if same_name.exists():
        raise ValidationError({"name": f"There is already a team called {name!r}."})
    if manager is not None and manager.workspace_id != actor.workspace_id:
        raise ValidationError({"manager": "The manager must belong to this workspace."})
    if any(m.workspace_id != actor.workspace_id for m in members):
        raise ValidationError({"members": "Every member must belong to this workspace."})
    return name


def _set_team_members(actor: Membership, team: Team, members, via: str) -> None:
    wanted = {m.pk for m in members}
    TeamMember.objects.filter(team=team).exclude(membership_id__in=wanted).delete()
    existing = set(TeamMember.objects.filter(team=team).values_list("membership_id", flat=True))
    TeamMember.objects.bulk_create(
        TeamMember(workspace_id=team.workspace_id, team=team, membership_id=pk, created_by=actor.user, created_via=via)
        for pk in wanted - existing
    )


@transaction.atomic
def create_team(
    actor: Membership, name: str, manager: Membership | None = None, members=(), via: str = Channel.UI
) -> Team:
    name = _check_team(actor, name, manager, members)
    team = Team.objects.create(
        workspace_id=actor.workspace_id, name=name, manager=manager, created_by=actor.user, created_via=via
    )
    _set_team_members(actor, team, members, via)
    return team


@transaction.atomic
def update_team(
    actor: Membership, team: Team, name: str, manager: Membership | None, members, via: str = Channel.UI
) -> Team:
    team.name = _check_team(actor, name, manager, members, team)
    team.manager = manager
    team.save(update_fields=["name", "manager"])
    _set_team_members(actor, team, members, via)
    return team


@transaction.atomic
def delete_team(actor: Membership, team: Team) -> None:
    _require_admin(actor)
    team.delete()


@transaction.atomic
def update_member(
    actor: Membership, member: Membership, role: str, title: str, department: str, is_active: bool
) -> Membership:
    """Changes a member's role, title, department or whether they may sign in here."""
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use admin, manager or rep."})
    if member.role == Role.ADMIN and member.is_active and (role != Role.ADMIN or not is_active):
        _keep_one_admin(member)
    member.role, member.title, member.department, member.is_active = role, title.strip(), department.strip(), is_active
    member.save(update_fields=["role", "title", "department", "is_active"])
    return member


@transaction.atomic
def update_profile(user: User, full_name: str) -> User:
    full_name = full_name.strip()
    if not full_name:
        raise ValidationError({"full_name": "Please give your name."})
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def _keep_one_admin(leaving: Membership) -> None:
    others = Membership.objects.filter(workspace_id=leaving.workspace_id, role=Role.ADMIN, is_active=True).exclude(
        pk=leaving.pk
    )
    if not others.exists():
        raise ValidationError({"role": "A workspace must keep at least one active admin."})


@dataclass
class InvitationSent:
    invitation: Invitation
    link: str


@transaction.atomic
def invite_user(
    actor: Membership, email: str, role: str, team: Team | None = None, base_url: str | None = None,
    via: str = Channel.UI,
) -> InvitationSent:
    """Creates an invitation and emails its link once the transaction commits."""
    _require_admin(actor)
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use admin, manager or rep."})
    if team is not None and team.workspace_id != actor.workspace_id:
        raise ValidationError({"team": "The team must belong to this workspace."})
    if Membership.objects.filter(workspace_id=actor.workspace_id, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} is already a member of this workspace."})
    now = timezone.now()
    # A fresh invitation replaces any pending one for the same address.
    Invitation.objects.filter(
        workspace_id=actor.workspace_id, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace_id=actor.workspace_id,
        email=email,
        role=role,
        team=team,
        token_hash=hash_secret(token),
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        created_by=actor.user,
        created_via=via,
    )
    link = (base_url.rstrip("/") if base_url else settings.SITE_URL) + reverse("accept_invitation", args=[token])
    context = {"invitation": invitation, "link": link, "inviter": actor.user, "workspace": actor.workspace}
    subject = f"{actor.user.display_name} invited you to {actor.workspace.name} on Warmline"
    body = render_to_string("emails/invitation.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return InvitationSent(invitation, link)


@transaction.atomic
def revoke_invitation(actor: Membership, invitation: Invitation) -> Invitation:
    _require_admin(actor)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


class InvitationUnusable(Exception):
    """The invitation link can no longer be used; the message says why."""


def invitation_problem(invitation: Invitation, user: User | None) -> str | None:
    """Why this invitation cannot be accepted by this visitor now, or None if it can."""
    status = invitation.status
    if status == "accepted":
        return "This invitation has already been used. Sign in instead."
    if status == "revoked":
        return "This invitation was withdrawn. Ask your admin for a new one."
    if status == "expired":
        return "This invitation has expired. Ask your admin for a new one."
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            return "An account with this email already exists. Sign in to accept the invitation."
    elif user.email.lower() != invitation.email.lower():
        return f"This invitation is for {invitation.email}, but you are signed in as {user.email}."
    return None


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User | None, full_name: str = "", password: str = "") -> Membership:
    """Joins the invited workspace: as the signed-in user, or as a new account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation, user)
    if problem:
        raise InvitationUnusable(problem)
    if user is None:
        if not full_name.strip():
            raise ValidationError({"full_name": "Please give your name."})
        try:
            validate_password(password, User(email=invitation.email, full_name=full_name.strip()))
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
    membership, _ = Membership.objects.update_or_create(
        workspace_id=invitation.workspace_id,
        user=user,
        defaults={"role": invitation.role, "is_active": True},
        create_defaults={"role": invitation.role, "created_by": invitation.created_by},
    )
    if invitation.team_id:
        TeamMember.objects.get_or_create(
            team_id=invitation.team_id, membership=membership, defaults={"workspace_id": invitation.workspace_id}
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@dataclass
class TokenCreated:
    token: ApiToken
    secret: str


@transaction.atomic
def create_api_token(membership: Membership, name: str = "", via: str = Channel.UI) -> TokenCreated:
    """Makes a personal API token. The secret is returned here and never again."""
    name = name.strip() or "API token"
    if len(name) > 100:
        raise ValidationError({"name": "A token name has at most 100 characters."})
    secret = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace_id=membership.workspace_id,
        membership=membership,
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[:8],
        created_by=membership.user,
        created_via=via,
    )
    return TokenCreated(token, secret)


@transaction.atomic
def revoke_api_token(membership: Membership, token: ApiToken) -> ApiToken:
    if token.membership_id != membership.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def touch_token(token: ApiToken) -> None:
    """Records use at most once a minute, so reads stay cheap."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
