"""The follow-up pages: the Today list (its sections, the count in the navigation, completing, dismissing, snoozing
and undoing with and without HTMX), who may open whose list, adding a task, the rules page and the notification
settings with the calendar link. The pages use the real clock, so every time here is relative to now."""

import datetime
import html
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from tests.referrals.builders import build_pipeline, refer
from warmline.followups import queries, services
from warmline.followups.models import NotificationSettings, OutboxMessage, Rule, Task
from warmline.network.models import Interaction

from .builders import DAY, HOUR

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _due_today(now: datetime.datetime) -> datetime.datetime:
    """A time later today (UTC) whatever the time of day: halfway between now and midnight."""
    tomorrow = queries.start_of_day(timezone.localdate(now) + DAY)
    return now + (tomorrow - now) / 2


def _sections(body: str) -> dict[str, str]:
    """The Today page's sections by their heading: what is between one heading and the next."""
    overdue = body.find('id="overdue-h"')
    today = body.find('id="today-h"')
    upcoming = body.find('id="upcoming-h"')
    end = body.find('class="card add-task"')
    return {"overdue": body[overdue:today] if overdue >= 0 else "", "today": body[today:upcoming],
            "upcoming": body[upcoming:end if end >= 0 else len(body)]}


def _nav_count(body: str) -> str:
    match = re.search(r'<span class="nav-count" id="nav-due-count"([^>]*)>', body)
    assert match, "no count in the navigation"
    return match.group(1)


@pytest.fixture
def carols_day(world, pipeline):
    """Carol's tasks: two overdue (an introduction 30 hours ago), one due later today (by hand), two upcoming (an
    introduction just now: due in 24 hours, so tomorrow)."""
    now = timezone.now()
    late = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=now - 30 * HOUR)
    fresh = refer(world.carol, pipeline.erin, pipeline.dana, at=now)
    today = services.add_task(world.carol, title="Send the case study", due_at=_due_today(now),
                              reason="Promised on the call", person=pipeline.erin)
    return late, fresh, today


def _task(referral, kind) -> Task:
    return Task.objects.get(referral=referral, kind=kind)


# --- the Today list --------------------------------------------------------------------------------


def test_the_today_list_shows_each_section_with_titles_reasons_links_and_the_count(world, pipeline, carols_day):
    late, fresh, today = carols_day
    response = world.client_for(world.carol).get("/followups/")
    assert response.status_code == 200
    body = _text(response)
    sections = _sections(body)
    assert "Overdue" in sections["overdue"] and "Due today" in sections["today"] and "Upcoming" in sections["upcoming"]
    overdue, due_today, upcoming = sections["overdue"], sections["today"], sections["upcoming"]
    referral_link = f'href="/referrals/{late.public_id}/"'
    for title in ("Contact Bob Smith", "Thank Dana Client"):
        assert title in overdue and title not in due_today + upcoming
    assert overdue.count(referral_link) == 2
    assert "Dana Client introduced Bob Smith: reach out while the introduction is warm." in overdue
    assert "Dana Client introduced you to Bob Smith: thank them." in overdue
    assert "Overdue by" in overdue
    assert "Send the case study" in due_today and "Promised on the call" in due_today
    assert "Send the case study" not in overdue + upcoming
    assert f'href="/network/people/{pipeline.erin.public_id}/"' in due_today
    for title in ("Contact Dana Client", "Thank Erin Partner"):
        assert title in upcoming and title not in overdue + due_today
    assert upcoming.count(f'href="/referrals/{fresh.public_id}/"') == 2
    assert "3 to do today, 2 of them overdue." in body
    # The navigation counts what is due today or overdue.
    assert _nav_count(body) == ' title="3 due today or overdue"'
    assert re.search(r'id="nav-due-count"[^>]*>\s*<span class="visually-hidden">, </span>3<', body)


def test_a_member_with_nothing_due_sees_so_and_no_count(world, pipeline, carols_day):
    body = _text(world.client_for(pipeline.wendy).get("/followups/"))
    assert "Nothing due today." in body and "Nothing in the next 7 days." in body
    assert 'id="overdue-h"' not in body and "Thank Dana Client" not in body
    assert _nav_count(body) == ' hidden title="0 due today or overdue"'


def test_the_count_shows_on_every_page_in_the_navigation(world, pipeline, carols_day):
    body = _text(world.client_for(world.carol).get("/referrals/"))
    assert _nav_count(body) == ' title="3 due today or overdue"'


# --- changing a task from the list -----------------------------------------------------------------


def test_done_with_htmx_logs_the_email_answers_a_note_with_undo_and_the_new_count(world, pipeline, carols_day):
    late, _, _ = carols_day
    thank = _task(late, "thank_source")
    client = world.client_for(world.carol)
    response = client.post(f"/followups/tasks/{thank.public_id}/done/", {"log": "email"}, **HX)
    assert response.status_code == 200
    body = _text(response)
    assert f'<li class="task-note" id="task-{thank.public_id}" role="status">' in body
    assert "Done: Thank Dana Client and logged the email." in body
    assert f'hx-post="/followups/tasks/{thank.public_id}/reopen/"' in body and ">Undo</button>" in body
    assert 'id="nav-due-count" hx-swap-oob="true" title="2 due today or overdue"' in body
    thank.refresh_from_db()
    assert thank.status == "done" and thank.completed_by == world.carol and thank.outcome == "Done: email logged"
    interaction = Interaction.objects.get()
    assert thank.interaction == interaction
    assert (interaction.person, interaction.kind, interaction.summary) == (
        pipeline.dana, "email", "Thanked them for introducing Bob Smith")
    # Done today, below the list.
    page = _text(client.get("/followups/"))
    assert 'id="done-h"' in page and "Done: email logged" in page
    assert _nav_count(page) == ' title="2 due today or overdue"'


def test_done_without_htmx_redirects_back_with_a_message(world, pipeline, carols_day):
    late, _, _ = carols_day
    contact = _task(late, "contact_prospect")
    client = world.client_for(world.carol)
    response = client.post(f"/followups/tasks/{contact.public_id}/done/", {"log": ""})
    assert response.status_code == 302 and response["Location"] == "/followups/"
    assert "Done: Contact Bob Smith." in _text(client.get("/followups/"))
    contact.refresh_from_db()
    assert contact.status == "done" and contact.outcome == "Done" and contact.interaction is None
    assert Interaction.objects.count() == 0
    # A safe `next` is followed; another host's is not.
    thank = _task(late, "thank_source")
    response = client.post(f"/followups/tasks/{thank.public_id}/done/",
                           {"next": f"/referrals/{late.public_id}/"})
    assert response["Location"] == f"/referrals/{late.public_id}/"
    reopened = client.post(f"/followups/tasks/{thank.public_id}/reopen/", {"next": "https://evil.test/"})
    assert reopened["Location"] == "/followups/"


def test_bad_input_answers_the_row_with_the_error_and_changes_nothing(world, pipeline, carols_day):
    late, _, today = carols_day
    thank = _task(late, "thank_source")
    client = world.client_for(world.carol)
    response = client.post(f"/followups/tasks/{thank.public_id}/done/", {"log": "fax"}, **HX)
    assert response.status_code == 200
    body = _text(response)
    assert body.lstrip().startswith(f'<li class="card task is-overdue" id="task-{thank.public_id}">')
    assert '<p class="task-error small" role="alert">' in body and "fax is not one of the available choices" in body
    assert "hx-swap-oob" not in body
    # A task about no one has no interaction to log.
    Task.objects.filter(pk=today.pk).update(person=None)
    body = _text(client.post(f"/followups/tasks/{today.public_id}/done/", {"log": "call"}, **HX))
    assert "This task is about no one: there is no interaction to log." in body
    # A snooze to nowhere, and (without HTMX) a message instead.
    body = _text(client.post(f"/followups/tasks/{thank.public_id}/snooze/", {"until": "yesterday"}, **HX))
    assert "Pick when to be reminded: in an hour, tomorrow or next week." in body
    response = client.post(f"/followups/tasks/{thank.public_id}/dismiss/", {"reason": "x" * 181})
    assert response.status_code == 302 and response["Location"] == "/followups/"
    assert "Ensure this value has at most 180 characters (it has 181)." in _text(client.get("/followups/"))
    thank.refresh_from_db()
    assert thank.status == "open" and thank.due_at == late.introduced_at + DAY
    assert Task.objects.get(pk=today.pk).status == "open"
    assert Interaction.objects.count() == 0


def test_dismiss_with_a_reason_snooze_to_tomorrow_and_undo(world, pipeline, carols_day):
    late, _, today = carols_day
    thank, contact = _task(late, "thank_source"), _task(late, "contact_prospect")
    client = world.client_for(world.carol)
    body = _text(client.post(f"/followups/tasks/{thank.public_id}/dismiss/", {"reason": "Thanked in person"}, **HX))
    assert "Dismissed: Thank Dana Client." in body and ">Undo</button>" in body
    assert 'hx-swap-oob="true" title="2 due today or overdue"' in body
    thank.refresh_from_db()
    assert thank.status == "dismissed" and thank.outcome == "Dismissed: Thanked in person"
    # Snoozed to tomorrow 08:00 UTC: no longer due today.
    before = timezone.now()
    body = _text(client.post(f"/followups/tasks/{contact.public_id}/snooze/", {"until": "tomorrow"}, **HX))
    contact.refresh_from_db()
    assert contact.status == "open"
    assert contact.due_at == datetime.datetime.combine(timezone.localdate(before) + DAY, datetime.time(8, 0),
                                                       tzinfo=datetime.UTC)
    when = contact.due_at.strftime("%A %-d %B, %H:%M")
    assert f"Snoozed until {when} UTC: Contact Bob Smith." in body
    assert ">Undo</button>" not in body  # still open: nothing to undo
    assert 'hx-swap-oob="true" title="1 due today or overdue"' in body
    # Undo the dismissal: the row comes back, with the count.
    body = _text(client.post(f"/followups/tasks/{thank.public_id}/reopen/", **HX))
    assert f'id="task-{thank.public_id}"' in body and "Thank Dana Client" in body
    assert 'id="nav-due-count" hx-swap-oob="true" title="2 due today or overdue"' in body
    thank.refresh_from_db()
    assert (thank.status, thank.completed_at, thank.completed_by, thank.outcome) == ("open", None, None, "")
    # Without HTMX: a message on the list.
    response = client.post(f"/followups/tasks/{today.public_id}/snooze/", {"until": "next_week"})
    assert response.status_code == 302
    page = _text(client.get("/followups/"))
    assert "Snoozed until" in page and ": Send the case study." in page
    today.refresh_from_db()
    assert timezone.localdate(today.due_at).weekday() == 0 and today.due_at > timezone.now()


def test_undo_of_a_done_task_keeps_the_interaction(world, pipeline, carols_day):
    late, _, _ = carols_day
    thank = _task(late, "thank_source")
    client = world.client_for(world.carol)
    client.post(f"/followups/tasks/{thank.public_id}/done/", {"log": "call", "summary": "Called her"}, **HX)
    response = client.post(f"/followups/tasks/{thank.public_id}/reopen/")
    assert response.status_code == 302
    assert "Reopened: Thank Dana Client." in _text(client.get("/followups/"))
    thank.refresh_from_db()
    assert thank.status == "open" and Interaction.objects.get().summary == "Called her"


def test_the_actions_only_take_posts(world, pipeline, carols_day):
    late, _, _ = carols_day
    thank = _task(late, "thank_source")
    client = world.client_for(world.carol)
    for action in ("done", "dismiss", "snooze", "reopen"):
        assert client.get(f"/followups/tasks/{thank.public_id}/{action}/").status_code == 405
    assert client.post("/followups/", {}).status_code == 405
    thank.refresh_from_db()
    assert thank.status == "open"


# --- whose list --------------------------------------------------------------------------------------


def test_a_manager_opens_his_reps_list_and_a_rep_cannot_open_her_managers(world, pipeline, carols_day):
    late, _, _ = carols_day
    bob = world.client_for(world.bob)
    response = bob.get(f"/followups/?member={world.carol.public_id}")
    assert response.status_code == 200
    body = _text(response)
    assert "Follow-ups of Carol Rep" in body and "Thank Dana Client" in body and "Contact Bob Smith" in body
    assert f'<option value="{world.carol.public_id}" selected>' in body
    assert 'class="card add-task"' not in body  # one adds tasks to one's own list
    # The navigation still counts Bob's own.
    assert _nav_count(body) == ' hidden title="0 due today or overdue"'
    # Bob may act on Carol's tasks; his answer carries his own count.
    thank = _task(late, "thank_source")
    answer = _text(bob.post(f"/followups/tasks/{thank.public_id}/done/", **HX))
    assert "Done: Thank Dana Client." in answer and 'title="0 due today or overdue"' in answer
    thank.refresh_from_db()
    assert thank.status == "done" and thank.completed_by == world.bob
    carol = world.client_for(world.carol)
    assert carol.get(f"/followups/?member={world.bob.public_id}").status_code == 403
    assert carol.get(f"/followups/?member={world.carol.public_id}").status_code == 200
    assert carol.get("/followups/?member=nobody").status_code == 404
    assert bob.get(f"/followups/?member={pipeline.wendy.public_id}").status_code == 403  # West is Walter's
    assert world.client_for(world.alice).get(f"/followups/?member={pipeline.wendy.public_id}").status_code == 200
    assert bob.get(f"/followups/?member={world.charlie.public_id}").status_code == 404


def test_another_workspace_finds_no_task(world, pipeline, carols_day):
    late, _, _ = carols_day
    thank = _task(late, "thank_source")
    charlie = world.client_for(world.charlie)
    for action, data in (("done", {"log": "email"}), ("dismiss", {}), ("snooze", {"until": "tomorrow"}),
                         ("reopen", {})):
        assert charlie.post(f"/followups/tasks/{thank.public_id}/{action}/", data, **HX).status_code == 404
        assert charlie.post(f"/followups/tasks/{thank.public_id}/{action}/", data).status_code == 404
    assert charlie.get(f"/followups/?member={world.carol.public_id}").status_code == 404
    # Nor does a rep of another team.
    wendy = world.client_for(pipeline.wendy)
    assert wendy.post(f"/followups/tasks/{thank.public_id}/done/", **HX).status_code == 404
    thank.refresh_from_db()
    assert thank.status == "open" and thank.due_at == late.introduced_at + DAY
    assert Interaction.objects.count() == 0


# --- adding a task -----------------------------------------------------------------------------------


def test_adding_a_task_by_hand(world, pipeline):
    client = world.client_for(world.carol)
    due_on = timezone.localdate() + 2 * DAY
    response = client.post("/followups/tasks/new/", {"title": "  Send the deck ", "due_on": due_on.isoformat(),
                                                     "reason": "Asked for it"})
    assert response.status_code == 302 and response["Location"] == "/followups/"
    task = Task.objects.get()
    assert (task.kind, task.title, task.reason, task.assignee, task.key, task.created_via) == (
        "manual", "Send the deck", "Asked for it", world.carol, "", "ui")
    assert task.due_at == datetime.datetime.combine(due_on, datetime.time(17, 0), tzinfo=datetime.UTC)
    page = _text(client.get("/followups/"))
    assert "Added: Send the deck." in page and "Send the deck" in _sections(page)["upcoming"]
    # Made by oneself: no email about it.
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("title", ["", "   "])
def test_a_blank_title_is_refused_on_its_field(world, pipeline, title):
    client = world.client_for(world.carol)
    response = client.post("/followups/tasks/new/", {"title": title, "due_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert response.context["task_form"].errors == {"title": ["This field is required."]}
    body = _text(response)
    title_field = body[body.find('for="id_title"'):body.find('for="id_due_on"')]
    assert '<ul class="errorlist' in title_field and "This field is required." in title_field
    assert '<details class="card add-task" open>' in body
    bad_date = client.post("/followups/tasks/new/", {"title": "Call", "due_on": "someday"})
    assert bad_date.status_code == 400 and set(bad_date.context["task_form"].errors) == {"due_on"}
    assert Task.objects.count() == 0


# --- rules -------------------------------------------------------------------------------------------


def _rule(world, kind) -> Rule:
    return Rule.objects.get(workspace=world.acme, kind=kind)


def test_an_admin_switches_a_rule_off_and_re_times_it(world):
    client = world.client_for(world.alice)
    page = _text(client.get("/followups/rules/"))
    assert 'id="rule-form-thank_source"' in page and 'name="delay" id="delay-reconnect" value="90"' in page
    assert 'id="delay-thank_source" value="24"' in page
    response = client.post("/followups/rules/thank_source/", {"delay": "48"})
    assert response.status_code == 302 and response["Location"] == "/followups/rules/"
    rule = _rule(world, "thank_source")
    assert (rule.enabled, rule.delay_hours) == (False, 48)
    page = _text(client.get("/followups/rules/"))
    assert "Saved the rule “Thank the source” (off)." in page and 'id="delay-thank_source" value="48"' in page
    # The reconnect rule is set in days, stored in hours.
    client.post("/followups/rules/reconnect/", {"enabled": "1", "delay": "30"})
    rule = _rule(world, "reconnect")
    assert (rule.enabled, rule.delay_hours) == (True, 30 * 24)
    assert 'id="delay-reconnect" value="30"' in _text(client.get("/followups/rules/"))
    # The contact rule's delay is the workspace's contact time.
    client.post("/followups/rules/contact_prospect/", {"enabled": "1", "delay": "12"})
    world.acme.refresh_from_db()
    assert world.acme.contact_within_hours == 12


def test_the_reciprocate_rule_is_set_in_days_and_its_task_is_done_by_logging_an_introduction(world, pipeline):
    from warmline.network.models import Company

    client = world.client_for(world.alice)
    page = _text(client.get("/followups/rules/"))
    assert 'name="delay" id="delay-reciprocate" value="14"' in page
    assert "a partner has given us more introductions than we have given back in a year" in page.lower()
    client.post("/followups/rules/reciprocate/", {"enabled": "1", "delay": "5"})  # within the upcoming week
    assert _rule(world, "reciprocate").delay_hours == 5 * 24
    Company.objects.filter(name="Hooli").update(relation="partner")
    refer(world.carol, pipeline.erin, pipeline.bob_smith, at=timezone.now())
    task = Task.objects.get(kind="reciprocate")
    carol = world.client_for(world.carol)
    row = _text(carol.get("/followups/")).split(f'id="task-{task.public_id}"')[1].split("</li>")[0]
    assert "Return the favour: introduce Erin Partner to someone" in row
    assert '<option value="introduction">Log the introduction we made</option>' in row
    thank = Task.objects.get(kind="thank_source")
    thank_row = _text(carol.get("/followups/")).split(f'id="task-{thank.public_id}"')[1].split("</li>")[0]
    assert 'value="introduction"' not in thank_row
    response = carol.post(f"/followups/tasks/{task.public_id}/done/", {"log": "introduction", "summary": "To Ana"},
                          **HX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.outcome == "Done: introduction logged"
    assert Interaction.objects.get(pk=task.interaction_id).kind == "introduction"
    # The same choice on another task is refused on the row, and changes nothing.
    response = carol.post(f"/followups/tasks/{thank.public_id}/done/", {"log": "introduction"}, **HX)
    assert "reciprocate task only" in _text(response)
    thank.refresh_from_db()
    assert thank.status == "open" and Interaction.objects.count() == 1


def test_a_manager_sees_the_rules_read_only_and_may_not_change_them(world):
    bob = world.client_for(world.bob)
    page = _text(bob.get("/followups/rules/"))
    assert "Admins change the rules." in page and "rule-form" not in page and "Thank the source" in page
    assert "90 days" in page and "24 hours" in page
    assert bob.post("/followups/rules/thank_source/", {"delay": "48"}).status_code == 403
    assert world.client_for(world.carol).post("/followups/rules/reconnect/", {"delay": "1"}).status_code == 403
    assert (_rule(world, "thank_source").enabled, _rule(world, "thank_source").delay_hours) == (True, 24)
    assert _rule(world, "reconnect").delay_hours == 90 * 24


@pytest.mark.parametrize(("kind", "delay", "message"), [
    ("thank_source", "0", "Thank the source: delay: Ensure this value is greater than or equal to 1."),
    ("thank_source", "abc", "Thank the source: delay: Enter a whole number."),
    ("thank_source", "", "Thank the source: delay: This field is required."),
    ("thank_source", "721", "Thank the source: Between 1 and 720 hours"),
    ("reconnect", "366", "Reconnect with the source: Between 1 and 365 days"),
    ("contact_prospect", "9999", "Contact the prospect: delay: Ensure this value is less than or equal to 8760."),
])
def test_a_bad_delay_is_refused_with_a_message_and_changes_nothing(world, kind, delay, message):
    client = world.client_for(world.alice)
    before = list(Rule.objects.values_list("kind", "enabled", "delay_hours", "updated_at"))
    response = client.post(f"/followups/rules/{kind}/", {"delay": delay})
    assert response.status_code == 302
    page = _text(client.get("/followups/rules/"))
    assert message in page and "Saved the rule" not in page
    assert list(Rule.objects.values_list("kind", "enabled", "delay_hours", "updated_at")) == before
    world.acme.refresh_from_db()
    assert world.acme.contact_within_hours == 24


@pytest.mark.parametrize("kind", ["luck", "manual"])
def test_an_unknown_rule_gets_a_message(world, kind):
    client = world.client_for(world.alice)
    before = list(Rule.objects.values_list("kind", "enabled", "delay_hours"))
    response = client.post(f"/followups/rules/{kind}/", {"enabled": "1", "delay": "5"})
    assert response.status_code == 302
    assert f"'{kind}' is not a follow-up rule." in _text(client.get("/followups/rules/"))
    assert list(Rule.objects.values_list("kind", "enabled", "delay_hours")) == before


# --- notification settings ---------------------------------------------------------------------------


def test_choosing_the_digest_saves_and_the_weekly_report_is_for_managers(world):
    carol = world.client_for(world.carol)
    page = _text(carol.get("/followups/notifications/"))
    assert 'name="email_mode" value="immediate"' in page and 'name="weekly_report"' not in page
    response = carol.post("/followups/notifications/", {"email_mode": "digest", "weekly_report": "on"})
    assert response.status_code == 302 and response["Location"] == "/followups/notifications/"
    saved = NotificationSettings.objects.get(membership=world.carol)
    assert saved.email_mode == "digest" and saved.weekly_report is True  # not hers to change: left as it was
    page = _text(carol.get("/followups/notifications/"))
    assert "Saved your notification settings." in page
    assert re.search(r'name="email_mode" value="digest"[^>]*checked', page)
    bob = world.client_for(world.bob)
    assert 'name="weekly_report"' in _text(bob.get("/followups/notifications/"))
    bob.post("/followups/notifications/", {"email_mode": "off"})
    saved = NotificationSettings.objects.get(membership=world.bob)
    assert (saved.email_mode, saved.weekly_report) == ("off", False)
    bob.post("/followups/notifications/", {"email_mode": "immediate", "weekly_report": "on"})
    saved.refresh_from_db()
    assert (saved.email_mode, saved.weekly_report) == ("immediate", True)


def test_a_bad_mode_is_refused(world):
    carol = world.client_for(world.carol)
    response = carol.post("/followups/notifications/", {"email_mode": "fax"})
    assert response.status_code == 400
    assert "Select a valid choice. fax is not one of the available choices." in _text(response)
    assert not NotificationSettings.objects.filter(membership=world.carol).exists()


def test_a_calendar_link_is_shown_once_works_and_stops_when_revoked(world, pipeline, carols_day):
    client = world.client_for(world.carol)
    assert "Make my calendar link" in _text(client.get("/followups/notifications/"))
    response = client.post("/followups/notifications/calendar/")
    assert response.status_code == 302 and response["Location"] == "/followups/notifications/"
    page = _text(client.get("/followups/notifications/"))
    assert "Made a new calendar link." in page and "(shown once)" in page
    url = re.search(r'id="feed-url" value="([^"]+)"', page).group(1)
    path = urlsplit(url).path
    assert re.fullmatch(r"/followups/calendar/[A-Za-z0-9_-]{20,100}\.ics", path)
    again = _text(client.get("/followups/notifications/"))
    assert url not in again and 'id="feed-url"' not in again and "A link is active" in again
    token = path.removeprefix("/followups/calendar/").removesuffix(".ics")
    assert token[-6:] in again and token not in again
    feed = Client().get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert b"Thank Dana Client" in feed.content
    client.post("/followups/notifications/calendar/", {"action": "revoke"})
    assert Client().get(path).status_code == 404
    page = _text(client.get("/followups/notifications/"))
    assert "Revoked your calendar link" in page and "Make my calendar link" in page


def test_a_new_calendar_link_replaces_the_old_one(world):
    client = world.client_for(world.carol)
    urls = []
    for _ in range(2):
        client.post("/followups/notifications/calendar/")
        urls.append(re.search(r'id="feed-url" value="([^"]+)"', _text(client.get("/followups/notifications/")))[1])
    assert urls[0] != urls[1]
    assert Client().get(urlsplit(urls[0]).path).status_code == 404
    assert Client().get(urlsplit(urls[1]).path).status_code == 200


def test_the_recent_emails_list_the_queued_task_emails(world, pipeline, carols_day):
    emails = OutboxMessage.objects.filter(membership=world.carol)
    # The four rule tasks emailed Carol (her own task, added by herself, did not).
    assert sorted(e.subject for e in emails) == ["To do: Contact Bob Smith", "To do: Contact Dana Client",
                                                 "To do: Thank Dana Client", "To do: Thank Erin Partner"]
    OutboxMessage.objects.filter(subject="To do: Thank Erin Partner").update(status="failed",
                                                                             last_error="Mailbox unavailable")
    page = _text(world.client_for(world.carol).get("/followups/notifications/"))
    table = page[page.find("Emails sent to you"):]
    for email in emails:
        assert email.subject in table
    assert table.count('<span class="badge pending">Queued</span>') == 3
    assert '<span class="badge bad">Failed</span> <span class="muted small">Mailbox unavailable</span>' in table
    assert "None yet." in _text(world.client_for(world.bob).get("/followups/notifications/"))


# --- query counts ------------------------------------------------------------------------------------


def _more_tasks(world, pipeline, count: int) -> None:
    """`count` more tasks of Carol's of every sort: overdue, today, upcoming, later, done today; about a referral,
    a person or nothing."""
    now = timezone.now()
    referral = refer(world.carol, pipeline.erin, pipeline.dana, at=now - 3 * HOUR)
    count -= 2
    whens = [now - 5 * HOUR, _due_today(now), now + 2 * DAY, now + 20 * DAY]
    for i in range(count):
        task = services.add_task(world.carol, title=f"Task {i}", due_at=whens[i % 4], reason=f"Because {i}",
                                 person=pipeline.bob_smith if i % 3 == 1 else None,
                                 referral=referral if i % 3 == 2 else None)
        if i % 5 == 4:
            services.complete_task(world.carol, task)


@pytest.mark.parametrize("member", ["carol", "bob"])
def test_the_today_list_costs_the_same_queries_for_2_or_20_tasks(world, pipeline, member,
                                                                  django_assert_num_queries):
    viewer = getattr(world, member)
    path = "/followups/" if member == "carol" else f"/followups/?member={world.carol.public_id}"
    client = world.client_for(viewer)
    refer(world.carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - 30 * HOUR)
    assert client.get(path).status_code == 200
    expected = 8 if member == "carol" else 13
    with django_assert_num_queries(expected):
        few = client.get(path)
    assert few.content.decode().count('<li class="card task') == 2
    _more_tasks(world, pipeline, 18)
    with django_assert_num_queries(expected):
        many = client.get(path)
    # 2 + 2 (a referral) + 16 by hand, of which 3 done today: 17 open, 4 of them beyond the week.
    body = many.content.decode()
    assert body.count('<li class="card task') == 13 and "And 4 later." in body
