"""Tenancy: users, workspaces, memberships with roles, teams, invitations, API tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from warmline.core.choices import AttributionPolicy, Channel, ReferralEditScope, Role, Sharing


def new_public_id() -> str:
    """A non-guessable id for URLs and API payloads (never the row's integer key).

    80 random bits after a millisecond timestamp: the timestamp keeps new ids
    next to each other in the unique index, so inserting a million rows does
    not touch a million random index pages.
    """
    return new_public_ids(1)[0]


def new_public_ids(count: int) -> list[str]:
    """`count` public ids at once (bulk writes make thousands)."""
    stamp = (time.time_ns() // 1_000_000).to_bytes(6, "big")
    noise = secrets.token_bytes(10 * count)
    encode = base64.urlsafe_b64encode
    # 16 bytes encode to 22 characters and 2 padding characters.
    return [encode(stamp + noise[i : i + 10]).decode()[:22] for i in range(0, 10 * count, 10)]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. The same user may belong to several workspaces."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Workspace(models.Model):
    """The tenant: one company's referral database and pipeline."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Applies to every member who has not chosen for their own imported network.
    network_sharing = models.CharField(max_length=10, choices=Sharing.choices, default=Sharing.SHARE)
    # The referral pipeline's settings.
    contact_within_hours = models.PositiveSmallIntegerField(
        default=24, help_text="How soon a referred prospect must be contacted, in hours."
    )
    attribution_policy = models.CharField(
        max_length=12, choices=AttributionPolicy.choices, default=AttributionPolicy.FIRST_SOURCE
    )
    referral_edit_scope = models.CharField(
        max_length=4, choices=ReferralEditScope.choices, default=ReferralEditScope.TEAM
    )
    currency = models.CharField(max_length=3, default="USD", help_text="Default currency of referral values.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_within_hours__gte=1, contact_within_hours__lte=720),
                name="workspace_contact_within_1_to_720_hours",
            ),
            models.CheckConstraint(
                condition=models.Q(attribution_policy__in=AttributionPolicy.values),
                name="workspace_attribution_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(referral_edit_scope__in=ReferralEditScope.values),
                name="workspace_referral_edit_scope_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkspaceScoped(models.Model):
    """Base for every domain row: it belongs to a workspace and says who made it, how."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_via = models.CharField(max_length=10, choices=Channel.choices, default=Channel.UI)

    class Meta:
        abstract = True


class Membership(WorkspaceScoped):
    """A user's place in a workspace, with the role that decides what they may see and do."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.REP)
    title = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)
    # '' follows the workspace default (Workspace.network_sharing).
    network_sharing = models.CharField(max_length=10, choices=Sharing.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def effective_network_sharing(self) -> str:
        return self.network_sharing or self.workspace.network_sharing



class Team(WorkspaceScoped):
    """A sales team: a manager and the members they coach."""

    name = models.CharField(max_length=120)
    manager = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )
    members = models.ManyToManyField(Membership, through="TeamMember", related_name="teams")

    class Meta:
        constraints = [models.UniqueConstraint("workspace", Lower("name"), name="team_unique_name_ci")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(WorkspaceScoped):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_members")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="team_members")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "membership"], name="teammember_unique")]


class TeamSpell(models.Model):
    """A member's time on a team, kept after they leave it.

    Team figures count each rep's work on the team they were on that day: a rep who moves from one team to
    another mid-quarter brings the first half to the old team and the second to the new one. A spell covers
    the days from `joined_on` (none: since before Warmline kept spells, or the member's first team) up to the
    day before `left_on` (none: still on it).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="spells")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="team_spells")
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(joined_on__isnull=True) | models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="teamspell_ends_after_start",
            ),
            # One open spell per member and team.
            models.UniqueConstraint(fields=["team", "membership"], condition=models.Q(left_on__isnull=True),
                                    name="teamspell_one_open"),
        ]
        indexes = [models.Index(fields=["membership", "team"])]

    def covers(self, day) -> bool:
        return (self.joined_on is None or day >= self.joined_on) and (self.left_on is None or day < self.left_on)


class Invitation(WorkspaceScoped):
    """An emailed, expiring link that lets someone join a workspace with a given role."""

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Delivery of the email, recorded after the invitation is committed.
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_valid"),
            # At most one open invitation per address and workspace.
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.workspace}"

    @property
    def email_status(self) -> str:
        if self.email_error:
            return "failed"
        return "sent" if self.email_sent_at else "sending"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(WorkspaceScoped):
    """A personal API token. Only its hash is stored; the secret is shown once."""

    PREFIX = "wl_"

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
