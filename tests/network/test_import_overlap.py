"""Two employees' exports that share contacts: one Person per contact, one relationship per employee."""

from warmline.network.choices import RelationshipKind
from warmline.network.models import Evidence, Person, Relationship
from warmline.network.services import ensure_person_for

from .builders import contact, linkedin_csv, run_import


def test_it_creates_each_shared_person_once_with_two_relationships(world):
    # 100 contacts each, 40 of them shared.
    bob_rows = [contact(i) for i in range(100)]
    carol_rows = [contact(i) for i in range(60, 160)]
    first = run_import(world.alice, "linkedin", linkedin_csv(bob_rows), owner=world.bob)
    second = run_import(world.alice, "linkedin", linkedin_csv(carol_rows), owner=world.carol)

    assert (first.people_created, first.people_matched, first.relationships_created) == (100, 0, 100)
    assert (second.people_created, second.people_matched, second.relationships_created) == (60, 40, 100)
    contacts = Person.objects.filter(workspace=world.acme, membership__isnull=True)
    assert contacts.count() == 160
    bob, carol = ensure_person_for(world.bob), ensure_person_for(world.carol)
    shared = Person.objects.get(linkedin_slug="person-70")
    ties = Relationship.objects.filter(person_b=shared) | Relationship.objects.filter(person_a=shared)
    assert {r.other(shared.pk) for r in ties} == {bob.pk, carol.pk}
    assert {r.kind for r in ties} == {RelationshipKind.SOCIAL}
    assert {r.owner_id for r in ties} == {world.bob.pk, world.carol.pk}


def test_it_creates_nothing_when_the_same_file_is_imported_again(world):
    data = linkedin_csv([contact(i) for i in range(30)])
    run_import(world.alice, "linkedin", data, owner=world.bob)
    counts = (Person.objects.count(), Relationship.objects.count(), Evidence.objects.count())

    again = run_import(world.alice, "linkedin", data, owner=world.bob)

    assert (again.people_created, again.companies_created, again.relationships_created,
            again.relationships_updated) == (0, 0, 0, 0)
    assert again.people_matched == 30
    assert (Person.objects.count(), Relationship.objects.count(), Evidence.objects.count()) == counts
    assert again.headline().startswith("Nothing new")


def test_it_gives_a_linkedin_connection_a_weak_strength_with_a_reason(world):
    run_import(world.alice, "linkedin", linkedin_csv([contact(1)]), owner=world.bob)
    relationship = Relationship.objects.get()
    assert 0 < relationship.strength < 0.3
    assert "LinkedIn" in relationship.strength_reason
    evidence = relationship.evidence.get()
    assert (evidence.source, str(evidence.on)) == ("linkedin", "2025-12-26")


def test_it_keeps_each_workspace_apart(world):
    data = linkedin_csv([contact(i) for i in range(5)])
    run_import(world.alice, "linkedin", data, owner=world.bob)
    other = run_import(world.charlie, "linkedin", data, owner=world.charlie)
    assert other.people_created == 5
    assert Person.objects.filter(workspace=world.bravo, membership__isnull=True).count() == 5


def test_it_counts_people_companies_and_relationships_in_stats(world):
    import io
    import json

    from django.core.management import call_command

    run_import(world.alice, "linkedin", linkedin_csv([contact(i) for i in range(4)]), owner=world.bob)
    out = io.StringIO()
    call_command("stats", "--json", "--workspace", "acme", stdout=out)
    counts = json.loads(out.getvalue())["workspaces"][0]["counts"]
    # Bob's own Person is in the graph too; his company is the workspace's own.
    assert (counts["people"], counts["companies"], counts["relationships"]) == (5, 2, 4)


def test_a_statistics_refresh_that_fails_leaves_the_committed_import_done(world, monkeypatch):
    from django.db import OperationalError

    from warmline.network import importing
    from warmline.network.models import ImportRun

    def locked(cursor):
        raise OperationalError("database is locked")

    monkeypatch.setattr(importing, "_analyze", locked)
    summary = run_import(world.alice, "linkedin", linkedin_csv([contact(1)]), owner=world.bob)
    assert summary.people_created == 1
    assert ImportRun.objects.get().status == "done"
