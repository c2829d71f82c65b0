"""The people endpoints: add, change, find and read a person with who knows them."""

from warmline.network import services
from warmline.network.models import Company, Person


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def test_it_adds_a_person_with_emails_and_a_company_by_name(world):
    response = _post(world.client_for(world.carol), "/api/v1/people", {
        "first_name": "Jane", "last_name": "Doe", "emails": ["Jane@Globex.test"], "title": "VP Sales",
        "company_name": "Globex, Inc.", "country": "Germany",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["full_name"] == "Jane Doe" and body["seniority"] == "vp"
    assert body["company"]["name"] == "Globex, Inc."
    assert body["details_visible"] is True and body["details"]["emails"] == ["jane@globex.test"]
    assert body["network"] == {"known_by": [], "knows": [], "knows_total": 0}
    person = Person.objects.get(public_id=body["id"])
    assert person.created_via == "api" and person.created_by == world.carol.user


def test_it_names_every_field_it_rejects(world):
    client = world.client_for(world.alice)
    fields = _fields(_post(client, "/api/v1/people", {
        "first_name": "J" * 101, "emails": "not-a-list", "seniority": "boss", "nickname": "JD",
    }))
    assert set(fields) == {"first_name", "emails", "seniority", "nickname"}
    assert "c_level" in fields["seniority"]
    assert _fields(_post(client, "/api/v1/people", {"title": "CFO"})) == {"first_name": "A person needs a name."}
    assert "emails" in _fields(_post(client, "/api/v1/people", {"first_name": "Jo", "emails": ["nope"]}))


def test_it_names_an_unknown_company_id_as_a_bad_field(world):
    bravo_company = Company.objects.create(workspace=world.bravo, name="Bravo Co", name_key="bravo co")
    client = world.client_for(world.alice)
    for company in ("nope", bravo_company.public_id):
        fields = _fields(_post(client, "/api/v1/people", {"first_name": "Jo", "company": company}))
        assert "No such object" in fields["company"]
    both = _post(client, "/api/v1/people", {"first_name": "Jo", "company": "x", "company_name": "Globex"})
    assert "not both" in _fields(both)["company"]
    assert not Person.objects.filter(first_name="Jo").exists()


def test_it_stores_the_longest_names_even_when_folding_makes_their_keys_longer(world):
    # 'ß' folds to 'ss': the matching keys are longer than the names, and PostgreSQL checks column lengths.
    response = _post(world.client_for(world.alice), "/api/v1/people", {
        "first_name": "ß" * 100, "last_name": "ß" * 100, "company_name": "ß" * 200,
        "linkedin_url": "https://www.linkedin.com/in/" + "x" * 372,
    })
    assert response.status_code == 201, response.content
    person = Person.objects.get(public_id=response.json()["id"])
    assert len(person.name_key) == 200 and len(person.linkedin_slug) == 200
    assert set(_fields(_post(world.client_for(world.alice), "/api/v1/people", {
        "first_name": "Jo", "emails": ["İ" * 240 + "@globex.test"],
    }))) == {"emails"}


def test_it_refuses_an_email_that_belongs_to_someone_else(world):
    client = world.client_for(world.alice)
    _post(client, "/api/v1/people", {"first_name": "Jane", "emails": ["jane@globex.test"]})
    response = _post(client, "/api/v1/people", {"first_name": "Janet", "emails": ["JANE@globex.test"]})
    assert _fields(response) == {"emails": "jane@globex.test already belongs to another person."}


def test_it_changes_only_the_fields_sent(world):
    client = world.client_for(world.alice)
    globex = services.save_company(world.alice, None, name="Globex")
    created = _post(client, "/api/v1/people", {
        "first_name": "Jane", "last_name": "Doe", "title": "CFO", "company": globex.public_id, "notes": "Golf",
    }).json()
    response = client.patch(f"/api/v1/people/{created['id']}", {"city": "Berlin"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["city"], body["title"], body["company"]["id"], body["details"]["notes"]) == (
        "Berlin", "CFO", globex.public_id, "Golf"
    )
    cleared = client.patch(f"/api/v1/people/{created['id']}", {"company": None}, content_type="application/json")
    assert cleared.json()["company"] is None
    renamed = client.patch(f"/api/v1/people/{created['id']}", {"company_name": "Initech"},
                           content_type="application/json")
    assert renamed.json()["company"]["name"] == "Initech"


def test_it_refuses_null_for_a_text_field(world):
    client = world.client_for(world.alice)
    created = _post(client, "/api/v1/people", {"first_name": "Jane"}).json()
    response = client.patch(f"/api/v1/people/{created['id']}", {"title": None}, content_type="application/json")
    assert set(_fields(response)) == {"title"}


def test_it_lists_people_by_name_with_a_count_and_pages(world):
    client = world.client_for(world.alice)
    for name in ("Cora", "Abel", "Bea"):
        services.save_person(world.alice, None, first_name=name, last_name="Lee")
    first = client.get("/api/v1/people?limit=2").json()
    assert first["count"] == 3 and [p["full_name"] for p in first["items"]] == ["Abel Lee", "Bea Lee"]
    second = client.get("/api/v1/people?limit=2&offset=2").json()
    assert [p["full_name"] for p in second["items"]] == ["Cora Lee"]
    bad = client.get("/api/v1/people?limit=0&offset=-1")
    assert set(_fields(client.get(f"/api/v1/people?limit=201&offset={2**64}"))) == {"limit", "offset"}
    assert set(_fields(bad)) == {"limit", "offset"}


def test_it_filters_people(world):
    client = world.client_for(world.alice)
    globex = services.save_company(world.alice, None, name="Globex")
    jane = services.save_person(world.alice, None, first_name="Jane", last_name="Doe", title="VP Sales",
                                company=globex, country="Germany", emails=["jane@globex.test"])
    sam = services.save_person(world.alice, None, first_name="Sam", last_name="Roe", title="Engineer",
                               country="France")
    bob = services.ensure_person_for(world.bob)
    services.record_tie(world.bob, bob, sam, kind="friend")

    def names(query):
        response = client.get(f"/api/v1/people?{query}")
        assert response.status_code == 200, response.content
        return {p["full_name"] for p in response.json()["items"]}

    assert names("q=jane") == {"Jane Doe"}
    assert names("q=globex") == {"Jane Doe"}
    assert names("q=jane@globex.test") == {"Jane Doe"}
    assert names(f"company={globex.public_id}") == {"Jane Doe"}
    assert names("seniority=vp") == {"Jane Doe"}
    assert names("country=france") == {"Sam Roe"}
    assert names(f"known_by={world.bob.public_id}") == {"Sam Roe"}
    assert names("known_by=nobody") == set()
    assert set(_fields(client.get("/api/v1/people?seniority=boss"))) == {"seniority"}
    assert jane.pk and bob.pk


def test_it_shows_who_knows_a_person_with_the_evidence(world):
    jane = services.save_person(world.alice, None, first_name="Jane", last_name="Doe")
    bob = services.ensure_person_for(world.bob)
    services.record_tie(world.bob, bob, jane, kind="client_contact", how_they_know="Renewal of 2024")
    body = world.client_for(world.carol).get(f"/api/v1/people/{jane.public_id}").json()
    (tie,) = body["network"]["known_by"]
    assert tie["person"]["member_id"] == world.bob.public_id and tie["disclosure"] == "full"
    assert tie["kind"] == "client_contact" and tie["strength"] > 0 and tie["strength_reason"]
    assert tie["evidence"] == [{"source": "manual", "on": tie["evidence"][0]["on"], "detail": "Renewal of 2024"}]
    employee = world.client_for(world.carol).get(f"/api/v1/people/{bob.public_id}").json()
    assert employee["member_id"] == world.bob.public_id
    assert [t["person"]["id"] for t in employee["network"]["knows"]] == [jane.public_id]
    assert employee["network"]["knows_total"] == 1


def test_it_answers_404_for_a_person_it_does_not_know(world):
    response = world.client_for(world.alice).get("/api/v1/people/nobody")
    assert response.status_code == 404 and response.json()["error"]["message"] == "No such person."
