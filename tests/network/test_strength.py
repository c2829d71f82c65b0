"""Relationship strength: each signal, decay, saturation, the manual override and the reason text."""

import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.network.strength import (
    EVIDENCE_CAP,
    Evidence,
    EvidenceSource,
    Strength,
    describe_kind_strength,
    strength,
)

TODAY = date(2025, 6, 1)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def met(*ages: int) -> list[Evidence]:
    return [Evidence(EvidenceSource.INTERACTION, days_ago(age)) for age in ages]


def worked(months: int | None, ended_years_ago: float | None = None, company: str = "Initech") -> Evidence:
    ended = None if ended_years_ago is None else days_ago(round(ended_years_ago * 365.25))
    return Evidence(EvidenceSource.SHARED_EMPLOYER, None, company, months=months, ended_on=ended)


def value(evidence, **kwargs) -> float:
    return strength(evidence, today=TODAY, **kwargs).value


# --- Each signal alone ---


def test_it_gives_nothing_without_evidence():
    assert strength([], today=TODAY) == Strength(0.0, "No evidence yet")


def test_it_rates_a_bare_linkedin_connection_as_weak():
    result = strength([Evidence("linkedin", date(2021, 3, 4))], today=TODAY)
    assert result == Strength(0.15, "LinkedIn connection since 2021")
    assert describe_kind_strength(result.value) == "weak"


def test_it_rates_an_undated_linkedin_connection_the_same():
    assert strength([Evidence("linkedin", None)], today=TODAY) == Strength(0.15, "LinkedIn connection")


def test_it_counts_a_future_linkedin_date_as_today():
    result = strength([Evidence("linkedin", date(2030, 1, 1))], today=TODAY)
    assert result == Strength(0.15, "LinkedIn connection since 2025")


def test_it_rates_an_address_book_entry_a_bit_above_linkedin():
    crm = strength([Evidence("contacts", days_ago(10))], today=TODAY)
    vcard = strength([Evidence("vcard", days_ago(10))], today=TODAY)
    assert crm.value == vcard.value == 0.25
    assert "CRM" in crm.reason and "address book" in vcard.reason


def test_it_rates_a_manual_tie_as_moderate():
    result = strength([Evidence("manual", None, "from the CFO round-table")], today=TODAY)
    assert result.value == 0.4
    assert "from the CFO round-table" in result.reason
    assert describe_kind_strength(result.value) == "medium"


def test_it_rates_one_interaction_today_by_the_saturation_formula():
    # 1 - exp(-1 / 2)
    assert strength(met(0), today=TODAY) == Strength(0.393, "Met once, today")


def test_it_rates_a_current_three_year_overlap_at_one_employer():
    # 0.6 * (1 - exp(-36 / 24))
    result = strength([worked(36)], today=TODAY)
    assert result == Strength(0.466, "Work together at Initech (3 years so far)")


# --- Interactions: recency and frequency ---


def test_it_weighs_older_interactions_less():
    values = [value(met(age)) for age in (0, 30, 90, 180, 365, 1000)]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)


def test_it_halves_an_interactions_weight_every_ninety_days():
    # One interaction 90 days ago weighs 0.5: 1 - exp(-0.5 / 2).
    assert value(met(90)) == pytest.approx(0.221, abs=0.001)


def test_it_rates_more_interactions_stronger():
    values = [value(met(*[10] * n)) for n in range(1, 8)]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_it_makes_three_recent_interactions_a_strong_tie():
    assert describe_kind_strength(value(met(3, 20, 40))) == "strong"


def test_it_counts_a_future_interaction_as_today():
    assert value(met(-30)) == value(met(0))


def test_it_counts_undated_interactions_but_less_than_fresh_ones():
    undated = [Evidence("interaction", None)]
    assert 0 < value(undated) < value(met(0))
    assert strength(undated * 2, today=TODAY).reason == "Met 2 times"


def test_it_says_how_long_ago_the_last_interaction_was():
    assert strength(met(12, 40, 200), today=TODAY).reason == "Met 3 times, last 12 days ago"
    assert strength(met(0, 5), today=TODAY).reason == "Met 2 times, most recently today"
    assert strength(met(100), today=TODAY).reason == "Met once, 3 months ago"
    assert strength(met(800), today=TODAY).reason == "Met once, 2 years ago"


# --- Saturation and the cap ---


def test_it_saturates_interactions_below_the_cap():
    many = value(met(*[0] * 50))
    assert many == EVIDENCE_CAP


def test_it_never_reaches_one_from_evidence_alone():
    everything = [
        *met(*[0] * 20),
        worked(120),
        Evidence("manual", None, "old friends"),
        Evidence("contacts", None),
        Evidence("vcard", None),
        Evidence("linkedin", None),
    ]
    assert value(everything) == EVIDENCE_CAP < 1


def test_it_combines_independent_signals_as_a_noisy_or():
    # 1 - (1 - 0.15) * (1 - 0.25) * (1 - 0.4)
    combined = [Evidence("linkedin", None), Evidence("contacts", None), Evidence("manual", None)]
    assert value(combined) == pytest.approx(1 - 0.85 * 0.75 * 0.6, abs=0.0005)


def test_it_counts_repeated_evidence_of_one_source_once():
    assert value([Evidence("linkedin", None)] * 3) == 0.15
    assert value([Evidence("manual", None, "a"), Evidence("manual", None, "b")]) == 0.4
    assert value([Evidence("contacts", None), Evidence("vcard", None)]) == 0.25


def test_it_uses_the_earliest_linkedin_year_when_there_are_several():
    evidence = [Evidence("linkedin", date(2022, 1, 1)), Evidence("linkedin", date(2019, 5, 5))]
    assert strength(evidence, today=TODAY).reason == "LinkedIn connection since 2019"


# --- Shared employer ---


def test_it_rates_a_longer_overlap_stronger_and_saturates():
    values = [value([worked(months)]) for months in (3, 12, 24, 36, 60, 120, 240)]
    assert values == sorted(values) and len(set(values)) == len(values)
    # Saturating: the second decade adds almost nothing, and nothing passes the 0.6 ceiling.
    assert values[-1] - values[-2] < 0.01 and values[-1] <= 0.6


def test_it_fades_an_overlap_after_it_ended():
    values = [value([worked(36, ended_years_ago=years)]) for years in (None, 0.5, 2, 5, 10, 20)]
    assert values == sorted(values, reverse=True) and len(set(values)) == len(values)
    # Five years after it ended, it counts half.
    assert value([worked(36, ended_years_ago=5)]) == pytest.approx(value([worked(36)]) / 2, abs=0.001)


def test_it_treats_a_future_end_date_as_still_together():
    future = Evidence("shared_employer", None, "Initech", months=36, ended_on=TODAY + timedelta(days=90))
    assert strength([future], today=TODAY) == strength([worked(36)], today=TODAY)


def test_it_assumes_a_year_when_the_overlap_length_is_unknown():
    result = strength([worked(None)], today=TODAY)
    assert result.value == value([worked(12)])
    assert result.reason == "Work together at Initech"


def test_it_keeps_the_strongest_of_several_overlaps():
    both = [worked(12, company="Globex"), worked(48, company="Initech")]
    assert value(both) == value([worked(48)])
    assert "Initech" in strength(both, today=TODAY).reason


def test_it_ignores_an_overlap_of_zero_months():
    assert strength([worked(0)], today=TODAY) == Strength(0.0, "No evidence yet")


# --- The manual rating ---


def test_it_lets_a_manual_rating_override_weak_evidence_upwards():
    result = strength([Evidence("linkedin", date(2021, 1, 1))], today=TODAY, manual_rating=5, rated_by="Dana Lee")
    assert result.value == 1.0
    assert result.reason == "Rated 5/5 by Dana Lee; evidence: LinkedIn connection since 2021"


def test_it_lets_a_manual_rating_override_strong_evidence_downwards():
    evidence = [*met(1, 5, 9, 20), worked(60)]
    assert value(evidence) > 0.8
    result = strength(evidence, today=TODAY, manual_rating=1, rated_by="Dana Lee")
    assert result.value == 0.2
    assert result.reason.startswith("Rated 1/5 by Dana Lee; evidence: met 4 times")


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_it_maps_ratings_to_fifths(rating):
    result = strength([], today=TODAY, manual_rating=rating, rated_by="Dana Lee")
    assert result == Strength(rating / 5, f"Rated {rating}/5 by Dana Lee")


def test_it_names_no_rater_when_none_is_given():
    assert strength([], today=TODAY, manual_rating=3).reason == "Rated 3/5"


@pytest.mark.parametrize("rating", [0, 6, -1, 2.5, True, "4"])
def test_it_rejects_an_invalid_rating(rating):
    with pytest.raises(ValueError):
        strength([], today=TODAY, manual_rating=rating)


def test_it_rejects_an_unknown_source():
    with pytest.raises(ValueError):
        strength([Evidence("carrier pigeon", None), Evidence("linkedin", None)], today=TODAY)


# --- The reason ---


def test_it_mentions_each_contributing_signal_in_the_reason():
    evidence = [
        *met(12, 40, 200),
        worked(36, ended_years_ago=2),
        Evidence("manual", None, "CFO round-table"),
        Evidence("vcard", None),
        Evidence("linkedin", date(2021, 3, 1)),
    ]
    reason = strength(evidence, today=TODAY).reason
    assert reason == (
        "Met 3 times, last 12 days ago; worked together at Initech for 3 years, until 2023; "
        'marked as knowing each other ("CFO round-table"); in an address book; LinkedIn connection since 2021'
    )


def test_it_accepts_any_iterable_of_evidence():
    assert strength(iter(met(1, 2)), today=TODAY) == strength(met(1, 2), today=TODAY)
    assert strength((e for e in [Evidence("linkedin", None)]), today=TODAY).value == 0.15


@pytest.mark.parametrize(
    ("number", "word"),
    [(0.0, "none"), (0.001, "weak"), (0.399, "weak"), (0.4, "medium"), (0.7, "strong"), (1, "strong")],
)
def test_it_describes_a_value_in_one_word(number, word):
    assert describe_kind_strength(number) == word


def test_it_rates_a_single_linkedin_connection_in_microseconds():
    evidence = [Evidence("linkedin", date(2021, 3, 1))]
    strength(evidence, today=TODAY)
    start = time.perf_counter()
    for _ in range(20_000):
        strength(evidence, today=TODAY)
    per_call = (time.perf_counter() - start) / 20_000
    # Generous for slow CI machines; about 0.2 µs on a laptop.
    assert per_call < 20e-6


# --- Properties ---

sources = st.sampled_from(list(EvidenceSource))
dates = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
evidence_items = st.builds(
    Evidence,
    source=sources,
    on=dates,
    detail=st.text(max_size=20),
    months=st.one_of(st.none(), st.integers(min_value=-5, max_value=600)),
    ended_on=dates,
)
evidence_lists = st.lists(evidence_items, max_size=12)


@given(evidence_lists, st.one_of(st.none(), st.integers(min_value=1, max_value=5)))
def test_it_always_stays_within_zero_and_one(evidence, rating):
    result = strength(evidence, today=TODAY, manual_rating=rating)
    assert 0.0 <= result.value <= 1.0
    assert result.reason and "\n" not in result.reason
    assert result.value == round(result.value, 3)


@given(evidence_lists, evidence_items)
def test_it_never_lowers_the_value_when_evidence_is_added(evidence, extra):
    assert value([*evidence, extra]) >= value(evidence)


@given(evidence_lists)
def test_it_is_deterministic_and_order_independent_in_value(evidence):
    first = strength(evidence, today=TODAY)
    assert strength(list(evidence), today=TODAY) == first
    assert strength(list(reversed(evidence)), today=TODAY).value == pytest.approx(first.value, abs=0.0011)
