"""Goals: which is in force, progress on working days, a team's goal as its reps' goals added up, the coaching
order."""

import datetime

import pytest

from tests.referrals.builders import T0, ask, build_pipeline
from warmline.core.services import record_spells
from warmline.insights import goals, services
from warmline.insights.metrics import Scope

DAY = datetime.timedelta(days=1)
MONDAY = T0.date()  # 2 March 2026


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def test_a_goal_applies_from_its_week_until_a_newer_one_and_removing_it_brings_back_the_one_before(world, pipeline):
    carol = world.carol
    services.set_goal(world.bob, metric="asks", target=4, member=carol, starts_on=MONDAY)
    newer = services.set_goal(world.bob, metric="asks", target=6, member=carol, starts_on=MONDAY + 16 * DAY)
    assert newer.starts_on == MONDAY + 14 * DAY  # the Monday of the week it was set for
    weeks = [MONDAY - 7 * DAY, MONDAY, MONDAY + 7 * DAY, MONDAY + 14 * DAY, MONDAY + 21 * DAY]
    assert list(goals.history(Scope.of_rep(carol), "asks", weeks).values()) == [None, 4, 4, 6, 6]
    assert goals.goals_in_force(Scope.of_rep(carol), MONDAY + 20 * DAY)["asks"].target == 6
    services.delete_goal(world.bob, newer)
    assert goals.goals_in_force(Scope.of_rep(carol), MONDAY + 20 * DAY)["asks"].target == 4


def test_progress_is_measured_on_the_working_days_gone_by(world, pipeline):
    carol = world.carol
    services.set_goal(world.bob, metric="asks", target=5, member=carol, starts_on=MONDAY)
    ask(carol, pipeline.dana, None, target_description="A CFO", at=T0)
    scope = Scope.of_rep(carol)
    # Monday, one ask of five: a fifth of the working week gone, on track.
    monday = {p.metric: p for p in goals.progress(scope, MONDAY)}["asks"]
    assert (monday.actual, monday.target, monday.elapsed, monday.status) == (1, 5, 0.2, "on_track")
    # Thursday, still one: four fifths gone, four expected by now, behind.
    thursday = {p.metric: p for p in goals.progress(scope, MONDAY + 3 * DAY)}["asks"]
    assert (thursday.expected, thursday.status) == (4.0, "behind")
    for n in range(4):
        ask(carol, pipeline.erin, None, target_description=f"Buyer {n}", at=T0 + 3 * DAY)
    assert {p.metric: p for p in goals.progress(scope, MONDAY + 3 * DAY)}["asks"].status == "met"


def test_a_team_without_its_own_goal_has_its_reps_goals_added_up(world, pipeline):
    carol, wendy, east, west = world.carol, pipeline.wendy, world.east, pipeline.west
    services.set_goal(world.bob, metric="asks", target=4, member=carol, starts_on=MONDAY)
    services.set_goal(world.alice, metric="asks", target=3, member=wendy, starts_on=MONDAY)
    weeks = [MONDAY - 7 * DAY, MONDAY, MONDAY + 7 * DAY, MONDAY + 14 * DAY]
    # Wendy joins East from 16 March: her goal counts for East from that week, no longer for West.
    record_spells(west, joined=(), left={wendy.pk}, today=MONDAY + 14 * DAY)
    record_spells(east, joined={wendy.pk}, today=MONDAY + 14 * DAY)
    assert list(goals.history(Scope.of_team(east), "asks", weeks).values()) == [None, 4, 4, 7]
    assert list(goals.history(Scope.of_team(west), "asks", weeks).values()) == [None, 3, 3, None]
    assert list(goals.history(Scope.of_workspace(world.acme.pk), "asks", weeks).values()) == [None, 7, 7, 7]
    progress = {p.metric: p for p in goals.progress(Scope.of_team(east), MONDAY + 15 * DAY)}
    assert progress["asks"].target == 7 and progress["asks"].summed
    # The team's own goal wins over the sum, from its week.
    services.set_goal(world.bob, metric="asks", target=10, team=east, starts_on=MONDAY + 7 * DAY)
    assert list(goals.history(Scope.of_team(east), "asks", weeks).values()) == [None, 4, 10, 10]
    progress = {p.metric: p for p in goals.progress(Scope.of_team(east), MONDAY + 15 * DAY)}
    assert progress["asks"].target == 10 and not progress["asks"].summed


def test_the_coaching_view_puts_who_is_behind_first_and_who_met_every_goal_last(world, pipeline):
    from tests.personas import _member
    from warmline.core.choices import Role
    from warmline.core.models import TeamMember

    carol, east = world.carol, world.east
    dave = _member(world.acme, "dave@acme.test", "Dave Newrep", Role.REP)
    TeamMember.objects.create(workspace=world.acme, team=east, membership=dave)
    record_spells(east, joined={dave.pk}, today=MONDAY - 7 * DAY)
    for rep in (carol, dave):
        services.set_goal(world.bob, metric="asks", target=2, member=rep, starts_on=MONDAY)
    ask(dave, pipeline.dana, None, target_description="A CFO", at=T0)
    ask(dave, pipeline.erin, None, target_description="A CTO", at=T0)
    rows = goals.coaching(Scope.of_team(east), MONDAY + 4 * DAY, [carol, dave])
    assert [(r.member, r.status) for r in rows] == [(carol, "behind"), (dave, "ahead")]
    assert [c.label for c in rows[0].behind] == ["People asked"]
