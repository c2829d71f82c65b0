"""Moving referrals through the pipeline: every transition rule, the stage history and its durations."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.referrals.builders import T0, refer
from warmline.core.money import Money
from warmline.referrals import queries, services
from warmline.referrals.choices import Moment, StageKind
from warmline.referrals.models import AskSuggestion, StageChange

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def test_it_starts_an_introduction_in_the_first_open_stage(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    assert referral.stage.name == "Introduced"
    assert referral.status == StageKind.OPEN
    assert referral.owner == carol
    assert referral.company.name == "Globex"
    [change] = StageChange.objects.filter(referral=referral)
    assert change.from_stage is None and change.to_stage.name == "Introduced" and change.actor == carol


def test_it_records_every_move_with_actor_time_and_previous_stage(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + 2 * HOUR)
    services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + 3 * DAY)
    history = queries.stage_history(referral)
    assert [(c.from_stage and c.from_stage.name, c.to_stage.name) for c in history] == [
        (None, "Introduced"), ("Introduced", "Contacted"), ("Contacted", "Meeting scheduled")]
    assert [c.seconds_in_from for c in history[1:]] == [2 * 3600, 3 * 86400 - 2 * 3600]
    assert all(c.actor == carol for c in history)


def test_it_computes_time_in_each_stage_even_after_a_move_back(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + HOUR)
    services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + 5 * HOUR)
    # The meeting fell through: back to Contacted, then scheduled again.
    services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + 7 * HOUR)
    services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + 10 * HOUR)
    spent = {stage.name: seconds for stage, seconds in queries.time_in_stages(referral, now=T0 + 12 * HOUR)}
    assert spent == {"Introduced": 3600, "Contacted": (4 + 3) * 3600, "Meeting scheduled": (2 + 2) * 3600}


def test_it_needs_a_value_and_a_close_date_to_win(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(ValidationError) as error:
        services.move_referral(carol, referral, pipeline.stage("Won"), at=T0 + DAY)
    assert set(error.value.message_dict) == {"value", "closed_on"}
    with pytest.raises(ValidationError) as error:
        services.move_referral(carol, referral, pipeline.stage("Won"), value=Money(5_000_000, "USD"), at=T0 + DAY)
    assert set(error.value.message_dict) == {"closed_on"}
    referral.refresh_from_db()
    assert referral.status == StageKind.OPEN and referral.value_minor is None  # a refused move changes nothing
    won = services.move_referral(carol, referral, pipeline.stage("Won"), value=Money(5_000_000, "USD"),
                                 closed_on=(T0 + DAY).date(), at=T0 + DAY)
    assert (won.status, won.value_minor, won.currency, won.closed_on) == ("won", 5_000_000, "USD", (T0 + DAY).date())


def test_it_wins_with_the_value_already_recorded(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, value=1_200_000)
    won = services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=T0.date(), at=T0 + HOUR)
    assert won.value_minor == 1_200_000


def test_it_refuses_a_close_date_in_the_future(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, value=100)
    with pytest.raises(ValidationError) as error:
        services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=(T0 + 3 * DAY).date(), at=T0)
    assert "closed_on" in error.value.message_dict


def test_it_needs_a_reason_to_lose(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(ValidationError) as error:
        services.move_referral(carol, referral, pipeline.stage("Lost"), lost_reason="   ", at=T0 + DAY)
    assert error.value.message_dict == {"lost_reason": ["Say why it was lost: the team learns from it."]}
    lost = services.move_referral(carol, referral, pipeline.stage("Disqualified"), lost_reason="No budget this year",
                                  at=T0 + DAY)
    assert (lost.status, lost.lost_reason, lost.closed_on) == ("lost", "No budget this year", (T0 + DAY).date())


def test_it_will_not_move_a_closed_referral_without_reopening_it(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Lost"), lost_reason="Went with a competitor", at=T0 + DAY)
    with pytest.raises(ValidationError) as error:
        services.move_referral(carol, referral, pipeline.stage("Proposal"), at=T0 + 2 * DAY)
    assert "reopen it" in error.value.message_dict["stage"][0]
    with pytest.raises(ValidationError):
        services.move_referral(carol, referral, pipeline.stage("Won"), value=Money(1, "USD"), closed_on=T0.date(),
                               at=T0 + 2 * DAY)


def test_it_reopens_a_lost_deal_into_the_stage_it_closed_from(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Proposal"), at=T0 + DAY)
    services.move_referral(carol, referral, pipeline.stage("Lost"), lost_reason="Budget frozen", at=T0 + 2 * DAY)
    reopened = services.reopen_referral(carol, referral, at=T0 + 30 * DAY)
    assert (reopened.stage.name, reopened.status, reopened.lost_reason, reopened.closed_on) == (
        "Proposal", "open", "", None)
    last = queries.stage_history(referral)[-1]
    assert last.reopened and last.from_stage.name == "Lost" and last.seconds_in_from == 28 * 86400
    # Open again, it moves as usual, and can be won.
    won = services.move_referral(carol, referral, pipeline.stage("Won"), value=Money(900_000, "USD"),
                                 closed_on=(T0 + 40 * DAY).date(), at=T0 + 40 * DAY)
    assert won.status == "won"


def test_it_reopens_only_closed_referrals_into_open_stages(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(ValidationError):
        services.reopen_referral(carol, referral, at=T0 + DAY)
    services.move_referral(carol, referral, pipeline.stage("Lost"), lost_reason="Timing", at=T0 + DAY)
    with pytest.raises(ValidationError):
        services.reopen_referral(carol, referral, pipeline.stage("Won"), at=T0 + 2 * DAY)


def test_it_refuses_moving_to_the_current_or_an_archived_stage(pipeline):
    carol, alice = pipeline.world.carol, pipeline.world.alice
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(ValidationError):
        services.move_referral(carol, referral, pipeline.stage("Introduced"), at=T0 + HOUR)
    services.archive_stage(alice, pipeline.stage("Proposal"))
    with pytest.raises(ValidationError):
        services.move_referral(carol, referral, pipeline.stage("Proposal"), at=T0 + HOUR)


def test_a_won_or_lost_deal_suggests_asking_the_prospect_once(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, value=10_000)
    services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=T0.date(), at=T0 + HOUR)
    services.reopen_referral(carol, referral, at=T0 + 2 * HOUR)
    services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=T0.date(), at=T0 + 3 * HOUR)
    lost = refer(carol, pipeline.erin, pipeline.dana)
    services.move_referral(carol, lost, pipeline.stage("Lost"), lost_reason="No fit", at=T0 + HOUR)
    suggestions = AskSuggestion.objects.order_by("id")
    assert [(s.person, s.moment, s.membership) for s in suggestions] == [
        (pipeline.bob_smith, Moment.WON, carol), (pipeline.dana, Moment.LOST, carol)]


def test_a_reassignment_is_kept_in_history(pipeline):
    bob, carol = pipeline.world.bob, pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.reassign_referral(bob, referral, bob, at=T0 + HOUR)
    [change] = referral.owner_changes.all()
    assert (change.from_owner, change.to_owner, change.actor, change.changed_at) == (carol, bob, bob, T0 + HOUR)
    referral.refresh_from_db()
    assert referral.owner == bob


def test_the_source_and_the_prospect_are_fixed(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(ValidationError) as error:
        services.update_referral(carol, referral, source=pipeline.erin)
    assert error.value.message_dict == {"source": ["Fixed once the referral is recorded."]}


def test_a_stale_version_is_refused_and_changes_nothing(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Contacted"), version=1, at=T0 + HOUR)
    with pytest.raises(services.StaleVersion) as error:
        services.move_referral(carol, referral, pipeline.stage("Proposal"), version=1, at=T0 + 2 * HOUR)
    assert error.value.current == 2
    referral.refresh_from_db()
    assert (referral.stage.name, referral.version) == ("Contacted", 2)


def test_time_in_a_won_stage_does_not_count_as_time_in_the_pipeline(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith, value=100)
    services.move_referral(carol, referral, pipeline.stage("Proposal"), at=T0 + HOUR)
    won = services.move_referral(carol, referral, pipeline.stage("Won"), closed_on=T0.date(), at=T0 + 3 * HOUR)
    spent = {stage.name: seconds for stage, seconds in queries.time_in_stages(won, now=T0 + 30 * DAY)}
    assert spent == {"Introduced": 3600, "Proposal": 2 * 3600}
