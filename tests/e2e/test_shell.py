"""The shell: navigation, workspace, signing out, who sees what, and phones."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot, sign_out

UNBUILT_AREAS: list[str] = []


def test_it_shows_the_admin_a_shell_with_only_the_areas_that_exist(page: Page, live_server, e2e_world):
    login(page, live_server, "alice@acme.test")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alice")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Home", exact=True)).to_have_attribute("aria-current", "page")
    expect(main_nav.get_by_role("link", name="Settings", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Network", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Paths", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Referrals", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Follow-ups", exact=True)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Insights", exact=True)).to_be_visible()
    for area in UNBUILT_AREAS:
        expect(page.get_by_role("link", name=area, exact=True)).to_have_count(0)
    expect(page.get_by_title("Your workspace")).to_have_text("Acme")
    expect(page.get_by_title("Your account")).to_have_text("Alice Admin")
    screenshot(page, "home")

    main_nav.get_by_role("link", name="Settings", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/settings/members/")
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    expect(main_nav.get_by_role("link", name="Settings", exact=True)).to_have_attribute("aria-current", "page")
    table = page.get_by_role("main").get_by_role("table")
    for name in ["Alice Admin", "Bob Manager", "Carol Rep"]:
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(4)  # the header and three members
    expect(page.get_by_text("Charlie Outsider")).to_have_count(0)
    screenshot(page, "members")


def test_it_signs_the_user_out_and_then_asks_them_to_sign_in(page: Page, live_server, e2e_world):
    login(page, live_server, "alice@acme.test")

    sign_out(page)

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(field(page, "Email")).to_be_visible()


def test_it_hides_invitations_from_a_rep(page: Page, live_server, e2e_world):
    login(page, live_server, "carol@acme.test")
    expect(page.get_by_text("you are rep, Account Executive")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()

    settings_nav = page.get_by_role("navigation", name="Settings")
    expect(settings_nav.get_by_role("link", name="Members")).to_be_visible()
    expect(settings_nav.get_by_role("link", name="Teams")).to_be_visible()
    expect(settings_nav.get_by_role("link", name="Invitations")).to_have_count(0)
    expect(page.get_by_role("link", name="Invite someone")).to_have_count(0)

    response = page.goto("/settings/invitations/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_it_answers_not_found_when_another_workspace_opens_an_acme_team(page: Page, live_server, e2e_world):
    east_url = f"/settings/teams/{e2e_world.east.public_id}/"
    login(page, live_server, "charlie@bravo.test")
    expect(page.get_by_title("Your workspace")).to_have_text("Bravo")

    response = page.goto(east_url)

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("East")).to_have_count(0)
    expect(page.get_by_text("Bob Manager")).to_have_count(0)


PHONE_WIDTH = 390
# A pixel or two of rounding is not sideways scrolling.
TOLERANCE = 2


def _page_width(page: Page) -> int:
    # Compared with the screen's fixed width: on a phone, window.innerWidth
    # grows to the content's width when the page is too wide, hiding the overflow.
    return page.evaluate("document.documentElement.scrollWidth")


def test_it_fits_the_home_page_on_a_phone_without_sideways_scrolling(phone_page: Page, live_server, e2e_world):
    page = phone_page
    login(page, live_server, "alice@acme.test")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alice")
    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav.get_by_role("link", name="Home", exact=True)).to_be_in_viewport()
    expect(main_nav.get_by_role("link", name="Settings", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
    screenshot(page, "home-mobile")
    width = _page_width(page)
    assert width <= PHONE_WIDTH + TOLERANCE, f"the home page is {width}px wide on a {PHONE_WIDTH}px screen"


def test_it_fits_the_members_page_on_a_phone_without_sideways_scrolling(phone_page: Page, live_server, e2e_world):
    page = phone_page
    login(page, live_server, "alice@acme.test")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings", exact=True).click()

    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    screenshot(page, "members-mobile")
    for path in ("/settings/members/", "/settings/invitations/", "/settings/tokens/", "/settings/teams/"):
        page.goto(live_server.url + path)
        width = _page_width(page)
        assert width <= PHONE_WIDTH + TOLERANCE, f"{path} is {width}px wide on a {PHONE_WIDTH}px screen"
