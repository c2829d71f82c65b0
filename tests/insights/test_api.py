"""The insights API: metrics for each scope (the dashboard's definitions), leaderboards, goals and the planner;
who may see and change what; refusals in the error format changing nothing; fuzzed input never makes a 500."""

import io
import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.test_api_fuzz import FUZZ, _assert_handled, json_values
from tests.referrals.builders import T0, ask, build_pipeline, refer
from warmline.insights import metrics
from warmline.insights.metrics import Period, Scope
from warmline.insights.models import Deal, Goal

API = "/api/v1"
FUZZ = settings(FUZZ, max_examples=60)
MARCH = {"period": "month", "on": "2026-03-02"}


@pytest.fixture
def pipeline(world):
    p = build_pipeline(world)
    refer(world.carol, p.dana, p.bob_smith, value=2_000_00)
    ask(world.carol, p.erin, None, target_description="A CFO", at=T0)
    refer(p.wendy, p.erin, p.dana.__class__.objects.create(workspace=world.acme, full_name="Wes Prospect"), at=T0)
    return p


def _get(client, path, **params):
    return client.get(f"{API}{path}?{urlencode(params)}")


def _send(client, method, path, body):
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json")


def test_the_metrics_endpoint_returns_the_dashboards_numbers_with_their_definitions(world, pipeline):
    response = _get(world.client_for(world.carol), "/insights/metrics", **MARCH)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == {"key": f"rep:{world.carol.public_id}", "kind": "rep", "label": "Carol Rep"}
    assert body["period"] == {"kind": "month", "start": "2026-03-01", "end": "2026-03-31", "label": "March 2026"}
    values = {m["key"]: m["value"] for m in body["metrics"]}
    expected = {m.key: v for m, v in metrics.values(Scope.of_rep(world.carol), Period.month(T0.date()))}
    assert values == expected
    assert values["introductions"] == 1 and values["asks"] == 1
    assert all(m["definition"] for m in body["metrics"])


def test_metrics_of_a_scope_one_may_not_see_are_not_found(world, pipeline):
    client = world.client_for(world.carol)
    response = _get(client, "/insights/metrics", scope=f"team:{pipeline.west.public_id}")
    assert response.status_code == 404 and response.json()["error"]["code"]
    assert _get(client, "/insights/metrics", scope=f"rep:{pipeline.wendy.public_id}").status_code == 404
    assert _get(world.client_for(world.charlie), "/insights/metrics", scope=f"rep:{world.carol.public_id}"
                ).status_code == 404
    admin = _get(world.client_for(world.alice), "/insights/metrics", scope="workspace", **MARCH).json()
    assert {m["key"]: m["value"] for m in admin["metrics"]}["introductions"] == 2


def test_bad_periods_name_the_field(world, pipeline):
    client = world.client_for(world.carol)
    response = _get(client, "/insights/metrics", period="custom", start="2026-03-10", end="2026-03-01")
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "end"
    assert _get(client, "/insights/metrics", period="fortnight").status_code == 422
    assert _get(client, "/insights/metrics", period="custom", start="2026-03-01").status_code == 422


def test_leaderboards_workspace_and_private_team_boards(world, pipeline):
    client = world.client_for(world.carol)
    body = _get(client, "/insights/leaderboards", scope="workspace", **MARCH).json()
    assert [(r["name"], r["value"]) for r in body["reps_by_introductions"]] == [("Carol Rep", 1), ("Wendy Westrep", 1)]
    assert body["reps_by_introductions"][0]["you"] is True
    team = _get(client, "/insights/leaderboards", scope=f"team:{world.east.public_id}", **MARCH).json()
    assert [r["name"] for r in team["reps_by_introductions"]] == ["Carol Rep"]
    assert _get(client, "/insights/leaderboards", scope=f"team:{pipeline.west.public_id}").status_code == 404


def test_goals_set_read_and_delete(world, pipeline):
    bob = world.client_for(world.bob)
    response = _send(bob, "post", "/insights/goals", {"scope": f"rep:{world.carol.public_id}", "metric": "asks",
                                                      "target": 6})
    assert response.status_code == 201, response.content
    goal = response.json()
    assert goal["period"] == "week" and goal["target"] == 6
    read = _get(world.client_for(world.carol), "/insights/goals").json()
    assert [g["metric"] for g in read["goals"]] == ["asks"] and read["progress"][0]["target"] == 6
    refused = _send(world.client_for(world.carol), "post", "/insights/goals",
                    {"scope": f"rep:{world.carol.public_id}", "metric": "asks", "target": 60})
    assert refused.status_code == 403
    bad = _send(bob, "post", "/insights/goals", {"scope": f"team:{world.east.public_id}", "metric": "revenue",
                                                 "target": 5_000_000, "currency": "ZZZ"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "currency"
    assert Goal.objects.count() == 1
    # Another team's goal is not revealed to a manager: not found, not forbidden; nor to a rep of another team.
    west = _send(world.client_for(world.alice), "post", "/insights/goals",
                 {"scope": f"team:{pipeline.west.public_id}", "metric": "asks", "target": 9}).json()
    assert bob.delete(f"{API}/insights/goals/{west['id']}").status_code == 404
    assert world.client_for(world.carol).delete(f"{API}/insights/goals/{west['id']}").status_code == 404
    assert Goal.objects.count() == 2
    assert bob.delete(f"{API}/insights/goals/{goal['id']}").status_code == 204
    assert Goal.objects.count() == 1


def test_the_planner_works_back_from_clients(world, pipeline):
    response = _send(world.client_for(world.bob), "post", "/insights/plan",
                     {"scope": f"team:{world.east.public_id}", "clients": 20, "weeks": 10})
    assert response.status_code == 200, response.content
    plan = response.json()
    assert (plan["introductions"], plan["asks"], plan["asks_per_week"], plan["reps"]) == (40, 80, 8, 1)
    # The pipeline's work is from March: nothing in the last 180 days, so the defaults, said to be defaults.
    assert plan["ask_to_introduction"] == {"value": 0.5, "measured": False, "basis": "no asks measured"}
    saved = _send(world.client_for(world.bob), "post", "/insights/plan",
                  {"scope": f"team:{world.east.public_id}", "clients": 20, "weeks": 10, "save": True})
    assert saved.json()["saved_goals"] == 2
    refused = _send(world.client_for(world.carol), "post", "/insights/plan",
                    {"scope": f"team:{world.east.public_id}", "clients": 20, "save": True})
    assert refused.status_code == 403 and Goal.objects.count() == 2
    # A half-year plan: the team's quarterly new-clients goal is its pace, half the clients.
    half_year = _send(world.client_for(world.bob), "post", "/insights/plan",
                      {"scope": f"team:{world.east.public_id}", "clients": 25, "weeks": 26, "save": True})
    assert half_year.json()["saved_goals"] == 3
    assert Goal.objects.get(team=world.east, metric="new_clients").target == 13


def test_the_per_rep_metrics_endpoint_makes_a_pinned_number_of_queries(world, pipeline):
    # Session, user and membership; the scope; refreshing the rollups; the sums, revenue, waiting referrals and
    # the median: the same whatever the number of referrals.
    client = world.client_for(world.bob)
    params = {"scope": f"rep:{world.carol.public_id}", **MARCH}
    _get(client, "/insights/metrics", **params)
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, "/insights/metrics", **params).status_code == 200
    assert len(queries) == METRICS_QUERIES, [q["sql"] for q in queries.captured_queries]


METRICS_QUERIES = 9
DEALS = b"""id,lead_source,status,closed,amount
d1,Partner Referral,won,2026-03-04,1000.00
d2,Web,lost,2026-03-05,
d3,Web,won,2026-03-06,250.00
"""


def _upload(client, data: bytes, **form):
    upload = io.BytesIO(data)
    upload.name = "deals.csv"
    return client.post(f"{API}/insights/deals", {"file": upload, **form})


def test_channels_say_there_is_no_data_then_compare_imported_deals(world, pipeline):
    empty = _get(world.client_for(world.carol), "/insights/channels", **MARCH).json()
    assert empty["has_data"] is False and empty["lead_sources"] == [] and empty["referral_share"] is None
    assert _upload(world.client_for(world.carol), DEALS).status_code == 403 and not Deal.objects.exists()
    imported = _upload(world.client_for(world.bob), DEALS)
    assert imported.status_code == 200, imported.content
    assert imported.json()["created"] == 3 and imported.json()["source"] == "generic"
    body = _get(world.client_for(world.carol), "/insights/channels", **MARCH).json()
    assert body["has_data"] is True and body["referral_share"] == 0.5
    assert body["referrals"] == {"lead_source": "", "referral": True, "won": 1, "lost": 0, "win_rate": 1.0,
                                 "revenue": {"USD": 100000}}
    assert {r["lead_source"]: r["win_rate"] for r in body["lead_sources"]} == {"Partner Referral": 1.0, "Web": 0.5}


def test_a_bad_deals_file_is_refused_whole_with_every_problem_named(world, pipeline):
    bad = DEALS.replace(b"250.00", b"25O.00").replace(b"2026-03-05", b"2026-02-30")
    response = _upload(world.client_for(world.bob), bad, date_order="day")
    assert response.status_code == 422
    messages = [f["message"] for f in response.json()["error"]["fields"]]
    assert len(messages) == 2 and not Deal.objects.exists()
    assert messages[0].startswith("Line 3, column 'closed'") and "'2026-02-30'" in messages[0]
    assert messages[1].startswith("Line 4, column 'amount'") and "'25O.00'" in messages[1]
    assert _upload(world.client_for(world.bob), DEALS, date_order="sideways").status_code == 422


text = st.one_of(st.text(max_size=20), st.sampled_from(["workspace", "team:", "rep:", "team:x", "\x00", "😀"]))
dates = st.one_of(st.dates().map(str), st.sampled_from(["", "2026-02-30", "03/01/2026", "9999-12-31", "0001-01-01"]),
                  text)


@FUZZ
@given(data=st.data())
def test_fuzz_metrics_parameters(world, data):
    params = {k: data.draw(v) for k, v in {"scope": st.one_of(text, st.just("workspace")),
                                            "period": st.sampled_from(["week", "month", "quarter", "year", "custom",
                                                                       "day", ""]),
                                            "on": dates, "start": dates, "end": dates}.items()
              if data.draw(st.booleans())}
    member = data.draw(st.sampled_from([world.carol, world.bob, world.alice]))
    path = data.draw(st.sampled_from(["/insights/metrics", "/insights/leaderboards", "/insights/goals"]))
    _assert_handled(_get(world.client_for(member), path, **params))


@FUZZ
@given(data=st.data())
def test_fuzz_goal_and_plan_bodies(world, data):
    keys = {"scope": st.one_of(text, st.just(f"rep:{world.carol.public_id}"), st.just("workspace")),
            "metric": st.one_of(st.sampled_from(["asks", "introductions", "meetings", "new_clients", "revenue"]),
                                text),
            "target": st.one_of(st.integers(-5, 10**16), json_values), "currency": st.one_of(text, st.just("EUR")),
            "starts_on": dates, "clients": st.one_of(st.integers(-1, 20000), json_values),
            "weeks": st.integers(-1, 60), "window_days": st.sampled_from([90, 180, 365, 7, "90"]),
            "save": st.one_of(st.booleans(), json_values), "extra": json_values}
    body = {k: data.draw(v) for k, v in keys.items() if data.draw(st.booleans())}
    member = data.draw(st.sampled_from([world.carol, world.bob, world.alice]))
    before = Goal.objects.count()
    response = _send(world.client_for(member), "post", data.draw(st.sampled_from(["/insights/goals",
                                                                                   "/insights/plan"])), body)
    _assert_handled(response)
    if response.status_code >= 400:
        assert Goal.objects.count() == before
