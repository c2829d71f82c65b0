"""Referral math, pure: working back from clients to introductions and asks, measured rates and defaults."""

from hypothesis import given
from hypothesis import strategies as st

from warmline.insights.referral_math import ask_to_intro, intro_to_client, plan


def test_the_method_example_twenty_clients_take_forty_introductions_and_eighty_asks():
    result = plan(20, weeks=10, reps=4, ask_rate=ask_to_intro(0, 0), client_rate=intro_to_client(0, 0))
    assert (result.introductions, result.asks) == (40, 80)
    assert (result.asks_per_week, result.asks_per_rep_week, result.introductions_per_rep_week) == (8, 2, 1)
    assert result.ask_to_intro.label == "50% (default: no asks measured)" and not result.intro_to_client.measured


def test_measured_rates_need_enough_history():
    assert ask_to_intro(19, 10).measured is False and ask_to_intro(19, 10).basis == "only 19 asks measured"
    assert ask_to_intro(1, 0).basis == "only 1 ask measured"
    # Enough history, but nothing came of it: still the default, and said why.
    assert ask_to_intro(25, 0).basis == "no introductions from 25 asks" and not ask_to_intro(25, 0).measured
    assert intro_to_client(12, 0).basis == "none won of 12 closed introductions"
    rate = ask_to_intro(40, 10)
    assert rate.measured and rate.value == 0.25 and rate.label == "25% (10 introductions from 40 asks)"
    assert intro_to_client(9, 5).measured is False
    assert intro_to_client(10, 0).measured is False  # nothing won: a zero rate would make the plan infinite
    assert intro_to_client(20, 5).value == 0.25


def test_rates_above_one_are_capped():
    assert ask_to_intro(20, 30).value == 1.0


@given(clients=st.integers(0, 5000), weeks=st.integers(1, 52), reps=st.integers(1, 300),
       asks=st.integers(0, 10_000), intros=st.integers(0, 10_000), closed=st.integers(0, 5000),
       won=st.integers(0, 5000))
def test_a_plan_is_never_short(clients, weeks, reps, asks, intros, closed, won):
    ask_rate, client_rate = ask_to_intro(asks, intros), intro_to_client(closed, min(won, closed))
    result = plan(clients, weeks=weeks, reps=reps, ask_rate=ask_rate, client_rate=client_rate)
    assert result.introductions * client_rate.value >= clients - 1e-9
    assert result.asks * ask_rate.value >= result.introductions - 1e-9
    assert result.asks_per_rep_week * weeks * reps >= result.asks
    assert result.introductions_per_rep_week * weeks * reps >= result.introductions
