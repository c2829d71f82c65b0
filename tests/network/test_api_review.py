"""The review queue through the API: merge a pair or keep it apart, list merges, undo one."""

from warmline.network import services
from warmline.network.models import MatchCandidate, Person


def _post(client, path, body=None):
    return client.post(path, body if body is not None else {}, content_type="application/json")


def _pair(world, score=82.5):
    """Two records that may be one person: the second came with an email and a phone."""
    globex = services.save_company(world.alice, None, name=f"Globex {score}")
    first = services.save_person(world.alice, None, first_name="Jon", last_name="Doe", company=globex)
    second = services.save_person(world.alice, None, first_name="Jonathan", last_name="Doe",
                                  emails=[f"jon{score}@globex.test"], phone="+49 30 1234")
    a, b = sorted((first, second), key=lambda p: p.pk)
    candidate = MatchCandidate.objects.create(
        workspace=world.acme, person_a=a, person_b=b, score=score, reasons=["similar name", "same company"]
    )
    return candidate, first, second


def test_it_lists_open_pairs_most_likely_first(world):
    low, _, _ = _pair(world, score=61.0)
    high, _, _ = _pair(world, score=90.0)
    body = world.client_for(world.carol).get("/api/v1/review").json()
    assert body["count"] == 2 and [c["id"] for c in body["items"]] == [high.public_id, low.public_id]
    item = body["items"][0]
    assert item["status"] == "open" and item["reasons"] == ["similar name", "same company"]
    assert {item["person_a"]["full_name"], item["person_b"]["full_name"]} == {"Jon Doe", "Jonathan Doe"}


def test_it_merges_a_pair_keeping_the_chosen_person(world):
    candidate, first, second = _pair(world)
    client = world.client_for(world.carol)
    response = _post(client, f"/api/v1/review/{candidate.public_id}/merge", {"keep": first.public_id})
    assert response.status_code == 201, response.content
    merge = response.json()
    assert merge["kept"]["id"] == first.public_id and merge["merged"]["id"] == second.public_id
    assert merge["automatic"] is False and merge["undone_at"] is None
    assert client.get("/api/v1/review").json()["count"] == 0
    # The merged record's id now leads to the person it was merged into, with its details.
    kept = client.get(f"/api/v1/people/{second.public_id}").json()
    assert kept["id"] == first.public_id
    assert kept["details"]["emails"] == ["jon82.5@globex.test"] and kept["details"]["phone"] == "+49 30 1234"
    assert client.get("/api/v1/merges").json()["items"][0]["id"] == merge["id"]
    again = _post(client, f"/api/v1/review/{candidate.public_id}/merge")
    assert again.status_code == 404


def test_it_merges_into_the_first_person_of_the_pair_without_a_body(world):
    candidate, _, _ = _pair(world)
    # As `curl -X POST` sends it: no body at all.
    response = world.client_for(world.carol).generic("POST", f"/api/v1/review/{candidate.public_id}/merge")
    assert response.status_code == 201, response.content
    assert response.json()["kept"]["id"] == candidate.person_a.public_id


def test_it_names_a_keep_that_is_not_in_the_pair(world):
    candidate, _, _ = _pair(world)
    stranger = services.save_person(world.alice, None, first_name="Sam", last_name="Roe")
    response = _post(world.client_for(world.carol), f"/api/v1/review/{candidate.public_id}/merge",
                     {"keep": stranger.public_id})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [{"field": "keep", "message": "Keep one of the two people of the pair."}]
    candidate.refresh_from_db()
    assert candidate.status == "open"


def test_it_keeps_a_pair_apart(world):
    candidate, first, second = _pair(world)
    client = world.client_for(world.carol)
    response = _post(client, f"/api/v1/review/{candidate.public_id}/keep-apart")
    assert response.status_code == 200 and response.json()["status"] == "kept_apart"
    assert client.get("/api/v1/review").json()["count"] == 0
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert _post(client, f"/api/v1/review/{candidate.public_id}/keep-apart").status_code == 404


def test_it_undoes_a_merge_once(world):
    candidate, first, second = _pair(world)
    client = world.client_for(world.carol)
    merge = _post(client, f"/api/v1/review/{candidate.public_id}/merge", {"keep": first.public_id}).json()
    undone = _post(client, f"/api/v1/merges/{merge['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    restored = client.get(f"/api/v1/people/{second.public_id}").json()
    assert restored["id"] == second.public_id and restored["details"]["emails"] == ["jon82.5@globex.test"]
    twice = _post(client, f"/api/v1/merges/{merge['id']}/undo")
    assert twice.status_code == 409
    assert twice.json()["error"] == {"status": 409, "code": "conflict", "message": "This merge was already undone."}


def test_it_answers_404_for_pairs_and_merges_it_does_not_know(world):
    client = world.client_for(world.alice)
    for path in ("/api/v1/review/nope/merge", "/api/v1/review/nope/keep-apart", "/api/v1/merges/nope/undo"):
        response = _post(client, path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path
