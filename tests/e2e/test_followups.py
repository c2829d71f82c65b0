"""Follow-ups in the browser: an introduction recorded makes its tasks; the rep completes "thank the source" from
the Today list, logging the email, and it disappears; the count in the navigation follows. The pages fit a phone."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import login, screenshot
from tests.e2e.test_shell import PHONE_WIDTH, TOLERANCE, _page_width
from warmline.followups import outbox
from warmline.followups import services as followups
from warmline.followups.models import Task
from warmline.network import services
from warmline.network.models import Interaction


@pytest.fixture
def people(e2e_world):
    alice = e2e_world.alice
    priya = services.save_person(alice, None, first_name="Priya", last_name="Patel", title="COO", company="Initech")
    target = services.save_person(alice, None, first_name="Bob", last_name="Smith", title="CFO", company="Globex")
    return e2e_world, priya, target


def test_a_rep_records_an_introduction_and_works_the_today_list(page: Page, live_server, people):
    world, priya, target = people
    followups.add_task(world.carol, title="Call Initech back about the pilot",
                       due_at=timezone.now() - datetime.timedelta(hours=2))
    login(page, live_server, "carol@acme.test")
    nav = page.get_by_role("navigation", name="Main")
    count = nav.locator("#nav-due-count")
    expect(count).to_have_text(", 1 due")  # ", " and " due" are for screen readers

    # Record an introduction: Priya introduced Bob Smith.
    page.goto(f"/referrals/new/?source={priya.public_id}&prospect={target.public_id}")
    page.get_by_role("button", name="Record introduction").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bob Smith")

    # The rules made two tasks; they are on the Today list.
    nav.get_by_role("link", name="Follow-ups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your follow-ups")
    overdue = page.get_by_role("region", name="Overdue")
    expect(overdue.get_by_role("link", name="Call Initech back about the pilot")).to_be_visible()
    upcoming = page.get_by_role("region", name="Upcoming")
    expect(upcoming.get_by_role("link", name="Contact Bob Smith")).to_be_visible()
    thank = page.locator("li.task", has=page.get_by_role("link", name="Thank Priya Patel"))
    expect(thank).to_contain_text("Priya Patel introduced you to Bob Smith: thank them.")
    screenshot(page, "followups-today")

    # Complete "thank the source", logging the email: it disappears.
    thank.get_by_label("How it was done").select_option(label="Log an email")
    thank.get_by_role("button", name="Done").click()
    expect(page.get_by_role("status").filter(has_text="Done: Thank Priya Patel")).to_contain_text(
        "logged the email")
    expect(page.locator("li.task", has=page.get_by_role("link", name="Thank Priya Patel"))).to_have_count(0)
    task = Task.objects.get(kind="thank_source")
    assert task.status == "done" and task.interaction is not None
    assert Interaction.objects.get(person=priya).kind == "email"

    # Done with the overdue call too: the count in the navigation goes.
    call = page.locator("li.task", has=page.get_by_role("link", name="Call Initech back about the pilot"))
    call.get_by_role("button", name="Done").click()
    expect(call).to_have_count(0)
    expect(count).to_be_hidden()

    page.reload()
    expect(page.locator("li.task")).to_have_count(1)  # Contact Bob Smith
    expect(page.get_by_role("region", name="Done today")).to_contain_text("Thank Priya Patel")
    screenshot(page, "followups-today-after")


def test_the_followup_pages_fit_a_phone(phone_page: Page, live_server, people):
    world, priya, target = people
    from warmline.referrals import services as referrals

    referrals.record_referral(world.carol, source=priya, prospect=target,
                              introduced_at=timezone.now() - datetime.timedelta(days=2))
    page = phone_page
    login(page, live_server, "carol@acme.test")
    for path in ("/followups/", "/followups/rules/", "/followups/notifications/"):
        page.goto(path)
        width = _page_width(page)
        assert width <= PHONE_WIDTH + TOLERANCE, f"{path} is {width}px wide on a {PHONE_WIDTH}px screen"
    page.goto("/followups/")
    expect(page.locator("li.task")).to_have_count(2)
    screenshot(page, "followups-today-phone")


def test_a_rep_sees_which_of_their_emails_went_out_and_why_others_did_not(page: Page, live_server, e2e_world):
    carol = e2e_world.carol
    now = timezone.now()
    for i, (status, error) in enumerate([
        ("sent", ""), ("queued", ""),
        ("failed", "SMTPRecipientsRefused: carol@acme.test: 550 5.1.1 No such user here"),
        ("cancelled", "The task was done before the email went out."),
    ]):
        message = outbox.queue_email(carol, kind="task", key=f"e2e:{i}", subject=f"To do: Call prospect {i}",
                                     body="Body", at=now - datetime.timedelta(minutes=10 - i))
        message.status, message.last_error = status, error
        message.sent_at = now if status == "sent" else None
        message.save()
    login(page, live_server, "carol@acme.test")
    page.goto("/followups/notifications/")
    rows = page.locator("section.card", has=page.get_by_role("heading", name="Emails sent to you")).locator(
        "tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Call prospect 3")).to_contain_text("Not sent")
    expect(rows.filter(has_text="Call prospect 3")).to_contain_text("The task was done before the email went out")
    expect(rows.filter(has_text="Call prospect 2")).to_contain_text("Failed")
    expect(rows.filter(has_text="Call prospect 0")).to_contain_text("Sent")
    screenshot(page, "followups-emails")
