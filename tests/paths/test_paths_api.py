"""The warm-path API: targets, person paths, account maps, target-account tables and saved lists."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.core.choices import Sharing
from warmline.network import services
from warmline.paths.models import AccountList

from .test_paths_queries import net  # noqa: F401 - the fixture


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_person_paths_come_ranked_with_hops_and_explanations(net):  # noqa: F811
    world, priya, target, dan = net
    client = world.client_for(world.bob)
    found = client.get("/api/v1/paths/targets", {"q": "Bob Smith"}).json()
    assert [p["id"] for p in found["people"]] == [target.public_id]
    answer = client.get(f"/api/v1/paths/people/{target.public_id}", {"limit": 1}).json()
    assert answer["target"]["id"] == target.public_id and answer["company"]["name"] == "Globex"
    [path] = answer["paths"]
    assert path["shape"] == "one_introducer" and path["status"] == "not_asked" and path["suggested"]
    assert [h["name"] for h in path["hops"]] == ["Alice Admin", "Priya Patel", "Bob Smith"]
    assert path["explanation"].startswith("Alice Admin (your RevOps) worked with Priya Patel")


def test_existence_only_hops_come_back_hidden(world):
    from tests.network.builders import contact, linkedin_csv, run_import

    services.set_network_sharing(world.carol, Sharing.EXISTENCE)
    run_import(world.alice, "linkedin", linkedin_csv([contact(1, "Globex")]), owner=world.carol)
    target = services.save_person(world.alice, None, first_name="Bob", last_name="Smith", company="Globex")
    answer = world.client_for(world.bob).get(f"/api/v1/paths/people/{target.public_id}").json()
    assert answer["paths"][0]["hops"][1] == {"id": None, "name": None, "company": None, "title": None,
                                             "role": "connector", "hidden": True}


def test_an_account_map_and_a_table(net):  # noqa: F811
    world, priya, target, dan = net
    client = world.client_for(world.bob)
    mapped = client.get(f"/api/v1/paths/accounts/{target.company.public_id}").json()
    assert (mapped["people_total"], mapped["reachable"]) == (2, 2)
    assert {p["person"]["full_name"]: p["function"] for p in mapped["people"]} == {"Bob Smith": "Finance",
                                                                                   "Dan Insider": "Finance"}
    rows = _post(client, "/api/v1/paths/accounts", {"accounts": [{"name": "Globex"}, {"domain": "nowhere.example"}]})
    assert rows.status_code == 200
    assert [(r["account"], r["reachable_people"], r["problem"] is None) for r in rows.json()] == [
        ("Globex", 2, True), ("nowhere.example", 0, False)]


def test_saved_lists_round_trip_and_only_their_author_or_an_admin_deletes_them(net):  # noqa: F811
    world, *_ = net
    carol = world.client_for(world.carol)
    created = _post(carol, "/api/v1/paths/lists", {"name": "Q3", "accounts": [{"name": "Globex"}]})
    assert created.status_code == 201
    list_id = created.json()["id"]
    assert created.json()["rows"][0]["reachable_people"] == 2
    assert [x["name"] for x in world.client_for(world.bob).get("/api/v1/paths/lists").json()] == ["Q3"]
    assert world.client_for(world.bob).delete(f"/api/v1/paths/lists/{list_id}").status_code == 403
    assert world.client_for(world.alice).delete(f"/api/v1/paths/lists/{list_id}").status_code == 204
    assert world.client_for(world.charlie).get(f"/api/v1/paths/lists/{list_id}").status_code == 404


def test_bad_requests_name_the_field_and_change_nothing(net):  # noqa: F811
    world, priya, target, dan = net
    client = world.client_for(world.bob)
    assert client.get(f"/api/v1/paths/people/{target.public_id}", {"limit": 0}).status_code == 422
    assert client.get("/api/v1/paths/people/nope").status_code == 404
    empty = _post(client, "/api/v1/paths/lists", {"name": "X", "accounts": [{"name": " ", "domain": ""}]})
    assert empty.status_code in (400, 422)
    assert "accounts" in json.dumps(empty.json())
    assert _post(client, "/api/v1/paths/lists", {"name": "", "accounts": [{"name": "A"}]}).status_code in (400, 422)
    assert not AccountList.objects.exists()


FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
any_text = st.text(st.characters(codec=None, categories=None), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=6)


@FUZZ
@given(body=st.one_of(
    st.fixed_dictionaries({"name": st.one_of(any_text, json_values),
                           "accounts": st.lists(st.dictionaries(st.sampled_from(["name", "domain", "x"]),
                                                                st.one_of(any_text, json_values)), max_size=3)}),
    json_values))
def test_any_list_body_is_a_success_or_a_clear_4xx(world, body):
    response = _post(world.client_for(world.alice), "/api/v1/paths/lists", body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["status"] == response.status_code and error["message"]


def test_unknown_fields_are_refused(net):  # noqa: F811
    world, *_ = net
    response = _post(world.client_for(world.bob), "/api/v1/paths/lists",
                     {"name": "Q3", "accounts": [{"name": "Globex", "region": "East"}], "owner": "me"})
    assert response.status_code == 422
    assert not AccountList.objects.exists()
