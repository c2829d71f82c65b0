"""Each metric's definition on hand-built data with known answers, edge cases included."""

import datetime

import pytest

from tests.referrals.builders import T0, ask, build_pipeline, person, refer
from warmline.core.money import Money
from warmline.core.services import record_spells
from warmline.followups import services as followups
from warmline.followups.models import Task
from warmline.insights import metrics, rollups
from warmline.insights.metrics import Period, Scope
from warmline.insights.models import DailyStat, ReferralFact
from warmline.network import services as network
from warmline.referrals import services
from warmline.referrals.choices import AskChannel

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
MONTH = Period.month(T0.date())  # March 2026
WEEK = Period.week(T0.date())


@pytest.fixture
def pipeline(world):
    return build_pipeline(world)


def figures(scope, period=MONTH, now=None):
    return {m.key: value for m, value in metrics.values(scope, period, now=now or T0 + 40 * DAY)}


def prospect(world, name: str):
    first, last = name.split()
    return person(world.alice, first, last, "Prospect Co")


def test_asks_count_specific_general_and_digital_apart_in_the_period_of_their_date(world, pipeline):
    carol = world.carol
    ask(carol, pipeline.dana, pipeline.bob_smith, at=T0)
    ask(carol, pipeline.erin, None, target_description="A CFO in retail", channel=AskChannel.EMAIL, at=T0 + DAY)
    ask(carol, pipeline.erin, pipeline.bob_smith, channel=AskChannel.SOCIAL, at=T0 + 7 * DAY)  # next week
    ask(world.bob, pipeline.dana, None, target_description="Anyone in logistics", at=T0)  # someone else

    week = figures(Scope.of_rep(carol), WEEK)
    assert (week["asks"], week["asks_specific"], week["asks_general"], week["asks_digital"]) == (2, 1, 1, 1)
    month = figures(Scope.of_rep(carol))
    assert (month["asks"], month["asks_specific"], month["asks_general"], month["asks_digital"]) == (3, 2, 1, 2)
    assert figures(Scope.of_workspace(world.acme.pk))["asks"] == 4


def test_an_ask_moved_to_another_day_moves_its_count(world, pipeline):
    carol = world.carol
    first = ask(carol, pipeline.dana, pipeline.bob_smith, at=T0 + 8 * DAY)
    assert figures(Scope.of_rep(carol), WEEK)["asks"] == 0
    services.update_ask(carol, first, asked_on=T0.date(), at=T0 + 8 * DAY)
    assert figures(Scope.of_rep(carol), WEEK)["asks"] == 1
    assert figures(Scope.of_rep(carol), Period.week(T0.date() + 8 * DAY))["asks"] == 0


def test_a_referral_moved_back_a_stage_counts_its_meeting_once_on_the_first_day(world, pipeline):
    carol = world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + DAY)
    services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + 2 * DAY)
    services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + 10 * DAY)

    month = figures(Scope.of_rep(carol))
    assert (month["introductions"], month["meetings_scheduled"], month["meetings_held"]) == (1, 1, 0)
    assert figures(Scope.of_rep(carol), Period.week(T0.date() + 10 * DAY))["meetings_scheduled"] == 0
    assert ReferralFact.objects.get(referral=referral).meeting_scheduled_on == (T0 + DAY).date()


def test_skipping_to_meeting_held_or_to_won_counts_the_earlier_milestones(world, pipeline):
    carol = world.carol
    skipped = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, skipped, pipeline.stage("Meeting held"), at=T0 + DAY)
    straight = refer(carol, pipeline.erin, prospect(world, "Zed Quick"))
    services.move_referral(carol, straight, pipeline.stage("Won"), value=Money(500_00, "USD"),
                           closed_on=(T0 + 2 * DAY).date(), at=T0 + 2 * DAY)
    lost = refer(carol, pipeline.erin, prospect(world, "Lou Lost"))
    services.move_referral(carol, lost, pipeline.stage("Lost"), lost_reason="No budget", at=T0 + 2 * DAY)

    month = figures(Scope.of_rep(carol))
    assert (month["meetings_scheduled"], month["meetings_held"], month["won"]) == (2, 2, 1)


def test_a_reopened_deal_is_not_won_until_it_is_won_again(world, pipeline):
    carol = world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, value=10_000_00)
    services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=(T0 + 5 * DAY).date(), at=T0 + 5 * DAY)
    assert figures(Scope.of_rep(carol))["won"] == 1
    assert figures(Scope.of_rep(carol))["revenue"] == {"USD": 10_000_00}

    services.reopen_referral(carol, referral, at=T0 + 10 * DAY)
    month = figures(Scope.of_rep(carol))
    assert (month["won"], month["revenue"], month["close_ratio"], month["win_rate"]) == (0, {}, 0.0, None)

    services.move_referral(carol, referral, pipeline.stage("Lost"), lost_reason="Went with a competitor",
                           at=T0 + 12 * DAY)
    month = figures(Scope.of_rep(carol))
    assert (month["won"], month["close_ratio"], month["win_rate"]) == (0, 0.0, 0.0)
    assert DailyStat.objects.get(membership=carol, day=(T0 + 12 * DAY).date()).lost == 1
    # The day it was won keeps only what stays true: the deal reached its meeting then.
    won_day = DailyStat.objects.get(membership=carol, day=(T0 + 5 * DAY).date())
    assert (won_day.won, won_day.meetings_scheduled, won_day.meetings_held) == (0, 1, 1)

    services.reopen_referral(carol, referral, at=T0 + 20 * DAY)
    services.move_referral(carol, referral, pipeline.stage("Won"), value=Money(12_000_00, "USD"),
                           closed_on=(T0 + 21 * DAY).date(), at=T0 + 21 * DAY)
    month = figures(Scope.of_rep(carol))
    assert (month["won"], month["revenue"], month["days_to_close"], month["win_rate"]) == (
        1, {"USD": 12_000_00}, 21.0, 1.0)


def test_revenue_in_different_currencies_is_never_added(world, pipeline):
    carol = world.carol
    usd = refer(carol, pipeline.dana, pipeline.bob_smith)
    eur = refer(carol, pipeline.erin, prospect(world, "Eva Euro"))
    eur2 = refer(carol, pipeline.dana, prospect(world, "Emil Euro"))
    yen = refer(carol, pipeline.erin, prospect(world, "Yoko Yen"))
    for referral, value, day in ((usd, Money(1000_00, "USD"), 3), (eur, Money(500_00, "EUR"), 4),
                                 (eur2, Money(700_01, "EUR"), 4), (yen, Money(150000, "JPY"), 6)):
        services.move_referral(carol, referral, pipeline.stage("Won"), value=value,
                               closed_on=(T0 + day * DAY).date(), at=T0 + day * DAY)
    month = figures(Scope.of_rep(carol))
    assert month["won"] == 4
    assert month["revenue"] == {"EUR": 1200_01, "JPY": 150000, "USD": 1000_00}
    assert month["average_deal"] == {"EUR": 600_00, "JPY": 150000, "USD": 1000_00}  # 600.005 rounds to 600.00
    assert month["days_to_close"] == pytest.approx((3 + 4 + 4 + 6) / 4)


def test_a_rep_who_changed_team_mid_period_counts_for_each_team_for_their_time_on_it(world, pipeline):
    carol, east, west = world.carol, world.east, pipeline.west
    refer(carol, pipeline.dana, pipeline.bob_smith, at=T0)  # 2 March, on East
    ask(carol, pipeline.erin, None, target_description="A CTO", at=T0)
    moved = (T0 + 14 * DAY).date()  # 16 March: Carol joins West
    record_spells(east, joined=(), left={carol.pk}, today=moved)
    record_spells(west, joined={carol.pk}, today=moved)
    refer(carol, pipeline.erin, prospect(world, "Will West"), at=T0 + 15 * DAY)
    refer(carol, pipeline.dana, prospect(world, "Wes West"), at=T0 + 16 * DAY)
    refer(pipeline.wendy, pipeline.dana, prospect(world, "Wanda West"), at=T0 + DAY)

    east_month = figures(Scope.of_team(east))
    west_month = figures(Scope.of_team(west))
    assert (east_month["introductions"], east_month["asks"]) == (1, 1)
    assert (west_month["introductions"], west_month["asks"]) == (3, 0)
    assert figures(Scope.of_rep(carol))["introductions"] == 3
    assert figures(Scope.of_workspace(world.acme.pk))["introductions"] == 4
    assert Scope.of_team(west).member_ids_on(T0.date()) == [pipeline.wendy.pk]
    assert Scope.of_team(west).member_ids_on(moved) == sorted([pipeline.wendy.pk, carol.pk])


def test_a_reassigned_referral_takes_its_figures_to_the_new_owner(world, pipeline):
    referral = refer(world.bob, pipeline.dana, pipeline.bob_smith, owner=world.carol)
    services.move_referral(world.carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + DAY)
    services.reassign_referral(world.bob, referral, world.bob, at=T0 + 2 * DAY)
    assert figures(Scope.of_rep(world.carol))["introductions"] == 0
    bob = figures(Scope.of_rep(world.bob))
    assert (bob["introductions"], bob["meetings_scheduled"]) == (1, 1)


def test_discipline_contact_in_time_median_first_contact_and_sources_thanked(world, pipeline):
    carol = world.carol
    quick = refer(carol, pipeline.dana, pipeline.bob_smith, at=T0)
    services.move_referral(carol, quick, pipeline.stage("Contacted"), at=T0 + 2 * HOUR)
    late = refer(carol, pipeline.erin, prospect(world, "Larry Late"), at=T0)
    services.move_referral(carol, late, pipeline.stage("Contacted"), at=T0 + 30 * HOUR)
    waiting = refer(carol, pipeline.dana, prospect(world, "Wally Wait"), at=T0 + 3 * DAY)
    missed = refer(carol, pipeline.erin, prospect(world, "Milo Missed"), at=T0 + DAY)
    thank = Task.objects.get(referral=quick, kind="thank_source")
    followups.complete_task(carol, thank, at=T0 + HOUR)

    month = figures(Scope.of_rep(carol), now=T0 + 3 * DAY + HOUR)
    # quick on time; late and missed (due, never contacted) are not; waiting is still within its 24 hours.
    assert month["contacted_in_time"] == pytest.approx(1 / 3)
    assert month["first_contact_hours"] == pytest.approx((2 + 30) / 2)
    assert month["thanked"] == pytest.approx(1 / 4)
    later = figures(Scope.of_rep(carol), now=T0 + 10 * DAY)
    assert later["contacted_in_time"] == pytest.approx(1 / 4)
    assert {waiting.pk, missed.pk} <= set(ReferralFact.objects.values_list("referral_id", flat=True))
    # Undoing the thank-you takes it out of the share.
    followups.reopen_task(carol, thank, at=T0 + 2 * HOUR)
    assert figures(Scope.of_rep(carol))["thanked"] == 0


def test_every_metric_has_a_definition_a_label_and_a_kind():
    assert len(metrics.METRICS) >= 16
    for m in metrics.METRICS.values():
        assert m.definition.endswith(".") and len(m.definition) > 30, m.key
        assert m.kind in metrics.KIND_LABELS and m.unit in ("count", "share", "money", "days", "hours")


def test_empty_periods_have_no_ratios_rather_than_zero_division(world):
    values = figures(Scope.of_rep(world.carol))
    assert values["asks"] == 0 and values["close_ratio"] is None and values["first_contact_hours"] is None
    assert values["revenue"] == {} and values["average_deal"] == {}


def test_sources_by_introductions_type_and_employees_outside_sales(world, pipeline):
    carol, acme = world.carol, world.acme
    network.save_company(world.alice, pipeline.dana.company, relation="client")
    engineer = _outside_member(world)
    engineer_person = network.ensure_person_for(engineer)
    first = refer(carol, pipeline.dana, pipeline.bob_smith)
    refer(carol, pipeline.dana, prospect(world, "Second Intro"))
    refer(carol, engineer_person, prospect(world, "Third Intro"))
    services.move_referral(carol, first, pipeline.stage("Won"), value=Money(900_00, "USD"),
                           closed_on=(T0 + DAY).date(), at=T0 + DAY)

    scope = Scope.of_workspace(acme.pk)
    top = metrics.by_source(scope, MONTH)
    assert [(r.key, r.introductions, r.won, r.revenue) for r in top] == [
        (pipeline.dana.pk, 2, 1, {"USD": 900_00}), (engineer_person.pk, 1, 0, {})]
    types = {r.key: (r.introductions, r.revenue) for r in metrics.by_source_type(scope, MONTH)}
    assert types == {"client": (2, {"USD": 900_00}), "employee": (1, {}), "partner": (0, {}), "other": (0, {})}
    assert [(r.key, r.introductions) for r in metrics.by_employee(scope, MONTH)] == [(engineer.pk, 1)]
    # Carol is in sales (on East): her own introductions would not rank her among employees outside sales.
    assert carol.pk not in metrics.outside_sales_ids(acme.pk)


def _outside_member(world):
    from tests.personas import _member
    from warmline.core.choices import Role
    return _member(world.acme, "ed@acme.test", "Ed Engineer", Role.REP, "Staff Engineer")


def test_rebuild_recreates_the_same_rollups_as_the_live_updates(world, pipeline):
    """The rebuild's GROUP BY recount agrees with the live, key-by-key one, column by column."""
    from warmline.insights.models import DailyRevenue

    carol, wendy = world.carol, pipeline.wendy
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Meeting held"), at=T0 + DAY)
    won = refer(carol, pipeline.erin, person(world.alice, "Wes", "Won", "Wonco"), at=T0 + DAY)
    services.move_referral(carol, won, pipeline.stage("Meeting scheduled"), at=T0 + 2 * DAY)
    services.move_referral(carol, won, pipeline.stage("Won"), value=Money(7_000_00, "EUR"),
                           closed_on=(T0 + 9 * DAY).date(), at=T0 + 9 * DAY)
    usd = refer(wendy, pipeline.dana, person(world.alice, "Una", "Usd", "Usco"), at=T0 + DAY)
    services.move_referral(wendy, usd, pipeline.stage("Won"), value=Money(3_000_00, "USD"),
                           closed_on=(T0 + 9 * DAY).date(), at=T0 + 9 * DAY)
    lost = refer(wendy, pipeline.erin, person(world.alice, "Lou", "Lost", "Lostco"), at=T0 + 2 * DAY)
    services.move_referral(wendy, lost, pipeline.stage("Lost"), closed_on=(T0 + 9 * DAY).date(), at=T0 + 9 * DAY,
                           lost_reason="No budget")
    ask(carol, pipeline.erin, None, target_description="Anyone", at=T0)
    ask(carol, pipeline.dana, pipeline.bob_smith, at=T0, channel=AskChannel.EMAIL)
    ask(wendy, pipeline.dana, None, target_description="A COO", at=T0 + DAY, channel=AskChannel.SOCIAL)
    before = figures(Scope.of_workspace(world.acme.pk))
    stats = ("membership_id", "day", *rollups.STAT_FIELDS)
    money = ("membership_id", "day", "currency", "won", "value_minor")
    live = sorted(DailyStat.objects.values_list(*stats)), sorted(DailyRevenue.objects.values_list(*money))
    assert len(live[0]) >= 5 and len(live[1]) == 2
    assert rollups.rebuild(world.acme.pk) == 4
    assert (sorted(DailyStat.objects.values_list(*stats)), sorted(DailyRevenue.objects.values_list(*money))) == live
    assert figures(Scope.of_workspace(world.acme.pk)) == before


def test_a_workspace_never_counts_another_workspaces_work(world, pipeline):
    refer(world.carol, pipeline.dana, pipeline.bob_smith)
    assert figures(Scope.of_workspace(world.bravo.pk))["introductions"] == 0
