"""The shell's pages render for each role, with pinned query counts."""

import pytest

from warmline.core.models import Membership, Team, TeamMember, User


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
@pytest.mark.parametrize(
    "path",
    [
        "/", "/settings/members/", "/settings/teams/", "/settings/tokens/", "/account/", "/account/password/",
        "/network/", "/network/companies/", "/network/imports/", "/network/review/", "/network/sharing/",
    ],
)
def test_it_renders_the_shell_pages_for_every_role(world, who, path):
    response = world.client_for(getattr(world, who)).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Main"' in html and "Acme" in html
    assert 'href="/network/"' in html and ">Network</a>" in html
    assert 'href="/paths/"' in html and ">Paths</a>" in html
    assert 'href="/referrals/"' in html and ">Referrals</a>" in html
    assert 'href="/followups/"' in html and "Follow-ups" in html
    assert 'href="/insights/"' in html and ">Insights</a>" in html


def test_it_labels_every_form_field(world):
    html = world.client_for(world.alice).get("/settings/invitations/").content.decode()
    for field in ("id_email", "id_role", "id_team"):
        assert f'for="{field}"' in html


def _grow(world, n):
    start = User.objects.count()
    for i in range(start, start + n):
        user = User.objects.create_user(f"rep{i}@acme.test", "x", full_name=f"Rep {i}")
        m = Membership.objects.create(workspace=world.acme, user=user, role="rep")
        TeamMember.objects.create(workspace=world.acme, team=world.east, membership=m)


def test_it_lists_members_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.alice)
    _grow(world, 2)
    with django_assert_num_queries(7):
        client.get("/settings/members/")
    _grow(world, 20)
    with django_assert_num_queries(7):
        assert client.get("/settings/members/").content.decode().count("/settings/members/") >= 23


def test_it_lists_members_and_teams_in_the_api_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.alice)
    _grow(world, 3)
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/members").json()) == 6
    _grow(world, 10)
    with django_assert_num_queries(5):
        assert len(client.get("/api/v1/members").json()) == 16
    with django_assert_num_queries(4):
        client.get("/api/v1/teams")


def _fill_workspace(world, n):
    from warmline.core import services

    _grow(world, n)
    for i in range(n):
        services.invite_user(world.alice, f"guest{User.objects.count()}-{i}@acme.test", "rep", world.east)
        services.create_api_token(world.alice, f"token {i}")
        services.create_team(world.alice, f"Team {Team.objects.count()}", world.bob)


@pytest.mark.parametrize(
    "path,queries",
    [
        ("/settings/teams/", 6),
        ("/settings/invitations/", 7),
        ("/settings/tokens/", 6),
        ("/api/v1/teams", 4),
        ("/api/v1/invitations", 4),
        ("/api/v1/tokens", 4),
    ],
)
def test_it_lists_in_constant_queries(world, django_assert_num_queries, path, queries):
    client = world.client_for(world.alice)
    _fill_workspace(world, 2)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
    _fill_workspace(world, 8)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def _fill_network(world, n):
    """n more of everything the network lists show: people at companies known by employees, imports, pairs, merges."""
    from warmline.network import services as network
    from warmline.network.models import MatchCandidate, Person

    _grow(world, n)
    employees = [network.ensure_person_for(m) for m in Membership.objects.filter(workspace=world.acme)]
    for i in range(n):
        k = Person.objects.count()
        company = network.save_company(world.alice, None, name=f"Company {k}", employee_count=40)
        person = network.save_person(world.alice, None, first_name="Pat", last_name=f"Lee {k}", company=company)
        network.record_tie(world.bob, employees[i % len(employees)], person, kind="friend")
        pairs = []
        for _ in range(2):
            twins = [network.save_person(world.alice, None, first_name="Twin", last_name=f"Roe {k}", company=company)
                     for _ in range(2)]
            a, b = sorted(twins, key=lambda p: p.pk)
            pairs.append(MatchCandidate.objects.create(workspace=world.acme, person_a=a, person_b=b, score=80,
                                                       reasons=["same name"]))
            k += 2
        network.merge_candidate(world.alice, pairs[1])
        network.queue_import(world.alice, fmt="linkedin", data=b"First Name,Last Name\nPat,Lee\n",
                             filename=f"connections-{k}.csv", owner=world.carol)


@pytest.mark.parametrize(
    "path,queries",
    [
        ("/api/v1/people", 6),
        ("/api/v1/companies", 6),
        ("/api/v1/imports", 5),
        ("/api/v1/review", 8),
        ("/api/v1/merges", 6),
    ],
)
def test_it_lists_the_network_in_the_api_in_constant_queries(world, django_assert_num_queries, path, queries):
    client = world.client_for(world.carol)
    _fill_network(world, 2)
    with django_assert_num_queries(queries):
        assert client.get(path).json()["count"] >= 2
    _fill_network(world, 18)
    with django_assert_num_queries(queries):
        assert client.get(path).json()["count"] >= 20


@pytest.mark.parametrize("who,queries", [("alice", 10), ("bob", 9)])
def test_it_renders_home_in_constant_queries(world, django_assert_num_queries, who, queries):
    """Alice sees every team, Bob the teams he manages: both lists grow here."""
    client = world.client_for(getattr(world, who))
    _fill_workspace(world, 2)
    with django_assert_num_queries(queries):
        assert "Team " in client.get("/").content.decode()
    _fill_workspace(world, 6)
    with django_assert_num_queries(queries):
        client.get("/")
