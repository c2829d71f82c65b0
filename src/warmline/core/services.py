"""Every write to tenancy data, one verb each, each owning its transaction.

Emails go out only after the transaction commits.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from warmline.core.choices import Channel, Role
from warmline.core.models import (
    ApiToken,
    Invitation,
    Membership,
    Team,
    TeamMember,
    TeamSpell,
    User,
    Workspace,
    hash_secret,
)

logger = logging.getLogger(__name__)


def _require_admin(actor: Membership, *objects) -> None:
    """Only an admin may act, and only on objects of their own workspace."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied("Only workspace admins can do this.")
    if any(obj is not None and obj.workspace_id != actor.workspace_id for obj in objects):
        raise PermissionDenied("That belongs to another workspace.")


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
    named = list(Workspace.objects.filter(name=workspace_name.strip())[:2])
    if len(named) > 1:
        raise ValidationError(
            {"workspace": f"Several workspaces are called {workspace_name!r}; give the slug of the one you mean."}
        )
    workspace = named[0] if named else Workspace.objects.filter(slug=workspace_name.strip()).first()
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
    _require_admin(actor, team)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    same_name = Team.objects.filter(workspace_id=actor.workspace_id, name__iexact=name)
    if team is not None:
        same_name = same_name.exclude(pk=team.pk)
    if same_name.exists():
        raise _name_taken(name)
    if manager is not None and manager.workspace_id != actor.workspace_id:
        raise ValidationError({"manager": "The manager must belong to this workspace."})
    # A new manager must be able to manage; keeping the current one (even if
    # since deactivated) must not stop the rest of the team from being saved.
    keeps_manager = team is not None and manager is not None and manager.pk == team.manager_id
    if manager is not None and not keeps_manager and (not manager.is_active or manager.role == Role.REP):
        raise ValidationError({"manager": f"{manager.user.display_name} cannot manage a team: make them a manager first."})
    if any(m.workspace_id != actor.workspace_id for m in members):
        raise ValidationError({"members": "Every member must belong to this workspace."})
    return name


def _name_taken(name: str) -> ValidationError:
    return ValidationError({"name": f"There is already a team called {name!r}."})


def _set_team_members(actor: Membership, team: Team, members, via: str) -> None:
    wanted = {m.pk for m in members}
    TeamMember.objects.filter(team=team).exclude(membership_id__in=wanted).delete()
    existing = set(TeamMember.objects.filter(team=team).values_list("membership_id", flat=True))
    TeamMember.objects.bulk_create(
        TeamMember(workspace_id=team.workspace_id, team=team, membership_id=pk, created_by=actor.user, created_via=via)
        for pk in wanted - existing
    )
    record_spells(team, joined=wanted - existing, left=None, keep=wanted)


def record_spells(team: Team, *, joined, left=None, keep=None, today: date | None = None) -> None:
    """Keep the team's history: open a spell for each member who `joined`, close the spells of those who `left`
    (or, given `keep`, of everyone not kept). A member's first spell on any team reaches back to the start, so
    their earlier work counts for their first team; later moves start on the day they happen."""
    today = today or timezone.localdate()
    open_spells = TeamSpell.objects.filter(team=team, left_on__isnull=True)
    if keep is not None:
        open_spells.exclude(membership_id__in=keep).update(left_on=today)
    elif left:
        open_spells.filter(membership_id__in=left).update(left_on=today)
    joined = set(joined) - set(open_spells.filter(membership_id__in=joined).values_list("membership_id", flat=True))
    if not joined:
        return
    seen = set(TeamSpell.objects.filter(membership_id__in=joined).values_list("membership_id", flat=True))
    TeamSpell.objects.bulk_create(
        TeamSpell(workspace_id=team.workspace_id, team=team, membership_id=pk, joined_on=today if pk in seen else None)
        for pk in sorted(joined)
    )


@transaction.atomic
def create_team(
    actor: Membership, name: str, manager: Membership | None = None, members=(), via: str = Channel.UI
) -> Team:
    name = _check_team(actor, name, manager, members)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                workspace_id=actor.workspace_id, name=name, manager=manager, created_by=actor.user, created_via=via
            )
    except IntegrityError:  # another request created the same name just now
        raise _name_taken(name) from None
    _set_team_members(actor, team, members, via)
    return team


@transaction.atomic
def update_team(
    actor: Membership, team: Team, name: str, manager: Membership | None, members, via: str = Channel.UI
) -> Team:
    team.name = _check_team(actor, name, manager, members, team)
    team.manager = manager
    try:
        with transaction.atomic():
            team.save(update_fields=["name", "manager"])
    except IntegrityError:
        raise _name_taken(team.name) from None
    _set_team_members(actor, team, members, via)
    return team


@transaction.atomic
def delete_team(actor: Membership, team: Team) -> None:
    _require_admin(actor, team)
    team.delete()


@transaction.atomic
def update_member(
    actor: Membership, member: Membership, role: str, title: str, department: str, is_active: bool
) -> Membership:
    """Changes a member's role, title, department or whether they may sign in here."""
    _require_admin(actor, member)
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
    # Lock the workspace row, so two admins demoting each other at the same
    # time are serialised and the second sees the first one's change.
    Workspace.objects.select_for_update().filter(pk=leaving.workspace_id).first()
    others = Membership.objects.filter(workspace_id=leaving.workspace_id, role=Role.ADMIN, is_active=True).exclude(
        pk=leaving.pk
    )
    if not others.exists():
        raise ValidationError({"role": "A workspace must keep at least one active admin."})


@dataclass
class InvitationSent:
    invitation: Invitation
    link: str


def _invitation_link(token: str, base_url: str | None) -> str:
    return (base_url.rstrip("/") if base_url else settings.SITE_URL) + reverse("open_invitation", args=[token])


def _send_invitation_email(invitation: Invitation, link: str, inviter: User) -> None:
    """Sends the invitation once its row is committed and records the outcome,
    so the admin sees a failed delivery and can resend."""
    context = {"invitation": invitation, "link": link, "inviter": inviter, "workspace": invitation.workspace}
    subject = f"{inviter.display_name} invited you to {invitation.workspace.name} on Warmline"
    body = render_to_string("emails/invitation.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception as exc:  # any transport failure: SMTP, DNS, TLS, timeouts
        logger.warning("Invitation email to %s failed: %s", invitation.email, exc)
        error = f"{type(exc).__name__}: {exc}"[:300]
        Invitation.objects.filter(pk=invitation.pk).update(email_error=error, email_sent_at=None)
        invitation.email_error, invitation.email_sent_at = error, None
    else:
        now = timezone.now()
        Invitation.objects.filter(pk=invitation.pk).update(email_sent_at=now, email_error="")
        invitation.email_sent_at, invitation.email_error = now, ""


def _issue_invitation(invitation: Invitation, actor: Membership, base_url: str | None) -> InvitationSent:
    """Gives the invitation a fresh secret and expiry, and mails it after commit."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_secret(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation.email_sent_at, invitation.email_error = None, ""
    invitation.save()
    link = _invitation_link(token, base_url)
    transaction.on_commit(lambda: _send_invitation_email(invitation, link, actor.user))
    return InvitationSent(invitation, link)


@transaction.atomic
def invite_user(
    actor: Membership, email: str, role: str, team: Team | None = None, base_url: str | None = None,
    via: str = Channel.UI,
) -> InvitationSent:
    """Creates an invitation and emails its link once the transaction commits.

    The link goes only to the invitee: it is not returned to the API, so an
    admin cannot open an account for an address they do not own.
    """
    _require_admin(actor, team)
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"{email!r} is not a valid email address."}) from None
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use admin, manager or rep."})
    if Membership.objects.filter(workspace_id=actor.workspace_id, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} is already a member of this workspace."})
    # A fresh invitation replaces any open one for the same address.
    Invitation.objects.filter(
        workspace_id=actor.workspace_id, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation(
        workspace_id=actor.workspace_id, email=email, role=role, team=team, created_by=actor.user, created_via=via
    )
    try:
        with transaction.atomic():
            return _issue_invitation(invitation, actor, base_url)
    except IntegrityError:  # a concurrent request invited the same address
        raise ValidationError({"email": f"{email} was invited a moment ago; see the list below."}) from None


@transaction.atomic
def resend_invitation(actor: Membership, invitation: Invitation, base_url: str | None = None) -> InvitationSent:
    """Sends a new link (the old one stops working) with a fresh expiry."""
    _require_admin(actor, invitation)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError({"invitation": f"This invitation is {invitation.status}; invite {invitation.email} again instead."})
    return _issue_invitation(invitation, actor, base_url)


@transaction.atomic
def revoke_invitation(actor: Membership, invitation: Invitation) -> Invitation:
    _require_admin(actor, invitation)
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
    elif Membership.objects.filter(workspace_id=invitation.workspace_id, user=user, is_active=True).exists():
        return f"You are already a member of {invitation.workspace.name}."
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
        _, joined = TeamMember.objects.get_or_create(
            team_id=invitation.team_id,
            membership=membership,
            defaults={"workspace_id": invitation.workspace_id, "created_by": invitation.created_by},
        )
        if joined:
            record_spells(invitation.team, joined={membership.pk})
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
