"""API tokens in the browser: created once with the secret shown, revoked in place through HTMX."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot


def _me(live_server, secret: str) -> int:
    request = urllib.request.Request(live_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_it_creates_a_token_that_works_and_revokes_it_in_place(page: Page, live_server, e2e_world):
    login(page, live_server, "carol@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="API tokens").click()
    field(page, "Token name").fill("CRM sync")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("wl_")
    assert _me(live_server, secret) == 200
    screenshot(page, "tokens")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke CRM sync").click()
    # HTMX swaps the row in place: no page load, the status reads "revoked".
    row = page.locator("tr", has_text="CRM sync")
    expect(row.get_by_text("revoked")).to_be_visible()
    expect(page.locator("#new-token")).to_be_visible()
    assert _me(live_server, secret) == 401

    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
