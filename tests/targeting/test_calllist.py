"""The weekly call list: how reasons are scored, who is left out and why, and how the list is sized and ordered."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmline.targeting.calllist import (
    DEFAULT_GOAL,
    KINDS,
    RECENT_ASK_DAYS,
    CallList,
    Candidate,
    Reason,
    rank,
    reason_score,
)

TODAY = date(2025, 11, 20)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def reason(kind: str, detail: str | None = None, *, days: int | None = 0, score: float | None = None) -> Reason:
    return Reason(kind=kind, detail=detail or f"{kind} detail", on=None if days is None else ago(days), score=score)


def person(person_id: int, name: str, *reasons: Reason, **flags) -> Candidate:
    return Candidate(person_id=person_id, name=name, reasons=reasons, **flags)


def names(entries) -> list[str]:
    return [entry.candidate.name for entry in entries]


def excluded_why(call_list: CallList) -> dict[str, str]:
    return {excluded.candidate.name: excluded.why for excluded in call_list.excluded}


# Each kind at its neutral best: a fresh moment, a promoter, a balance of one, a full-strength path, one success.
NEUTRAL = {
    "won": reason("won"),
    "thanked": reason("thanked"),
    "partner_owed": reason("partner_owed", score=1),
    "lost": reason("lost"),
    "happy_client": reason("happy_client", score=9),
    "connector": reason("connector", score=1.0),
    "dormant": reason("dormant", days=None, score=1),
}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("won", 90), ("thanked", 80), ("partner_owed", 70), ("lost", 60), ("happy_client", 55), ("connector", 50),
     ("dormant", 45)],
)
def test_each_kind_scores_its_base_weight_at_its_neutral_best(kind, expected):
    assert reason_score(NEUTRAL[kind], TODAY) == pytest.approx(expected)


def test_the_kinds_rank_in_the_order_of_their_base_weights():
    candidates = [person(i, kind, NEUTRAL[kind]) for i, kind in enumerate(reversed(KINDS))]
    call_list = rank(candidates, today=TODAY, goal=len(KINDS))
    assert names(call_list.entries) == ["won", "thanked", "partner_owed", "lost", "happy_client", "connector",
                                        "dormant"]
    assert [entry.score for entry in call_list.entries] == [90.0, 80.0, 70.0, 60.0, 55.0, 50.0, 45.0]


def test_a_recent_win_outranks_a_dormant_source():
    call_list = rank(
        [person(1, "Dormant Dora", reason("dormant", days=None, score=9)), person(2, "Winning Will", reason("won"))],
        today=TODAY,
    )
    assert names(call_list.entries) == ["Winning Will", "Dormant Dora"]


@pytest.mark.parametrize(
    ("age", "factor"),
    [(0, 1.0), (14, 1.0), (37, 0.7), (60, 0.4), (75, 0.4), (90, 0.4), (91, 0.0), (400, 0.0)],
)
@pytest.mark.parametrize(("kind", "base"), [("won", 90), ("thanked", 80), ("lost", 60)])
def test_a_moment_is_full_for_14_days_fades_to_40_percent_at_60_and_is_gone_after_90(kind, base, age, factor):
    assert reason_score(reason(kind, days=age), TODAY) == pytest.approx(base * factor)


def test_a_moment_dated_in_the_future_counts_as_fresh():
    assert reason_score(reason("won", days=-3), TODAY) == pytest.approx(90)


def test_an_undated_moment_cannot_be_shown_fresh_and_counts_as_faded():
    assert reason_score(reason("thanked", days=None), TODAY) == pytest.approx(32)


def test_reasons_that_are_not_moments_do_not_fade_with_age():
    assert reason_score(reason("connector", days=400, score=1.0), TODAY) == pytest.approx(50)


def test_a_candidate_whose_only_moment_is_over_90_days_old_is_left_out_silently():
    call_list = rank([person(1, "Old Win", reason("won", days=91), do_not_ask=True)], today=TODAY)
    assert call_list == CallList(entries=(), more=(), excluded=())


def test_a_moment_over_90_days_old_neither_adds_to_the_score_nor_appears_in_why():
    call_list = rank(
        [person(1, "Pat", reason("won", "Won Globex", days=120), reason("connector", "Knows Initech", score=1.0))],
        today=TODAY,
    )
    (entry,) = call_list.entries
    assert entry.score == 50.0
    assert entry.why == ("Knows Initech",)


@pytest.mark.parametrize(
    ("nps", "expected"),
    [(10, 55), (9, 55), (8, 44), (7, 44), (6, 27.5), (0, 27.5), (None, 44)],
)
def test_a_happy_client_counts_by_nps_and_a_good_health_without_nps_as_passive(nps, expected):
    assert reason_score(reason("happy_client", score=nps), TODAY) == pytest.approx(expected)


@pytest.mark.parametrize(("balance", "expected"), [(1, 70), (2, 77), (3, 84), (4, 91), (10, 91), (None, 70)])
def test_a_partner_owed_more_counts_more_up_to_130_percent(balance, expected):
    assert reason_score(reason("partner_owed", score=balance), TODAY) == pytest.approx(expected)


@pytest.mark.parametrize(("strength", "expected"), [(0.0, 25), (0.5, 37.5), (1.0, 50), (None, 25)])
def test_a_connector_counts_half_its_base_plus_half_by_path_strength(strength, expected):
    assert reason_score(reason("connector", score=strength), TODAY) == pytest.approx(expected)


@pytest.mark.parametrize(("successes", "expected"), [(1, 45), (2, 51.75), (4, 65.25), (9, 65.25), (None, 45)])
def test_a_dormant_source_with_more_earlier_successes_counts_more_up_to_145_percent(successes, expected):
    assert reason_score(reason("dormant", days=None, score=successes), TODAY) == pytest.approx(expected)


def test_an_unknown_reason_kind_is_a_value_error():
    with pytest.raises(ValueError, match="birthday"):
        reason_score(reason("birthday"), TODAY)
    with pytest.raises(ValueError, match="birthday"):
        rank([person(1, "Pat", reason("birthday"))], today=TODAY)


@pytest.mark.parametrize("goal", [0, -1])
def test_a_goal_below_one_is_a_value_error(goal):
    with pytest.raises(ValueError, match="goal"):
        rank([person(1, "Pat", reason("won"))], today=TODAY, goal=goal)


def test_no_candidates_make_an_empty_list():
    assert rank([], today=TODAY) == CallList(entries=(), more=(), excluded=())


@pytest.mark.parametrize(
    ("flags", "why"),
    [
        ({"is_self": True}, "You"),
        ({"do_not_ask": True}, "Asked not to be asked"),
        ({"last_asked_on": ago(12)}, "Asked 12 days ago"),
        ({"last_asked_on": ago(1)}, "Asked yesterday"),
        ({"last_asked_on": TODAY}, "Asked today"),
        ({"last_asked_on": ago(-2)}, "Asked recently"),
        ({"open_ask": True}, "Your team has an open ask with them"),
    ],
)
def test_each_exclusion_says_why(flags, why):
    call_list = rank([person(1, "Pat", reason("won"), **flags), person(2, "Sam", reason("lost"))], today=TODAY)
    assert names(call_list.entries) == ["Sam"]
    assert excluded_why(call_list) == {"Pat": why}


def test_the_first_exclusion_that_applies_is_the_one_given():
    everything = {"is_self": True, "do_not_ask": True, "last_asked_on": ago(3), "open_ask": True}
    call_list = rank(
        [
            person(1, "All", reason("won"), **everything),
            person(2, "No self", reason("won"), **{**everything, "is_self": False}),
            person(3, "Asked and open", reason("won"), last_asked_on=ago(3), open_ask=True),
        ],
        today=TODAY,
    )
    assert call_list.entries == ()
    assert excluded_why(call_list) == {
        "All": "You",
        "No self": "Asked not to be asked",
        "Asked and open": "Asked 3 days ago",
    }


def test_a_source_asked_30_days_ago_is_still_excluded_and_one_asked_31_days_ago_is_listed():
    call_list = rank(
        [
            person(1, "Thirty", reason("won"), last_asked_on=ago(RECENT_ASK_DAYS)),
            person(2, "Thirty-one", reason("won"), last_asked_on=ago(RECENT_ASK_DAYS + 1)),
        ],
        today=TODAY,
    )
    assert names(call_list.entries) == ["Thirty-one"]
    assert excluded_why(call_list) == {"Thirty": "Asked 30 days ago"}


def test_an_old_ask_does_not_hide_an_open_one():
    call_list = rank([person(1, "Pat", reason("won"), last_asked_on=ago(45), open_ask=True)], today=TODAY)
    assert excluded_why(call_list) == {"Pat": "Your team has an open ask with them"}


def test_a_candidate_without_reasons_is_ignored_even_when_an_exclusion_would_apply():
    call_list = rank([person(1, "Pat", do_not_ask=True), person(2, "Sam")], today=TODAY)
    assert call_list == CallList(entries=(), more=(), excluded=())


def test_excluded_candidates_come_in_ranking_order():
    call_list = rank(
        [
            person(1, "Lost", reason("lost"), open_ask=True),
            person(2, "Won", reason("won"), do_not_ask=True),
            person(3, "Thanked", reason("thanked"), last_asked_on=ago(2)),
        ],
        today=TODAY,
    )
    assert [excluded.candidate.name for excluded in call_list.excluded] == ["Won", "Thanked", "Lost"]


def test_candidates_for_the_same_person_are_merged_into_one_entry():
    call_list = rank(
        [
            person(7, "Pat Lee", reason("won", "Won Globex")),
            person(8, "Sam", reason("lost")),
            person(7, "Patricia Lee", reason("connector", "Knows Initech", score=1.0)),
        ],
        today=TODAY,
    )
    assert names(call_list.entries) == ["Pat Lee", "Sam"]
    pat = call_list.entries[0]
    assert pat.score == 97.5
    assert pat.why == ("Won Globex", "Knows Initech")
    assert {r.detail for r in pat.candidate.reasons} == {"Won Globex", "Knows Initech"}


def test_merging_keeps_the_latest_ask():
    call_list = rank(
        [
            person(7, "Pat", reason("won"), last_asked_on=ago(5)),
            person(7, "Pat", reason("lost"), last_asked_on=ago(40)),
            person(7, "Pat", reason("thanked")),
        ],
        today=TODAY,
    )
    assert excluded_why(call_list) == {"Pat": "Asked 5 days ago"}
    assert call_list.excluded[0].candidate.last_asked_on == ago(5)


@pytest.mark.parametrize(
    ("flag", "why"),
    [("is_self", "You"), ("do_not_ask", "Asked not to be asked"), ("open_ask", "Your team has an open ask with them")],
)
def test_merging_excludes_a_person_when_any_of_their_candidates_is_excluded(flag, why):
    call_list = rank([person(7, "Pat", reason("won")), person(7, "Pat", reason("lost"), **{flag: True})], today=TODAY)
    assert call_list.entries == ()
    assert excluded_why(call_list) == {"Pat": why}


def test_a_duplicate_reason_counts_once():
    won = reason("won", "Won Globex")
    call_list = rank([person(7, "Pat", won, won), person(7, "Pat", won)], today=TODAY)
    (entry,) = call_list.entries
    assert entry.score == 90.0
    assert entry.why == ("Won Globex",)
    assert entry.candidate.reasons == (won,)


def test_of_duplicate_reasons_the_stronger_copy_counts_whatever_the_order():
    stale = reason("won", "Won Globex", days=60)
    fresh = reason("won", "Won Globex", days=3)
    for order in ((stale, fresh), (fresh, stale)):
        (entry,) = rank([person(7, "Pat", *order)], today=TODAY).entries
        assert entry.score == 90.0
        assert entry.candidate.reasons == (fresh,)


def test_each_further_reason_adds_15_percent_of_its_score():
    call_list = rank(
        [person(1, "Pat", reason("happy_client", "Promoter at Acme", score=8),
                reason("connector", "Knows Initech", score=0.1))],
        today=TODAY,
    )
    (entry,) = call_list.entries
    assert entry.score == 48.1  # 44 + 0.15 × 27.5 = 48.125, rounded to 1 decimal
    assert entry.why == ("Promoter at Acme", "Knows Initech")


def test_why_lists_the_strongest_reason_first_whatever_the_order_given():
    call_list = rank(
        [person(1, "Pat", reason("dormant", "Introduced us twice", days=None, score=2),
                reason("thanked", "Thanked us for the pricing insight", days=2),
                reason("connector", "Knows Initech", score=1.0))],
        today=TODAY,
    )
    (entry,) = call_list.entries
    # Two earlier successes (51.75) outweigh a full-strength path (50).
    assert entry.why == ("Thanked us for the pricing insight", "Introduced us twice", "Knows Initech")
    assert entry.score == pytest.approx(round(80 + 0.15 * (50 + 51.75), 1))


def test_a_score_is_capped_at_100():
    call_list = rank(
        [person(1, "Pat", reason("won"), reason("thanked"), reason("partner_owed", score=4))],
        today=TODAY,
    )
    assert call_list.entries[0].score == 100.0


def test_the_default_goal_is_five_with_five_more_in_reserve():
    candidates = [person(i, f"Source {i:02}", reason("connector", score=i / 20)) for i in range(1, 13)]
    call_list = rank(candidates, today=TODAY)
    assert DEFAULT_GOAL == 5
    assert names(call_list.entries) == [f"Source {i:02}" for i in (12, 11, 10, 9, 8)]
    assert names(call_list.more) == [f"Source {i:02}" for i in (7, 6, 5, 4, 3)]


def test_the_goal_sizes_the_list_and_its_reserve():
    candidates = [person(i, f"Source {i}", reason("connector", score=i / 10)) for i in range(1, 5)]
    three = rank(candidates, today=TODAY, goal=3)
    assert names(three.entries) == ["Source 4", "Source 3", "Source 2"]
    assert names(three.more) == ["Source 1"]
    ten = rank(candidates, today=TODAY, goal=10)
    assert len(ten.entries) == 4
    assert ten.more == ()


def test_excluded_candidates_do_not_take_a_place_on_the_list():
    candidates = [
        person(1, "Excluded", reason("won"), do_not_ask=True),
        person(2, "First", reason("thanked")),
        person(3, "Second", reason("lost")),
    ]
    call_list = rank(candidates, today=TODAY, goal=1)
    assert names(call_list.entries) == ["First"]
    assert names(call_list.more) == ["Second"]


def test_equal_scores_go_to_the_fresher_reason_then_the_name_then_the_id():
    candidates = [
        person(5, "bob", reason("connector", score=1.0, days=None)),
        person(4, "Bob", reason("connector", score=1.0, days=None)),
        person(3, "alice", reason("connector", score=1.0, days=None)),
        person(2, "Zed older", reason("connector", score=1.0, days=30)),
        person(1, "Zed fresher", reason("connector", score=1.0, days=2)),
    ]
    expected = ["Zed fresher", "Zed older", "alice", "Bob", "bob"]
    assert names(rank(candidates, today=TODAY).entries) == expected
    assert names(rank(list(reversed(candidates)), today=TODAY).entries) == expected


def test_scores_that_look_equal_are_tie_broken_as_equal():
    # 50 × (0.5 + 0.5 × 0.9992) = 49.98 shows as 50.0: the fresher reason wins over the slightly higher raw score.
    candidates = [
        person(1, "Raw higher", reason("connector", score=1.0, days=20)),
        person(2, "Fresher", reason("connector", score=0.9992, days=1)),
    ]
    call_list = rank(candidates, today=TODAY)
    assert [(e.candidate.name, e.score) for e in call_list.entries] == [("Fresher", 50.0), ("Raw higher", 50.0)]


# Few people, so that duplicates and ties are common.
reasons = st.builds(
    Reason,
    kind=st.sampled_from(KINDS),
    detail=st.sampled_from(["a", "b", "c"]),
    on=st.one_of(st.none(), st.integers(-5, 120).map(ago)),
    score=st.one_of(st.none(), st.floats(0, 10, allow_nan=False)),
)
candidate_lists = st.lists(
    st.integers(1, 8).flatmap(
        lambda pid: st.builds(
            Candidate,
            person_id=st.just(pid),
            name=st.just(f"Person {pid}"),
            reasons=st.lists(reasons, max_size=4).map(tuple),
            last_asked_on=st.one_of(st.none(), st.integers(-5, 60).map(ago)),
            do_not_ask=st.booleans(),
            open_ask=st.booleans(),
            is_self=st.booleans(),
        )
    ),
    max_size=12,
)


def must_not_be_asked(candidates: list[Candidate], person_id: int) -> bool:
    mine = [c for c in candidates if c.person_id == person_id]
    asked = [c.last_asked_on for c in mine if c.last_asked_on is not None]
    recently = bool(asked) and (TODAY - max(asked)).days <= RECENT_ASK_DAYS
    return recently or any(c.is_self or c.do_not_ask or c.open_ask for c in mine)


@given(candidate_lists, st.integers(1, 6))
def test_for_any_candidates_the_list_is_sized_sorted_disjoint_and_respects_exclusions(candidates, goal):
    call_list = rank(candidates, today=TODAY, goal=goal)

    listed = [e.candidate.person_id for e in call_list.entries + call_list.more]
    excluded = [x.candidate.person_id for x in call_list.excluded]
    assert len(set(listed + excluded)) == len(listed) + len(excluded)

    assert len(call_list.entries) <= goal
    assert len(call_list.more) <= goal
    assert not call_list.more or len(call_list.entries) == goal
    scores = [e.score for e in call_list.entries + call_list.more]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < score <= 100 for score in scores)

    assert not any(must_not_be_asked(candidates, e.candidate.person_id) for e in call_list.entries + call_list.more)
    assert all(must_not_be_asked(candidates, person_id) for person_id in excluded)

    reordered = rank(list(reversed(candidates)), today=TODAY, goal=goal)
    assert [(e.candidate.person_id, e.score) for e in reordered.entries + reordered.more] == [
        (e.candidate.person_id, e.score) for e in call_list.entries + call_list.more
    ]


def test_the_list_mixes_kinds_of_reasons_before_repeating_one():
    wins = [person(n, f"Win {n}", reason("won", f"won {n}", days=n)) for n in range(1, 5)]
    client = person(10, "Client", reason("happy_client", "happy", score=9))
    quiet = person(11, "Quiet", reason("dormant", "quiet", score=1))
    ranked = rank([*wins, client, quiet], today=TODAY, goal=4)
    # Two wins lead; the happy client and the quiet source come before the third and fourth win.
    assert names(ranked.entries) == ["Win 1", "Win 2", "Client", "Quiet"]
    assert names(ranked.more) == ["Win 3", "Win 4"]


def test_with_too_few_other_kinds_the_list_fills_up_with_the_best_of_the_rest():
    wins = [person(n, f"Win {n}", reason("won", f"won {n}", days=n)) for n in range(1, 6)]
    ranked = rank([*wins, person(10, "Client", reason("happy_client", "happy", score=9))], today=TODAY, goal=5)
    assert names(ranked.entries) == ["Win 1", "Win 2", "Win 3", "Win 4", "Client"]
