"""The acceptance walk on the demo workspace: sign in as the demo admin, see
the shell, invite a colleague, sign out, and reset a password by email."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot, sign_out
from warmline.demo import load_demo


@pytest.fixture
def demo(transactional_db):
    workspace, created = load_demo("warmline-demo", pipeline=False)  # the walk covers the shell, not the pipeline
    assert created
    return workspace


def test_it_walks_the_demo_as_its_admin(page: Page, live_server, demo, smtp_server):
    login(page, live_server, "admin@example.com", "warmline-demo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex")
    expect(page.get_by_title("Your workspace")).to_have_text("Northwind Analytics")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link")).to_have_text(
        ["Home", "Network", "Paths", "Targeting", "Referrals", re.compile(r"^Follow-ups"), "Insights", "Settings"])
    screenshot(page, "demo-home")
    main_nav.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights: Whole workspace")

    main_nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("row")).to_have_count(39)  # the header and 38 people
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Invitations").click()
    field(page, "Email address").fill("new.rep@example.com")
    field(page, "Team").select_option(label="Mid-Market")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_have_text("Invitation sent to new.rep@example.com.")
    invitation = smtp_server.wait_for(lambda m: m.is_to("new.rep@example.com"))
    assert invitation.subject == "Alex Morgan invited you to Northwind Analytics on Warmline"

    sign_out(page)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    page.get_by_role("link", name="Forgot your password?").click()
    field(page, "Email").fill("dana.lee@example.com")
    page.get_by_role("button", name="Send the reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    reset = smtp_server.wait_for(lambda m: m.is_to("dana.lee@example.com"))
    page.goto(next(u for u in reset.urls if "/password-reset/" in u))
    field(page, "New password").fill("a new demo passphrase")
    field(page, "New password confirmation").fill("a new demo passphrase")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()

    login(page, live_server, "dana.lee@example.com", "a new demo passphrase")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana")
