"""The weekly call list from the database: where candidates come from, whom to ask them for, and exclusions."""

import datetime

from django.utils import timezone

from tests.referrals.builders import ask, person, refer
from warmline.network import services as network
from warmline.network.choices import InteractionKind
from warmline.paths.services import save_account_list
from warmline.referrals import services as referrals
from warmline.referrals.models import Stage
from warmline.targeting import queries

TODAY = timezone.localdate()


def _names(entries):
    return [e.person.full_name for e in entries]


def _entry(calls, name):
    return next(e for e in (*calls.entries, *calls.more) if e.person.full_name == name)


def _knows(member, other):
    network.record_tie(member, network.ensure_person_for(member), other, kind="client_contact")


def test_a_happy_client_an_employee_knows_is_on_the_list_with_a_fitting_person_to_ask_for(targeting):
    carol, dana = targeting.world.carol, targeting.pipeline.dana
    _knows(carol, dana)
    calls = queries.call_list(carol, today=TODAY)
    entry = _entry(calls, "Dana Client")
    assert entry.why == ("Happy client: Initech (NPS 10, health good)",)
    target = entry.suggestions[0]
    assert target.target == targeting.carla and target.fit.good and "former colleague" in target.via
    assert calls.goal == 5 and calls.week_of.weekday() == 0


def test_an_unhappy_client_is_not_a_happy_client(targeting):
    carol, dana = targeting.world.carol, targeting.pipeline.dana
    _knows(carol, dana)
    network.save_company(targeting.world.alice, targeting.initech, nps=5, health="at_risk")
    assert "Dana Client" not in _names(queries.call_list(carol, today=TODAY).entries)


def test_moments_of_value_put_people_on_the_list_while_they_are_fresh(targeting):
    carol, erin = targeting.world.carol, targeting.pipeline.erin
    referrals.log_moment(carol, erin, note="the freight benchmark", at=timezone.now() - datetime.timedelta(days=3))
    calls = queries.call_list(carol, today=TODAY)
    assert _entry(calls, "Erin Partner").why[0].startswith("Thanked you on")
    assert "the freight benchmark" in _entry(calls, "Erin Partner").why[0]
    # Someone else's moment is theirs to act on.
    assert "Erin Partner" not in _names(queries.call_list(targeting.world.bob, today=TODAY).entries)


def test_a_won_deal_makes_the_new_client_a_source_to_ask(targeting):
    carol = targeting.world.carol
    won = refer(carol, targeting.pipeline.dana, targeting.pipeline.bob_smith, at=timezone.now())
    referrals.move_referral(carol, won, Stage.objects.get(workspace=targeting.world.acme, name="Won"),
                            value=_money(), closed_on=TODAY)
    entry = _entry(queries.call_list(carol, today=TODAY), "Bob Smith")
    assert entry.why[0].startswith("Became a client on")


def _money():
    from warmline.core.money import Money

    return Money(1_000_000, "USD")


def test_a_partner_who_introduced_us_more_than_we_gave_back_is_owed(targeting):
    carol, erin = targeting.world.carol, targeting.pipeline.erin  # Erin is at Hooli, a partner
    refer(carol, erin, person(carol, "Pat", "One", "Globex"), at=timezone.now())
    refer(carol, erin, person(carol, "Pat", "Two", "Globex"), at=timezone.now())
    entry = _entry(queries.call_list(carol, today=TODAY), "Erin Partner")
    assert entry.why == ("Partner at Hooli: 2 introductions to us in the last year, 0 from us",)
    for _ in range(2):
        network.log_interaction(carol, erin, kind=InteractionKind.INTRODUCTION, occurred_on=TODAY)
    assert "Erin Partner" not in _names(queries.call_list(carol, today=TODAY).entries)


def test_a_source_whose_introductions_were_won_comes_back_after_ninety_quiet_days(targeting):
    carol, dana, alice = targeting.world.carol, targeting.pipeline.dana, targeting.world.alice
    long_ago = timezone.now() - datetime.timedelta(days=200)
    network.save_company(alice, targeting.initech, nps=None, health="")  # not a happy client now
    won = refer(carol, dana, person(carol, "Won", "Deal", "Globex"), at=long_ago)
    referrals.move_referral(carol, won, Stage.objects.get(workspace=targeting.world.acme, name="Won"),
                            value=_money(), closed_on=long_ago.date(), at=long_ago)
    ask(carol, dana, at=timezone.now() - datetime.timedelta(days=91), target_description="a CFO", outcome="no_one")
    entry = _entry(queries.call_list(carol, today=TODAY), "Dana Client")
    assert entry.why[0].startswith("1 won introduction; last asked")
    ask(carol, dana, at=timezone.now() - datetime.timedelta(days=60), target_description="a CFO", outcome="no_one")
    calls = queries.call_list(carol, today=TODAY)
    assert "Dana Client" not in _names(calls.entries)


def test_the_best_introducer_into_a_target_account_of_the_team_is_a_connector(targeting):
    carol, bob, dana = targeting.world.carol, targeting.world.bob, targeting.pipeline.dana
    _knows(bob, dana)  # Bob (East's manager) knows Dana, who knows Carla at Globex
    network.save_company(targeting.world.alice, targeting.initech, nps=None, health="")
    save_account_list(bob, "East targets", accounts=[("Globex", "")])
    entry = _entry(queries.call_list(carol, today=TODAY), "Dana Client")
    assert entry.why[0].startswith("Best path into your target account Globex")
    assert entry.suggestions[0].target == targeting.carla and "Globex" in entry.suggestions[0].via
    # West's lists are not East's accounts.
    assert "Dana Client" not in _names(queries.call_list(targeting.pipeline.wendy, today=TODAY).entries)


def test_exclusions_name_why_and_keep_people_off_the_list(targeting):
    carol, dana, alice = targeting.world.carol, targeting.pipeline.dana, targeting.world.alice
    _knows(carol, dana)
    ask(alice, dana, at=timezone.now() - datetime.timedelta(days=12), target_description="a CFO")
    calls = queries.call_list(carol, today=TODAY)
    assert (dana, "Asked 12 days ago") in calls.excluded and "Dana Client" not in _names(calls.entries)


def test_someone_who_asked_not_to_be_asked_is_never_suggested(targeting):
    carol, dana = targeting.world.carol, targeting.pipeline.dana
    _knows(carol, dana)
    network.save_person(targeting.world.alice, dana, do_not_ask=True)
    assert (dana, "Asked not to be asked") in queries.call_list(carol, today=TODAY).excluded


def test_an_open_ask_of_the_team_excludes_the_source_but_another_team_may_still_ask(targeting):
    carol, bob, dana = targeting.world.carol, targeting.world.bob, targeting.pipeline.dana
    wendy = targeting.pipeline.wendy
    _knows(carol, dana)
    _knows(wendy, dana)
    # Asked 40 days ago and still pending: not recent, but open.
    ask(bob, dana, at=timezone.now() - datetime.timedelta(days=40), target_description="a CFO")
    assert (dana, "Your team has an open ask with them") in queries.call_list(carol, today=TODAY).excluded
    assert "Dana Client" in _names(queries.call_list(wendy, today=TODAY).entries)


def test_people_hidden_by_a_private_network_never_appear(targeting):
    carol, alice = targeting.world.carol, targeting.world.alice
    network.set_network_sharing(carol, "private")
    hidden = person(alice, "Hidden", "Client", "Initech")
    hidden.listed = False
    hidden.save(update_fields=["listed"])
    _knows(carol, hidden)
    assert "Hidden Client" in _names(queries.call_list(carol, today=TODAY).entries)
    assert "Hidden Client" not in _names(queries.call_list(targeting.world.bob, today=TODAY).entries)


def test_without_anyone_who_fits_the_suggestion_is_a_general_ask_described_by_the_profile(targeting):
    carol, erin = targeting.world.carol, targeting.pipeline.erin
    referrals.log_moment(carol, erin, note="thanks", at=timezone.now())
    entry = _entry(queries.call_list(carol, today=TODAY), "Erin Partner")
    assert entry.suggestions[0].target is None
    assert entry.suggestions[0].description == targeting.profile.sentence


def test_the_list_reads_the_database_a_fixed_number_of_times(targeting, django_assert_max_num_queries):
    carol = targeting.world.carol
    for i in range(6):
        client = person(targeting.world.alice, "Client", f"Number{i}", "Initech")
        _knows(carol, client)
        referrals.log_moment(carol, person(carol, "Thankful", f"Number{i}"), note="x", at=timezone.now())
    queries.call_list(carol, today=TODAY)
    with django_assert_max_num_queries(30) as captured:
        calls = queries.call_list(carol, today=TODAY)
    assert len(calls.entries) == 5
    few = len(captured.captured_queries)
    for i in range(6, 30):
        client = person(targeting.world.alice, "Client", f"Number{i}", "Initech")
        _knows(carol, client)
    with django_assert_max_num_queries(few):
        queries.call_list(carol, today=TODAY)
