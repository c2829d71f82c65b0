"""Warm paths read from the database through the index, kept current by change notes, with privacy applied."""

import datetime

import pytest
from django.http import Http404

from tests.network.builders import contact, linkedin_csv, run_import
from warmline.core.choices import Sharing
from warmline.network import services
from warmline.network.models import Person
from warmline.network.services import ensure_person_for
from warmline.paths import queries
from warmline.paths.index import index_for

TODAY = datetime.date.today()


@pytest.fixture
def net(world):
    """Alice knows Priya well (worked together at Initech, met twice recently); Priya knows Bob Smith at
    Globex (a tie between outside people); Dan works at Globex too and is on LinkedIn with Carol."""
    alice, carol = world.alice, world.carol
    priya = services.save_person(alice, None, first_name="Priya", last_name="Patel", title="CFO", company="Initech")
    target = services.save_person(alice, None, first_name="Bob", last_name="Smith", title="VP Finance",
                                  company="Globex")
    dan = services.save_person(alice, None, first_name="Dan", last_name="Insider", title="Controller",
                               company="Globex")
    services.record_employment(alice, ensure_person_for(alice), "Initech", started_on=datetime.date(2019, 1, 1),
                               ended_on=datetime.date(2022, 6, 30))
    services.record_employment(alice, priya, "Initech", started_on=datetime.date(2018, 1, 1),
                               ended_on=datetime.date(2023, 1, 1))
    services.save_person(alice, priya, company="Initech")
    for days in (3, 10):
        services.log_interaction(alice, priya, kind="meeting", occurred_on=TODAY - datetime.timedelta(days=days))
    services.record_tie(alice, priya, target, kind="friend", how_they_know="CFO round-table",
                        on=datetime.date(2021, 3, 1))
    run_import(alice, "linkedin", linkedin_csv([("Dan", "Insider", "https://www.linkedin.com/in/dan-insider/", "",
                                                 "Globex", "Controller", "26 Dec 2025")]), owner=carol)
    return world, priya, target, dan


def spelled(path):
    return " > ".join("?" if h.hidden else h.person.full_name for h in path.hops)


def test_it_ranks_and_explains_the_paths_to_a_person(net):
    world, priya, target, dan = net
    paths = queries.person_paths(world.acme, world.bob, target)
    assert [spelled(p) for p in paths] == ["Alice Admin > Priya Patel > Bob Smith",
                                           "Carol Rep > Dan Insider > Bob Smith"]
    assert [p.shape for p in paths] == ["one_introducer", "insider"]
    first = paths[0].explanation
    assert first.startswith("Alice Admin (your RevOps) worked with Priya Patel at Initech 2019–2022")
    assert "met Priya twice this quarter" in first or "met Priya" in first
    assert "Priya knows Bob Smith: “CFO round-table”" in first
    assert paths[1].explanation.startswith("Carol Rep (your Account Executive) has known Dan Insider since 2025")
    assert "Dan (Controller) works with Bob Smith at Globex, in the same function" in paths[1].explanation
    assert paths[0].suggested and not paths[1].suggested
    assert {p.status for p in paths} == {queries.NOT_ASKED}
    hops = paths[0].as_dict()["hops"]
    assert [(h["name"], h["role"]) for h in hops] == [("Alice Admin", "employee"), ("Priya Patel", "connector"),
                                                      ("Bob Smith", "target")]
    assert hops[2]["id"] == target.public_id and hops[2]["company"] == "Globex"


def test_the_requesters_own_path_reads_you(net):
    world, _, target, _ = net
    paths = queries.person_paths(world.acme, world.alice, target)
    assert paths[0].own
    assert paths[0].explanation.startswith("You worked with Priya Patel at Initech")


def test_changes_reach_the_index_without_reloading_it(net, django_assert_max_num_queries):
    world, priya, target, dan = net
    queries.person_paths(world.acme, world.bob, target)
    index = index_for(world.acme.pk)
    assert index.loads == 1
    services.record_tie(world.bob, ensure_person_for(world.bob), target, kind="former_colleague")
    paths = queries.person_paths(world.acme, world.bob, target)
    assert spelled(paths[0]) == "Bob Manager > Bob Smith"
    assert index.loads == 1 and index.refreshes >= 1
    # An import's people and ties arrive the same way.
    run_import(world.alice, "linkedin", linkedin_csv([("Bob", "Smith", "https://www.linkedin.com/in/bob-smith/", "",
                                                       "Globex", "VP Finance", "01 Jan 2024")]), owner=world.carol)
    queries.person_paths(world.acme, world.bob, target)
    assert index.loads == 1
    # With nothing new, a query reads the change notes once and nothing else of the graph.
    with django_assert_max_num_queries(8):
        queries.person_paths(world.acme, world.bob, target)


def test_a_merge_moves_the_paths_to_the_kept_person(net):
    world, priya, target, dan = net
    twin = services.save_person(world.alice, None, first_name="Robert", last_name="Smith", company="Globex")
    services.record_tie(world.bob, ensure_person_for(world.bob), twin, kind="friend")
    assert queries.person_paths(world.acme, world.alice, twin)
    services.merge_people(world.acme, kept_id=target.pk, merged_id=twin.pk, actor=world.alice)
    paths = queries.person_paths(world.acme, world.alice, target)
    assert "Bob Manager > Bob Smith" in [spelled(p) for p in paths]
    assert queries.person_paths(world.acme, world.alice, twin) == []


class TestPrivacy:
    def test_a_private_network_disappears_for_colleagues(self, net):
        world, _, target, _ = net
        services.set_network_sharing(world.carol, Sharing.PRIVATE)
        assert [spelled(p) for p in queries.person_paths(world.acme, world.bob, target)] == [
            "Alice Admin > Priya Patel > Bob Smith"]
        assert "Carol Rep > Dan Insider > Bob Smith" in [
            spelled(p) for p in queries.person_paths(world.acme, world.carol, target)]
        assert index_for(world.acme.pk).loads == 1

    def test_existence_only_names_the_employee_and_hides_the_contact(self, net):
        world, _, target, dan = net
        services.set_network_sharing(world.carol, Sharing.EXISTENCE)
        paths = queries.person_paths(world.acme, world.bob, target)
        insider = next(p for p in paths if p.employee.person.full_name == "Carol Rep")
        # Dan is listed (added by hand), so he is named; how well Carol knows him is not said.
        assert "how well is private to Carol" in insider.explanation
        assert "since 2025" not in insider.explanation

    def test_an_existence_only_contact_known_no_other_way_stays_anonymous(self, world):
        services.set_network_sharing(world.carol, Sharing.EXISTENCE)
        run_import(world.alice, "linkedin", linkedin_csv([contact(1, "Globex")]), owner=world.carol)
        target = services.save_person(world.alice, None, first_name="Bob", last_name="Smith", company="Globex")
        paths = queries.person_paths(world.acme, world.bob, target)
        assert [spelled(p) for p in paths] == ["Carol Rep > ? > Bob Smith"]
        assert paths[0].as_dict()["hops"][1] == {"id": None, "name": None, "company": None, "title": None,
                                                 "role": "connector", "hidden": True}
        assert "First1" not in paths[0].explanation
        assert "stay private until Carol agrees" in paths[0].explanation

    def test_a_target_known_only_through_a_private_network_does_not_exist(self, world):
        services.set_network_sharing(world.carol, Sharing.PRIVATE)
        run_import(world.alice, "linkedin", linkedin_csv([contact(1)]), owner=world.carol)
        hidden = Person.objects.get(first_name="First1")
        with pytest.raises(Http404):
            queries.access_target(world.acme, world.bob, hidden.public_id)
        with pytest.raises(Http404):
            queries.access_target(world.acme, None, hidden.public_id)
        assert queries.access_target(world.acme, world.carol, hidden.public_id) == hidden


def test_an_account_map_lists_everyone_with_their_best_path_and_the_coverage(net):
    world, priya, target, dan = net
    loner = services.save_person(world.alice, None, first_name="Lone", last_name="Wolf", company="Globex")
    company = target.company
    mapped = queries.account_map(world.acme, world.bob, company)
    best = {p.person.full_name: (spelled(p.best) if p.best else None) for p in mapped.people}
    assert best == {"Bob Smith": "Alice Admin > Priya Patel > Bob Smith",
                    "Dan Insider": "Carol Rep > Dan Insider",
                    "Lone Wolf": "Carol Rep > Dan Insider > Lone Wolf"}
    assert mapped.reachable == 3
    assert sorted(e.full_name for e in mapped.employees) == ["Alice Admin", "Carol Rep"]
    assert mapped.coverage == "3 of 3 people reachable through 2 employees"
    assert loner.pk in {p.person.pk for p in mapped.people}


def test_a_target_account_list_shows_every_account_even_without_a_path(net):
    world, priya, target, dan = net
    services.save_person(world.alice, None, first_name="Nobody", last_name="Known", company="Hooli")
    data = "Account,Domain\nGlobex Inc.,\nHooli,\nInitech,\nUnknown Corp,\n".encode()
    accounts = queries.parse_account_list(data)
    assert [a[0] for a in accounts] == [2, 3, 4, 5]
    rows = queries.account_table(world.acme, world.bob, accounts)
    table = [(r.label, r.reachable, r.people, r.best.introducer.person.full_name if r.best else None) for r in rows]
    # Best path first (Alice knows Priya, at Initech, directly; Carol knows Dan, at Globex); no path last.
    assert table == [("Initech", 1, 1, "Alice Admin"), ("Globex Inc.", 2, 2, "Carol Rep"), ("Hooli", 0, 1, None),
                     ("Unknown Corp", 0, 0, None)]
    assert next(r for r in rows if r.label == "Unknown Corp").problem.startswith("Not in the network")


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    (b"PK\x03\x04\x00\x00binary spreadsheet", "Line 1: Not a CSV file"),
    (b"Region,Owner\nEast,Ann\n", "Line 1: No account column"),
    (b"Account\n\n\n", "The file lists no accounts."),
])
def test_a_bad_account_list_says_what_is_wrong(data, message):
    with pytest.raises(queries.AccountListError, match=message):
        queries.parse_account_list(data)


def test_a_one_column_list_of_names_or_domains_needs_no_header():
    assert queries.parse_account_list(b"Globex\nhooli.com\n") == [(1, "Globex", ""), (2, "", "hooli.com")]


def test_targets_are_found_by_name_email_linkedin_url_and_company(net):
    world, priya, target, dan = net
    services.save_person(world.alice, target, emails=["bob@globex.example"])
    by = lambda q: [p.full_name for p in queries.find_targets(world.acme, world.bob, q)[0]]  # noqa: E731
    assert by("smith") == ["Bob Smith"]
    assert by("BOB@globex.example") == ["Bob Smith"]
    assert by("https://www.linkedin.com/in/dan-insider/?trk=x") == ["Dan Insider"]
    assert [c.name for c in queries.find_targets(world.acme, world.bob, "globex")[1]] == ["Globex"]


def test_old_change_notes_are_pruned_and_an_index_idle_that_long_reloads(net, monkeypatch):
    import time

    from warmline.network import changes
    from warmline.network.models import GraphChange

    world, priya, target, dan = net
    queries.person_paths(world.acme, world.bob, target)
    index = index_for(world.acme.pk)
    GraphChange.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert changes.prune() > 0 and not GraphChange.objects.exists()
    index.refreshed_at = time.monotonic() - changes.INDEX_STALE_AFTER.total_seconds() - 1
    queries.person_paths(world.acme, world.bob, target)
    assert index.loads == 2


def test_a_tie_to_someone_no_note_named_still_reaches_the_index(net):
    world, priya, target, dan = net
    queries.person_paths(world.acme, world.bob, target)
    # Written without a note for the person (as a data migration or a script might).
    stranger = Person.objects.create(workspace=world.acme, first_name="Sam", last_name="Stranger",
                                     full_name="Sam Stranger", company=target.company)
    services.record_tie(world.bob, ensure_person_for(world.bob), stranger, kind="friend")
    paths = queries.person_paths(world.acme, world.bob, target)
    assert "Bob Manager > Sam Stranger > Bob Smith" in [spelled(p) for p in paths]
    assert index_for(world.acme.pk).loads == 1


def test_a_network_of_a_member_the_index_has_not_heard_of_stays_private(net):
    from warmline.core.models import Membership, User
    from warmline.network.models import GraphChange

    world, priya, target, dan = net
    queries.person_paths(world.acme, world.bob, target)
    user = User.objects.create(email="erin@acme.test", full_name="Erin Private")
    erin = Membership.objects.create(workspace=world.acme, user=user, role="rep", network_sharing=Sharing.PRIVATE)
    GraphChange.objects.filter(members=True).delete()  # as if that note were not committed yet
    services.record_tie(erin, ensure_person_for(erin), target, kind="friend")
    assert "Erin Private > Bob Smith" not in [spelled(p) for p in queries.person_paths(world.acme, world.bob, target)]
    assert "Erin Private > Bob Smith" in [spelled(p) for p in queries.person_paths(world.acme, erin, target)]


def test_a_declined_path_makes_the_next_one_the_suggestion(net):
    world, priya, target, dan = net
    paths = queries.person_paths(world.acme, world.bob, target)
    first, second = (tuple(h.person.pk for h in p.hops) for p in paths[:2])
    declined = queries.person_paths(world.acme, world.bob, target, statuses={first: queries.DECLINED})
    assert [(p.status, p.suggested) for p in declined[:2]] == [(queries.DECLINED, False), (queries.NOT_ASKED, True)]
    pending = queries.person_paths(world.acme, world.bob, target,
                                   statuses={first: queries.DECLINED, second: queries.PENDING})
    assert not any(p.suggested for p in pending)  # an ask is under way: nothing to suggest yet
