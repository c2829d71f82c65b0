from django.test import Client

from warmline.core import services


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_it_answers_me_with_a_bearer_token(world):
    secret = services.create_api_token(world.carol, "script").secret
    response = Client().get("/api/v1/me", **_bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "carol@acme.test"
    assert body["workspace"]["slug"] == "acme"
    assert body["role"] == "rep"
    assert body["auth"] == "token"
    assert [w["slug"] for w in body["workspaces"]] == ["acme"]


def test_it_answers_me_with_the_browser_session(world):
    response = world.client_for(world.bob).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "bob@acme.test"
    assert response.json()["auth"] == "session"


def test_it_never_exposes_integer_keys(world):
    body = world.client_for(world.alice).get("/api/v1/me").json()
    assert body["user"]["id"] != str(world.alice.user.pk)
    assert len(body["workspace"]["id"]) >= 12


def test_it_rejects_an_unknown_token(db):
    response = Client().get("/api/v1/me", **_bearer("wl_not-a-real-token"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_it_rejects_a_revoked_token(world):
    created = services.create_api_token(world.carol, "script")
    services.revoke_api_token(world.carol, created.token)
    assert Client().get("/api/v1/me", **_bearer(created.secret)).status_code == 401


def test_it_rejects_the_token_of_a_deactivated_member(world):
    secret = services.create_api_token(world.carol, "script").secret
    services.update_member(world.alice, world.carol, "rep", "", "", is_active=False)
    assert Client().get("/api/v1/me", **_bearer(secret)).status_code == 401


def test_it_records_when_a_token_was_last_used(world):
    created = services.create_api_token(world.carol, "script")
    assert created.token.last_used_at is None
    Client().get("/api/v1/me", **_bearer(created.secret))
    created.token.refresh_from_db()
    assert created.token.last_used_at is not None


def test_it_lists_only_the_tokens_workspace(world):
    from warmline.core.models import Membership

    Membership.objects.create(workspace=world.bravo, user=world.carol.user, role="rep")
    secret = services.create_api_token(world.carol, "script").secret
    body = Client().get("/api/v1/me", **_bearer(secret)).json()
    assert [w["slug"] for w in body["workspaces"]] == ["acme"]
    session = world.client_for(world.carol).get("/api/v1/me").json()
    assert sorted(w["slug"] for w in session["workspaces"]) == ["acme", "bravo"]


def test_it_reports_how_the_call_really_authenticated(world):
    response = world.client_for(world.bob).get("/api/v1/me", HTTP_AUTHORIZATION="Bearer wl_bogus")
    assert response.status_code == 200 and response.json()["auth"] == "session"
