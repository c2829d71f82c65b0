"""Targeting in the browser: an admin defines a profile (watching the live preview), sees fit scores on a
company, opens This week, plans the ask from an entry, reads the drafted talking points and introduction text,
drafts again with a reason, and saves the ask. The targeting pages fit a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import field, login, screenshot
from tests.e2e.test_shell import PHONE_WIDTH, TOLERANCE, _page_width
from warmline.network import services
from warmline.network.models import Company
from warmline.referrals.models import Ask


def _company(actor, name, **fields):
    return services.save_company(actor, Company.objects.get(workspace_id=actor.workspace_id, name=name), **fields)


@pytest.fixture
def accounts(e2e_world):
    """Dana, COO of Initech (a happy client), knows Carla, VP Finance at Globex, a freight company in Chicago.
    Alice knows Dana."""
    alice = e2e_world.alice
    dana = services.save_person(alice, None, first_name="Dana", last_name="Client", title="COO", company="Initech")
    carla = services.save_person(alice, None, first_name="Carla", last_name="Controller", title="VP Finance",
                                 company="Globex", region="Illinois")
    services.save_person(alice, None, first_name="Ivan", last_name="Intern", title="Intern", company="Tiny Co")
    _company(alice, "Initech", industry="Software", employee_count=150, relation="client", nps=10, health="good")
    _company(alice, "Globex", industry="Freight", employee_count=800, city="Chicago", region="Illinois",
             country="United States")
    _company(alice, "Tiny Co", industry="Bakery", employee_count=4, region="Texas")
    services.record_tie(alice, services.ensure_person_for(alice), dana, kind="client_contact")
    services.record_tie(alice, dana, carla, kind="former_colleague", how_they_know="Worked together at Acme Freight")
    return e2e_world, dana, carla


def test_an_admin_defines_a_profile_and_plans_an_ask_from_this_week(page: Page, live_server, accounts):
    world, dana, carla = accounts
    login(page, live_server, "alice@acme.test")

    # 1. Define a profile, watching how the workspace's companies fit as the criteria go in.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Targeting").click()
    page.get_by_role("link", name="Ideal customer profiles").click()
    page.get_by_role("link", name="New profile").first.click()
    field(page, "Name").fill("Midwest freight finance")
    field(page, "Whom, in a few words").fill("Finance leaders")
    field(page, "Industries").fill("Freight, Logistics")
    preview = page.locator("#fit-preview")
    expect(preview.locator(".top-fits")).to_contain_text("Globex")
    field(page, "Regions or states").fill("Illinois, Ohio")
    field(page, "From").fill("200")
    field(page, "To").fill("2000")
    field(page, "Functions or business units").fill("Finance")
    page.get_by_label("VP", exact=True).check()
    page.get_by_label("C-level").check()
    field(page, "Situation or need").fill("rising freight costs")
    expect(preview).to_contain_text("Finance leaders of Freight or Logistics companies of 200–2,000 people in "
                                    "Illinois or Ohio, facing rising freight costs")
    expect(preview).to_contain_text("1 of 4 companies fit well enough")
    screenshot(page, "targeting-profile-editor")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_role("status")).to_have_text("Saved the profile Midwest freight finance.")

    # 2. Fit scores on a company.
    page.goto(f"/network/companies/{Company.objects.get(name='Globex').public_id}/")
    fit_card = page.locator(".fit-card")
    expect(fit_card.locator(".fit-score").first).to_have_text("100")
    expect(fit_card).to_contain_text("Freight is one of Freight, Logistics")
    expect(page.locator("table").get_by_text("Carla Controller")).to_be_visible()

    # 3. This week: Dana, a happy client, is on the list, with Carla to ask for.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Targeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Whom to ask this week")
    entry = page.locator("li.call", has_text="Dana Client")
    expect(entry).to_contain_text("Happy client: Initech (NPS 10, health good)")
    expect(entry.locator(".introduce")).to_contain_text("Carla Controller")
    screenshot(page, "targeting-this-week")

    # 4. Plan the ask from the entry.
    entry.get_by_role("link", name="Plan the ask").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan the ask")
    expect(field(page, "Whom did you ask?")).to_have_value("Dana Client")
    expect(page.get_by_label(re.compile("^Whom should they introduce you to"))).to_have_value("Carla Controller")

    # 5. The talking points and the introduction text, drafted; drafted again once the reason is in.
    points, intro = field(page, "Talking points"), field(page, "Introduction text")
    expect(points).to_have_value(re.compile("Carla Controller"))
    expect(points).to_have_value(re.compile("Finance leaders of Freight or Logistics companies"))
    expect(intro).to_have_value(re.compile(r"^Subject: Introduction: Carla, meet Alice"))
    field(page, "Why an introduction is worth their time").fill("Globex is renegotiating its freight contracts.")
    page.get_by_role("button", name="Draft again from the people and the reason").click()
    expect(field(page, "Talking points")).to_have_value(re.compile("Globex is renegotiating its freight contracts."))
    field(page, "How did you ask?").select_option(label="In person")
    screenshot(page, "targeting-ask-planner")

    # 6. Save the ask: the drafts are kept on it.
    page.get_by_role("button", name="Log the ask").click()
    expect(page.get_by_role("status")).to_have_text("Logged your ask of Dana Client.")
    saved = Ask.objects.get()
    assert saved.target == carla and "Globex is renegotiating its freight contracts." in saved.talking_points
    assert saved.intro_text.startswith("Subject: Introduction: Carla, meet Alice")
    expect(page.locator(".draft-text").first).to_contain_text("Carla Controller")

    # Asked today: Dana leaves this week's list, and says why.
    page.goto("/targeting/")
    expect(page.locator("li.call", has_text="Dana Client")).to_have_count(0)
    page.get_by_text("Left off this week").click()
    expect(page.locator("details.excluded")).to_contain_text("Asked today")


def test_the_targeting_pages_fit_a_phone(phone_page: Page, live_server, accounts):
    world, dana, carla = accounts
    from warmline.targeting.services import save_profile

    profile = save_profile(world.alice, None, name="Freight", industries=["Freight"], functions=["Finance"])
    login(phone_page, live_server, "alice@acme.test")
    pages = {"this-week": "/targeting/", "profiles": "/targeting/profiles/",
             "profile": f"/targeting/profiles/{profile.public_id}/", "templates": "/targeting/templates/",
             "ask-planner": f"/referrals/asks/new/?source={dana.public_id}&target={carla.public_id}"}
    for name, path in pages.items():
        phone_page.goto(path)
        width = _page_width(phone_page)
        screenshot(phone_page, f"targeting-phone-{name}")
        assert width <= PHONE_WIDTH + TOLERANCE, f"{path} is {width}px wide on a {PHONE_WIDTH}px screen"
