"""The referral journey in the browser: from a warm path to an ask, the ask agreed, the introduction recorded,
moved through the stages (by drag and drop, by the card's Move form, and on its page) to won, and the source's
page crediting them with the revenue. Every pipeline page fits a phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot
from tests.e2e.test_shell import PHONE_WIDTH, TOLERANCE, _page_width
from warmline.network import services
from warmline.network.services import ensure_person_for
from warmline.referrals import services as referrals
from warmline.referrals.models import Referral


@pytest.fixture
def warm(e2e_world):
    """Alice worked with Priya (a client); Priya knows Bob Smith, CFO at Globex, whom Carol wants to meet."""
    alice = e2e_world.alice
    priya = services.save_person(alice, None, first_name="Priya", last_name="Patel", title="COO", company="Initech")
    target = services.save_person(alice, None, first_name="Bob", last_name="Smith", title="CFO", company="Globex")
    services.log_interaction(alice, priya, kind="meeting", occurred_on=datetime.date.today())
    services.record_tie(alice, priya, target, kind="friend", how_they_know="CFO round-table")
    ensure_person_for(e2e_world.carol)
    return e2e_world, priya, target


def test_a_rep_goes_from_a_warm_path_to_a_won_deal_credited_to_the_source(page: Page, live_server, warm):
    world, priya, target = warm
    login(page, live_server, "carol@acme.test")

    # 1. From a warm path to an ask.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Paths").click()
    page.get_by_label("Person or company").fill("Bob Smith")
    page.get_by_role("button", name="Find paths").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paths to Bob Smith")
    first = page.locator("ol.paths > li").first
    expect(first.locator(".chain")).to_contain_text("Priya Patel")
    first.get_by_role("link", name="Plan the ask").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan the ask")
    expect(field(page, "Whom did you ask?")).to_have_value("Priya Patel")
    expect(page.get_by_label(re.compile("^Whom should they introduce you to"))).to_have_value("Bob Smith")
    field(page, "How did you ask?").select_option(label="Phone")
    field(page, "Why an introduction is worth their time").fill("Globex is consolidating finance tools this year.")
    field(page, "Introduction text").fill("Bob, meet Carol: she helped us close in four days.")
    # 2. The ask agreed.
    field(page, "Outcome").select_option(label="Agreed to introduce")
    page.get_by_text("What the source told you").click()
    field(page, "How they know the prospect").fill("CFO round-table")
    screenshot(page, "referrals-ask-form")
    page.get_by_role("button", name="Log the ask").click()
    expect(page.get_by_role("status")).to_have_text("Logged your ask of Priya Patel.")
    expect(page.get_by_text("Agreed to introduce").first).to_be_visible()
    expect(page.get_by_text("planned from a warm path")).to_be_visible()

    # 3. The introduction recorded, from the ask, in one click.
    expect(field(page, "Whom were you introduced to?")).to_have_value("Bob Smith")
    page.get_by_role("button", name="Record the introduction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bob Smith")
    expect(page.get_by_role("status")).to_contain_text("Recorded the introduction of Bob Smith")
    referral = Referral.objects.get()
    assert (referral.source, referral.prospect, referral.owner) == (priya, target, world.carol)

    # The paths page now says this path led to an introduction.
    page.goto(f"/paths/people/{target.public_id}/")
    expect(page.locator("ol.paths > li").first.locator(".badge.status-introduced").first).to_be_visible()

    # 4. Through the stages: dragged on the board, moved with a card's form, then on its page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    card = page.locator("li.ref-card", has_text="Bob Smith")
    expect(card).to_have_count(1)
    contacted = page.locator(".stage-drop", has=page.get_by_role("heading", name="Contacted", exact=True))
    card.drag_to(contacted)
    expect(page.get_by_role("status")).to_have_text("Moved Bob Smith to Contacted.")
    expect(contacted.locator("li.ref-card", has_text="Bob Smith")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    card = page.locator("li.ref-card", has_text="Bob Smith")
    card.hover()
    card.get_by_label("Move Bob Smith to").select_option(label="Meeting scheduled")
    card.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_have_text("Moved Bob Smith to Meeting scheduled.")
    assert page.evaluate("window.stillTheSamePage") is True  # HTMX swapped the board, no reload
    screenshot(page, "referrals-board")

    page.locator("li.ref-card", has_text="Bob Smith").get_by_role("link", name="Bob Smith").click()
    for stage in ("Meeting held", "Proposal"):
        field(page, "Move to").select_option(label=stage)
        page.get_by_role("button", name="Move", exact=True).click()
        expect(page.get_by_role("status")).to_have_text(f"Moved to {stage}.")
    field(page, "Move to").select_option(label="Won")
    expect(page.get_by_role("textbox", name="Value (to win)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Why was it lost? (to lose)")).to_be_hidden()
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("A won referral needs its value.")).to_be_visible()
    page.get_by_role("textbox", name="Value (to win)").fill("48,000")
    field(page, "Close date (to win or lose)").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Moved to Won.")
    history = page.get_by_role("table").filter(has_text="Time there")
    expect(history.get_by_role("row")).to_have_count(7)  # the header, Introduced and five moves
    screenshot(page, "referrals-detail-won")

    # 5. The source's page shows the revenue credited to them.
    page.get_by_role("link", name="Priya Patel").first.click()
    record = page.locator(".source-card")
    expect(record).to_contain_text("1 (0 open, 1 won, 0 lost)")
    expect(record.locator("dd.strong")).to_have_text("$48,000.00")
    expect(page.locator("#timeline")).to_contain_text("Priya Patel introduced Bob Smith to Carol Rep")
    screenshot(page, "referrals-source-page")


def test_winning_by_dropping_on_won_asks_for_the_value_on_the_referrals_page(page: Page, live_server, warm):
    world, priya, target = warm
    referrals.record_referral(world.carol, source=priya, prospect=target)
    login(page, live_server, "carol@acme.test")
    page.goto("/referrals/")
    won = page.locator(".stage-drop", has=page.get_by_role("heading", name="Won", exact=True))
    won_stage = won.get_attribute("data-stage")
    page.locator("li.ref-card", has_text="Bob Smith").drag_to(won)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bob Smith")
    expect(field(page, "Move to")).to_have_value(won_stage)
    expect(page.get_by_role("textbox", name="Value (to win)")).to_be_visible()


def test_the_pipeline_pages_fit_a_phone(phone_page: Page, live_server, warm):
    world, priya, target = warm
    referral = referrals.record_referral(world.carol, source=priya, prospect=target)
    asked = referrals.record_ask(world.carol, source=priya, target=target, channel="phone")
    page = phone_page
    login(page, live_server, "alice@acme.test")
    for path in ("/referrals/", "/referrals/mine/", "/referrals/list/", "/referrals/asks/", "/referrals/new/",
                 "/referrals/asks/new/", f"/referrals/{referral.public_id}/", f"/referrals/asks/{asked.public_id}/",
                 "/settings/pipeline/", f"/network/people/{priya.public_id}/"):
        page.goto(path)
        width = _page_width(page)
        assert width <= PHONE_WIDTH + TOLERANCE, f"{path} is {width}px wide on a {PHONE_WIDTH}px screen"
    page.goto("/referrals/")
    screenshot(page, "referrals-board-phone")
