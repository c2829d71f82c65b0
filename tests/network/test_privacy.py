"""Each employee's sharing choice decides what colleagues see of their imported network."""

import pytest
from django.http import Http404

from warmline.network import queries, services

from .builders import linkedin_csv, run_import


@pytest.fixture
def bobs_network(world):
    run_import(world.alice, "linkedin", linkedin_csv([
        ("Secret", "Contact", "https://www.linkedin.com/in/secret", "secret@x.co", "Initech", "CFO", "01 Jan 2024"),
    ]), owner=world.bob)
    return world.bob.person if hasattr(world.bob, "person") else services.ensure_person_for(world.bob)


def _contact(world):
    from warmline.network.models import Person

    return Person.objects.get(linkedin_slug="secret")


def test_it_shows_a_shared_network_in_full(world, bobs_network):
    person = queries.access_person(world.carol, _contact(world).public_id)
    assert person.details_visible
    network = queries.network_of(world.carol, person)
    assert [t.disclosure for t in network.known_by] == ["full"]
    assert network.known_by[0].evidence


def test_it_shows_only_that_a_path_exists_for_an_existence_only_network(world, bobs_network):
    services.set_network_sharing(world.bob, "existence")
    person = queries.access_person(world.carol, _contact(world).public_id)
    assert not person.details_visible
    network = queries.network_of(world.carol, person)
    assert [t.disclosure for t in network.known_by] == ["existence"]
    assert network.known_by[0].evidence == []


def test_it_hides_a_private_network_everywhere(world, bobs_network):
    services.set_network_sharing(world.bob, "private")
    contact = _contact(world)
    with pytest.raises(Http404):
        queries.access_person(world.carol, contact.public_id)
    assert not queries.search_people(world.carol, q="Secret").exists()
    assert queries.network_counts(world.carol)["relationships"] == 0
    # Bob still sees his own network, and an admin sees no more than anyone else.
    assert queries.access_person(world.bob, contact.public_id).details_visible
    assert not queries.search_people(world.alice, q="Secret").exists()


def test_it_follows_the_workspace_default_until_the_employee_chooses(world, bobs_network):
    services.set_workspace_sharing(world.alice, "private")
    world.carol.workspace.refresh_from_db()
    assert not queries.search_people(world.carol, q="Secret").exists()
    services.set_network_sharing(world.bob, "share")
    assert queries.search_people(world.carol, q="Secret").exists()


def test_it_lists_a_person_known_another_way_even_if_a_network_is_private(world, bobs_network):
    from .builders import csv_bytes

    services.set_network_sharing(world.bob, "private")
    run_import(world.alice, "hubspot", csv_bytes(["Record ID", "First Name", "Last Name", "Email"],
                                                 [["1", "Secret", "Contact", "secret@x.co"]]))
    person = queries.access_person(world.carol, _contact(world).public_id)
    assert person.details_visible
    assert queries.network_of(world.carol, person).known_by == []  # Bob's tie stays private


def test_it_keeps_colleagues_from_changing_a_relationship_they_may_not_see(world, bobs_network):
    from django.core.exceptions import PermissionDenied

    from warmline.network.models import Relationship

    services.set_network_sharing(world.bob, "existence")
    tie = Relationship.objects.get()
    bob = services.ensure_person_for(world.bob)
    with pytest.raises(PermissionDenied):
        services.record_tie(world.carol, bob, _contact(world), kind="friend", how_they_know="a guess")
    tie.refresh_from_db()
    assert (tie.kind, tie.how_they_know, tie.evidence.count()) == ("social", "", 1)
