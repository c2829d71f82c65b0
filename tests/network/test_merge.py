"""Merging two records of one person, and undoing it exactly."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from warmline.network import services
from warmline.network.models import Evidence, Interaction, MatchCandidate, Person, PersonEmail, Relationship


def _state():
    return (
        sorted(Relationship.objects.values_list("pk", "person_a", "person_b", "kind", "strength")),
        sorted(Evidence.objects.values_list("pk", "relationship", "source", "key")),
        sorted(PersonEmail.objects.values_list("email", "person")),
        sorted(Interaction.objects.values_list("pk", "person")),
        sorted(Person.objects.values_list("pk", "linkedin_slug", "merged_into", "title")),
    )


@pytest.fixture
def twins(world):
    """Two records of Jo Park: both known by Carol, one also by Bob, one tied to Ann."""
    jo1 = services.save_person(world.alice, None, first_name="Jo", last_name="Park", emails=["jo@initech.com"],
                               linkedin_url="https://www.linkedin.com/in/jopark")
    jo2 = services.save_person(world.alice, None, first_name="Joanne", last_name="Park", title="CFO",
                               emails=["joanne@gmail.com"])
    ann = services.save_person(world.alice, None, first_name="Ann", last_name="Lee")
    today = timezone.now().date()
    services.log_interaction(world.carol, jo1, kind="call", occurred_on=today)
    services.log_interaction(world.carol, jo2, kind="meeting", occurred_on=today - datetime.timedelta(days=5))
    services.log_interaction(world.bob, jo2, kind="email", occurred_on=today)
    services.record_tie(world.alice, jo2, ann, kind="friend", how_they_know="Neighbours")
    services.record_tie(world.alice, jo1, jo2, kind="colleague")  # the duplicate "knows" itself
    a, b = sorted((jo1.pk, jo2.pk))
    pair = MatchCandidate.objects.create(workspace=world.acme, person_a_id=a, person_b_id=b, score=85,
                                         reasons=["same last name"])
    return jo1, jo2, ann, pair


def test_it_folds_everything_into_the_kept_person(world, twins):
    jo1, jo2, ann, pair = twins
    merge = services.merge_candidate(world.alice, pair, keep=jo1)

    jo2.refresh_from_db()
    assert jo2.merged_into_id == jo1.pk
    assert set(PersonEmail.objects.filter(person=jo1).values_list("email", flat=True)) == {
        "jo@initech.com", "joanne@gmail.com"}
    carol_person = world.carol.person
    carol_tie = Relationship.objects.get(person_a=min(carol_person.pk, jo1.pk), person_b=max(carol_person.pk, jo1.pk))
    assert carol_tie.evidence.count() == 2  # the call with jo1 and the meeting with jo2
    assert Relationship.objects.filter(person_a__in=[jo1.pk, ann.pk], person_b__in=[jo1.pk, ann.pk]).exists()
    assert not Relationship.objects.filter(person_a=jo2).exists() and not Relationship.objects.filter(
        person_b=jo2).exists()
    jo1.refresh_from_db()
    assert jo1.title == "CFO"  # filled from the merged record
    pair.refresh_from_db()
    assert pair.status == "merged"
    assert merge.journal["folded"] and merge.journal["deleted"]


def test_it_undoes_a_merge_back_to_the_exact_previous_state(world, twins):
    jo1, jo2, ann, pair = twins
    before = _state()
    merge = services.merge_candidate(world.alice, pair, keep=jo2)
    assert _state() != before

    services.undo_merge(world.alice, merge)

    after = _state()
    assert after[:4] == before[:4]
    assert after[4] == before[4]
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(ValidationError):
        services.undo_merge(world.alice, merge)


def test_it_keeps_a_pair_apart(world, twins):
    *_, pair = twins
    services.keep_apart(world.alice, pair)
    pair.refresh_from_db()
    assert pair.status == "kept_apart"
    with pytest.raises(ValidationError):
        services.merge_candidate(world.alice, pair)


def test_it_refuses_to_merge_two_users(world):
    bob, carol = services.ensure_person_for(world.bob), services.ensure_person_for(world.carol)
    with pytest.raises(ValidationError):
        services.merge_people(world.acme, kept_id=bob.pk, merged_id=carol.pk, actor=world.alice)
