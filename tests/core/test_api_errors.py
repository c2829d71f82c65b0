"""Every 4xx answer of the API has one format: {"error": {status, code, message, fields?}}."""

import pytest
from django.test import Client

from warmline.core import services


def _assert_error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code and error["message"]
    return error


def test_it_formats_an_unknown_route(world):
    _assert_error(world.client_for(world.alice).get("/api/v1/no-such-thing"), 404, "not_found")


def test_it_formats_a_wrong_method(world):
    response = world.client_for(world.alice).put("/api/v1/me")
    _assert_error(response, 405, "method_not_allowed")


def test_it_names_the_invalid_field(world):
    response = world.client_for(world.alice).post("/api/v1/teams", {"name": ""}, content_type="application/json")
    error = _assert_error(response, 422, "invalid")
    assert error["fields"][0]["field"] == "name"


def test_it_names_the_field_a_service_rejects(world):
    response = world.client_for(world.alice).post("/api/v1/teams", {"name": "east"}, content_type="application/json")
    error = _assert_error(response, 422, "invalid")
    assert error["fields"] == [{"field": "name", "message": "There is already a team called 'east'."}]


def test_it_formats_a_body_that_is_not_json(world):
    response = world.client_for(world.alice).post("/api/v1/teams", "{not json", content_type="application/json")
    _assert_error(response, 400, "bad_request")


def test_it_formats_a_forbidden_action(world):
    response = world.client_for(world.carol).post("/api/v1/teams", {"name": "Mine"}, content_type="application/json")
    _assert_error(response, 403, "forbidden")


def test_it_formats_a_missing_object(world):
    _assert_error(world.client_for(world.alice).get("/api/v1/teams/nope"), 404, "not_found")


def test_it_formats_a_browser_write_without_csrf(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice.user, backend="warmline.core.backends.EmailBackend")
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    _assert_error(response, 403, "forbidden")


def test_it_lets_a_token_write_without_csrf(world):
    secret = services.create_api_token(world.alice, "script").secret
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/teams", {"name": "North"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 201 and response.json()["name"] == "North"


def test_it_names_an_unknown_id_in_the_body_as_a_bad_field(world):
    response = world.client_for(world.alice).post(
        "/api/v1/teams", {"name": "South", "manager_id": "not-a-member"}, content_type="application/json"
    )
    error = _assert_error(response, 422, "invalid")
    assert error["fields"][0]["field"] == "manager_id"


def test_it_names_the_required_fields_of_a_missing_body(world):
    response = world.client_for(world.alice).post("/api/v1/teams", content_type="application/json")
    assert _assert_error(response, 422, "invalid")["fields"] == [{"field": "name", "message": "Field required"}]


def test_it_formats_a_body_that_is_too_large(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = world.client_for(world.alice).post(
        "/api/v1/teams", {"name": "x" * 200}, content_type="application/json"
    )
    _assert_error(response, 413, "too_large")


def test_it_formats_a_request_for_an_unknown_host(db):
    response = Client(HTTP_HOST="evil.example").get("/api/v1/me")
    _assert_error(response, 400, "bad_request")


def test_it_refuses_a_session_without_a_workspace(world):
    from warmline.core.models import Membership

    Membership.objects.filter(pk=world.carol.pk).update(is_active=False)
    response = world.client_for(world.carol).get("/api/v1/me")
    _assert_error(response, 403, "forbidden")


@pytest.mark.django_db(transaction=True)
def test_it_writes_nothing_when_a_service_fails_half_way(monkeypatch):
    """A service owns its transaction: a failure after the first write undoes it."""
    from tests.personas import build_world
    from warmline.core import services
    from warmline.core.models import Team

    world = build_world()

    def fail(*args, **kwargs):
        raise RuntimeError("the member list could not be saved")

    monkeypatch.setattr(services, "_set_team_members", fail)
    with pytest.raises(RuntimeError):
        services.create_team(world.alice, "South", world.bob, [world.carol])
    assert not Team.objects.filter(name="South").exists()
