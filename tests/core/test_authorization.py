"""Walks every route of the URL configuration and the API: anonymous callers
are turned away, and a user of another workspace gets 404 for every object."""

import pytest

from tests.routes import PUBLIC_ROUTES, all_routes

ROUTES = all_routes()
# Placeholder values for anonymous checks: the check must fail before lookup.
ANY_VALUE = "zzzzzzzzzzzz"


def _objects_of_acme(world):
    """One Acme object per URL parameter name. A new parameterised route must
    add its parameter here, or test_it_knows_every_url_parameter fails."""
    from warmline.core import services
    from warmline.network import services as network
    from warmline.network.models import MatchCandidate
    from warmline.paths.services import save_account_list

    invitation = services.invite_user(world.alice, "dave@acme.test", "rep").invitation
    token = services.create_api_token(world.alice, "acme token").token
    jane = network.save_person(world.alice, None, first_name="Jane", last_name="Acmeperson", company="Acme Client")
    twins = [network.save_person(world.alice, None, first_name="Twin", last_name="Acmeperson") for _ in range(4)]
    candidate, merged = (
        MatchCandidate.objects.create(workspace=world.acme, person_a=a, person_b=b, score=80, reasons=["same name"])
        for a, b in (twins[:2], twins[2:])
    )
    account_list = save_account_list(world.alice, "Acme targets", accounts=[("Acme Client", "")])
    run = network.queue_import(world.alice, fmt="linkedin", data=b"First Name,Last Name\nAcme,Contact\n",
                               filename="acme-connections.csv", owner=world.alice)
    from warmline.referrals import services as referrals
    from warmline.referrals.models import Stage

    prospect = network.save_person(world.alice, None, first_name="Pat", last_name="Acmeprospect")
    asked = referrals.record_ask(world.alice, source=jane, target=prospect, channel="phone")
    referral = referrals.record_referral(world.alice, ask=asked)
    moment = referrals.log_moment(world.alice, jane, note="Acme insight")
    from warmline.targeting.services import save_profile

    profile = save_profile(world.alice, None, name="Acme ICP", industries=["Acme industry"])
    return {
        "team_id": world.east.public_id,
        "member_id": world.carol.public_id,
        "invitation_id": invitation.public_id,
        "token_id": token.public_id,
        "person_id": jane.public_id,
        "company_id": jane.company.public_id,
        "relationship_id": network.record_tie(world.alice, jane, twins[0], kind="friend").public_id,
        "import_id": run.public_id,
        "candidate_id": candidate.public_id,
        "merge_id": network.merge_candidate(world.alice, merged).public_id,
        "list_id": account_list.public_id,
        "ask_id": asked.public_id,
        "referral_id": referral.public_id,
        "stage_id": Stage.objects.filter(workspace=world.acme).order_by("-position").first().public_id,
        "suggestion_id": moment.public_id,
        "profile_id": profile.public_id,
        "task_id": referral.tasks.get(kind="thank_source").public_id,
        "goal_id": _goal(world).public_id,
    }


def _goal(world):
    from warmline.insights.services import set_goal

    return set_goal(world.alice, metric="asks", target=5, member=world.carol)


# Parameters that are not object ids of a workspace (tokens in emailed links).
NON_OBJECT_PARAMS = {"token", "uidb64", "kind"}


def _label(route):
    return f"{'/'.join(route.methods)} /{route.pattern}"


@pytest.mark.parametrize("route", ROUTES, ids=_label)
def test_it_turns_anonymous_callers_away(client, db, route):
    url = route.url({name: ANY_VALUE for name in route.params})
    for method in route.methods:
        response = client.generic(method, url)
        if route.is_api:
            if route.name == "api-root":
                # ninja's root says nothing; it answers 404 in our error format.
                assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
            else:
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json()["error"]["code"] == "not_authenticated"
        elif route.name in PUBLIC_ROUTES:
            assert response.status_code in (200, 302, 400, 404, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/login/" not in response["Location"] or route.name == "password_reset_complete", url
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith("/login/"), (method, url)


def test_it_knows_every_url_parameter(world):
    known = set(_objects_of_acme(world)) | NON_OBJECT_PARAMS
    for route in ROUTES:
        unknown = set(route.params) - known
        assert not unknown, f"/{route.pattern}: add {unknown} to _objects_of_acme in this test"


@pytest.mark.parametrize("route", [r for r in ROUTES if set(r.params) - NON_OBJECT_PARAMS], ids=_label)
def test_it_hides_every_object_from_another_workspace(world, route):
    values = _objects_of_acme(world)
    client = world.client_for(world.charlie)
    url = route.url(values)
    statuses = {}
    for method in route.methods:
        response = client.generic(method, url, data=b"{}", content_type="application/json")
        statuses[method] = response.status_code
        # 405 comes before any lookup: a view that takes only POST says so
        # for GET whatever the id, so it reveals nothing.
        assert response.status_code in (404, 405), (method, url, response.status_code)
        if route.is_api:
            assert response.json()["error"]["code"] == "not_found"
    assert 404 in statuses.values(), (url, statuses)


def test_it_lets_the_public_pages_open_without_signing_in(client, db):
    for path in ("/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/complete/", "/healthz"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("route", [r for r in ROUTES if set(r.params) - NON_OBJECT_PARAMS], ids=_label)
def test_it_finds_the_same_objects_for_their_own_workspace(world, route):
    """The positive control: the ids used above are real, so the 404s mean something."""
    values = _objects_of_acme(world)
    client = world.client_for(world.alice)
    url = route.url(values)
    # Reads first: a DELETE would leave nothing for them to find.
    methods = sorted(route.methods, key=lambda m: (m == "DELETE", m))
    statuses = {m: client.generic(m, url, data=b"{}", content_type="application/json").status_code for m in methods}
    # An empty body may be refused (400, 422) once the object is found: the test above shows that for another
    # workspace the same route answers 404 first, so a refusal here still means the id was found.
    assert any(s in (200, 201, 204, 302, 400, 422) for s in statuses.values()), (url, statuses)
    assert 404 not in statuses.values(), (url, statuses)


LIST_PAGES = ["/", "/settings/members/", "/settings/teams/", "/settings/invitations/", "/settings/tokens/",
              "/api/v1/me", "/api/v1/members", "/api/v1/teams", "/api/v1/invitations", "/api/v1/tokens",
              "/network/", "/network/?q=acme", "/network/companies/", "/network/imports/", "/network/review/",
              "/network/sharing/", "/network/people/suggestions/?other_name=acme",
              "/api/v1/people", "/api/v1/people?q=acme", "/api/v1/companies", "/api/v1/companies?q=acme",
              "/api/v1/imports", "/api/v1/review", "/api/v1/merges", "/api/v1/me/network-sharing",
              "/referrals/", "/referrals/mine/", "/referrals/list/", "/referrals/asks/", "/settings/pipeline/",
              "/api/v1/referrals", "/api/v1/asks", "/api/v1/stages", "/api/v1/stage-changes", "/api/v1/moments",
              "/api/v1/pipeline/settings", "/targeting/", "/targeting/profiles/", "/targeting/templates/",
              "/api/v1/profiles", "/api/v1/calllist", "/api/v1/ask-templates"]


def test_it_lists_nothing_of_another_workspace(world):
    """Charlie, admin of Bravo, sees none of Acme's people, teams, invitations, tokens or network."""
    acme_marks = _objects_of_acme(world)
    secrets_of_acme = {"alice@acme.test", "bob@acme.test", "carol@acme.test", "dave@acme.test", "acme token",
                       "Acmeperson", "Acme Client", "acme-connections.csv", "Acmeprospect", "Acme insight", "Acme ICP",
                       "Acme industry"}
    client = world.client_for(world.charlie)
    for path in LIST_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        for mark in [*acme_marks.values(), *secrets_of_acme, world.acme.public_id]:
            assert mark not in body, f"{path} shows {mark!r} of Acme"
