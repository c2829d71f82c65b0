"""A person's page: details, who on the team knows them, whom they know, and the forms that add to the graph."""

import datetime

import pytest
from django.db.models import Q
from django.utils.html import escape

from warmline.network import services
from warmline.network.models import Employment, Evidence, Interaction, Person, Relationship
from warmline.referrals import services as referrals
from warmline.referrals.models import Stage


def add(actor, first, last, **fields):
    return services.save_person(actor, None, first_name=first, last_name=last, **fields)


@pytest.fixture
def jane(world):
    jane = add(world.alice, "Jane", "Doe", title="VP Finance", company="Initech", emails=["jane@initech.example"],
               phone="+33 1 23 45 67 89", linkedin_url="https://www.linkedin.com/in/jane-doe", city="Lyon",
               country="France", notes="Prefers email.")
    bob = services.ensure_person_for(world.bob)
    services.record_tie(world.bob, bob, jane, kind="former_colleague", how_they_know="Worked together at Initech",
                        on=datetime.date(2024, 5, 2))
    return jane


def page(world, who, person):
    response = world.client_for(getattr(world, who)).get(f"/network/people/{person.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, heading_id):
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_it_shows_the_person_with_their_contact_details(world, jane):
    html = page(world, "carol", jane)
    assert "<h1>Jane Doe</h1>" in html and "VP Finance" in html and "Initech" in html and "Lyon, France" in html
    for detail in ("jane@initech.example", "+33 1 23 45 67 89", "https://www.linkedin.com/in/jane-doe", "Prefers email."):
        assert detail in html
    assert f'href="/network/people/{jane.public_id}/edit/"' in html


def test_it_shows_who_on_the_team_knows_them_with_strength_reason_and_evidence(world, jane):
    html = section(page(world, "carol", jane), "known-by-heading")
    relationship = Relationship.objects.get()
    assert "Bob Manager" in html and "Former colleague" in html
    assert f"{relationship.strength:.2f}" in html and escape(relationship.strength_reason) in html
    assert "Worked together at Initech" in html
    assert "Recorded by hand" in html and "2 May 2024" in html


def test_it_lists_the_people_they_know_with_how_many_there_are(world, jane):
    for i in range(3):
        services.record_tie(world.alice, jane, add(world.alice, "Friend", f"Number {i}"), kind="friend")
    html = section(page(world, "carol", jane), "knows-heading")
    assert "Showing 3 of 3" in html
    assert all(f"Friend Number {i}" in html for i in range(3))
    assert "Bob Manager" not in html  # employees are listed above, under who knows them


def test_it_logs_an_interaction_that_strengthens_the_tie(world, jane):
    client = world.client_for(world.carol)
    response = client.post(f"/network/people/{jane.public_id}/interactions/", {
        "interaction-kind": "meeting", "interaction-occurred_on": "2025-01-15", "interaction-summary": "Coffee in Lyon",
    })
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert (interaction.membership, interaction.kind, interaction.summary) == (world.carol, "meeting", "Coffee in Lyon")
    carol = Person.objects.get(membership=world.carol)
    assert Relationship.objects.filter(Q(person_a=carol, person_b=jane) | Q(person_a=jane, person_b=carol)).exists()
    html = page(world, "carol", jane)
    assert "Coffee in Lyon" in section(html, "timeline-heading")
    assert "Carol Rep" in section(html, "known-by-heading")


def test_it_refuses_an_interaction_in_the_future_next_to_the_date(world, jane):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    html = world.client_for(world.carol).post(f"/network/people/{jane.public_id}/interactions/", {
        "interaction-kind": "call", "interaction-occurred_on": future,
    }).content.decode()
    assert "An interaction cannot be in the future." in html.split('for="id_interaction-occurred_on"')[1].split("</div>")[0]
    assert not Interaction.objects.exists()


def test_it_suggests_people_to_pick_as_the_one_they_know(world, jane):
    rita = add(world.alice, "Rita", "Moreau", company="Globex")
    add(world.alice, "Rita", "Hayworth")
    client = world.client_for(world.carol)
    html = client.get("/network/people/suggestions/", {"other_name": "rita", "exclude": jane.public_id}).content.decode()
    assert f'value="{rita.public_id}"' in html and "Rita Hayworth" in html and 'type="radio" name="other"' in html
    html = client.get("/network/people/suggestions/", {"other_name": "jane", "exclude": jane.public_id}).content.decode()
    assert jane.public_id not in html and "Nobody called “jane” yet" in html


def test_it_records_that_they_know_someone_picked_from_the_suggestions(world, jane):
    rita = add(world.alice, "Rita", "Moreau")
    response = world.client_for(world.carol).post(f"/network/people/{jane.public_id}/ties/", {
        "other_name": "rit", "other": rita.public_id, "kind": "partner", "how_they_know": "Board of the CFO club",
    })
    assert response.status_code == 302
    tie = Relationship.objects.get(Q(person_a=rita) | Q(person_b=rita))
    assert (tie.kind, tie.how_they_know, tie.owner) == ("partner", "Board of the CFO club", None)
    assert Evidence.objects.filter(relationship=tie, source="manual").exists()


def test_it_resolves_a_typed_name_when_only_one_person_matches(world, jane):
    rita = add(world.alice, "Rita", "Moreau")
    client = world.client_for(world.carol)
    response = client.post(f"/network/people/{jane.public_id}/ties/", {"other_name": "Rita Moreau", "kind": "friend"})
    assert response.status_code == 302
    assert Relationship.objects.filter(Q(person_a=rita) | Q(person_b=rita)).count() == 1


def test_it_asks_to_pick_when_a_typed_name_is_ambiguous_or_unknown(world, jane):
    first, second = add(world.alice, "Rita", "Moreau"), add(world.alice, "Rita", "Hayworth")
    client = world.client_for(world.carol)
    html = client.post(f"/network/people/{jane.public_id}/ties/", {"other_name": "Rita", "kind": "friend"}).content.decode()
    assert "2 people match “Rita”: pick one." in html
    assert f'value="{first.public_id}"' in html and f'value="{second.public_id}"' in html
    html = client.post(f"/network/people/{jane.public_id}/ties/", {"other_name": "Zed", "kind": "friend"}).content.decode()
    assert "Nobody called “Zed” is in the network yet." in html
    html = client.post(f"/network/people/{jane.public_id}/ties/", {"other": jane.public_id, "kind": "friend"}).content.decode()
    assert "cannot have a relationship with themselves" in html
    assert Relationship.objects.count() == 1  # Bob's, from the fixture


def test_it_lets_only_the_owner_rate_a_relationship(world, jane):
    tie = Relationship.objects.get()
    assert tie.owner == world.bob
    assert "Your rating" not in page(world, "carol", jane)
    assert "Your rating" in page(world, "bob", jane)

    response = world.client_for(world.carol).post(f"/network/relationships/{tie.public_id}/rating/", {"rating": "5"})
    assert response.status_code == 403
    tie.refresh_from_db()
    assert tie.manual_rating is None

    response = world.client_for(world.bob).post(
        f"/network/relationships/{tie.public_id}/rating/", {"rating": "4", "from": jane.public_id}
    )
    assert response.status_code == 302 and response["Location"] == f"/network/people/{jane.public_id}/"
    tie.refresh_from_db()
    assert (tie.manual_rating, tie.strength) == (4, 0.8)
    assert tie.strength_reason.startswith("Rated 4/5 by Bob Manager")
    assert "Rated 4/5 by Bob Manager" in page(world, "carol", jane)

    world.client_for(world.bob).post(f"/network/relationships/{tie.public_id}/rating/", {"rating": ""})
    tie.refresh_from_db()
    assert tie.manual_rating is None and tie.strength < 0.8


def test_it_adds_a_position_and_finds_former_colleagues(world, jane):
    rita = add(world.alice, "Rita", "Moreau")
    client = world.client_for(world.carol)
    response = client.post(f"/network/people/{jane.public_id}/positions/", {
        "position-company": "Umbrella", "position-title": "Controller",
        "position-started_on": "2015-01-01", "position-ended_on": "2019-06-30",
    })
    assert response.status_code == 302
    client.post(f"/network/people/{rita.public_id}/positions/", {
        "position-company": "umbrella", "position-started_on": "2017-03-01",
    })
    assert Employment.objects.filter(company__name="Umbrella").count() == 2
    tie = Relationship.objects.get(Q(person_a=rita) | Q(person_b=rita))
    assert tie.kind == "former_colleague"
    html = page(world, "carol", jane)
    assert "Controller" in section(html, "positions-heading") and "Rita Moreau" in section(html, "knows-heading")
    assert "orked together at Umbrella for 2 years, until 2019" in html


def test_it_refuses_a_position_that_ends_before_it_starts(world, jane):
    html = world.client_for(world.carol).post(f"/network/people/{jane.public_id}/positions/", {
        "position-company": "Umbrella", "position-started_on": "2019-01-01", "position-ended_on": "2018-01-01",
    }).content.decode()
    assert "A position cannot end before it starts." in html
    assert not Employment.objects.exists()


def test_it_edits_a_person(world, jane):
    client = world.client_for(world.carol)
    form = client.get(f"/network/people/{jane.public_id}/edit/").content.decode()
    assert "jane@initech.example" in form and 'value="Initech"' in form
    response = client.post(f"/network/people/{jane.public_id}/edit/", {
        "first_name": "Jane", "last_name": "Doe-Martin", "title": "CFO", "company": "Initech",
        "emails": "jane@initech.example, jdm@home.example", "country": "France",
    })
    assert response.status_code == 302
    jane.refresh_from_db()
    assert (jane.full_name, jane.seniority, jane.company.name) == ("Jane Doe-Martin", "c_level", "Initech")
    assert sorted(jane.emails.values_list("email", flat=True)) == ["jane@initech.example", "jdm@home.example"]


def test_it_leads_a_merged_persons_address_to_the_person_kept(world, jane):
    twin = add(world.alice, "Jane", "Doe")
    services.merge_people(world.acme, kept_id=jane.pk, merged_id=twin.pk, actor=world.alice)
    assert "<h1>Jane Doe</h1>" in page(world, "carol", twin)
    assert "jane@initech.example" in page(world, "carol", twin)


def _grow(world, jane, n):
    for i in range(n):
        other = add(world.alice, "Friend", f"{Relationship.objects.count()}", company=f"Company {i % 4}")
        services.record_tie(world.alice, jane, other, kind="friend", how_they_know="Met at a conference")
        services.log_interaction(world.bob, jane, kind="call", occurred_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))
        member_person = services.ensure_person_for(world.carol)
        services.record_tie(world.carol, member_person, other, kind="social")
        # Her timeline grows too: an ask, an introduction she made, its move, a note and a moment.
        asked = referrals.record_ask(world.carol, source=jane, target=other, channel="phone")
        introduced = referrals.record_referral(world.carol, ask=asked)
        referrals.move_referral(world.carol, introduced, Stage.objects.get(workspace=world.acme, name="Contacted"))
        referrals.add_note(world.carol, f"Note {i}", person=jane)
        referrals.log_moment(world.carol, jane, note=f"Thanks {i}")
    services.record_employment(world.alice, jane, services.resolve_company(world.acme, f"Employer {n}"),
                               started_on=datetime.date(2010, 1, 1))


def test_it_shows_a_person_in_constant_queries(world, jane, django_assert_num_queries):
    client = world.client_for(world.carol)
    _grow(world, jane, 2)
    with django_assert_num_queries(34):
        assert client.get(f"/network/people/{jane.public_id}/").status_code == 200
    _grow(world, jane, 18)
    with django_assert_num_queries(34):
        html = client.get(f"/network/people/{jane.public_id}/").content.decode()
    assert "Showing 20 of 20" in html and html.count('<li class="tie">') == 21  # Bob, and Jane's twenty friends
