"""Inviting a colleague by email, and the colleague joining by the link."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot, sign_out

NEW_PASSWORD = "violet harbour lantern 42"


def test_it_invites_a_colleague_who_joins_through_the_emailed_link(
    page: Page, live_server, e2e_world, smtp_server
):
    login(page, live_server, "alice@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", name="Invitations", level=1)).to_be_visible()

    field(page, "Email address").fill("dave@acme.test")
    field(page, "Role").select_option(label="Manager")
    field(page, "Team").select_option(label="East")
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_have_text("Invitation sent to dave@acme.test.")
    row = page.get_by_role("row").filter(has_text="dave@acme.test")
    expect(row).to_contain_text("Manager")
    expect(row).to_contain_text("pending")
    screenshot(page, "invitations")

    mail = smtp_server.wait_for(lambda m: m.is_to("dave@acme.test"))
    assert mail.recipients == ("dave@acme.test",)
    assert mail.subject == "Alice Admin invited you to Acme on Warmline"
    links = [url for url in mail.urls if "/invite/" in url]
    assert len(links) == 1, mail.text
    link = links[0]
    assert link.startswith(f"{live_server.url}/invite/"), link

    sign_out(page)
    page.goto(link)

    expect(page.get_by_role("heading", name="Join Acme")).to_be_visible()
    expect(page.get_by_text("You were invited as manager with dave@acme.test.")).to_be_visible()
    screenshot(page, "accept-invitation")
    field(page, "Your name").fill("Dave Newcomer")
    field(page, "Choose a password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_have_text("Welcome to Acme.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dave")
    expect(page.get_by_title("Your workspace")).to_have_text("Acme")
    expect(page.get_by_text("Acme · you are manager")).to_be_visible()
    expect(page.get_by_role("region", name="Your teams").get_by_role("link", name="East")).to_be_visible()

    # The link is spent: opening it again says so rather than offering a form.
    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("alert")).to_have_text("This invitation has already been used. Sign in instead.")
    expect(field(page, "Your name")).to_have_count(0)
