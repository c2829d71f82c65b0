"""The path engine on small hand-built graphs whose right answers are known."""

import pytest

from warmline.paths import engine, ranking

from .graphs import build

E = {"employee": True, "company": "Us"}


def shapes(built, paths):
    return [(p.shape, built.spelled(p)) for p in paths]


def test_the_stronger_evidence_wins():
    g = build(
        {"Dana": E, "Eli": E, "Priya": {}, "Quinn": {}, "Bob": {}},
        [("Dana", "Priya", 0.6), ("Priya", "Bob", 0.7), ("Eli", "Quinn", 0.6), ("Quinn", "Bob", 0.15)],
    )
    paths = g.paths("Bob")
    assert shapes(g, paths) == [("one_introducer", "Dana > Priya > Bob"), ("one_introducer", "Eli > Quinn > Bob")]
    assert paths[0].score > paths[1].score


def test_a_reliable_connector_beats_an_unreliable_one_of_the_same_strength():
    g = build(
        {"Dana": E, "Eli": E, "Flaky": {"made": 0, "asked": 4}, "Steady": {"made": 3, "asked": 3}, "Bob": {}},
        [("Dana", "Flaky", 0.5), ("Flaky", "Bob", 0.5), ("Eli", "Steady", 0.5), ("Steady", "Bob", 0.5)],
    )
    assert [g.spelled(p) for p in g.paths("Bob")] == ["Eli > Steady > Bob", "Dana > Flaky > Bob"]


def test_a_newcomer_connector_is_not_zero():
    assert ranking.reliability([0], [0])[0] == pytest.approx(2 / 3)
    assert ranking.reliability([0], [3])[0] == pytest.approx(1 / 3)
    assert ranking.reliability([3], [3])[0] == pytest.approx(5 / 6)


def test_a_direct_tie_needs_no_connector():
    g = build({"Dana": E, "Eli": E, "Priya": {}, "Bob": {}},
              [("Dana", "Priya", 0.9), ("Priya", "Bob", 0.9), ("Eli", "Bob", 0.6)])
    # 0.6 direct against 0.9 * 0.9 * 2/3 (a newcomer connector) = 0.54 through Priya.
    assert shapes(g, g.paths("Bob")) == [("direct", "Eli > Bob"), ("one_introducer", "Dana > Priya > Bob")]


def test_two_introducers_appear_only_when_nothing_shorter_exists():
    people = {"Dana": E, "Eli": E, "Ann": {}, "Ben": {}, "Cy": {}, "Bob": {}}
    long_only = build(people, [("Dana", "Ann", 0.8), ("Ann", "Ben", 0.8), ("Ben", "Bob", 0.8)])
    paths = long_only.paths("Bob")
    assert shapes(long_only, paths) == [("two_introducers", "Dana > Ann > Ben > Bob")]
    # Marked weaker: the same strengths through one introducer would score twice as much before the extra step.
    assert paths[0].score == pytest.approx(0.8 ** 3 * (2 / 3) ** 2 * ranking.TWO_INTRODUCERS_FACTOR
                                           * ranking.recency([30])[0], abs=1e-6)

    with_short = build(people, [("Dana", "Ann", 0.8), ("Ann", "Ben", 0.8), ("Ben", "Bob", 0.8),
                                ("Eli", "Cy", 0.2), ("Cy", "Bob", 0.2)])
    assert shapes(with_short, with_short.paths("Bob")) == [("one_introducer", "Eli > Cy > Bob")]


def test_an_insider_reaches_a_colleague_through_the_company_list():
    g = build(
        {"Dana": E, "Ines": {"company": "Initech", "seniority": "vp", "function": "finance"},
         "Bob": {"company": "Initech", "function": "finance"}},
        [("Dana", "Ines", 0.7)],
    )
    paths = g.paths("Bob")
    assert shapes(g, paths) == [("insider", "Dana > Ines > Bob")]
    assert paths[0].relationships[1] == -1  # no stored colleague tie


def test_an_insider_ranks_below_a_known_tie_and_higher_when_senior_or_in_the_same_function():
    people = {"Dana": E, "Kim": {"company": "Other"},
              "Junior": {"company": "Initech", "seniority": "entry", "function": "sales"},
              "Senior": {"company": "Initech", "seniority": "c_level", "function": "sales"},
              "Peer": {"company": "Initech", "seniority": "entry", "function": "finance"},
              "Bob": {"company": "Initech", "function": "finance"}}
    ties = [("Dana", "Kim", 0.5), ("Kim", "Bob", 0.15), ("Dana", "Junior", 0.5), ("Dana", "Senior", 0.5),
            ("Dana", "Peer", 0.5)]
    g = build(people, ties)
    order = [g.spelled(p) for p in g.paths("Bob")]
    assert order[0] == "Dana > Kim > Bob"  # the weakest known tie still beats every insider
    assert order.index("Dana > Senior > Bob") < order.index("Dana > Junior > Bob")
    assert order.index("Dana > Peer > Bob") < order.index("Dana > Junior > Bob")
    # An insider who already knows the target appears once, as a known tie.
    g2 = build(people, [*ties, ("Senior", "Bob", 0.4)])
    found = [(p.shape, g2.spelled(p)) for p in g2.paths("Bob")]
    assert ("one_introducer", "Dana > Senior > Bob") in found
    assert ("insider", "Dana > Senior > Bob") not in found


def test_recent_evidence_ranks_higher():
    g = build({"Dana": E, "Eli": E, "Old": {}, "New": {}, "Bob": {}},
              [("Dana", "Old", 0.5, "Dana", 3000), ("Old", "Bob", 0.5, None, 3000),
               ("Eli", "New", 0.5, "Eli", 10), ("New", "Bob", 0.5, None, 10)])
    assert [g.spelled(p) for p in g.paths("Bob")] == ["Eli > New > Bob", "Dana > Old > Bob"]


def test_the_requesting_reps_own_paths_come_first_when_scores_tie():
    g = build({"Dana": E, "Eli": E, "Priya": {}, "Bob": {}}, [("Dana", "Priya", 0.5), ("Eli", "Priya", 0.5),
                                                            ("Priya", "Bob", 0.5)])
    assert [g.spelled(p) for p in g.paths("Bob", requester="Eli")][0] == "Eli > Priya > Bob"
    assert [g.spelled(p) for p in g.paths("Bob", requester="Dana")][0] == "Dana > Priya > Bob"
    assert g.paths("Bob", requester="Eli")[0].own


class TestPrivacy:
    people = {"Dana": E, "Eli": E, "Priya": {"listed": False}, "Bob": {}}
    # Dana recorded that Priya knows Bob: the tie is in Dana's network too.
    ties = [("Dana", "Priya", 0.6), ("Priya", "Bob", 0.6, "Dana"), ("Eli", "Bob", 0.2)]

    def test_a_private_network_is_hidden_from_colleagues_but_not_from_its_owner(self):
        g = build(self.people, self.ties, sharing={"Dana": engine.PRIVATE})
        assert [g.spelled(p) for p in g.paths("Bob", "Eli")] == ["Eli > Bob"]
        assert [g.spelled(p) for p in g.paths("Bob")] == ["Eli > Bob"]  # the workspace view too
        assert [g.spelled(p) for p in g.paths("Bob", "Dana")] == ["Dana > Priya > Bob", "Eli > Bob"]

    def test_existence_only_shows_the_employee_and_hides_the_contact(self):
        g = build(self.people, self.ties, sharing={"Dana": engine.EXISTENCE_ONLY})
        paths = g.paths("Bob", "Eli")
        assert [g.spelled(p) for p in paths] == ["Dana > ? > Bob", "Eli > Bob"]
        assert paths[0].disclosure[0] == engine.EXISTENCE
        assert [g.spelled(p) for p in g.paths("Bob", "Dana")][0] == "Dana > Priya > Bob"

    def test_an_existence_only_contact_the_viewer_knows_anyway_is_named(self):
        people = {**self.people, "Priya": {"listed": True}}
        g = build(people, self.ties, sharing={"Dana": engine.EXISTENCE_ONLY})
        assert g.spelled(g.paths("Bob", "Eli")[0]) == "Dana > Priya > Bob"

    def test_an_account_map_lists_only_people_the_viewer_may_know_exist(self):
        people = {"Dana": E, "Eli": E, "Secret": {"company": "Initech", "listed": False},
                  "Open": {"company": "Initech"}}
        g = build(people, [("Dana", "Secret", 0.5), ("Eli", "Open", 0.3)], sharing={"Dana": engine.PRIVATE})
        company = int(g.graph.people.company[g["Open"]])
        seen = g.graph.account_map(company, g.viewer("Eli"))
        assert [g.names[r.person] for r in seen.rows] == ["Open"]
        mine = g.graph.account_map(company, g.viewer("Dana"))
        assert sorted(g.names[r.person] for r in mine.rows) == ["Open", "Secret"]


def test_an_account_map_gives_each_person_their_best_path_and_the_coverage():
    people = {"Dana": E, "Eli": E, "Fay": E, "Kim": {},
              "Ann": {"company": "Initech", "seniority": "c_level", "function": "finance"},
              "Bob": {"company": "Initech", "function": "finance"},
              "Cat": {"company": "Initech", "function": "sales"},
              "Dee": {"company": "Initech", "function": "legal"},
              "Lone": {"company": "Initech"}}
    ties = [("Dana", "Ann", 0.8), ("Eli", "Kim", 0.9), ("Kim", "Bob", 0.6), ("Fay", "Cat", 0.1)]
    g = build(people, ties)
    company = int(g.graph.people.company[g["Ann"]])
    account = g.graph.account_map(company, g.viewer())
    best = {g.names[r.person]: (r.best.shape, g.spelled(r.best)) if r.best else None for r in account.rows}
    assert best["Ann"] == ("direct", "Dana > Ann")
    assert best["Bob"] == ("one_introducer", "Eli > Kim > Bob")
    assert best["Cat"] == ("direct", "Fay > Cat")
    assert best["Dee"] == ("insider", "Dana > Ann > Dee")
    assert best["Lone"] == ("insider", "Dana > Ann > Lone")
    assert account.reachable == 5
    assert sorted(g.names[e] for e in account.employees) == ["Dana", "Eli", "Fay"]
    # Reachable people first, best score first; and each best path is the one paths_to ranks first.
    scores = [r.best.score for r in account.rows]
    assert scores == sorted(scores, reverse=True)
    for row in account.rows:
        assert g.spelled(g.graph.paths_to(row.person, g.viewer())[0]) == g.spelled(row.best)


def test_an_account_map_lists_people_without_a_path():
    g = build({"Dana": E, "Ann": {"company": "Initech"}, "Bob": {"company": "Initech"}}, [])
    account = g.graph.account_map(int(g.graph.people.company[g["Ann"]]), g.viewer())
    assert [(g.names[r.person], r.best) for r in account.rows] == [("Ann", None), ("Bob", None)]
    assert (account.reachable, account.employees) == (0, [])


class TestChanges:
    def base(self):
        return build({"Dana": E, "Eli": E, "Priya": {}, "Quinn": {}, "Bob": {"company": "Initech"}},
                     [("Dana", "Priya", 0.6), ("Priya", "Bob", 0.5)])

    def test_a_new_relationship_adds_a_path_without_a_rebuild(self):
        g = self.base()
        csr = g.graph.nbr
        g.graph.upsert_relationships([(10, g["Eli"] + 1, g["Bob"] + 1, 0.9, 1, 19_990)])
        assert g.graph.nbr is csr  # the overlay, not a rebuild
        assert [g.spelled(p) for p in g.paths("Bob")] == ["Eli > Bob", "Dana > Priya > Bob"]

    def test_a_changed_strength_reorders_and_a_removed_relationship_disappears(self):
        g = self.base()
        g.graph.upsert_relationships([(10, g["Eli"] + 1, g["Quinn"] + 1, 0.9, 1, 19_990),
                                      (11, g["Quinn"] + 1, g["Bob"] + 1, 0.9, -1, 19_990)])
        assert g.spelled(g.paths("Bob")[0]) == "Eli > Quinn > Bob"
        g.graph.upsert_relationships([(11, g["Quinn"] + 1, g["Bob"] + 1, 0.05, -1, 19_990)])
        assert g.spelled(g.paths("Bob")[0]) == "Dana > Priya > Bob"
        g.graph.remove_relationships([1])
        assert [g.spelled(p) for p in g.paths("Bob")] == ["Eli > Quinn > Bob"]

    def test_new_people_and_a_move_to_another_company(self):
        g = self.base()
        initech = int(g.graph.people.company[g["Bob"]])
        g.graph.upsert_people([(50, initech, 6, 0, -1, True, 0, 0)])
        new = int(g.graph.index_of([50])[0])
        g.graph.upsert_relationships([(12, g["Eli"] + 1, 50, 0.8, 1, 19_990)])
        assert any(p.shape == "insider" and p.hops[1].person == new for p in g.paths("Bob"))
        # Priya moves to Initech: she is now Bob's colleague too, and her known tie still comes first.
        g.graph.upsert_people([(g["Priya"] + 1, initech, 0, 0, -1, True, 0, 0)])
        assert g.graph.people_at(initech).tolist() == sorted([g["Bob"], g["Priya"], new])

    def test_a_relationship_moved_by_a_merge_then_changed_stays_one_relationship(self):
        g = self.base()
        # Relationship 2 (Priya–Bob) now joins Quinn and Bob, then its strength changes.
        g.graph.upsert_relationships([(2, g["Quinn"] + 1, g["Bob"] + 1, 0.5, -1, 19_990)])
        g.graph.upsert_relationships([(10, g["Dana"] + 1, g["Quinn"] + 1, 0.6, 0, 19_990)])
        g.graph.upsert_relationships([(2, g["Quinn"] + 1, g["Bob"] + 1, 0.9, -1, 19_990)])
        paths = g.paths("Bob")
        assert [g.spelled(p) for p in paths] == ["Dana > Quinn > Bob"]
        assert int(g.graph.rel.alive[g.graph.rel.ids == 2].sum()) == 1
        g.graph.compact()
        assert [g.spelled(p) for p in g.paths("Bob")] == ["Dana > Quinn > Bob"]

    def test_compacting_gives_the_same_answers(self):
        g = self.base()
        g.graph.upsert_relationships([(10, g["Eli"] + 1, g["Quinn"] + 1, 0.9, 1, 19_990),
                                      (11, g["Quinn"] + 1, g["Bob"] + 1, 0.9, -1, 19_990)])
        g.graph.remove_relationships([1])
        before = [(p.key(), p.score) for p in g.paths("Bob")]
        g.graph.compact()
        assert not g.graph.extra
        assert [(p.key(), p.score) for p in g.paths("Bob")] == before
