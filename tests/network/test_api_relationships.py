"""Recording ties by hand, rating them, logging interactions and adding positions through the API."""

import datetime

from django.utils import timezone

from warmline.network import services
from warmline.network.models import Company, Person, Relationship


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def _people(world):
    jane = services.save_person(world.alice, None, first_name="Jane", last_name="Doe")
    sam = services.save_person(world.alice, None, first_name="Sam", last_name="Roe")
    return jane, sam


def test_it_records_that_two_people_know_each_other(world):
    jane, sam = _people(world)
    response = _post(world.client_for(world.carol), "/api/v1/relationships", {
        "person": jane.public_id, "other": sam.public_id, "kind": "former_colleague",
        "how_they_know": "Both at Initech until 2019", "on": "2019-06-01",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert {p["id"] for p in body["people"]} == {jane.public_id, sam.public_id}
    assert body["owner_id"] is None and body["disclosure"] == "full" and body["kind"] == "former_colleague"
    assert body["strength"] == 0.4 and "Both at Initech" in body["strength_reason"]
    assert body["evidence"] == [{"source": "manual", "on": "2019-06-01", "detail": "Both at Initech until 2019"}]
    assert Relationship.objects.get(public_id=body["id"]).created_via == "api"


def test_it_adds_evidence_when_the_tie_is_recorded_again(world):
    jane, sam = _people(world)
    client = world.client_for(world.carol)
    first = _post(client, "/api/v1/relationships", {"person": jane.public_id, "other": sam.public_id,
                                                    "kind": "friend", "how_they_know": "Golf"}).json()
    again = _post(client, "/api/v1/relationships", {"person": sam.public_id, "other": jane.public_id,
                                                    "kind": "friend", "how_they_know": "Book club"}).json()
    assert again["id"] == first["id"] and len(again["evidence"]) == 2
    assert again["how_they_know"] == "Golf\nBook club"


def test_it_names_the_fields_of_a_bad_tie(world):
    jane, _ = _people(world)
    bravo_person = Person.objects.create(workspace=world.bravo, full_name="Outsider", first_name="Outsider")
    client = world.client_for(world.alice)
    assert set(_fields(_post(client, "/api/v1/relationships", {}))) == {"person", "other", "kind"}
    empty = _post(client, "/api/v1/relationships", {"person": jane.public_id, "other": "", "kind": "friend"})
    assert set(_fields(empty)) == {"other"}
    fields = _fields(_post(client, "/api/v1/relationships", {"person": jane.public_id, "other": "nobody",
                                                             "kind": "enemy", "on": "yesterday"}))
    assert set(fields) == {"kind", "on"}
    unknown = _post(client, "/api/v1/relationships", {"person": jane.public_id, "other": "nobody", "kind": "friend"})
    assert _fields(unknown) == {"other": "No such object in this workspace: 'nobody'."}
    foreign = _post(client, "/api/v1/relationships", {"person": bravo_person.public_id, "other": jane.public_id,
                                                      "kind": "friend"})
    assert set(_fields(foreign)) == {"person"}
    itself = _post(client, "/api/v1/relationships", {"person": jane.public_id, "other": jane.public_id,
                                                     "kind": "friend"})
    assert _fields(itself) == {"other": "A person cannot have a relationship with themselves."}
    assert not Relationship.objects.exists()


def test_it_lets_the_owner_rate_a_tie_and_remove_the_rating(world):
    jane, _ = _people(world)
    bob = services.ensure_person_for(world.bob)
    tie = services.record_tie(world.bob, bob, jane, kind="friend")
    client = world.client_for(world.bob)
    rated = _post(client, f"/api/v1/relationships/{tie.public_id}/rating", {"rating": 5})
    assert rated.status_code == 200, rated.content
    assert (rated.json()["manual_rating"], rated.json()["strength"], rated.json()["rated_by"]) == (
        5, 1.0, world.bob.public_id
    )
    assert rated.json()["strength_reason"].startswith("Rated 5/5 by Bob Manager")
    removed = _post(client, f"/api/v1/relationships/{tie.public_id}/rating", {"rating": None}).json()
    assert removed["manual_rating"] is None and removed["strength"] == 0.4


def test_it_refuses_a_rating_out_of_range_or_by_someone_else(world):
    jane, _ = _people(world)
    bob = services.ensure_person_for(world.bob)
    tie = services.record_tie(world.bob, bob, jane, kind="friend")
    url = f"/api/v1/relationships/{tie.public_id}/rating"
    for rating in (0, 6, 2.5, "3", True):
        assert set(_fields(_post(world.client_for(world.bob), url, {"rating": rating}))) == {"rating"}, rating
    response = _post(world.client_for(world.carol), url, {"rating": 1})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    tie.refresh_from_db()
    assert tie.manual_rating is None


def test_it_logs_an_interaction_as_evidence_of_the_callers_tie(world):
    jane, _ = _people(world)
    client = world.client_for(world.carol)
    response = _post(client, "/api/v1/interactions", {
        "person": jane.public_id, "kind": "meeting", "occurred_on": timezone.now().date().isoformat(),
        "summary": "Pricing review",
    })
    assert response.status_code == 201, response.content
    assert response.json()["person"]["id"] == jane.public_id and response.json()["kind"] == "meeting"
    (tie,) = client.get(f"/api/v1/people/{jane.public_id}").json()["network"]["known_by"]
    assert tie["person"]["member_id"] == world.carol.public_id
    assert tie["evidence"][0]["source"] == "interaction" and tie["evidence"][0]["detail"] == "Meeting: Pricing review"


def test_it_names_the_fields_of_a_bad_interaction(world):
    jane, _ = _people(world)
    client = world.client_for(world.carol)
    tomorrow = (timezone.now().date() + datetime.timedelta(days=3)).isoformat()
    assert set(_fields(_post(client, "/api/v1/interactions", {"person": jane.public_id, "kind": "lunch",
                                                              "occurred_on": "2024-13-01"}))) == {
        "kind", "occurred_on"
    }
    future = _post(client, "/api/v1/interactions", {"person": jane.public_id, "kind": "call", "occurred_on": tomorrow})
    assert _fields(future) == {"occurred_on": "An interaction cannot be in the future."}
    assert set(_fields(_post(client, "/api/v1/interactions", {"person": "nobody", "kind": "call",
                                                              "occurred_on": "2024-01-01"}))) == {"person"}
    assert set(_fields(_post(client, "/api/v1/interactions", {"person": "", "kind": "call",
                                                              "occurred_on": "2024-01-01"}))) == {"person"}


def test_it_adds_positions_and_ties_people_whose_time_at_an_employer_overlapped(world):
    jane, sam = _people(world)
    client = world.client_for(world.alice)
    first = _post(client, "/api/v1/employments", {
        "person": jane.public_id, "company_name": "Initech", "title": "Analyst", "started_on": "2015-01-01",
        "ended_on": "2019-12-31",
    })
    assert first.status_code == 201, first.content
    initech = first.json()["company"]
    second = _post(client, "/api/v1/employments", {
        "person": sam.public_id, "company": initech["id"], "started_on": "2017-01-01", "ended_on": "2018-12-31",
    })
    assert second.status_code == 201, second.content
    assert second.json()["company"] == initech and second.json()["ended_on"] == "2018-12-31"
    (tie,) = client.get(f"/api/v1/people/{jane.public_id}").json()["network"]["knows"]
    assert tie["person"]["id"] == sam.public_id and tie["kind"] == "former_colleague"
    assert tie["evidence"][0]["source"] == "shared_employer"


def test_it_names_the_fields_of_a_bad_position(world):
    jane, _ = _people(world)
    client = world.client_for(world.alice)
    backwards = _post(client, "/api/v1/employments", {"person": jane.public_id, "company_name": "Initech",
                                                      "started_on": "2020-01-01", "ended_on": "2019-01-01"})
    assert _fields(backwards) == {"ended_on": "A position cannot end before it starts."}
    neither = _post(client, "/api/v1/employments", {"person": jane.public_id, "started_on": "2020-01-01"})
    assert set(_fields(neither)) == {"company"}
    both = _post(client, "/api/v1/employments", {"person": jane.public_id, "company": "x", "company_name": "Initech",
                                                 "started_on": "2020-01-01"})
    assert set(_fields(both)) == {"company"}
    unknown = _post(client, "/api/v1/employments", {"person": jane.public_id, "company": "nope",
                                                    "started_on": "2020-01-01"})
    assert set(_fields(unknown)) == {"company"}
    assert not Company.objects.filter(name="Initech").exists()
