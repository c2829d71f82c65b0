"""What each role may see and do inside its own workspace."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from warmline.core import queries, services


def test_it_shows_admins_every_member(world):
    assert set(queries.visible_memberships(world.alice)) == {world.alice, world.bob, world.carol}


def test_it_shows_managers_their_team(world):
    assert set(queries.visible_memberships(world.bob)) == {world.bob, world.carol}


def test_it_shows_reps_only_themselves(world):
    assert list(queries.visible_memberships(world.carol)) == [world.carol]


def test_it_never_crosses_workspaces(world):
    assert world.alice not in queries.visible_memberships(world.charlie)
    assert world.east not in queries.teams_for(world.charlie)


def test_it_lets_only_admins_change_members(world, client):
    carol = world.client_for(world.carol)
    response = carol.post(f"/settings/members/{world.bob.public_id}/", {"role": "admin", "is_active": "on"})
    assert response.status_code == 403
    world.bob.refresh_from_db()
    assert world.bob.role == "manager"
    alice = world.client_for(world.alice)
    response = alice.post(
        f"/settings/members/{world.carol.public_id}/", {"role": "manager", "title": "Team Lead", "is_active": "on"}
    )
    assert response.status_code == 302
    world.carol.refresh_from_db()
    assert (world.carol.role, world.carol.title) == ("manager", "Team Lead")


def test_it_keeps_one_active_admin(world):
    with pytest.raises(ValidationError, match="at least one active admin"):
        services.update_member(world.alice, world.alice, "rep", "", "", True)
    with pytest.raises(ValidationError, match="at least one active admin"):
        services.update_member(world.alice, world.alice, "admin", "", "", False)


def test_it_lets_only_admins_invite_and_manage_teams(world):
    with pytest.raises(PermissionDenied):
        services.invite_user(world.bob, "x@acme.test", "rep")
    with pytest.raises(PermissionDenied):
        services.create_team(world.carol, "Mine")
    assert world.client_for(world.bob).get("/settings/invitations/").status_code == 403
    assert world.client_for(world.carol).get("/settings/teams/new/").status_code == 403


def test_it_shows_the_invitations_link_to_admins_only(world):
    assert "/settings/invitations/" in world.client_for(world.alice).get("/settings/members/").content.decode()
    assert "/settings/invitations/" not in world.client_for(world.carol).get("/settings/members/").content.decode()


def test_it_edits_a_team_with_its_members(world):
    alice = world.client_for(world.alice)
    response = alice.post(
        f"/settings/teams/{world.east.public_id}/",
        {"name": "East Coast", "manager": world.bob.public_id, "members": [world.carol.public_id, world.alice.public_id]},
    )
    assert response.status_code == 302
    world.east.refresh_from_db()
    assert world.east.name == "East Coast"
    assert set(world.east.members.all()) == {world.carol, world.alice}


def test_it_refuses_a_team_member_from_another_workspace(world):
    with pytest.raises(ValidationError):
        services.update_team(world.alice, world.east, "East", world.bob, [world.charlie])


def test_it_sends_a_user_without_a_workspace_to_an_explanation(world):
    from warmline.core.models import User

    User.objects.create_user("loner@acme.test", "a-long-passphrase")
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(email="loner@acme.test"), backend="warmline.core.backends.EmailBackend")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/no-workspace/"
    assert "not an active member" in client.get("/no-workspace/").content.decode()


def test_it_switches_between_workspaces_of_the_same_user(world):
    from warmline.core.models import Membership

    Membership.objects.create(workspace=world.bravo, user=world.carol.user, role="rep")
    client = world.client_for(world.carol)
    assert "Bravo" in client.get("/").content.decode()  # offered in the switcher
    client.post("/workspace/switch/", {"workspace": world.bravo.public_id})
    assert client.get("/api/v1/me").json()["workspace"]["slug"] == "bravo"
    # A workspace one is not a member of cannot be switched to.
    outsider = world.client_for(world.bob)
    assert outsider.post("/workspace/switch/", {"workspace": world.bravo.public_id}).status_code == 404


def test_it_creates_a_team_with_its_manager_and_members_at_once(world):
    response = world.client_for(world.alice).post(
        "/settings/teams/new/", {"name": "Partners", "manager": world.bob.public_id, "members": [world.carol.public_id]}
    )
    assert response.status_code == 302
    from warmline.core.models import Team

    team = Team.objects.get(workspace=world.acme, name="Partners")
    assert team.manager == world.bob and list(team.members.all()) == [world.carol]


def test_it_keeps_team_names_unique_per_workspace_whatever_the_case(world):
    from django.db import IntegrityError, transaction

    from warmline.core.models import Team

    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(workspace=world.acme, name="EAST")
    Team.objects.create(workspace=world.bravo, name="East")  # another workspace may reuse it


def test_it_keeps_inactive_members_when_a_team_is_saved(world):
    services.update_member(world.alice, world.carol, "rep", "", "", is_active=False)
    response = world.client_for(world.alice).post(
        f"/settings/teams/{world.east.public_id}/",
        {"name": "East Coast", "manager": world.bob.public_id, "members": [world.carol.public_id]},
    )
    assert response.status_code == 302
    world.east.refresh_from_db()
    assert world.east.manager == world.bob and list(world.east.members.all()) == [world.carol]


def test_it_refuses_a_rep_as_team_manager(world):
    with pytest.raises(ValidationError, match="make them a manager first"):
        services.create_team(world.alice, "North", world.carol)
    response = world.client_for(world.alice).post(
        "/api/v1/teams", {"name": "North", "manager_id": world.carol.public_id}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "manager"


def test_it_refuses_admin_actions_on_another_workspaces_objects(world):
    with pytest.raises(PermissionDenied):
        services.delete_team(world.alice, world.west)
    with pytest.raises(PermissionDenied):
        services.update_member(world.alice, world.charlie, "rep", "", "", True)


# Routes only admins may use: every other role is refused, and nothing changes.
ADMIN_ONLY = [
    ("post", "/settings/teams/new/", {"name": "Rogue"}),
    ("post", "/settings/teams/{east}/", {"name": "Renamed"}),
    ("post", "/settings/teams/{east}/delete/", {}),
    ("get", "/settings/invitations/", {}),
    ("post", "/settings/invitations/", {"email": "x@acme.test", "role": "admin"}),
    ("post", "/settings/invitations/{invitation}/revoke/", {}),
    ("post", "/settings/invitations/{invitation}/resend/", {}),
    ("post", "/settings/members/{carol}/", {"role": "admin", "is_active": "on"}),
    ("post", "/api/v1/teams", {"name": "Rogue"}),
    ("get", "/api/v1/invitations", {}),
    ("post", "/api/v1/invitations", {"email": "x@acme.test", "role": "admin"}),
    ("post", "/api/v1/invitations/{invitation}/resend", {}),
    ("delete", "/api/v1/invitations/{invitation}", {}),
    ("post", "/network/sharing/workspace/", {"network_sharing": "private"}),
]


@pytest.mark.parametrize("who", ["bob", "carol"])
@pytest.mark.parametrize("method,path,data", ADMIN_ONLY, ids=[f"{m} {p}" for m, p, _ in ADMIN_ONLY])
def test_it_refuses_admin_routes_to_other_roles(world, who, method, path, data):
    from warmline.core.models import Invitation, Membership, Team

    invitation = services.invite_user(world.alice, "dave@acme.test", "rep").invitation
    url = path.format(east=world.east.public_id, invitation=invitation.public_id, carol=world.carol.public_id)
    client = world.client_for(getattr(world, who))
    kwargs = {"content_type": "application/json"} if url.startswith("/api/") else {}
    response = getattr(client, method)(url, data, **kwargs)
    assert response.status_code == 403, response.content
    assert set(Team.objects.filter(workspace=world.acme).values_list("name", flat=True)) == {"East"}
    assert Invitation.objects.get(pk=invitation.pk).status == "pending"
    assert Invitation.objects.count() == 1
    assert Membership.objects.get(pk=world.carol.pk).role == "rep"
    world.acme.refresh_from_db()
    assert world.acme.network_sharing == "share"


def test_it_keeps_a_deactivated_manager_when_a_team_is_saved(world):
    services.update_member(world.alice, world.bob, "manager", "", "", is_active=False)
    response = world.client_for(world.alice).post(
        f"/settings/teams/{world.east.public_id}/",
        {"name": "East Coast", "manager": world.bob.public_id, "members": [world.carol.public_id]},
    )
    assert response.status_code == 302
    world.east.refresh_from_db()
    assert (world.east.name, world.east.manager) == ("East Coast", world.bob)
    # Keeping is allowed; appointing an inactive manager is not.
    with pytest.raises(ValidationError, match="make them a manager first"):
        services.create_team(world.alice, "North", world.bob)


def test_it_offers_only_managers_and_admins_as_team_manager(world):
    candidates = queries.team_candidates(world.alice, world.east)
    assert set(candidates["manager"]) == {world.alice, world.bob}
    assert set(candidates["members"]) == {world.alice, world.bob, world.carol}
