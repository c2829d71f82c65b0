from django.test import Client

from warmline.core.models import ApiToken, hash_secret


def test_it_creates_a_token_and_shows_the_secret_once(world):
    client = world.client_for(world.carol)
    response = client.post("/api/v1/tokens", {"name": "CRM sync"}, content_type="application/json")
    assert response.status_code == 201
    secret = response.json()["token"]
    assert secret.startswith("wl_")
    token = ApiToken.objects.get(public_id=response.json()["id"])
    assert token.token_hash == hash_secret(secret)
    assert secret not in token.token_hash and token.hint == secret[:8]
    listing = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in listing] == ["CRM sync"]
    assert "token" not in listing[0]


def test_it_revokes_a_token_so_it_stops_working(world):
    client = world.client_for(world.carol)
    created = client.post("/api/v1/tokens", {"name": "temp"}, content_type="application/json").json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {created['token']}"}
    assert Client().get("/api/v1/me", **bearer).status_code == 200
    response = client.delete(f"/api/v1/tokens/{created['id']}")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert Client().get("/api/v1/me", **bearer).status_code == 401


def test_it_hides_other_peoples_tokens_even_in_the_same_workspace(world):
    alices = world.client_for(world.alice).post("/api/v1/tokens", {"name": "mine"}, content_type="application/json").json()
    carol = world.client_for(world.carol)
    assert carol.get("/api/v1/tokens").json() == []
    assert carol.delete(f"/api/v1/tokens/{alices['id']}").status_code == 404


def test_it_creates_and_revokes_tokens_in_the_ui(world):
    client = world.client_for(world.carol)
    page = client.post("/settings/tokens/", {"name": "Zapier"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = page.context["created"].secret
    assert secret.startswith("wl_") and secret in page.content.decode()
    # Shown once: the next visit lists the token without its secret, which
    # was never stored anywhere, not even in the session.
    assert secret not in client.get("/settings/tokens/").content.decode()
    from django.contrib.sessions.models import Session

    assert not any(secret in str(s.get_decoded()) for s in Session.objects.all())
    token = ApiToken.objects.get(name="Zapier")
    response = client.post(f"/settings/tokens/{token.public_id}/revoke/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
