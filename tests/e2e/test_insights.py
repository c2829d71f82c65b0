"""Insights in the browser: a manager reads the team's dashboard and coaching view and sets a goal; a rep sees
their own numbers and their team's board, but not another team's private board. The pages fit a phone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from tests.e2e.test_shell import PHONE_WIDTH, TOLERANCE, _page_width
from tests.referrals.builders import build_pipeline, person
from warmline.core.money import Money
from warmline.insights import services as insights
from warmline.referrals import services as referrals
from warmline.referrals.choices import AskChannel


@pytest.fixture
def team_year(e2e_world):
    """Carol (East) and Wendy (West) at work this week and in the weeks before; goals for Carol."""
    world = e2e_world
    p = build_pipeline(world)
    now = timezone.now()
    monday = now - datetime.timedelta(days=now.weekday())
    for week in range(6):
        at = max(monday - datetime.timedelta(weeks=week), now - datetime.timedelta(hours=1))
        at = min(at, now) if week == 0 else monday - datetime.timedelta(weeks=week) + datetime.timedelta(hours=10)
        for n in range(2 + week % 3):
            referrals.record_ask(world.carol, source=p.dana, target_description=f"A buyer {week}-{n}",
                                 channel=AskChannel.PHONE, at=at, asked_on=at.date())
        prospect = person(world.alice, f"Prospect{week}", "Carol", f"Co {week}")
        referral = referrals.record_referral(world.carol, source=p.erin, prospect=prospect, introduced_at=at, at=at)
        if week >= 2:
            referrals.move_referral(world.carol, referral, p.stage("Won"), value=Money(12_000_00, "USD"),
                                    closed_on=(at + datetime.timedelta(days=1)).date(),
                                    at=at + datetime.timedelta(days=1))
    wendy_prospect = person(world.alice, "Wanda", "West", "Westco")
    referrals.record_referral(p.wendy, source=p.dana, prospect=wendy_prospect, at=now - datetime.timedelta(days=3),
                              introduced_at=now - datetime.timedelta(days=3))
    start = (monday - datetime.timedelta(weeks=8)).date()
    insights.set_goal(world.bob, metric="asks", target=4, member=world.carol, starts_on=start)
    insights.set_goal(world.bob, metric="introductions", target=3, member=world.carol, starts_on=start)
    return world, p


def test_a_manager_reads_the_dashboard_coaches_the_team_and_sets_a_goal(page: Page, live_server, team_year):
    world, p = team_year
    login(page, live_server, "bob@acme.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Insights: East")
    coaching = page.get_by_role("region", name="This week, rep by rep")
    carol = coaching.get_by_role("row").filter(has_text="Carol Rep")
    expect(carol).to_be_visible()
    expect(carol).to_contain_text("/ 4")  # her weekly ask goal
    expect(page.locator('[data-metric="asks"] dd')).not_to_have_text("–")
    expect(page.get_by_role("img", name="People asked")).to_be_visible()
    screenshot(page, "insights-manager-week")

    # The quarter: revenue from her won deals, the funnel, and the CSV behind it.
    page.get_by_label("Period").select_option("quarter")
    expect(page.locator(".period-label")).to_contain_text("Q")
    expect(page.locator('[data-metric="revenue"] dd')).to_contain_text("$")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("warmline-metrics-team-")
    screenshot(page, "insights-manager-quarter")

    # A goal for the team.
    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Goals").click()
    page.get_by_label("For").select_option(label="Team: East")
    page.get_by_label("Goal", exact=True).select_option("new_clients")
    page.get_by_label("Target").fill("6")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("Goal saved")
    expect(page.locator('[data-goals^="team:"]')).to_contain_text("New clients")
    screenshot(page, "insights-goals")

    # The planner, from the team's own history.
    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Planner").click()
    page.get_by_label("New clients wanted").fill("12")
    page.get_by_role("button", name="Work it out").click()
    expect(page.locator('[data-plan="introductions"] .value')).not_to_be_empty()
    expect(page.get_by_role("button", name="Save as goals")).to_be_visible()
    screenshot(page, "insights-planner")

    # Channels: nothing to compare with until the CRM's deals are imported; a bad file is refused, named.
    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Channels").click()
    expect(page.get_by_text("Import your CRM's deals with their lead source to compare channels")).to_be_visible()
    today = timezone.localdate()
    day = f"{today.month}/{today.day}/{today.year}"
    good = ("Opportunity ID,Opportunity Name,Lead Source,Stage,Amount,Close Date\n"
            f"006A,Vandelay,Customer Referral,Closed Won,\"12,000.00\",{day}\n"
            f"006B,Pendant,Web,Closed Lost,\"9,000.00\",{day}\n"
            f"006C,Kramerica,Web,Closed Won,\"3,000.00\",{day}\n"
            f"006D,Monks,Web,Closed Lost,,{day}\n")
    page.get_by_label("CRM deals export (CSV)").set_input_files(
        files=[{"name": "opportunities.csv", "mimeType": "text/csv", "buffer": good.replace("12,000.00", "12,OOO.00")
                .encode()}])
    page.get_by_role("button", name="Import deals").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Nothing was imported: 1 problem in the file.")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("2Amount12,OOO.00")
    page.get_by_label("CRM deals export (CSV)").set_input_files(
        files=[{"name": "opportunities.csv", "mimeType": "text/csv", "buffer": good.encode()}])
    page.get_by_role("button", name="Import deals").click()
    expect(page.locator(".messages")).to_contain_text("4 deals read from the Salesforce export: 4 new")
    expect(page.locator('[data-figure="share"] .value')).to_have_text("50%")
    expect(page.locator('tr[data-lead-source="Web"]')).to_contain_text("33%")
    screenshot(page, "insights-channels")


def test_a_rep_sees_their_numbers_and_their_teams_board_but_not_another_teams(page: Page, live_server, team_year):
    world, p = team_year
    login(page, live_server, "carol@acme.test")
    page.goto("/insights/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights: Carol Rep")
    expect(page.get_by_role("region", name="This week, rep by rep")).to_have_count(0)
    expect(page.locator('[data-goal="asks"]')).to_contain_text("of 4")
    options = page.get_by_label("Whose figures", exact=True).locator("option")
    expect(options).to_have_text(["Whole workspace", "East", "Me"])
    screenshot(page, "insights-rep")

    page.get_by_role("navigation", name="Insights").get_by_role("link", name="Leaderboards").click()
    page.get_by_label("Whose figures", exact=True).select_option(label="East")
    board = page.locator('[data-board="introductions"]')
    expect(board).to_contain_text("Carol Rep")
    expect(board.locator("tr.me")).to_have_count(1)
    expect(page.get_by_text("Private to East")).to_be_visible()
    expect(page.get_by_text("Wendy Westrep")).to_have_count(0)
    screenshot(page, "insights-team-board")

    response = page.goto(f"/insights/leaderboards/?scope=team:{p.west.public_id}")
    assert response.status == 404

    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    page.goto("/insights/?period=quarter")
    assert _page_width(page) <= PHONE_WIDTH + TOLERANCE
    screenshot(page, "insights-rep-phone")
