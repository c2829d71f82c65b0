"""Hand-recorded ties, interactions, ratings and employment history, and the strength they give."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from warmline.network import services
from warmline.network.models import Company, Person, Relationship

TODAY = timezone.now().date()


def _person(world, first, last, company=None):
    return services.save_person(world.alice, None, first_name=first, last_name=last,
                                **({"company": company} if company else {}))


def test_it_records_a_tie_between_two_outside_people_with_how_they_know(world):
    priya, bob = _person(world, "Priya", "Shah"), _person(world, "Bob", "Smith")
    tie = services.record_tie(world.carol, priya, bob, kind="friend", how_they_know="CFO round-table")
    assert (tie.kind, tie.owner_id, tie.how_they_know) == ("friend", None, "CFO round-table")
    assert tie.evidence.get().source == "manual"
    assert 0.3 < tie.strength < 0.6


def test_it_makes_interactions_evidence_that_strengthens_with_frequency_and_fades_with_age(world):
    dev = _person(world, "Dev", "Rao")
    services.log_interaction(world.carol, dev, kind="meeting", occurred_on=TODAY - datetime.timedelta(days=400))
    tie = Relationship.objects.get()
    old = tie.strength
    for days in (3, 10, 20):
        services.log_interaction(world.carol, dev, kind="call", occurred_on=TODAY - datetime.timedelta(days=days))
    tie.refresh_from_db()
    assert tie.strength > old
    assert tie.owner_id == world.carol.pk
    assert tie.evidence.count() == 4


def test_it_refuses_an_interaction_in_the_future(world):
    dev = _person(world, "Dev", "Rao")
    with pytest.raises(ValidationError) as raised:
        services.log_interaction(world.carol, dev, kind="call", occurred_on=TODAY + datetime.timedelta(days=9))
    assert "occurred_on" in raised.value.message_dict


def test_it_lets_only_the_owner_rate_and_the_rating_overrides_the_evidence(world):
    dev = _person(world, "Dev", "Rao")
    services.log_interaction(world.carol, dev, kind="meeting", occurred_on=TODAY)
    tie = Relationship.objects.get()
    with pytest.raises(PermissionDenied):
        services.rate_relationship(world.bob, tie, 5)
    services.rate_relationship(world.carol, tie, 1)
    tie.refresh_from_db()
    assert tie.strength == pytest.approx(0.2)
    assert "Carol Rep" in tie.strength_reason
    services.rate_relationship(world.carol, tie, None)
    tie.refresh_from_db()
    assert tie.strength != pytest.approx(0.2)


def test_it_turns_overlapping_employment_into_shared_employer_ties(world):
    initech = Company.objects.create(workspace=world.acme, name="Initech", name_key="initech")
    dana, priya, late = _person(world, "Dana", "Lee"), _person(world, "Priya", "Shah"), _person(world, "Al", "Late")
    services.record_employment(world.alice, dana, initech, started_on=datetime.date(2019, 1, 1),
                               ended_on=datetime.date(2022, 6, 30))
    services.record_employment(world.alice, priya, initech, started_on=datetime.date(2018, 3, 1))
    services.record_employment(world.alice, late, initech, started_on=datetime.date(2023, 1, 1))
    ties = {frozenset((r.person_a_id, r.person_b_id)): r for r in Relationship.objects.all()}
    dana_priya = ties[frozenset((dana.pk, priya.pk))]
    assert dana_priya.kind == "former_colleague"
    evidence = dana_priya.evidence.get()
    assert evidence.months == 41
    assert evidence.detail == "Initech"  # the strength rules say the years
    assert "orked together at Initech for 3 years, until 2022" in dana_priya.strength_reason
    assert frozenset((dana.pk, late.pk)) not in ties  # Al joined after Dana left
    assert ties[frozenset((priya.pk, late.pk))].kind == "colleague"  # both still there


def test_it_keeps_company_domains_and_names_unique(world):
    services.save_company(world.alice, None, name="Acme, Inc.", domain="https://www.acme.com/")
    with pytest.raises(ValidationError) as raised:
        services.save_company(world.alice, None, name="Other", domain="acme.com")
    assert "domain" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.save_company(world.alice, None, name="Hooli")
        services.save_company(world.alice, None, name="HOOLI inc")


def test_it_validates_a_person_s_emails_and_linkedin_profile(world):
    with pytest.raises(ValidationError) as raised:
        services.save_person(world.alice, None, first_name="A", last_name="B", emails=["nope"])
    assert "emails" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.save_person(world.alice, None, first_name="A", last_name="B", linkedin_url="https://x.com/a")
    assert "linkedin_url" in raised.value.message_dict
    assert Person.objects.count() == 0
