"""Asking for an introduction: specific or general, the channel, the intel, the outcome and its follow-up."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.referrals.builders import T0, ask, refer
from warmline.referrals import queries, services
from warmline.referrals.choices import AskChannel, AskOutcome, Moment, ReferralOrigin, SuggestionStatus
from warmline.referrals.models import AskSuggestion, Referral

DAY = datetime.timedelta(days=1)


def test_an_ask_names_a_specific_person_or_describes_one(pipeline):
    carol = pipeline.world.carol
    specific = ask(carol, pipeline.dana, pipeline.bob_smith, reason="Globex is consolidating suppliers")
    general = ask(carol, pipeline.dana, None, target_description="A CFO in logistics")
    assert specific.is_specific and not general.is_specific
    assert specific.target_company.name == "Globex"
    with pytest.raises(ValidationError) as error:
        ask(carol, pipeline.dana, None)
    assert "target" in error.value.message_dict


def test_email_and_social_asks_are_digital(pipeline):
    carol = pipeline.world.carol
    kinds = {channel: ask(carol, pipeline.dana, pipeline.bob_smith, channel=channel).is_digital
             for channel in AskChannel.values}
    assert kinds == {"in_person": False, "phone": False, "video": False, "email": True, "social": True}
    assert queries.asks_for(carol, queries.AskFilters(digital=True)).count() == 2


def test_it_keeps_the_intel_the_source_gave(pipeline):
    carol = pipeline.world.carol
    recorded = ask(carol, pipeline.dana, pipeline.bob_smith, intel_how_they_know="CFO round-table",
                   intel_what_matters="Cash forecasting", intel_challenges="Three ERPs",
                   intel_communication="Short emails", intel_obstacles="A new CEO")
    assert (recorded.intel_how_they_know, recorded.intel_obstacles) == ("CFO round-table", "A new CEO")
    with pytest.raises(ValidationError):
        ask(carol, pipeline.dana, pipeline.bob_smith, intel_favourite_colour="blue")


def test_it_refuses_bad_asks_with_the_field_named(pipeline):
    carol = pipeline.world.carol
    with pytest.raises(ValidationError) as error:
        ask(carol, pipeline.dana, pipeline.dana)
    assert "target" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(carol, pipeline.dana, pipeline.bob_smith, channel="carrier pigeon")
    assert "channel" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.record_ask(carol, source=pipeline.dana, target=pipeline.bob_smith, channel="phone",
                            asked_on=(T0 + 2 * DAY).date(), at=T0)
    assert "asked_on" in error.value.message_dict


def test_an_ask_from_a_warm_path_keeps_the_path_and_checks_it(pipeline):
    carol = pipeline.world.carol
    employee = pipeline.erin  # stands for an employee's person here: the path is ids
    planned = ask(carol, pipeline.dana, pipeline.bob_smith, path=[employee.pk, pipeline.dana.pk, pipeline.bob_smith.pk])
    assert planned.path == [employee.pk, pipeline.dana.pk, pipeline.bob_smith.pk]
    with pytest.raises(ValidationError) as error:
        ask(carol, pipeline.dana, pipeline.bob_smith, path=[employee.pk, pipeline.bob_smith.pk])
    assert "not on this path" in error.value.message_dict["path"][0]


def test_the_outcome_and_follow_up_are_recorded_with_a_version_check(pipeline):
    carol = pipeline.world.carol
    recorded = ask(carol, pipeline.dana, pipeline.bob_smith)
    updated = services.update_ask(carol, recorded, version=1, outcome=AskOutcome.AGREED,
                                  follow_up_on=(T0 + 7 * DAY).date(), at=T0 + DAY)
    assert (updated.outcome, updated.outcome_at, updated.version) == ("agreed", T0 + DAY, 2)
    with pytest.raises(services.StaleVersion):
        services.update_ask(carol, recorded, version=1, outcome=AskOutcome.DECLINED, at=T0 + DAY)
    assert list(queries.follow_ups_due(carol, today=(T0 + 7 * DAY).date())) == [updated]
    assert list(queries.follow_ups_due(carol, today=(T0 + 6 * DAY).date())) == []


def test_only_the_asker_or_their_managers_change_an_ask(pipeline):
    recorded = ask(pipeline.world.bob, pipeline.dana, pipeline.bob_smith)
    with pytest.raises(PermissionDenied):
        services.update_ask(pipeline.world.carol, recorded, outcome=AskOutcome.DECLINED)


def test_an_introduction_from_an_ask_marks_it_agreed_and_credits_the_asker(pipeline):
    carol = pipeline.world.carol
    recorded = ask(carol, pipeline.dana, pipeline.bob_smith)
    referral = services.record_referral(carol, ask=recorded, at=T0 + DAY)
    recorded.refresh_from_db()
    assert recorded.outcome == AskOutcome.AGREED
    assert (referral.source, referral.prospect, referral.origin, referral.earned_by) == (
        pipeline.dana, pipeline.bob_smith, ReferralOrigin.ASKED, carol)
    with pytest.raises(ValidationError):
        services.update_ask(carol, recorded, outcome=AskOutcome.DECLINED)


def test_a_declined_ask_gives_no_introduction_until_its_outcome_changes(pipeline):
    carol = pipeline.world.carol
    recorded = ask(carol, pipeline.dana, pipeline.bob_smith, outcome=AskOutcome.DECLINED)
    with pytest.raises(ValidationError) as error:
        services.record_referral(carol, ask=recorded, at=T0 + DAY)
    assert "ask" in error.value.message_dict
    assert Referral.objects.count() == 0


def test_a_general_ask_needs_the_prospect_named_when_the_introduction_comes(pipeline):
    carol = pipeline.world.carol
    general = ask(carol, pipeline.dana, None, target_description="Someone in treasury at a retailer")
    with pytest.raises(ValidationError) as error:
        services.record_referral(carol, ask=general, at=T0 + DAY)
    assert "prospect" in error.value.message_dict
    referral = services.record_referral(carol, ask=general, prospect=pipeline.erin, at=T0 + DAY)
    assert referral.source == pipeline.dana


def test_an_employee_source_earns_the_referral(pipeline):
    from warmline.network.services import ensure_person_for

    carol, bob = pipeline.world.carol, pipeline.world.bob
    bob_person = ensure_person_for(bob)
    referral = refer(carol, bob_person, pipeline.erin)
    assert referral.earned_by == bob
    unasked = refer(carol, pipeline.dana, pipeline.erin, origin=ReferralOrigin.VERBAL)
    assert unasked.earned_by is None and unasked.origin == ReferralOrigin.VERBAL


def test_thanks_for_an_insight_suggest_asking_and_an_ask_closes_the_suggestion(pipeline):
    carol = pipeline.world.carol
    suggestion = services.log_moment(carol, pipeline.dana, note="Loved the cash-flow benchmark", at=T0)
    assert (suggestion.moment, suggestion.status) == (Moment.THANKED, SuggestionStatus.OPEN)
    assert list(queries.suggestions_for(carol, today=T0.date())) == [suggestion]
    ask(carol, pipeline.dana, pipeline.bob_smith, suggestion=suggestion)
    assert AskSuggestion.objects.get().status == SuggestionStatus.ASKED
    assert list(queries.suggestions_for(carol, today=T0.date())) == []


def test_a_moment_to_ask_passes_after_sixty_days(pipeline):
    carol = pipeline.world.carol
    suggestion = services.log_moment(carol, pipeline.dana, at=T0)
    assert list(queries.suggestions_for(carol, today=(T0 + 60 * DAY).date())) == [suggestion]
    assert list(queries.suggestions_for(carol, today=(T0 + 61 * DAY).date())) == []


def test_referral_counts_feed_connector_reliability(pipeline):
    carol = pipeline.world.carol
    ask(carol, pipeline.dana, pipeline.bob_smith)
    ask(carol, pipeline.dana, pipeline.erin, outcome=AskOutcome.DECLINED)
    refer(carol, pipeline.dana, pipeline.bob_smith)
    counts = queries.referral_counts_by_person(pipeline.world.acme.pk)
    assert counts[pipeline.dana.pk] == (1, 2)


def test_stats_count_asks_by_outcome_and_referrals_by_stage(pipeline):
    import json

    from django.core.management import call_command

    carol = pipeline.world.carol
    ask(carol, pipeline.dana, pipeline.bob_smith, channel=AskChannel.EMAIL)
    ask(carol, pipeline.erin, pipeline.dana, outcome=AskOutcome.DECLINED)
    referral = refer(carol, pipeline.dana, pipeline.bob_smith)
    services.move_referral(carol, referral, pipeline.stage("Contacted"), at=T0 + DAY)
    refer(carol, pipeline.erin, pipeline.dana)
    out = io.StringIO()
    call_command("stats", "--json", "--workspace", "acme", stdout=out)
    [acme] = json.loads(out.getvalue())["workspaces"]
    assert acme["asks"] == {"total": 2, "digital": 1, "by_outcome": {"pending": 1, "declined": 1}}
    assert acme["referrals_by_stage"] == {"Introduced": 1, "Contacted": 1, "Meeting scheduled": 0, "Meeting held": 0,
                                          "Proposal": 0, "Won": 0, "Lost": 0, "Disqualified": 0}
    assert acme["counts"]["referrals"] == 2
