"""Warm paths in the browser, on the demo workspace: a person's ranked paths, an account map, a target list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from warmline.demo import load_demo


@pytest.fixture
def demo(transactional_db):
    workspace, created = load_demo("warmline-demo", pipeline=False)  # the network is what is tested here
    assert created
    return workspace


def test_a_rep_finds_convincing_paths_in_the_demo(page: Page, live_server, demo):
    login(page, live_server, "priya.raman@example.com", "warmline-demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Paths").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can introduce us?")
    page.get_by_label("Person or company").fill("Xiaoling Vu")
    page.get_by_role("button", name="Find paths").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Paths to Xiaoling Vu")
    paths = page.locator("ol.paths > li")
    expect(paths).to_have_count(20)
    first = paths.first
    expect(first.locator(".badge").first).to_have_text("One introducer")
    expect(first.get_by_text("Try this next")).to_be_visible()
    expect(first.locator(".chain")).to_contain_text("Felix Richter")
    expect(first.locator(".explanation")).to_contain_text(
        "Felix worked with Xiaoling Vu at Tidewater Energy 2014–2016")
    # Every path says why, in words, and insiders reach Xiaoling through her own company.
    expect(page.locator(".explanation").filter(has_text=re.compile(r"works with Xiaoling Vu at Ashcombe Shipping"))
           .first).to_be_visible()
    screenshot(page, "paths-person")

    page.get_by_role("main").get_by_role("link", name="Ashcombe Shipping").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashcombe Shipping")
    expect(page.locator(".coverage")).to_contain_text(re.compile(r"\d+ of \d+ people reachable through \d+ employees"))
    rows = page.locator("table.account-map tbody tr")
    expect(rows.first.locator(".badge")).to_be_visible()
    screenshot(page, "paths-account")

    page.get_by_role("navigation", name="Paths").get_by_role("link", name="Account lists").click()
    page.get_by_role("link", name="FY27 target accounts").click()
    table = page.locator("table.account-table")
    expect(table.locator("tbody tr")).to_have_count(18)
    expect(table).to_contain_text("Not in the network")
    expect(table.locator("tbody tr").first.locator(".strength-value")).to_be_visible()
    screenshot(page, "paths-list")


def test_the_paths_page_reads_on_a_phone(phone_page: Page, live_server, demo):
    login(phone_page, live_server, "priya.raman@example.com", "warmline-demo")
    phone_page.goto(f"{live_server.url}/paths/?q=Xiaoling+Vu")
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Paths to Xiaoling Vu")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    screenshot(phone_page, "paths-person-phone")
