"""API for the caller, workspace members, teams, invitations and personal tokens."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from warmline.core import queries, services
from warmline.core.choices import Channel, Role
from warmline.core.models import ApiToken, Invitation, Membership, Team

router = Router(tags=["workspace"])


def _field_ref(access, request: HttpRequest, field: str, public_id: str | None):
    """Resolves an id given in a request body; an unknown one is a bad field (422), not a missing route (404)."""
    if not public_id:
        return None
    try:
        return access(request.membership, public_id)
    except Http404:
        raise ValidationError({field: f"No such object in this workspace: {public_id!r}."}) from None


class WorkspaceOut(Schema):
    id: str
    name: str
    slug: str

    @staticmethod
    def build(w) -> WorkspaceOut:
        return WorkspaceOut(id=w.public_id, name=w.name, slug=w.slug)


class UserOut(Schema):
    id: str
    email: str
    full_name: str


class MemberOut(Schema):
    id: str
    email: str
    full_name: str
    role: Role
    title: str
    department: str
    is_active: bool
    teams: list[str]

    @staticmethod
    def build(m: Membership) -> MemberOut:
        return MemberOut(
            id=m.public_id,
            email=m.user.email,
            full_name=m.user.full_name,
            role=m.role,
            title=m.title,
            department=m.department,
            is_active=m.is_active,
            teams=[t.public_id for t in m.teams.all()],
        )


class MeOut(Schema):
    user: UserOut
    workspace: WorkspaceOut
    role: Role
    membership_id: str
    workspaces: list[WorkspaceOut]
    auth: str


class TeamOut(Schema):
    id: str
    name: str
    manager_id: str | None
    member_count: int

    @staticmethod
    def build(t: Team) -> TeamOut:
        return TeamOut(
            id=t.public_id,
            name=t.name,
            manager_id=t.manager.public_id if t.manager else None,
            member_count=getattr(t, "member_count", 0),
        )


class TeamDetailOut(TeamOut):
    members: list[MemberOut]


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    manager_id: str | None = None


class InvitationIn(Schema):
    email: str = Field(max_length=254)

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        # The same rule as the service, checked here too so that every bad
        # field of the body is reported at once.
        try:
            validate_email(value.strip())
        except ValidationError:
            raise ValueError(f"{value!r} is not a valid email address.") from None
        return value
    role: Role = Role.REP
    team_id: str | None = None


class InvitationOut(Schema):
    id: str
    email: str
    role: Role
    team_id: str | None
    status: str = Field(description="pending, accepted, revoked or expired")
    email_status: str = Field(description="sending, sent or failed (see email_error)")
    email_error: str
    expires_at: datetime
    created_at: datetime

    @staticmethod
    def build(i: Invitation) -> InvitationOut:
        return InvitationOut(
            id=i.public_id, email=i.email, role=i.role, team_id=i.team.public_id if i.team else None, status=i.status,
            email_status=i.email_status, email_error=i.email_error, expires_at=i.expires_at, created_at=i.created_at,
        )


class TokenIn(Schema):
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    id: str
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def build(t: ApiToken) -> TokenOut:
        return TokenOut(
            id=t.public_id, name=t.name, hint=t.hint, created_at=t.created_at, last_used_at=t.last_used_at,
            revoked_at=t.revoked_at,
        )


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. It is shown only in this response.")


@router.get("/me", response=MeOut, summary="Who is calling, in which workspace and with which role")
def me(request: HttpRequest):
    m: Membership = request.membership
    user = m.user
    return MeOut(
        user=UserOut(id=user.public_id, email=user.email, full_name=user.full_name),
        workspace=WorkspaceOut.build(m.workspace),
        role=m.role,
        membership_id=m.public_id,
        # A token acts in one workspace only; a browser may switch between all of the user's.
        workspaces=[WorkspaceOut.build(m.workspace)]
        if request.auth_method == "token"
        else [WorkspaceOut.build(x.workspace) for x in queries.memberships_of(user)],
        auth=request.auth_method,
    )


@router.get("/members", response=list[MemberOut], summary="The workspace's members")
def list_members(request: HttpRequest):
    return [MemberOut.build(m) for m in queries.members_for(request.membership)]


@router.get("/members/{member_id}", response=MemberOut)
def get_member(request: HttpRequest, member_id: str):
    return MemberOut.build(queries.access_member(request.membership, member_id))


@router.get("/teams", response=list[TeamOut])
def list_teams(request: HttpRequest):
    return [TeamOut.build(t) for t in queries.teams_for(request.membership)]


@router.post("/teams", response={201: TeamOut}, summary="Create a team (admins)")
def create_team(request: HttpRequest, payload: TeamIn):
    manager = _field_ref(queries.access_member, request, "manager_id", payload.manager_id)
    team = services.create_team(request.membership, payload.name, manager, via=Channel.API)
    return Status(201, TeamOut.build(queries.access_team(request.membership, team.public_id)))


@router.get("/teams/{team_id}", response=TeamDetailOut)
def get_team(request: HttpRequest, team_id: str):
    team = queries.access_team(request.membership, team_id)
    members = queries.team_members(team).prefetch_related("teams")
    return TeamDetailOut(**TeamOut.build(team).model_dump(), members=[MemberOut.build(m) for m in members])


@router.get("/invitations", response=list[InvitationOut], summary="Invitations (admins)")
def list_invitations(request: HttpRequest):
    return [InvitationOut.build(i) for i in queries.invitations_for(request.membership)]


@router.post(
    "/invitations",
    response={201: InvitationOut},
    summary="Invite someone by email (admins)",
    description="The link is emailed to the invitee only; `email_status` says whether the email went out.",
)
def create_invitation(request: HttpRequest, payload: InvitationIn):
    team = _field_ref(queries.access_team, request, "team_id", payload.team_id)
    sent = services.invite_user(
        request.membership, payload.email, payload.role, team, base_url=request.build_absolute_uri("/"), via=Channel.API
    )
    return Status(201, InvitationOut.build(sent.invitation))


@router.post("/invitations/{invitation_id}/resend", response=InvitationOut, summary="Email a new link (admins)")
def resend_invitation(request: HttpRequest, invitation_id: str):
    invitation = queries.access_invitation(request.membership, invitation_id)
    sent = services.resend_invitation(request.membership, invitation, base_url=request.build_absolute_uri("/"))
    return InvitationOut.build(sent.invitation)


@router.delete("/invitations/{invitation_id}", response=InvitationOut, summary="Withdraw an invitation (admins)")
def revoke_invitation(request: HttpRequest, invitation_id: str):
    invitation = queries.access_invitation(request.membership, invitation_id)
    return InvitationOut.build(services.revoke_invitation(request.membership, invitation))


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens in this workspace")
def list_tokens(request: HttpRequest):
    return [TokenOut.build(t) for t in queries.tokens_for(request.membership)]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a personal API token")
def create_token(request: HttpRequest, payload: TokenIn):
    created = services.create_api_token(request.membership, payload.name, via=Channel.API)
    return Status(201, TokenCreatedOut(**TokenOut.build(created.token).model_dump(), token=created.secret))


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke one of your tokens")
def revoke_token(request: HttpRequest, token_id: str):
    token = queries.access_token(request.membership, token_id)
    return TokenOut.build(services.revoke_api_token(request.membership, token))
