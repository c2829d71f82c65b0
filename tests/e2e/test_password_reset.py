"""Resetting a forgotten password by email."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login
from tests.personas import PASSWORD

NEW_PASSWORD = "amber kestrel orchard 17"


def _ask_for_a_reset_link(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    field(page, "Email").fill(email)
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()


def test_it_resets_a_forgotten_password_through_the_emailed_link(page: Page, live_server, e2e_world, smtp_server):
    _ask_for_a_reset_link(page, live_server, "carol@acme.test")

    mail = smtp_server.wait_for(lambda m: m.is_to("carol@acme.test"))
    assert mail.subject == "Reset your Warmline password"
    links = [url for url in mail.urls if "/password-reset/" in url]
    assert len(links) == 1, mail.text
    assert links[0].startswith(f"{live_server.url}/password-reset/"), links[0]

    page.goto(links[0])
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/login/")

    field(page, "Email").fill("carol@acme.test")
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match an account.")).to_be_visible()

    login(page, live_server, "carol@acme.test", NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Carol")

    # The link works once.
    page.goto(links[0])
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


def test_it_does_not_tell_a_stranger_whether_an_address_has_an_account(
    page: Page, live_server, e2e_world, smtp_server
):
    _ask_for_a_reset_link(page, live_server, "nobody@acme.test")

    # The reset view sends before it redirects, so nothing has come and nothing will.
    assert smtp_server.messages == []
