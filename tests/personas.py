"""Named people for tests.

Acme is workspace A. Alice is its admin. Bob manages the East team, where
Carol is a rep: Bob sees his team, Carol sees her own work. Charlie is the
admin of workspace B (Bravo) and must see nothing of Acme.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from warmline.core.choices import Role
from warmline.core.middleware import SESSION_KEY
from warmline.core.models import Membership, Team, TeamMember, TeamSpell, User, Workspace

PASSWORD = "correct horse battery staple"
BACKEND = "warmline.core.backends.EmailBackend"


@dataclass
class World:
    acme: Workspace
    bravo: Workspace
    alice: Membership
    bob: Membership
    carol: Membership
    charlie: Membership
    east: Team
    west: Team

    def client_for(self, membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user, backend=BACKEND)
        session = client.session
        session[SESSION_KEY] = membership.workspace_id
        session.save()
        return client


def _member(workspace: Workspace, email: str, name: str, role: str, title: str = "") -> Membership:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    return Membership.objects.create(workspace=workspace, user=user, role=role, title=title)


def build_world() -> World:
    acme = Workspace.objects.create(name="Acme", slug="acme")
    bravo = Workspace.objects.create(name="Bravo", slug="bravo")
    alice = _member(acme, "alice@acme.test", "Alice Admin", Role.ADMIN, "RevOps")
    bob = _member(acme, "bob@acme.test", "Bob Manager", Role.MANAGER, "Sales Manager")
    carol = _member(acme, "carol@acme.test", "Carol Rep", Role.REP, "Account Executive")
    charlie = _member(bravo, "charlie@bravo.test", "Charlie Outsider", Role.ADMIN)
    east = Team.objects.create(workspace=acme, name="East", manager=bob)
    TeamMember.objects.create(workspace=acme, team=east, membership=carol)
    TeamSpell.objects.create(workspace=acme, team=east, membership=carol)
    west = Team.objects.create(workspace=bravo, name="West", manager=charlie)
    return World(acme, bravo, alice, bob, carol, charlie, east, west)
