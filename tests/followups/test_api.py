"""The follow-ups API: listing tasks (status, when, member, pages), one task, completing (logging the interaction),
dismissing, snoozing, reopening and adding tasks, the rules (admins) and notification settings; who may see and
change what; every refusal in the error format, changing nothing; and fuzzed bodies that never make a 500.

The API uses the real clock: times here are relative to now."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.test_api_fuzz import FUZZ, _assert_handled, json_values, plausible
from tests.referrals.builders import build_pipeline, refer
from warmline.core import services as core_services
from warmline.core.models import Workspace
from warmline.followups import queries, services
from warmline.followups.models import NotificationSettings, OutboxMessage, Rule, Task
from warmline.network.models import Interaction

from .builders import DAY, HOUR

FUZZ = settings(FUZZ, max_examples=60)
API = "/api/v1"
RULE_KINDS = ["contact_prospect", "thank_source", "tell_source", "congratulate", "ask_lost", "follow_up_ask",
              "reconnect", "reciprocate"]


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def _send(client, method: str, path: str, body=None):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(API + path, data, content_type="application/json")


def _snapshot():
    """Everything a follow-ups request could write."""
    return (list(Task.objects.order_by("id").values_list()), Interaction.objects.count(),
            list(Rule.objects.order_by("id").values_list()),
            list(NotificationSettings.objects.order_by("id").values_list()),
            list(OutboxMessage.objects.order_by("id").values_list("id", "key", "status")),
            list(Workspace.objects.order_by("id").values_list("contact_within_hours")))


def _refused(client, method: str, path: str, body=None, *, status: int) -> dict:
    """Send a request that must be refused with `status`, in the error format, changing nothing."""
    before = _snapshot()
    response = _send(client, method, path, body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert _snapshot() == before
    return error


def _fields(error: dict) -> dict[str, str]:
    return {f["field"]: f["message"] for f in error.get("fields", [])}


def _due_today(now: datetime.datetime) -> datetime.datetime:
    """Later today (UTC) whatever the time of day: halfway between now and midnight."""
    return now + (queries.start_of_day(timezone.localdate(now) + DAY) - now) / 2


@pytest.fixture
def late(world, pipeline):
    """An introduction 30 hours ago: Carol's "contact Bob Smith" and "thank Dana" are 6 hours overdue."""
    return refer(world.carol, pipeline.dana, pipeline.bob_smith, at=timezone.now() - 30 * HOUR)


def _task(referral, kind) -> Task:
    return Task.objects.get(referral=referral, kind=kind)


# --- listing and reading ---------------------------------------------------------------------------


def test_the_list_is_ones_open_tasks_soonest_first_filtered_by_when(world, pipeline, late):
    now = timezone.now()
    today = services.add_task(world.carol, title="Send the deck", due_at=_due_today(now))
    upcoming = services.add_task(world.carol, title="Prepare the QBR", due_at=now + 3 * DAY, reason="Quarterly")
    done = services.add_task(world.carol, title="Old one", due_at=now - DAY)
    services.complete_task(world.carol, done)
    services.add_task(world.bob, title="Bob's own", due_at=now + DAY)
    contact, thank = _task(late, "contact_prospect"), _task(late, "thank_source")
    client = world.client_for(world.carol)
    listing = _send(client, "get", "/tasks").json()
    assert listing["count"] == 4
    assert [t["id"] for t in listing["items"]] == [contact.public_id, thank.public_id, today.public_id,
                                                   upcoming.public_id]
    first = listing["items"][1]
    assert first == {
        "id": thank.public_id, "kind": "thank_source", "kind_label": "Thank the source", "title": "Thank Dana Client",
        "reason": "Dana Client introduced you to Bob Smith: thank them.", "due_at": first["due_at"], "overdue": True,
        "status": "open",
        "assignee": {"id": world.carol.public_id, "full_name": "Carol Rep", "email": "carol@acme.test"},
        "person": {"id": pipeline.dana.public_id, "full_name": "Dana Client", "title": "COO"},
        "referral_id": late.public_id, "ask_id": None, "url": f"/referrals/{late.public_id}/", "outcome": "",
        "completed_at": None, "created_at": first["created_at"], "created_via": "rule",
    }
    # JSON times are to the millisecond.
    assert abs(datetime.datetime.fromisoformat(first["due_at"]) - thank.due_at) < datetime.timedelta(milliseconds=1)
    mine = {t["id"]: t for t in listing["items"]}
    assert mine[upcoming.public_id]["overdue"] is False and mine[upcoming.public_id]["url"] == "/followups/"
    assert mine[upcoming.public_id]["created_via"] == "ui" and mine[upcoming.public_id]["person"] is None

    def ids(query):
        response = _send(client, "get", f"/tasks?{query}")
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert ids("when=overdue") == [contact.public_id, thank.public_id]
    assert ids("when=today") == [today.public_id]
    assert ids("when=upcoming") == [upcoming.public_id]
    assert ids("when=all") == ids("")
    assert ids("status=done") == [done.public_id]
    assert ids("status=done&when=overdue") == [done.public_id]  # `when` is for open tasks only
    assert ids("status=dismissed") == []


def test_the_list_costs_the_same_queries_for_3_or_30_tasks(world, pipeline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=now)
    subjects = [{"referral": referral}, {"person": pipeline.erin}, {}]
    client = world.client_for(world.carol)

    def add_and_list(count):
        for i in range(count):
            services.add_task(world.carol, title=f"Task {i}", due_at=now + (i + 1) * HOUR, **subjects[i % 3])
        with CaptureQueriesContext(connection) as queries_run:
            items = _send(client, "get", "/tasks?when=all&limit=200").json()["items"]
        return len(items), len(queries_run)

    few, many = add_and_list(1), add_and_list(27)
    assert (few[0], many[0]) == (3, 30)
    assert few[1] == many[1] == 5, (few, many)


def test_the_list_pages_and_counts(world, pipeline):
    now = timezone.now()
    made = [services.add_task(world.carol, title=f"Task {i}", due_at=now + (i + 1) * HOUR) for i in range(5)]
    client = world.client_for(world.carol)
    page = _send(client, "get", "/tasks?limit=2&offset=2").json()
    assert page["count"] == 5 and [t["id"] for t in page["items"]] == [t.public_id for t in made[2:4]]
    last = _send(client, "get", "/tasks?limit=2&offset=4").json()
    assert last["count"] == 5 and [t["title"] for t in last["items"]] == ["Task 4"]
    assert _send(client, "get", "/tasks?offset=50").json() == {"count": 5, "items": []}
    for query in ("limit=0", "limit=201", "offset=-1", "status=late", "when=tomorrow", "limit=x"):
        error = _refused(client, "get", f"/tasks?{query}", status=422)
        assert set(_fields(error)) == {query.split("=")[0]}


def test_the_member_filter_follows_who_sees_whose_tasks(world, pipeline, late):
    services.add_task(world.bob, title="Bob's own", due_at=timezone.now() + DAY)
    wendys = services.add_task(pipeline.wendy, title="Wendy's", due_at=timezone.now() + DAY)
    bob = world.client_for(world.bob)
    carols = _send(bob, "get", f"/tasks?member={world.carol.public_id}").json()
    assert carols["count"] == 2 and {t["assignee"]["id"] for t in carols["items"]} == {world.carol.public_id}
    assert [t["title"] for t in _send(bob, "get", "/tasks").json()["items"]] == ["Bob's own"]
    assert _send(bob, "get", f"/tasks?member={world.bob.public_id}").json()["count"] == 1
    # A rep asking for someone else's: a bad filter (422, as implemented); another team's for a manager too.
    carol = world.client_for(world.carol)
    error = _refused(carol, "get", f"/tasks?member={world.bob.public_id}", status=422)
    assert _fields(error) == {"member": "You see the tasks of your own teams only."}
    assert set(_fields(_refused(bob, "get", f"/tasks?member={pipeline.wendy.public_id}", status=422))) == {"member"}
    # Admins see anyone's.
    alice = world.client_for(world.alice)
    assert [t["id"] for t in _send(alice, "get", f"/tasks?member={pipeline.wendy.public_id}").json()["items"]] == [
        wendys.public_id]
    # A member of another workspace, or no one: not found.
    assert _refused(bob, "get", f"/tasks?member={world.charlie.public_id}", status=404)["code"] == "not_found"
    _refused(carol, "get", "/tasks?member=nobody", status=404)
    assert set(_fields(_refused(carol, "get", "/tasks?member=" + "x" * 33, status=422))) == {"member"}


def test_one_task(world, pipeline, late):
    thank = _task(late, "thank_source")
    body = _send(world.client_for(world.bob), "get", f"/tasks/{thank.public_id}").json()
    assert body["id"] == thank.public_id and body["title"] == "Thank Dana Client" and body["overdue"] is True
    _refused(world.client_for(pipeline.wendy), "get", f"/tasks/{thank.public_id}", status=404)
    _refused(world.client_for(world.charlie), "get", f"/tasks/{thank.public_id}", status=404)
    _refused(world.client_for(world.carol), "get", "/tasks/nope", status=404)
    assert _send(world.client_for(world.alice), "get", f"/tasks/{thank.public_id}").status_code == 200


def test_a_bearer_token_works_like_a_session(world, pipeline, late):
    secret = core_services.create_api_token(world.carol, "script").secret
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    thank = _task(late, "thank_source")
    assert _send(client, "get", "/tasks").json()["count"] == 2
    done = _send(client, "post", f"/tasks/{thank.public_id}/complete", {"log": "call"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert Interaction.objects.get().created_via == "api"
    assert _send(Client(), "get", "/tasks").status_code == 401


# --- changing a task ---------------------------------------------------------------------------------


def test_completing_with_a_log_makes_the_interaction(world, pipeline, late):
    thank = _task(late, "thank_source")
    client = world.client_for(world.carol)
    response = _send(client, "post", f"/tasks/{thank.public_id}/complete", {"log": "meeting", "summary": "Lunch"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["outcome"] == "Done: meeting logged" and body["completed_at"]
    assert body["overdue"] is False
    interaction = Interaction.objects.get()
    assert (interaction.person, interaction.kind, interaction.summary) == (pipeline.dana, "meeting", "Lunch")
    thank.refresh_from_db()
    assert thank.interaction == interaction and thank.completed_by == world.carol
    # Completing it again changes nothing and logs nothing.
    again = _send(client, "post", f"/tasks/{thank.public_id}/complete", {"log": "call"})
    assert again.status_code == 200 and again.json()["outcome"] == "Done: meeting logged"
    assert Interaction.objects.count() == 1
    assert [t["id"] for t in _send(client, "get", "/tasks?status=done").json()["items"]] == [thank.public_id]


def test_completing_without_a_log_and_bad_completions(world, pipeline, late):
    contact = _task(late, "contact_prospect")
    client = world.client_for(world.carol)
    path = f"/tasks/{contact.public_id}/complete"
    assert set(_fields(_refused(client, "post", path, {"log": "fax"}, status=422))) == {"log"}
    assert set(_fields(_refused(client, "post", path, {"summary": "x" * 501}, status=422))) == {"summary"}
    assert set(_fields(_refused(client, "post", path, {"summary": "a\x00b"}, status=422))) == {"summary"}
    assert set(_fields(_refused(client, "post", path, {"done": True}, status=422))) == {"done"}
    _refused(client, "post", path, None, status=422)  # no body at all
    nobody = services.add_task(world.carol, title="About no one", due_at=timezone.now() + DAY)
    error = _refused(client, "post", f"/tasks/{nobody.public_id}/complete", {"log": "call"}, status=422)
    assert _fields(error) == {"log": "This task is about no one: there is no interaction to log."}
    response = _send(client, "post", path, {})
    assert response.status_code == 200 and response.json()["outcome"] == "Done"
    assert Interaction.objects.count() == 0
    # `null` is "no log".
    assert _send(client, "post", f"/tasks/{nobody.public_id}/complete", {"log": None}).json()["status"] == "done"


def test_dismiss_snooze_and_reopen(world, pipeline, late):
    thank, contact = _task(late, "thank_source"), _task(late, "contact_prospect")
    client = world.client_for(world.carol)
    dismissed = _send(client, "post", f"/tasks/{thank.public_id}/dismiss", {"reason": "Thanked in person"})
    assert dismissed.status_code == 200
    assert dismissed.json()["status"] == "dismissed" and dismissed.json()["outcome"] == "Dismissed: Thanked in person"
    error = _refused(client, "post", f"/tasks/{thank.public_id}/dismiss", {}, status=422)
    assert _fields(error) == {"status": "This task is already dismissed."}
    error = _refused(client, "post", f"/tasks/{thank.public_id}/snooze",
                     {"until": (timezone.now() + DAY).isoformat()}, status=422)
    assert _fields(error) == {"status": "This task is dismissed: reopen it first."}
    reopened = _send(client, "post", f"/tasks/{thank.public_id}/reopen")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open" and reopened.json()["outcome"] == ""
    assert reopened.json()["completed_at"] is None
    assert _send(client, "post", f"/tasks/{thank.public_id}/reopen").json()["status"] == "open"  # twice: no change
    until = (timezone.now() + 2 * DAY).replace(microsecond=0)
    snoozed = _send(client, "post", f"/tasks/{contact.public_id}/snooze", {"until": until.isoformat()})
    assert snoozed.status_code == 200, snoozed.content
    assert datetime.datetime.fromisoformat(snoozed.json()["due_at"]) == until and snoozed.json()["overdue"] is False
    contact.refresh_from_db()
    assert contact.due_at == until
    # An offset is kept as the instant it names.
    paris = datetime.timezone(datetime.timedelta(hours=2))
    _send(client, "post", f"/tasks/{contact.public_id}/snooze", {"until": until.astimezone(paris).isoformat()})
    contact.refresh_from_db()
    assert contact.due_at == until
    assert set(_fields(_refused(client, "post", f"/tasks/{thank.public_id}/dismiss", {"reason": "x" * 181},
                                status=422))) == {"reason"}


@pytest.mark.parametrize("offset", ["+23:59", "-23:30", "+15:59", "-00:01"])
def test_any_offset_pydantic_reads_is_stored_as_its_instant(world, pipeline, late, offset):
    """PostgreSQL refuses offsets beyond ±15:59: the API stores the instant in UTC."""
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = map(int, offset[1:].split(":"))
    zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    until = (timezone.now() + 2 * DAY).replace(microsecond=0)
    client = world.client_for(world.carol)
    contact = _task(late, "contact_prospect")
    response = _send(client, "post", f"/tasks/{contact.public_id}/snooze", {"until": until.astimezone(zone).isoformat()})
    assert response.status_code == 200, response.content
    contact.refresh_from_db()
    assert contact.due_at == until
    added = _send(client, "post", "/tasks", {"title": "Call", "due_at": until.astimezone(zone).isoformat()})
    assert added.status_code == 201, added.content
    assert Task.objects.get(public_id=added.json()["id"]).due_at == until


@pytest.mark.parametrize(("body", "message"), [
    ({}, "Give the new due time"),
    ({"until": None}, "Give the new due time"),
    ({"until": "2026-12-01T09:00:00"}, "Give a time zone"),
    ({"until": "2020-01-01T09:00:00Z"}, "Snooze to a time in the future."),
    ({"until": "tomorrow"}, ""),
    ({"until": 12}, ""),
])
def test_a_bad_snooze_names_until_and_changes_nothing(world, pipeline, late, body, message):
    contact = _task(late, "contact_prospect")
    error = _refused(world.client_for(world.carol), "post", f"/tasks/{contact.public_id}/snooze", body, status=422)
    assert set(_fields(error)) == {"until"} and message in _fields(error)["until"]


def test_snoozing_beyond_a_year_is_refused(world, pipeline, late):
    contact = _task(late, "contact_prospect")
    until = (timezone.now() + 366 * DAY).isoformat()
    error = _refused(world.client_for(world.carol), "post", f"/tasks/{contact.public_id}/snooze", {"until": until},
                     status=422)
    assert _fields(error) == {"until": "Snooze for at most 365 days."}
    naive = (timezone.now() + DAY).replace(tzinfo=None).isoformat()
    error = _refused(world.client_for(world.carol), "post", f"/tasks/{contact.public_id}/snooze", {"until": naive},
                     status=422)
    assert _fields(error) == {"until": "Give a time zone (e.g. 2026-12-01T09:00:00Z)."}


def test_a_manager_changes_his_reps_tasks_and_a_rep_not_others(world, pipeline, late):
    thank = _task(late, "thank_source")
    response = _send(world.client_for(world.bob), "post", f"/tasks/{thank.public_id}/complete", {})
    assert response.status_code == 200
    thank.refresh_from_db()
    assert thank.completed_by == world.bob
    wendy = world.client_for(pipeline.wendy)
    for action, body in (("complete", {}), ("dismiss", {}), ("reopen", None),
                         ("snooze", {"until": (timezone.now() + DAY).isoformat()})):
        _refused(wendy, "post", f"/tasks/{thank.public_id}/{action}", body, status=404)


def test_a_bravo_task_is_not_found_in_acme(world, pipeline):
    theirs = services.add_task(world.charlie, title="Bravo's", due_at=timezone.now() + DAY)
    for member in (world.alice, world.bob, world.carol):
        client = world.client_for(member)
        _refused(client, "get", f"/tasks/{theirs.public_id}", status=404)
        for action, body in (("complete", {"log": "call"}), ("dismiss", {"reason": "no"}), ("reopen", None),
                             ("snooze", {"until": (timezone.now() + DAY).isoformat()})):
            _refused(client, "post", f"/tasks/{theirs.public_id}/{action}", body, status=404)
        assert theirs.public_id not in json.dumps(_send(client, "get", "/tasks").json())
    _refused(world.client_for(world.alice), "get", f"/tasks?member={world.charlie.public_id}", status=404)
    assert _send(world.client_for(world.charlie), "get", f"/tasks/{theirs.public_id}").status_code == 200


# --- adding a task -----------------------------------------------------------------------------------


def test_adding_a_task(world, pipeline, late):
    due = (timezone.now() + 2 * DAY).replace(microsecond=0)
    client = world.client_for(world.carol)
    response = _send(client, "post", "/tasks", {"title": " Send the deck ", "due_at": due.isoformat(),
                                                "reason": "She asked", "person": pipeline.erin.public_id})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["title"], body["reason"], body["status"], body["created_via"]) == (
        "manual", "Send the deck", "She asked", "open", "api")
    assert body["person"]["id"] == pipeline.erin.public_id and body["assignee"]["id"] == world.carol.public_id
    assert datetime.datetime.fromisoformat(body["due_at"]) == due
    assert body["url"] == f"/network/people/{pipeline.erin.public_id}/"
    # About a referral: its prospect is the person.
    about = _send(client, "post", "/tasks", {"title": "Prepare", "due_at": due.isoformat(),
                                             "referral": late.public_id}).json()
    assert about["referral_id"] == late.public_id and about["person"]["id"] == pipeline.bob_smith.public_id
    assert about["url"] == f"/referrals/{late.public_id}/"
    assert OutboxMessage.objects.filter(subject__in=["To do: Send the deck", "To do: Prepare"]).count() == 0
    # A manager gives one to his rep, who is emailed about it.
    given_task = _send(world.client_for(world.bob), "post", "/tasks", {
        "title": "Call Globex", "due_at": due.isoformat(), "assignee": world.carol.public_id})
    assert given_task.status_code == 201 and given_task.json()["assignee"]["id"] == world.carol.public_id
    assert OutboxMessage.objects.get(subject="To do: Call Globex").to == "carol@acme.test"
    assert Task.objects.filter(kind="manual").count() == 3


def test_a_bad_task_names_its_field_and_writes_nothing(world, pipeline):
    client = world.client_for(world.carol)
    due = (timezone.now() + DAY).isoformat()

    def fields(body, status=422, as_member=None):
        return _fields(_refused(world.client_for(as_member) if as_member else client, "post", "/tasks", body,
                                status=status))

    assert fields({"title": "Call", "due_at": due, "person": "nobody"}) == {
        "person": "No such object in this workspace: 'nobody'."}
    assert set(fields({"title": "Call", "due_at": due, "referral": "nobody"})) == {"referral"}
    # Another workspace's member is no one here.
    assert set(fields({"title": "Call", "due_at": due, "assignee": world.charlie.public_id},
                      as_member=world.alice)) == {"assignee"}
    assert set(fields({"title": "Call", "due_at": due, "person": pipeline.dana.public_id},
                      as_member=world.charlie)) == {"person"}
    assert fields({"title": "Call", "due_at": due, "assignee": world.bob.public_id}) == {
        "assignee": "You cannot give tasks to Bob Manager."}
    assert fields({"title": "   ", "due_at": due}) == {"title": "Say what is to be done."}
    assert set(fields({"title": "x" * 301, "due_at": due})) == {"title"}
    assert set(fields({"title": "Call", "due_at": due, "reason": "x" * 501})) == {"reason"}
    assert set(fields({"title": "Call"})) == {"due_at"}
    assert set(fields({"due_at": due})) == {"title"}
    assert fields({"title": "Call", "due_at": "2026-12-01T09:00:00"}) == {
        "due_at": "Give a time zone (e.g. 2026-12-01T09:00:00Z)."}
    assert set(fields({"title": "Call", "due_at": "next week"})) == {"due_at"}
    assert set(fields({"title": "Call", "due_at": due, "kind": "thank_source"})) == {"kind"}
    assert set(fields({"title": "Call", "due_at": due, "status": "done"})) == {"status"}
    pipeline.wendy.is_active = False
    pipeline.wendy.save()
    assert fields({"title": "Call", "due_at": due, "assignee": pipeline.wendy.public_id}, as_member=world.alice) == {
        "assignee": "Wendy Westrep is no longer active in this workspace."}
    assert Task.objects.count() == 0


@pytest.mark.parametrize("due_at", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00Z",
                                    "2099-01-01T00:00:00Z"])
def test_a_due_time_out_of_range_is_refused(world, due_at):
    client = world.client_for(world.carol)
    client.raise_request_exception = False
    response = _send(client, "post", "/tasks", {"title": "Call", "due_at": due_at})
    assert response.status_code == 422 and set(_fields(response.json()["error"])) == {"due_at"}


# --- rules -------------------------------------------------------------------------------------------


def test_the_rules_list_and_an_admin_changes_one(world):
    alice = world.client_for(world.alice)
    rules = _send(world.client_for(world.carol), "get", "/followup-rules").json()
    assert [r["kind"] for r in rules] == RULE_KINDS
    assert rules[1] == {"kind": "thank_source", "task": "Thank the source", "when": "an introduction is recorded",
                        "enabled": True, "delay_hours": 24}
    assert rules[0]["delay_hours"] == 24 and rules[-2]["delay_hours"] == 90 * 24 and rules[-1]["delay_hours"] == 14 * 24
    response = _send(alice, "put", "/followup-rules/thank_source", {"enabled": False, "delay_hours": 48})
    assert response.status_code == 200, response.content
    assert response.json() == {**rules[1], "enabled": False, "delay_hours": 48}
    rule = Rule.objects.get(workspace=world.acme, kind="thank_source")
    assert (rule.enabled, rule.delay_hours) == (False, 48)
    # Without a delay: only switched.
    assert _send(alice, "put", "/followup-rules/thank_source", {"enabled": True}).json()["delay_hours"] == 48
    # The contact rule is the workspace's contact time.
    assert _send(alice, "put", "/followup-rules/contact_prospect", {"enabled": True, "delay_hours": 8}).json()[
        "delay_hours"] == 8
    world.acme.refresh_from_db()
    assert world.acme.contact_within_hours == 8
    assert _send(alice, "put", "/followup-rules/reconnect", {"enabled": True, "delay_hours": 30 * 24}).json()[
        "delay_hours"] == 720
    # Bravo's rules are Bravo's.
    assert _send(world.client_for(world.charlie), "get", "/followup-rules").json()[1]["delay_hours"] == 24


def test_only_admins_change_rules_and_bad_ones_are_refused(world):
    for member in (world.carol, world.bob):
        error = _refused(world.client_for(member), "put", "/followup-rules/thank_source",
                         {"enabled": False, "delay_hours": 48}, status=403)
        assert error["code"] == "forbidden"
    alice = world.client_for(world.alice)
    for kind, delay in (("thank_source", 0), ("thank_source", 721), ("thank_source", -1), ("reconnect", 23),
                        ("reconnect", 366 * 24), ("reconnect", 25), ("contact_prospect", 721),
                        ("thank_source", 2**63)):
        error = _refused(alice, "put", f"/followup-rules/{kind}", {"enabled": True, "delay_hours": delay},
                         status=422)
        assert set(_fields(error)) == {"delay_hours"}, error
    error = _refused(alice, "put", "/followup-rules/reconnect", {"enabled": True, "delay_hours": 0}, status=422)
    assert _fields(error)["delay_hours"].startswith("Between 1 and 365 days")
    error = _refused(alice, "put", "/followup-rules/follow_up_ask", {"enabled": True, "delay_hours": 30}, status=422)
    assert "multiple of 24" in _fields(error)["delay_hours"]
    for body in ({"delay_hours": 5}, {"enabled": True, "delay_hours": "soon"}, {"enabled": True, "delay_hours": 1.5},
                 {"enabled": True, "unknown": 1}, {"enabled": "maybe"}):
        assert _fields(_refused(alice, "put", "/followup-rules/thank_source", body, status=422))
    # Strict types: true is not one hour, "24" is not a number, "yes" is not on.
    for body, field in (({"enabled": True, "delay_hours": True}, "delay_hours"),
                        ({"enabled": True, "delay_hours": "24"}, "delay_hours"), ({"enabled": "yes"}, "enabled"),
                        ({"enabled": 1}, "enabled")):
        assert set(_fields(_refused(alice, "put", "/followup-rules/thank_source", body, status=422))) == {field}
    for kind in ("manual", "luck"):
        error = _refused(alice, "put", f"/followup-rules/{kind}", {"enabled": True}, status=422)
        assert set(_fields(error)) == {"kind"}
        # The message names the kinds a client can send, as it must send them.
        assert "'contact_prospect'" in _fields(error)["kind"] and "RuleKind" not in _fields(error)["kind"]


# --- notification settings ---------------------------------------------------------------------------


def test_notification_settings(world):
    carol = world.client_for(world.carol)
    assert _send(carol, "get", "/notification-settings").json() == {
        "email_mode": "immediate", "weekly_report": True, "calendar_feed": False}
    response = _send(carol, "put", "/notification-settings", {"email_mode": "digest"})
    assert response.status_code == 200 and response.json()["email_mode"] == "digest"
    assert NotificationSettings.objects.get(membership=world.carol).email_mode == "digest"
    bob = world.client_for(world.bob)
    assert _send(bob, "put", "/notification-settings", {"email_mode": "off", "weekly_report": False}).json() == {
        "email_mode": "off", "weekly_report": False, "calendar_feed": False}
    # Leaving weekly_report out keeps it.
    assert _send(bob, "put", "/notification-settings", {"email_mode": "immediate"}).json()["weekly_report"] is False
    from warmline.followups import calendar

    calendar.new_feed_token(world.carol)
    assert _send(carol, "get", "/notification-settings").json()["calendar_feed"] is True
    for body in ({"email_mode": "fax"}, {}, {"email_mode": "off", "calendar_feed": True},
                 {"email_mode": "off", "weekly_report": "often"}, {"email_mode": "off", "weekly_report": "yes"},
                 {"email_mode": "off", "weekly_report": 0}, {"email_mode": None}):
        assert _fields(_refused(carol, "put", "/notification-settings", body, status=422))
    assert set(_fields(_refused(carol, "put", "/notification-settings", {"email_mode": "fax"}, status=422))) == {
        "email_mode"}


def test_extra_fields_are_refused_everywhere(world, pipeline, late):
    thank = _task(late, "thank_source")
    client, alice = world.client_for(world.carol), world.client_for(world.alice)
    due = (timezone.now() + DAY).isoformat()
    for who, method, path, body in (
        (client, "post", "/tasks", {"title": "Call", "due_at": due, "unknown": 1}),
        (client, "post", f"/tasks/{thank.public_id}/complete", {"log": "call", "unknown": 1}),
        (client, "post", f"/tasks/{thank.public_id}/dismiss", {"unknown": 1}),
        (client, "post", f"/tasks/{thank.public_id}/snooze", {"until": due, "unknown": 1}),
        (alice, "put", "/followup-rules/thank_source", {"enabled": True, "unknown": 1}),
        (client, "put", "/notification-settings", {"email_mode": "off", "unknown": 1}),
    ):
        assert "unknown" in _fields(_refused(who, method, path, body, status=422)), path


# --- fuzz --------------------------------------------------------------------------------------------



@st.composite
def _times(draw):
    """Mostly times around now (past and future, aware or now and then naive); also far ones, and things that are
    not times."""
    sort = draw(st.sampled_from(["near", "near", "near", "near", "odd", "number"]))
    if sort == "number":
        return draw(st.integers(-(2**40), 2**40))
    if sort == "odd":
        return draw(st.sampled_from(["2026-01-01T09:00:00Z", "2999-01-01T00:00Z", "0001-01-01T00:00:00Z",
                                     "9999-12-31T00:00:00Z", "yesterday", "", "2026-02-30T00:00:00Z", "2026-01-01",
                                     "2026-01-01T25:00:00Z"]))
    offset = draw(st.one_of(st.integers(-48, 400 * 24).map(lambda h: datetime.timedelta(hours=h)),
                            st.sampled_from([datetime.timedelta(days=364), datetime.timedelta(days=366),
                                             datetime.timedelta(seconds=-1)])))
    when = (timezone.now() + offset).replace(tzinfo=None, microsecond=0).isoformat()
    return when + draw(st.sampled_from(["Z", "+00:00", "+05:30", "-11:00", "+23:59", ""]))


def _fuzz_world(world):
    if not hasattr(world, "pipeline"):
        world.pipeline = build_pipeline(world)
        world.late = refer(world.carol, world.pipeline.dana, world.pipeline.bob_smith,
                           at=timezone.now() - 30 * HOUR)
        pipeline, wrong = world.pipeline, ["nobody", "", "\x00", "x" * 40, world.charlie.public_id]
        world.ids = {
            "person": st.sampled_from([pipeline.dana.public_id, pipeline.bob_smith.public_id, world.late.public_id,
                                       *wrong]),
            "referral": st.sampled_from([world.late.public_id, pipeline.dana.public_id, *wrong]),
            "assignee": st.sampled_from([world.carol.public_id, world.bob.public_id, pipeline.wendy.public_id,
                                         pipeline.dana.public_id, *wrong]),
        }
    return world


def _often(data, times: int = 4) -> bool:
    return data.draw(st.sampled_from([True] * times + [False]))


def _body(data, fields: dict, required: tuple = ()):
    """A body of the required fields (mostly) and some others, each with its own values mostly, else anything; the
    unknown field sometimes; now and then not an object at all."""
    keys = list(required) if _often(data) else []
    others = [f for f in fields if f not in required]
    keys += data.draw(st.lists(st.sampled_from(others), unique=True)) if others else []
    if not _often(data, 5):
        keys.append("unknown")
    body = {}
    for key in dict.fromkeys(keys):
        good = fields.get(key)
        body[key] = data.draw(good if good is not None and _often(data, 3) else st.one_of(plausible, json_values))
    return body if _often(data, 9) else data.draw(json_values)


def _fuzz(client, method: str, path: str, body) -> None:
    """A success, or a 4xx in the error format that changed nothing; an extra field is always refused."""
    before = _snapshot()
    response = getattr(client, method)(API + path, json.dumps(body), content_type="application/json")
    _assert_handled(response)
    if response.status_code >= 400:
        assert _snapshot() == before
    if isinstance(body, dict) and "unknown" in body:
        assert response.status_code == 422 and "unknown" in _fields(response.json()["error"]), response.content


def _reset(task: Task) -> None:
    Task.objects.filter(pk=task.pk).update(status="open", completed_at=None, completed_by=None, outcome="",
                                           due_at=task.due_at, interaction=None)


text = st.one_of(st.text(max_size=30), st.sampled_from(["Call Dana", "  padded  ", "x" * 180, "x" * 181, "x" * 300,
                                                        "x" * 301, "x" * 500, "x" * 501, "😀", "a\x00b", "\ud800"]))


def _task_times():
    return _times()


@FUZZ
@given(data=st.data())
def test_fuzz_adding_a_task(world, data):
    world = _fuzz_world(world)
    member = data.draw(st.sampled_from([world.carol, world.bob, world.alice]))
    body = _body(data, {"title": text, "due_at": _task_times(), "reason": text, **world.ids},
                 required=("title", "due_at"))
    _fuzz(world.client_for(member), "post", "/tasks", body)


@FUZZ
@given(data=st.data())
def test_fuzz_completing_a_task(world, data):
    world = _fuzz_world(world)
    task = _task(world.late, data.draw(st.sampled_from(["thank_source", "contact_prospect"])))
    _reset(task)
    body = _body(data, {"log": st.sampled_from(["call", "email", "meeting", "fax", "", None, "CALL"]),
                        "summary": text})
    _fuzz(world.client_for(world.carol), "post", f"/tasks/{task.public_id}/complete", body)


@FUZZ
@given(data=st.data())
def test_fuzz_snoozing_a_task(world, data):
    world = _fuzz_world(world)
    task = _task(world.late, "thank_source")
    _reset(task)
    _fuzz(world.client_for(world.carol), "post", f"/tasks/{task.public_id}/snooze", _body(data, {"until": _times()}, ("until",)))


@FUZZ
@given(data=st.data())
def test_fuzz_saving_a_rule(world, data):
    member = data.draw(st.sampled_from([world.alice, world.alice, world.alice, world.carol]))
    kind = data.draw(st.sampled_from([*RULE_KINDS, "manual", "luck", "THANK_SOURCE"]))
    delays = st.one_of(st.integers(1, 720), st.integers(1, 365).map(lambda days: days * 24), st.integers(-2, 9000),
                       st.sampled_from([24, 23, 8760, 8761, 2**31, 2**63, 2**64, 1.0, 1.5, "24", True, None]))
    body = _body(data, {"enabled": st.one_of(st.booleans(), st.sampled_from(["true", "no", 1, 2, None])),
                        "delay_hours": delays}, required=("enabled",))
    _fuzz(world.client_for(member), "put", f"/followup-rules/{kind}", body)


@FUZZ
@given(data=st.data())
def test_fuzz_notification_settings(world, data):
    member = data.draw(st.sampled_from([world.carol, world.bob]))
    body = _body(data, {"email_mode": st.sampled_from(["immediate", "digest", "off", "DIGEST", "", "never", None]),
                        "weekly_report": st.one_of(st.booleans(), st.none(), st.sampled_from(["yes", 0, 1, 2]))},
                 required=("email_mode",))
    _fuzz(world.client_for(member), "put", "/notification-settings", body)
