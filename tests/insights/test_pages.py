"""The insights pages: who sees what, the numbers shown, the CSV behind them, bad input, pinned query counts."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.referrals.builders import T0, ask, build_pipeline, person, refer
from warmline.core.money import Money
from warmline.insights import services
from warmline.insights.models import Goal
from warmline.referrals import services as referrals

DAY = datetime.timedelta(days=1)
MARCH = "period=month&on=2026-03-02"


@pytest.fixture
def pipeline(world):
    p = build_pipeline(world)
    carol, wendy = world.carol, p.wendy
    first = refer(carol, p.dana, p.bob_smith, value=5_000_00)
    referrals.move_referral(carol, first, p.stage("Meeting scheduled"), at=T0 + DAY)
    referrals.move_referral(carol, first, p.stage("Won"), closed_on=(T0 + 3 * DAY).date(), at=T0 + 3 * DAY)
    refer(carol, p.erin, person(world.alice, "Quinn", "Prospect", "Vandelay"), at=T0 + DAY)
    refer(wendy, p.erin, person(world.alice, "Wes", "Prospect", "Pendant"), at=T0 + 2 * DAY)
    ask(carol, p.dana, None, target_description="A CFO in retail", at=T0)
    ask(wendy, p.erin, None, target_description="A COO", at=T0)
    return p


def shown(html: str) -> dict[str, str]:
    """The dashboard's numbers, by metric key."""
    return dict(re.findall(r'data-metric="([a-z_]+)"[^>]*>\s*<dt>[^<]*</dt>\s*<dd class="metric-value">([^<]*)</dd>',
                           html))


def test_a_rep_sees_their_own_numbers_by_default(world, pipeline):
    response = world.client_for(world.carol).get(f"/insights/?{MARCH}")
    assert response.status_code == 200
    numbers = shown(response.content.decode())
    assert numbers["asks"] == "1" and numbers["introductions"] == "2" and numbers["won"] == "1"
    assert numbers["revenue"] == "$5,000"
    assert "This week, rep by rep" not in response.content.decode()


def test_a_rep_cannot_open_another_teams_or_another_reps_figures(world, pipeline):
    client = world.client_for(world.carol)
    assert client.get(f"/insights/?scope=team:{pipeline.west.public_id}").status_code == 404
    assert client.get(f"/insights/?scope=rep:{pipeline.wendy.public_id}").status_code == 404
    assert client.get(f"/insights/leaderboards/?scope=team:{pipeline.west.public_id}").status_code == 404
    assert client.get(f"/insights/export.csv?scope=team:{pipeline.west.public_id}").status_code == 404
    assert client.get(f"/insights/?scope=team:{world.east.public_id}&{MARCH}").status_code == 200
    assert client.get(f"/insights/?scope=workspace&{MARCH}").status_code == 200


def test_a_manager_sees_the_coaching_view_of_their_team(world, pipeline):
    services.set_goal(world.bob, metric="asks", target=5, member=world.carol, starts_on=T0.date())
    response = world.client_for(world.bob).get(f"/insights/?scope=team:{world.east.public_id}&period=week&on=2026-03-02")
    html = response.content.decode()
    assert response.status_code == 200 and "This week, rep by rep" in html
    assert f'data-rep="{world.carol.public_id}"' in html
    assert world.client_for(world.bob).get(f"/insights/?scope=rep:{pipeline.wendy.public_id}").status_code == 404


def test_the_csv_export_matches_the_dashboard(world, pipeline):
    client = world.client_for(world.alice)
    for scope in ("workspace", f"team:{world.east.public_id}", f"rep:{world.carol.public_id}"):
        html = client.get(f"/insights/?scope={scope}&{MARCH}").content.decode()
        exported = client.get(f"/insights/export.csv?scope={scope}&{MARCH}")
        assert exported["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.content.decode())))
        in_csv = {row[0]: row[5] for row in rows[3:]}
        assert shown(html) == in_csv, scope
        assert len(in_csv) >= 16


@pytest.mark.parametrize("what", ["weekly", "revenue", "funnel", "reps", "sources"])
def test_every_chart_has_its_csv(world, pipeline, what):
    response = world.client_for(world.alice).get(f"/insights/export.csv?scope=workspace&{MARCH}&what={what}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 3


def test_bad_periods_are_named(world, pipeline):
    client = world.client_for(world.carol)
    response = client.get("/insights/?period=fortnight")
    assert response.status_code == 400 and "&#x27;fortnight&#x27; is not a period" in response.content.decode()
    response = client.get("/insights/?period=custom&start=2026-03-10&end=2026-03-01")
    assert response.status_code == 400 and "is before the start" in response.content.decode()
    response = client.get("/insights/export.csv?period=custom&start=2026-13-01&end=2026-03-01")
    assert response.status_code == 400 and b"start: '2026-13-01' is not a date" in response.content
    assert client.get("/insights/export.csv?what=everything").status_code == 400


def test_leaderboards_rank_reps_and_sources(world, pipeline):
    html = world.client_for(world.carol).get(f"/insights/leaderboards/?scope=workspace&{MARCH}").content.decode()
    assert 'data-board="introductions"' in html and "Carol Rep" in html and "Wendy Westrep" in html
    team = world.client_for(world.carol).get(
        f"/insights/leaderboards/?scope=team:{world.east.public_id}&{MARCH}").content.decode()
    assert "Carol Rep" in team and "Wendy Westrep" not in team


def test_goals_page_sets_and_removes_goals(world, pipeline):
    client = world.client_for(world.bob)
    response = client.post("/insights/goals/", {"scope": f"rep:{world.carol.public_id}", "metric": "asks",
                                                "target": "12", "starts_on": "2026-03-04"})
    assert response.status_code == 302
    goal = Goal.objects.get(membership=world.carol, metric="asks")
    assert (goal.target, goal.starts_on) == (12, datetime.date(2026, 3, 2))
    response = client.post("/insights/goals/", {"scope": "workspace", "metric": "asks", "target": "12"})
    assert response.status_code == 400  # the workspace's goals are the admins'
    response = client.post("/insights/goals/", {"scope": f"rep:{world.carol.public_id}", "metric": "revenue",
                                                "target": "50000", "currency": "XYZ"})
    assert response.status_code == 400 and "is not an ISO 4217 currency code" in response.content.decode()
    assert world.client_for(world.carol).post("/insights/goals/", {
        "scope": f"rep:{world.carol.public_id}", "metric": "asks", "target": "1"}).status_code in (400, 403)
    assert client.post(f"/insights/goals/{goal.public_id}/delete/").status_code == 302
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_the_planner_uses_defaults_without_history_and_saves_goals(world, pipeline):
    client = world.client_for(world.bob)
    response = client.get(f"/insights/planner/?scope=team:{world.east.public_id}&clients=20&weeks=13&window=90")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="value">40</div><div class="label">introductions needed' in html
    assert "50% (default)" in html
    response = client.post("/insights/planner/", {"scope": f"team:{world.east.public_id}", "clients": "20",
                                                   "weeks": "13", "window": "90"})
    assert response.status_code == 302
    assert Goal.objects.get(membership=world.carol, metric="asks").target == 7  # 80 asks / 13 weeks / 1 rep
    assert Goal.objects.get(team=world.east, metric="new_clients").target == 20


def test_query_counts_do_not_grow_with_the_data(world, pipeline):
    client = world.client_for(world.bob)
    url = f"/insights/?scope=team:{world.east.public_id}&{MARCH}"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        extra = refer(world.carol, pipeline.dana, person(world.alice, f"More{i}", "Prospect", f"Co{i}"),
                      at=T0 + i * DAY, value=100_00)
        referrals.move_referral(world.carol, extra, pipeline.stage("Won"), closed_on=(T0 + i * DAY).date(),
                                value=Money(100_00, "EUR"), at=T0 + (i + 1) * DAY)
    client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
    print("dashboard queries", len(many))
