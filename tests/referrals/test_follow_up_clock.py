"""The follow-up clock: a referred prospect must be contacted within the workspace's time, or it is overdue."""

import datetime

from tests.referrals.builders import T0, refer
from warmline.core.choices import AttributionPolicy, ReferralEditScope
from warmline.referrals import queries, services

HOUR = datetime.timedelta(hours=1)


def test_it_flags_an_uncontacted_referral_overdue_after_24_hours(pipeline):
    referral = refer(pipeline.world.carol, pipeline.dana, pipeline.bob_smith)
    assert referral.contact_due_at == T0 + 24 * HOUR
    assert not referral.is_overdue(T0 + 24 * HOUR)
    assert referral.is_overdue(T0 + 24 * HOUR + datetime.timedelta(seconds=1))


def test_contact_stops_the_clock_and_stores_the_time_to_first_contact(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    contacted = services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + 30 * HOUR)
    assert contacted.first_contact_at == T0 + 30 * HOUR
    assert contacted.first_contact_seconds == 30 * 3600
    assert not contacted.is_overdue(T0 + 100 * HOUR)
    # A later move does not change the first contact.
    later = services.move_referral(carol, referral, pipeline.stage("Meeting held"), at=T0 + 50 * HOUR)
    assert later.first_contact_at == T0 + 30 * HOUR


def test_skipping_straight_to_a_later_stage_counts_as_contact(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    moved = services.move_referral(carol, referral, pipeline.stage("Meeting scheduled"), at=T0 + 2 * HOUR)
    assert moved.first_contact_seconds == 2 * 3600


def test_losing_without_contact_does_not_count_as_contact(pipeline):
    carol = pipeline.world.carol
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    lost = services.move_referral(carol, referral, pipeline.stage("Disqualified"), lost_reason="Not a buyer",
                                  at=T0 + 2 * HOUR)
    assert lost.first_contact_at is None
    assert not lost.is_overdue(T0 + 100 * HOUR)  # closed referrals are never overdue


def test_the_workspace_sets_the_time_and_a_change_applies_to_waiting_referrals(pipeline):
    alice, carol = pipeline.world.alice, pipeline.world.carol
    waiting = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.update_pipeline_settings(alice, contact_within_hours=4, attribution_policy=AttributionPolicy.FIRST_SOURCE,
                                      referral_edit_scope=ReferralEditScope.TEAM, currency="USD")
    waiting.refresh_from_db()
    assert waiting.contact_due_at == T0 + 4 * HOUR
    later = refer(carol, pipeline.erin, pipeline.dana, at=T0 + HOUR)
    assert later.contact_due_at == T0 + 5 * HOUR


def test_overdue_referrals_come_first_in_my_referrals(pipeline):
    carol = pipeline.world.carol
    fresh = refer(carol, pipeline.dana, pipeline.erin, at=T0 + 40 * HOUR)
    late = refer(carol, pipeline.dana, pipeline.bob_smith, at=T0)
    contacted = refer(carol, pipeline.erin, pipeline.dana, at=T0 - HOUR)
    services.move_referral(carol, contacted, pipeline.stage("Contacted"), at=T0 + HOUR)
    rows = queries.mine(carol, now=T0 + 48 * HOUR)
    assert [r.pk for r in rows][0] == late.pk
    assert {r.pk for r in rows} == {fresh.pk, late.pk, contacted.pk}
    overdue = queries.referrals_for(carol, queries.ReferralFilters(overdue=True), now=T0 + 48 * HOUR)
    assert list(overdue) == [late]
