"""The OpenAPI document and interactive docs: for signed-in browsers and tokens."""

from django.test import Client

from warmline.core import services


def test_it_serves_the_openapi_document_to_a_token(world):
    secret = services.create_api_token(world.carol, "docs").secret
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me" in schema["paths"]


def test_it_refuses_the_openapi_document_to_anonymous_scripts(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_it_sends_an_anonymous_browser_to_sign_in(db):
    response = Client().get("/api/v1/docs", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/api/v1/docs")


def test_it_serves_interactive_docs_from_our_own_static_files(world):
    html = world.client_for(world.carol).get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle" in html and "/static/ninja/" in html
    assert "cdn." not in html and "unpkg" not in html


def test_it_documents_the_error_format_on_every_operation(world):
    schema = world.client_for(world.carol).get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["error"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert "4XX" in operation["responses"], f"{method.upper()} {path}"
