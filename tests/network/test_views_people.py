"""The people list: counts, search, filters, who on the team knows each person, paging, adding someone."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from warmline.network import services
from warmline.network.models import Person, Relationship


def add(actor, first, last, **fields):
    return services.save_person(actor, None, first_name=first, last_name=last, **fields)


@pytest.fixture
def people(world):
    """Three outside people; Bob knows Jane well (met twice) and Rita only on LinkedIn-like terms."""
    jane = add(world.alice, "Jane", "Doe", title="VP Finance", company="Initech", emails=["jane@initech.example"],
               country="France")
    rita = add(world.alice, "Rita", "Moreau", title="Procurement Director", company="Globex", country="Germany")
    omar = add(world.alice, "Omar", "Haddad", title="Engineer", company="Globex", country="Germany")
    bob = services.ensure_person_for(world.bob)
    services.record_tie(world.bob, bob, jane, kind="former_colleague", how_they_know="Worked together at Initech")
    services.record_tie(world.carol, services.ensure_person_for(world.carol), jane, kind="friend")
    services.record_tie(world.bob, bob, rita, kind="social")
    return {"jane": jane, "rita": rita, "omar": omar}


def rows(html):
    return html.split("<tbody>")[1].split("</tbody>")[0]


def test_it_lists_people_with_who_knows_them_and_their_best_strength(world, people):
    html = world.client_for(world.alice).get("/network/").content.decode()
    table = rows(html)
    assert table.index("Jane Doe") < table.index("Omar Haddad") < table.index("Rita Moreau")
    jane_row = table.split("Jane Doe")[1].split("</tr>")[0]
    assert "VP Finance" in jane_row and "Initech" in jane_row and "VP" in jane_row
    assert "Bob Manager" in jane_row and "Carol Rep" in jane_row
    jane = people["jane"]
    best = max(r.strength for r in Relationship.objects.filter(Q(person_a=jane) | Q(person_b=jane)))
    assert f"{best:.2f}" in jane_row
    omar_row = table.split("Omar Haddad")[1].split("</tr>")[0]
    assert "Bob Manager" not in omar_row


def test_it_shows_the_counts_of_the_network_at_the_top(world, people):
    html = world.client_for(world.carol).get("/network/").content.decode()
    stats = html.split('class="grid stats-4"')[1].split("</div>\n\n")[0]
    # Five people (three outside, Bob and Carol), three companies (Acme, Initech, Globex), three ties.
    assert '<div class="value">5</div><div class="label">people</div>' in stats
    assert '<div class="value">3</div><div class="label">companies</div>' in stats
    assert '<div class="value">3</div><div class="label">relationships</div>' in stats
    assert '<div class="value">0</div><div class="label">possible duplicates to review</div>' in stats


@pytest.mark.parametrize("q,found", [
    ("jane", {"Jane Doe"}),
    ("procurement", {"Rita Moreau"}),
    ("globex", {"Rita Moreau", "Omar Haddad"}),
    ("jane@initech", {"Jane Doe"}),
    ("nobody", set()),
])
def test_it_searches_by_name_title_company_and_email(world, people, q, found):
    html = world.client_for(world.alice).get("/network/", {"q": q}).content.decode()
    shown = {name for name in ("Jane Doe", "Rita Moreau", "Omar Haddad") if name in html}
    assert shown == found
    if not found:
        assert "Nobody matches" in html


def test_it_filters_by_company_seniority_known_by_and_country(world, people):
    client = world.client_for(world.alice)
    globex = people["rita"].company.public_id

    def names(**params):
        html = client.get("/network/", params).content.decode()
        return {n for n in ("Jane Doe", "Rita Moreau", "Omar Haddad") if n in html.split('id="people-results"')[1]}

    assert names(company=globex) == {"Rita Moreau", "Omar Haddad"}
    assert names(seniority="vp") == {"Jane Doe"}
    assert names(known_by=world.bob.public_id) == {"Jane Doe", "Rita Moreau"}
    assert names(known_by=world.carol.public_id) == {"Jane Doe"}
    assert names(country="Germany") == {"Rita Moreau", "Omar Haddad"}
    assert names(company=globex, known_by=world.bob.public_id) == {"Rita Moreau"}
    # A stale filter value is dropped, not an error.
    assert names(company="no-such-company") == {"Jane Doe", "Rita Moreau", "Omar Haddad"}


def test_it_offers_the_filters_that_make_sense(world, people):
    html = world.client_for(world.alice).get("/network/").content.decode()
    assert '<option value="Germany">Germany</option>' in html and '<option value="France">France</option>' in html
    assert f'<option value="{world.bob.public_id}">Bob Manager</option>' in html
    # Alice has no person in the graph yet: she knows nobody, so she is not offered.
    assert f'<option value="{world.alice.public_id}">' not in html


def test_it_pages_fifty_people_at_a_time(world):
    for i in range(55):
        add(world.alice, "Person", f"Number {i:02d}")
    client = world.client_for(world.alice)
    first = client.get("/network/").content.decode()
    assert rows(first).count("<tr>") == 50 and "showing 1–50" in first and "Page 1 of 2" in first
    second = client.get("/network/", {"page": 2}).content.decode()
    assert rows(second).count("<tr>") == 5 and "Number 54" in second and "Number 00" not in second


def test_it_points_an_empty_network_to_the_import_page(world):
    html = world.client_for(world.carol).get("/network/").content.decode()
    assert "Your network is empty" in html
    assert 'href="/network/imports/">Import contacts</a>' in html


def test_it_adds_a_person(world):
    client = world.client_for(world.carol)
    response = client.post("/network/people/new/", {
        "first_name": "Bob", "last_name": "Smith", "title": "Chief Financial Officer", "company": "Acme Corp",
        "emails": "bob@acmecorp.example\nbobby@acmecorp.example", "linkedin_url": "https://www.linkedin.com/in/bob-smith",
    })
    bob = Person.objects.get(full_name="Bob Smith")
    assert response.status_code == 302 and response["Location"] == f"/network/people/{bob.public_id}/"
    assert bob.company.name == "Acme Corp" and bob.seniority == "c_level" and bob.listed
    assert sorted(bob.emails.values_list("email", flat=True)) == ["bob@acmecorp.example", "bobby@acmecorp.example"]
    assert bob.created_by == world.carol.user


def test_it_shows_what_is_wrong_next_to_the_field(world, people):
    client = world.client_for(world.carol)
    html = client.post("/network/people/new/", {"first_name": "Jo", "emails": "jane@initech.example"}).content.decode()
    emails_block = html.split('for="id_emails"')[1].split("</div>")[0]
    assert "jane@initech.example already belongs to another person." in emails_block
    html = client.post("/network/people/new/", {"first_name": "Jo", "linkedin_url": "https://example.com/jo"}).content.decode()
    assert "is not a LinkedIn profile address" in html.split('for="id_linkedin_url"')[1].split("</div>")[0]
    html = client.post("/network/people/new/", {"title": "Nameless"}).content.decode()
    assert "A person needs a name." in html
    assert Person.objects.filter(first_name="Jo").count() == 0


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(world, n):
    bob = services.ensure_person_for(world.bob)
    for i in range(n):
        person = add(world.alice, "Grown", f"Person {Person.objects.count()}", company=f"Company {i % 3}",
                     country="Spain")
        services.record_tie(world.bob, bob, person, kind="friend")


def test_it_lists_people_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.carol)
    _grow(world, 2)
    with django_assert_num_queries(22):
        assert client.get("/network/").status_code == 200
    _grow(world, 18)
    with django_assert_num_queries(22):
        assert rows(client.get("/network/").content.decode()).count("Bob Manager") >= 20
    assert _queries(client, f"/network/?q=grown&known_by={world.bob.public_id}") == 24
