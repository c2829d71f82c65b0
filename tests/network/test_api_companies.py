"""The company endpoints: add, change and find companies, and map who on our team knows their people."""

from warmline.network import services
from warmline.network.models import Company


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_it_adds_a_company_and_derives_its_size_band(world):
    response = _post(world.client_for(world.carol), "/api/v1/companies", {
        "name": "Globex", "domain": "https://www.Globex.test/about", "industry": "Software", "employee_count": 420,
        "tags": ["target", " target ", "emea"],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["domain"], body["size_band"], body["tags"]) == ("globex.test", "201-500", ["emea", "target"])
    assert body["company_map"] == {"people": [], "total": 0, "reachable": 0, "employees": 0, "coverage": 0.0}
    assert Company.objects.get(public_id=body["id"]).created_via == "api"


def test_it_names_every_field_it_rejects(world):
    client = world.client_for(world.alice)
    fields = _fields(_post(client, "/api/v1/companies", {
        "name": "x" * 201, "employee_count": -1, "size_band": "huge", "tags": "emea", "ceo": "Jane",
    }))
    assert set(fields) == {"name", "employee_count", "size_band", "tags", "ceo"}
    assert _fields(_post(client, "/api/v1/companies", {"industry": "Retail"})) == {"name": "A company needs a name."}
    assert set(_fields(_post(client, "/api/v1/companies", {"name": "Globex", "domain": "not a domain"}))) == {"domain"}


def test_it_refuses_a_second_company_with_the_same_domain_or_name(world):
    client = world.client_for(world.alice)
    _post(client, "/api/v1/companies", {"name": "Globex", "domain": "globex.test"})
    _post(client, "/api/v1/companies", {"name": "Initech"})
    assert set(_fields(_post(client, "/api/v1/companies", {"name": "Globex 2", "domain": "GLOBEX.test"}))) == {
        "domain"
    }
    assert set(_fields(_post(client, "/api/v1/companies", {"name": "Initech, Inc."}))) == {"name"}


def test_it_changes_only_the_fields_sent(world):
    client = world.client_for(world.alice)
    created = _post(client, "/api/v1/companies", {"name": "Globex", "industry": "Software"}).json()
    response = client.patch(f"/api/v1/companies/{created['id']}", {"country": "Germany"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    assert (response.json()["industry"], response.json()["country"]) == ("Software", "Germany")


def test_it_lists_and_filters_companies_with_a_count(world):
    client = world.client_for(world.alice)
    services.save_company(world.alice, None, name="Globex", industry="Software", country="Germany",
                          employee_count=30)
    services.save_company(world.alice, None, name="Initech", industry="Banking", domain="initech.test")
    everything = client.get("/api/v1/companies").json()
    assert everything["count"] == 2 and [c["name"] for c in everything["items"]] == ["Globex", "Initech"]

    def names(query):
        return [c["name"] for c in client.get(f"/api/v1/companies?{query}").json()["items"]]

    assert names("q=initech.test") == ["Initech"]
    assert names("industry=software") == ["Globex"]
    assert names("size_band=11-50") == ["Globex"]
    assert names("country=germany") == ["Globex"]
    assert names("limit=1&offset=1") == ["Initech"]
    assert set(_fields(client.get("/api/v1/companies?size_band=huge"))) == {"size_band"}


def test_it_maps_who_on_our_team_knows_the_companys_people(world):
    globex = services.save_company(world.alice, None, name="Globex")
    jane = services.save_person(world.alice, None, first_name="Jane", last_name="Doe", company=globex)
    services.save_person(world.alice, None, first_name="Sam", last_name="Roe", company=globex)
    bob = services.ensure_person_for(world.bob)
    services.record_tie(world.bob, bob, jane, kind="client_contact")
    body = world.client_for(world.carol).get(f"/api/v1/companies/{globex.public_id}").json()
    assert body["people_count"] == 2
    company_map = body["company_map"]
    assert (company_map["total"], company_map["reachable"], company_map["employees"], company_map["coverage"]) == (
        2, 1, 1, 0.5
    )
    entries = {e["person"]["full_name"]: e["known_by"] for e in company_map["people"]}
    assert entries["Sam Roe"] == []
    (known,) = entries["Jane Doe"]
    assert known["employee"]["member_id"] == world.bob.public_id
    assert known["disclosure"] == "full" and known["kind"] == "client_contact" and known["strength"] > 0


def test_it_answers_404_for_a_company_it_does_not_know(world):
    other = Company.objects.create(workspace=world.bravo, name="Bravo Co", name_key="bravo co")
    client = world.client_for(world.alice)
    for company_id in ("nope", other.public_id):
        response = client.get(f"/api/v1/companies/{company_id}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
