"""Duplicates are flagged and linked, never merged; the attribution policy decides who is credited."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.referrals.builders import T0, person, refer
from warmline.core.choices import AttributionPolicy, ReferralEditScope
from warmline.core.money import Money
from warmline.referrals import attribution, queries, services
from warmline.referrals.choices import Conflict
from warmline.referrals.models import Referral

DAY = datetime.timedelta(days=1)


def _policy(pipeline, policy):
    services.update_pipeline_settings(pipeline.world.alice, contact_within_hours=24, attribution_policy=policy,
                                      referral_edit_scope=ReferralEditScope.TEAM, currency="USD")
    pipeline.world.carol.workspace.refresh_from_db()
    pipeline.world.bob.workspace.refresh_from_db()


def _credits(referral):
    return {c.source.first_name: c.percent for c in referral.credits.select_related("source")}


def test_a_second_introduction_of_an_open_prospect_is_flagged_and_linked(pipeline):
    carol, bob = pipeline.world.carol, pipeline.world.bob
    first = refer(carol, pipeline.dana, pipeline.bob_smith)
    second = refer(bob, pipeline.erin, pipeline.bob_smith, at=T0 + DAY)
    assert (second.conflict, second.duplicate_of) == (Conflict.OPEN_REFERRAL, first)
    assert first.conflict == "" and Referral.objects.count() == 2  # both kept: nothing merged
    assert second.attribution == AttributionPolicy.FIRST_SOURCE
    # The first source keeps the credit, even for the duplicate's value.
    assert _credits(first) == {"Dana": 100}
    assert _credits(second) == {"Dana": 100}


def test_a_third_introduction_links_to_the_first_one(pipeline):
    carol = pipeline.world.carol
    first = refer(carol, pipeline.dana, pipeline.bob_smith)
    refer(carol, pipeline.erin, pipeline.bob_smith, at=T0 + DAY)
    frank = person(pipeline.world.alice, "Frank", "Friend")
    third = refer(carol, frank, pipeline.bob_smith, at=T0 + 2 * DAY)
    assert third.duplicate_of == first


def test_shared_credit_splits_the_open_referrals_equally_and_records_the_policy(pipeline):
    carol = pipeline.world.carol
    _policy(pipeline, AttributionPolicy.SHARED)
    first = refer(carol, pipeline.dana, pipeline.bob_smith)
    second = refer(carol, pipeline.erin, pipeline.bob_smith, at=T0 + DAY)
    assert second.attribution == AttributionPolicy.SHARED
    assert _credits(first) == _credits(second) == {"Dana": 50, "Erin": 50}
    frank = person(pipeline.world.alice, "Frank", "Friend")
    third = refer(carol, frank, pipeline.bob_smith, at=T0 + 2 * DAY)
    assert _credits(first) == _credits(third) == {"Dana": 34, "Erin": 33, "Frank": 33}


def test_the_policy_in_force_when_recorded_stays_on_the_referral(pipeline):
    carol = pipeline.world.carol
    first = refer(carol, pipeline.dana, pipeline.bob_smith)
    _policy(pipeline, AttributionPolicy.SHARED)
    first.refresh_from_db()
    assert first.attribution == AttributionPolicy.FIRST_SOURCE


def test_an_existing_client_is_flagged_and_a_won_deal_keeps_its_credit(pipeline):
    carol = pipeline.world.carol
    _policy(pipeline, AttributionPolicy.SHARED)
    won = refer(carol, pipeline.dana, pipeline.bob_smith, value=5_000_000)
    services.move_referral(carol, won, pipeline.stage("Won"), closed_on=(T0 + DAY).date(), at=T0 + DAY)
    # Someone else at the client company is introduced later.
    colleague = person(pipeline.world.alice, "Gina", "Globex", "Globex")
    later = refer(carol, pipeline.erin, colleague, at=T0 + 10 * DAY)
    assert (later.conflict, later.duplicate_of) == (Conflict.EXISTING_CLIENT, won)
    assert _credits(won) == {"Dana": 100}  # a closed deal's credit is settled
    assert _credits(later) == {"Dana": 50, "Erin": 50}


def test_first_source_credit_for_an_existing_client_goes_to_the_first_source(pipeline):
    carol = pipeline.world.carol
    won = refer(carol, pipeline.dana, pipeline.bob_smith, value=100)
    services.move_referral(carol, won, pipeline.stage("Won"), closed_on=T0.date(), at=T0 + DAY)
    again = refer(carol, pipeline.erin, pipeline.bob_smith, at=T0 + 5 * DAY)
    assert again.conflict == Conflict.EXISTING_CLIENT
    assert _credits(again) == {"Dana": 100}


def test_the_same_source_introducing_twice_keeps_full_credit(pipeline):
    carol = pipeline.world.carol
    _policy(pipeline, AttributionPolicy.SHARED)
    refer(carol, pipeline.dana, pipeline.bob_smith)
    second = refer(carol, pipeline.dana, pipeline.bob_smith, at=T0 + DAY)
    assert _credits(second) == {"Dana": 100}


def test_the_source_record_counts_introductions_and_credited_revenue_per_currency(pipeline):
    carol = pipeline.world.carol
    _policy(pipeline, AttributionPolicy.SHARED)
    a = refer(carol, pipeline.dana, pipeline.bob_smith)
    b = refer(carol, pipeline.erin, pipeline.bob_smith, at=T0 + DAY)
    services.move_referral(carol, b, pipeline.stage("Won"), value=Money(1_000_001, "USD"),
                           closed_on=(T0 + 2 * DAY).date(), at=T0 + 2 * DAY)
    euro = refer(carol, pipeline.dana, person(pipeline.world.alice, "Hans", "Euro", "Siemens"))
    services.move_referral(carol, euro, pipeline.stage("Won"), value=Money(200_000, "EUR"),
                           closed_on=T0.date(), at=T0 + DAY)
    record = queries.source_record(carol, pipeline.dana)
    assert (record.introductions, record.open, record.won) == (2, 1, 1)
    assert record.revenue_minor == {"USD": 500_000, "EUR": 200_000}  # half of b's value, rounded down
    assert a in record.referrals
    assert queries.source_record(carol, pipeline.erin).revenue_minor == {"USD": 500_000}


def test_a_source_cannot_introduce_themselves(pipeline):
    with pytest.raises(ValidationError):
        refer(pipeline.world.carol, pipeline.dana, pipeline.dana)


@pytest.mark.parametrize(("policy", "sources", "expected"), [
    ("first_source", [1], {1: 100}),
    ("first_source", [1, 2, 3], {1: 100}),
    ("shared", [1], {1: 100}),
    ("shared", [1, 2], {1: 50, 2: 50}),
    ("shared", [1, 2, 3], {1: 34, 2: 33, 3: 33}),
    ("shared", [1, 2, 1], {1: 50, 2: 50}),
    ("shared", list(range(7)), {0: 15, 1: 15, 2: 14, 3: 14, 4: 14, 5: 14, 6: 14}),
])
def test_credit_shares_always_sum_to_100(policy, sources, expected):
    shares = attribution.credits(policy, sources)
    assert shares == expected
    assert sum(shares.values()) == 100


def test_credit_shares_with_more_sources_than_percent_points():
    shares = attribution.credits("shared", list(range(150)))
    assert sum(shares.values()) == 100 and len(shares) == 100
