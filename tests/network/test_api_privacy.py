"""Each employee's sharing choice, as the API applies it.

Bob imports his LinkedIn connections, Jane Doe of Globex among them. Carol is his colleague: she sees
Jane and how Bob knows her when Bob shares, only that Bob knows her with "existence", nothing with "private".
"""

import pytest

from warmline.network import services
from warmline.network.models import MatchCandidate, Person
from warmline.worker import Worker

CONNECTIONS = (
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    b"Jane,Doe,https://www.linkedin.com/in/janedoe,jane@globex.test,Globex,VP Sales,26 Dec 2025\n"
)


@pytest.fixture
def jane(world):
    services.queue_import(world.bob, fmt="linkedin", data=CONNECTIONS, filename="Connections.csv", owner=world.bob)
    assert Worker(periodic=False).run_once() == 1
    return Person.objects.get(full_name="Jane Doe")


def _share(world, who, sharing):
    response = world.client_for(who).put("/api/v1/me/network-sharing", {"sharing": sharing},
                                         content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def _names(client, query=""):
    return {p["full_name"] for p in client.get(f"/api/v1/people?{query}").json()["items"]}


def test_it_shows_a_shared_network_in_full(world, jane):
    body = world.client_for(world.carol).get(f"/api/v1/people/{jane.public_id}").json()
    assert body["details_visible"] is True and body["details"]["emails"] == ["jane@globex.test"]
    (tie,) = body["network"]["known_by"]
    assert tie["disclosure"] == "full" and tie["kind"] == "social" and tie["evidence"][0]["source"] == "linkedin"


def test_it_shows_only_that_a_path_exists_when_the_owner_shares_existence(world, jane):
    _share(world, world.bob, "existence")
    carol = world.client_for(world.carol)
    assert "Jane Doe" in _names(carol)
    body = carol.get(f"/api/v1/people/{jane.public_id}").json()
    assert body["details_visible"] is False and body["details"] is None
    (tie,) = body["network"]["known_by"]
    assert tie["person"]["member_id"] == world.bob.public_id and tie["disclosure"] == "existence"
    assert [tie[k] for k in ("kind", "strength", "strength_reason", "how_they_know", "manual_rating", "evidence")] == [
        None
    ] * 6
    globex = carol.get(f"/api/v1/companies/{jane.company.public_id}").json()["company_map"]
    (known,) = globex["people"][0]["known_by"]
    assert (known["disclosure"], known["kind"], known["strength"]) == ("existence", None, None)


def test_it_does_not_find_a_person_by_an_email_it_may_not_see(world, jane):
    _share(world, world.bob, "existence")
    assert _names(world.client_for(world.carol), "q=jane@globex.test") == set()
    assert _names(world.client_for(world.bob), "q=jane@globex.test") == {"Jane Doe"}


def test_it_refuses_to_change_a_person_whose_details_are_not_shared(world, jane):
    _share(world, world.bob, "existence")
    response = world.client_for(world.carol).patch(f"/api/v1/people/{jane.public_id}", {"phone": "123"},
                                                   content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_it_hides_a_private_network_entirely(world, jane):
    _share(world, world.bob, "private")
    carol = world.client_for(world.carol)
    assert "Jane Doe" not in _names(carol) and _names(carol, "q=jane") == set()
    assert carol.get(f"/api/v1/people/{jane.public_id}").status_code == 404
    globex = carol.get(f"/api/v1/companies/{jane.company.public_id}").json()
    assert globex["people_count"] == 0 and globex["company_map"]["people"] == []
    sam = services.save_person(world.alice, None, first_name="Sam", last_name="Roe")
    tie = carol.post("/api/v1/relationships", {"person": jane.public_id, "other": sam.public_id, "kind": "friend"},
                     content_type="application/json")
    assert tie.status_code == 422 and tie.json()["error"]["fields"][0]["field"] == "person"
    bob = services.ensure_person_for(world.bob)
    network = carol.get(f"/api/v1/people/{bob.public_id}").json()["network"]
    assert network["knows"] == [] and network["knows_total"] == 0


def test_it_always_shows_employees_their_own_network(world, jane):
    _share(world, world.bob, "private")
    body = world.client_for(world.bob).get(f"/api/v1/people/{jane.public_id}").json()
    assert body["details_visible"] is True and body["network"]["known_by"][0]["disclosure"] == "full"


def test_it_keeps_colleagues_out_of_a_private_tie(world, jane):
    _share(world, world.bob, "private")
    bob = services.ensure_person_for(world.bob)
    sam = services.save_person(world.alice, None, first_name="Sam", last_name="Roe")
    services.record_tie(world.bob, bob, sam, kind="friend", how_they_know="Private: his brother-in-law")
    response = world.client_for(world.carol).post(
        "/api/v1/relationships", {"person": sam.public_id, "other": bob.public_id, "kind": "friend"},
        content_type="application/json",
    )
    # Only Bob changes a relationship in his private network, and nothing of it comes back.
    assert response.status_code == 403
    assert response.json()["error"]["status"] == 403
    assert "brother-in-law" not in response.content.decode()


def test_it_leaves_pairs_of_hidden_people_out_of_the_review_queue(world, jane):
    other = services.save_person(world.alice, None, first_name="Jane", last_name="Doe")
    a, b = sorted((jane, other), key=lambda p: p.pk)
    MatchCandidate.objects.create(workspace=world.acme, person_a=a, person_b=b, score=80, reasons=["same name"])
    assert world.client_for(world.carol).get("/api/v1/review").json()["count"] == 1
    _share(world, world.bob, "private")
    assert world.client_for(world.carol).get("/api/v1/review").json()["count"] == 0
    assert world.client_for(world.bob).get("/api/v1/review").json()["count"] == 1


def test_it_reports_and_changes_your_sharing_choice(world):
    client = world.client_for(world.bob)
    assert client.get("/api/v1/me/network-sharing").json() == {
        "sharing": "", "effective": "share", "workspace_default": "share"
    }
    assert _share(world, world.bob, "existence") == {
        "sharing": "existence", "effective": "existence", "workspace_default": "share"
    }
    assert _share(world, world.bob, "")["effective"] == "share"
    bad = client.put("/api/v1/me/network-sharing", {"sharing": "friends"}, content_type="application/json")
    assert bad.status_code == 422 and [f["field"] for f in bad.json()["error"]["fields"]] == ["sharing"]


def test_it_lets_admins_set_the_default_that_members_follow(world, jane):
    carol = world.client_for(world.carol)
    refused = carol.put("/api/v1/workspace/network-sharing", {"sharing": "share"}, content_type="application/json")
    assert refused.status_code == 403
    response = world.client_for(world.alice).put("/api/v1/workspace/network-sharing", {"sharing": "private"},
                                                 content_type="application/json")
    assert response.status_code == 200 and response.json() == {"sharing": "private"}
    assert carol.get(f"/api/v1/people/{jane.public_id}").status_code == 404
    assert world.client_for(world.bob).get("/api/v1/me/network-sharing").json()["effective"] == "private"
    empty = world.client_for(world.alice).put("/api/v1/workspace/network-sharing", {"sharing": ""},
                                              content_type="application/json")
    assert empty.status_code == 422
