"""Signing in by email, and throttling of repeated failures."""

from django.test import Client

from tests.personas import PASSWORD


def test_it_signs_in_by_email_in_any_case(world):
    client = Client()
    response = client.post("/login/", {"username": "ALICE@acme.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_says_what_was_wrong(world):
    response = Client().post("/login/", {"username": "alice@acme.test", "password": "wrong"})
    assert response.status_code == 200
    assert "That email and password do not match an account" in response.content.decode()


def test_it_locks_out_after_repeated_failures(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/login/", {"username": "carol@acme.test", "password": "guess"})
    response = client.post("/login/", {"username": "carol@acme.test", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    # Other accounts from the same address are unaffected.
    assert client.post("/login/", {"username": "bob@acme.test", "password": PASSWORD}).status_code == 302


def test_it_signs_out_with_a_post(world):
    client = world.client_for(world.alice)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_it_changes_the_password(world):
    client = world.client_for(world.carol)
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    world.carol.user.refresh_from_db()
    assert world.carol.user.check_password("a brand new passphrase")


def test_it_says_how_long_the_lockout_lasts(world, settings):
    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = 0.25
    client = Client()
    client.post("/login/", {"username": "carol@acme.test", "password": "guess"})
    html = client.post("/login/", {"username": "carol@acme.test", "password": "guess"}).content.decode()
    assert "paused for 15 minutes" in html


def test_it_throttles_the_real_client_behind_our_proxy(world, settings):
    from django.test import RequestFactory

    from warmline.core.security import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The rightmost entry is what our proxy saw; the client may have forged the rest.
    assert client_ip(request) == "203.0.113.9"


def test_it_counts_failures_whatever_the_case_of_the_email(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for variant in ("carol@acme.test", "Carol@acme.test", " CAROL@ACME.TEST "):
        client.post("/login/", {"username": variant, "password": "guess"})
    response = client.post("/login/", {"username": "cArOl@acme.test", "password": PASSWORD})
    assert response.status_code == 429
