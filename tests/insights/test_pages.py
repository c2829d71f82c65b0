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


def test_the_sources_csv_writes_money_in_minor_units(world, pipeline):
    response = world.client_for(world.alice).get(f"/insights/export.csv?scope=workspace&{MARCH}&what=sources")
    rows = {(row[0], row[1]): row[2:] for row in csv.reader(io.StringIO(response.content.decode())) if len(row) == 5}
    assert rows["source", "Dana Client"] == ["1", "1", "USD:500000"]
    assert sorted(v[2] for k, v in rows.items() if k[0] == "source type") == ["", "", "", "USD:500000"]


def test_bad_periods_are_named(world, pipeline):
    client = world.client_for(world.carol)
    response = client.get("/insights/?period=fortnight")
    assert response.status_code == 400 and "&#x27;fortnight&#x27; is not a period" in response.content.decode()
    response = client.get("/insights/?period=custom&start=2026-03-10&end=2026-03-01")
    assert response.status_code == 400 and "is before the start" in response.content.decode()
    response = client.get("/insights/export.csv?period=custom&start=2026-13-01&end=2026-03-01")
    assert response.status_code == 400 and b"start: '2026-13-01' is not a date" in response.content
    assert client.get("/insights/export.csv?what=everything").status_code == 400
    response = client.get("/insights/?period=week&on=9999-12-31")
    assert response.status_code == 400 and "out of range: use a date from 1900-01-01" in response.content.decode()


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
    assert "50% (default: no asks measured)" in html
    response = client.post("/insights/planner/", {"scope": f"team:{world.east.public_id}", "clients": "20",
                                                   "weeks": "13", "window": "90"})
    assert response.status_code == 302
    assert Goal.objects.get(membership=world.carol, metric="asks").target == 7  # 80 asks / 13 weeks / 1 rep
    assert Goal.objects.get(team=world.east, metric="new_clients").target == 20
    # The saved goals start next Monday: the goals page lists them as upcoming, removable.
    goals_page = client.get("/insights/goals/").content.decode()
    assert 'data-upcoming="asks"' in goals_page and 'data-upcoming="introductions"' in goals_page


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
    assert len(few) == len(many) == DASHBOARD_QUERIES, [q["sql"] for q in many.captured_queries]


# A manager's team dashboard: session, membership and navigation (6); refreshing the rollups (1); the team's spells,
# the metrics, goals (the team's own, and its reps' added up: two per weekly metric for the cards and two for the
# charts), coaching, charts and sources (the rest). The same whatever the number of reps, goals or referrals.
DASHBOARD_QUERIES = 41
LEADERBOARD_QUERIES = 22
CHANNEL_QUERIES = 11


def test_leaderboard_and_channel_query_counts_are_pinned(world, pipeline):
    client = world.client_for(world.carol)
    url = f"/insights/leaderboards/?scope=team:{world.east.public_id}&{MARCH}"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == LEADERBOARD_QUERIES, [q["sql"] for q in queries.captured_queries]
    from warmline.insights.deals import import_deals

    import_deals(world.bob, DEALS.encode())
    client.get("/insights/channels/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/insights/channels/?{MARCH}").status_code == 200
    assert len(queries) == CHANNEL_QUERIES, [q["sql"] for q in queries.captured_queries]


# --- channels ---------------------------------------------------------------------------------------------

DEALS = """Opportunity ID,Opportunity Name,Lead Source,Stage,Amount,Close Date,Created Date
006A,Vandelay - expansion,Customer Referral,Closed Won,"12,500.00",3/10/2026,1/5/2026
006B,Pendant - new,Web,Closed Lost,"8,000.00",3/12/2026,1/9/2026
006C,Kramerica - new,Web,Closed Won,"4,000.00",3/20/2026,2/1/2026
006D,Monks - new,Trade Show,Closed Lost,,3/25/2026,2/3/2026
006E,Costanza - new,Web,Prospecting,"9,000.00",6/25/2026,2/3/2026
"""


def test_the_channel_comparison_says_so_without_crm_deals(world, pipeline):
    html = world.client_for(world.carol).get("/insights/channels/").content.decode()
    assert "Import your CRM's deals with their lead source to compare channels" in html
    assert 'data-figure="share"' not in html and 'id="import"' not in html  # no numbers made up; reps do not import


def test_a_manager_imports_crm_deals_and_the_comparison_uses_them(world, pipeline):
    client = world.client_for(world.bob)
    upload = io.BytesIO(DEALS.encode())
    upload.name = "opportunities.csv"
    response = client.post("/insights/channels/", {"file": upload, "referral_sources": "", "date_order": ""})
    assert response.status_code == 302
    page = client.get(response["Location"].replace("period=quarter", MARCH))
    html = page.content.decode()
    assert "5 deals read from the Salesforce export: 5 new, 0 updated, 0 unchanged." in html
    assert "Counted as referrals: &#x27;Customer Referral&#x27;." in html
    assert "No date in the file tells" not in html  # 3/25/2026 can only be month first
    assert re.search(r'data-figure="share">\s*<div class="label">[^<]*</div>\s*<div class="value">50%', html)
    assert 'data-lead-source="Web"' in html and 'data-lead-source="Trade Show"' in html
    exported = client.get(f"/insights/export.csv?what=channels&{MARCH}").content.decode()
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(exported))}
    assert rows["Web"] == ["no", "1", "1", "0.5000", "USD:400000"]
    assert rows["All referral lead sources"] == ["yes", "1", "0", "1.0000", "USD:1250000"]
    assert rows["All deals"][:3] == ["no", "2", "2"]
    # Warmline's own win in March is shown beside, never added.
    assert rows["Warmline referrals won (not added above)"][1] == "1"


def test_a_bad_deals_file_imports_nothing_and_names_line_column_and_value(world, pipeline):
    from warmline.insights.models import Deal

    client = world.client_for(world.bob)
    bad = DEALS.replace('"4,000.00"', '"4,000.0x"').replace("3/25/2026", "2/30/2026")
    upload = io.BytesIO(bad.encode())
    upload.name = "opportunities.csv"
    response = client.post("/insights/channels/", {"file": upload, "date_order": "month"})
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported: 2 problems in the file." in html
    assert re.search(r"<td class=\"num\">4</td><td>Amount</td><td><code>4,000.0x</code>", html)
    assert re.search(r"<td class=\"num\">5</td><td>Close Date</td><td><code>2/30/2026</code>", html)
    assert not Deal.objects.exists()
    rep = world.client_for(world.carol)
    upload = io.BytesIO(DEALS.encode())
    upload.name = "opportunities.csv"
    assert rep.post("/insights/channels/", {"file": upload}).status_code == 403
    assert not Deal.objects.exists()
