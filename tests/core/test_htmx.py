"""HTMX requests that end in a redirect move the whole page."""


def test_it_sends_an_expired_htmx_session_to_the_sign_in_page(world, client):
    token_row_action = "/settings/tokens/abc/revoke/"
    response = client.post(token_row_action, HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/login/")


def test_it_leaves_ordinary_redirects_alone(world, client):
    response = client.post("/settings/tokens/abc/revoke/")
    assert response.status_code == 302
