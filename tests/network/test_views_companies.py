"""Companies: the list with search and filters, a company's page with who we know there, adding and editing."""

import datetime

import pytest

from warmline.network import services
from warmline.network.models import Company
from warmline.referrals import services as referrals
from warmline.referrals.models import Stage


def add(actor, first, last, **fields):
    return services.save_person(actor, None, first_name=first, last_name=last, **fields)


@pytest.fixture
def companies(world):
    initech = services.save_company(world.alice, None, name="Initech", domain="initech.example", industry="Software",
                                    employee_count=350, city="Austin", country="United States",
                                    tags=["target account"])
    globex = services.save_company(world.alice, None, name="Globex", domain="globex.example", industry="Energy",
                                   employee_count=12000, country="Germany")
    umbrella = services.save_company(world.alice, None, name="Umbrella", industry="Software", country="Germany")
    return {"initech": initech, "globex": globex, "umbrella": umbrella}


def names(html, candidates=("Initech", "Globex", "Umbrella")):
    results = html.split('id="company-results"')[1]
    return {name for name in candidates if f">{name}</a>" in results}


def test_it_lists_companies_with_their_details_and_people_count(world, companies):
    for first in ("Jane", "John"):
        add(world.alice, first, "Doe", company=companies["initech"])
    html = world.client_for(world.carol).get("/network/companies/").content.decode()
    row = html.split(">Initech</a>")[1].split("</tr>")[0]
    for cell in ("initech.example", "Software", "201–500", "Austin, United States"):
        assert cell in row
    assert f'href="/network/?company={companies["initech"].public_id}">2</a>' in row
    assert "target account" in row


@pytest.mark.parametrize("params,found", [
    ({"q": "glob"}, {"Globex"}),
    ({"q": "initech.example"}, {"Initech"}),
    ({"industry": "Software"}, {"Initech", "Umbrella"}),
    ({"size_band": "10001+"}, {"Globex"}),
    ({"country": "Germany"}, {"Globex", "Umbrella"}),
    ({"industry": "Software", "country": "Germany"}, {"Umbrella"}),
])
def test_it_searches_and_filters_companies(world, companies, params, found):
    html = world.client_for(world.carol).get("/network/companies/", params).content.decode()
    assert names(html) == found


def test_it_offers_the_industries_and_countries_there_are(world, companies):
    html = world.client_for(world.carol).get("/network/companies/").content.decode()
    assert '<option value="Energy">Energy</option>' in html and '<option value="Software">Software</option>' in html
    assert '<option value="United States">United States</option>' in html


def test_it_maps_who_we_know_at_a_company(world, companies):
    initech = companies["initech"]
    jane = add(world.alice, "Jane", "Doe", title="VP Finance", company=initech)
    add(world.alice, "John", "Roe", title="Engineer", company=initech, function="Engineering")
    rita = add(world.alice, "Rita", "Moreau", title="CTO", company=initech)
    services.record_tie(world.bob, services.ensure_person_for(world.bob), jane, kind="friend")
    services.record_tie(world.carol, services.ensure_person_for(world.carol), jane, kind="client_contact")
    services.record_tie(world.carol, services.ensure_person_for(world.carol), rita, kind="former_colleague")

    html = world.client_for(world.alice).get(f"/network/companies/{initech.public_id}/").content.decode()
    assert "<h1>Initech</h1>" in html and "target account" in html and "350 employees" in html
    assert "<strong>2 of 3 people</strong> reachable through <strong>2 employees</strong>" in html
    jane_row = html.split(">Jane Doe</a>")[1].split("</tr>")[0]
    assert "Bob Manager" in jane_row and "Carol Rep" in jane_row and "client contact" in jane_row
    john_row = html.split(">John Roe</a>")[1].split("</tr>")[0]
    assert "nobody yet" in john_row and "Engineering" in john_row


def test_it_adds_a_company_with_tags(world):
    response = world.client_for(world.carol).post("/network/companies/new/", {
        "name": "Hooli", "domain": "https://www.hooli.example/", "industry": "Software", "employee_count": "800",
        "tags": "target account, fintech,  , Fintech",
    })
    hooli = Company.objects.get(name="Hooli")
    assert response.status_code == 302 and response["Location"] == f"/network/companies/{hooli.public_id}/"
    assert (hooli.domain, hooli.size_band) == ("hooli.example", "501-1000")
    assert hooli.tags == ["Fintech", "fintech", "target account"]


def test_it_edits_a_company_and_shows_a_clash_next_to_the_field(world, companies):
    client = world.client_for(world.carol)
    initech = companies["initech"]
    form = client.get(f"/network/companies/{initech.public_id}/edit/").content.decode()
    assert 'value="target account"' in form and 'value="initech.example"' in form
    html = client.post(f"/network/companies/{initech.public_id}/edit/", {
        "name": "Initech", "domain": "globex.example",
    }).content.decode()
    assert "Another company already has the domain globex.example." in html.split('for="id_domain"')[1].split("</div>")[0]
    response = client.post(f"/network/companies/{initech.public_id}/edit/", {
        "name": "Initech Inc", "domain": "initech.example", "industry": "Fintech", "size_band": "51-200", "tags": "",
    })
    assert response.status_code == 302
    initech.refresh_from_db()
    assert (initech.name, initech.industry, initech.size_band, initech.tags) == ("Initech Inc", "Fintech", "51-200", [])


def _grow(world, n):
    bob = services.ensure_person_for(world.bob)
    for i in range(n):
        company = services.save_company(world.alice, None, name=f"Company {Company.objects.count()}",
                                        industry=f"Industry {i % 3}", country="Spain", tags=["a", "b"])
        person = add(world.alice, "Person", f"At {company.name}", company=company)
        services.record_tie(world.bob, bob, person, kind="friend")


def test_it_lists_companies_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.carol)
    _grow(world, 2)
    with django_assert_num_queries(10):
        assert client.get("/network/companies/").status_code == 200
    _grow(world, 18)
    with django_assert_num_queries(10):
        assert client.get("/network/companies/").content.decode().count("Company ") >= 20


def test_it_maps_a_company_in_constant_queries(world, django_assert_num_queries):
    client = world.client_for(world.carol)
    target = services.save_company(world.alice, None, name="Target")
    employees = [services.ensure_person_for(m) for m in (world.alice, world.bob, world.carol)]

    def grow(n):
        for i in range(n):
            person = add(world.alice, "Person", f"{Company.objects.count()}-{i}", company=target)
            services.record_tie(world.bob, employees[i % 3], person, kind="friend")
            # Its timeline grows too: introductions of its people, a move, notes, interactions.
            introduced = referrals.record_referral(world.carol, source=employees[0], prospect=person)
            referrals.move_referral(world.carol, introduced, Stage.objects.get(workspace=world.acme, name="Contacted"))
            referrals.add_note(world.carol, f"Note {i}", company=target)
            services.log_interaction(world.carol, person, kind="meeting", occurred_on=datetime.date(2026, 1, 5))

    grow(2)
    with django_assert_num_queries(25):
        assert client.get(f"/network/companies/{target.public_id}/").status_code == 200
    grow(18)
    with django_assert_num_queries(25):
        assert "<strong>20 of 20 people</strong>" in client.get(f"/network/companies/{target.public_id}/").content.decode()
