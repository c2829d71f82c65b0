"""The pipeline API: asks, referrals, moves with their rules, optimistic concurrency, filters and timelines."""

import datetime

from django.utils import timezone

from tests.referrals.builders import refer
from warmline.referrals.models import Referral, StageChange


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, body, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {f["field"]: f["message"] for f in response.json()["error"]["fields"]}


def _recent(hours=2):
    return timezone.now() - datetime.timedelta(hours=hours)


def test_an_ask_and_its_introduction_through_the_api(pipeline):
    client = pipeline.world.client_for(pipeline.world.carol)
    created = _post(client, "/api/v1/asks", {
        "source": pipeline.dana.public_id, "target": pipeline.bob_smith.public_id, "channel": "video",
        "reason": "Consolidating suppliers", "intel": {"how_they_know": "Ex-colleagues"},
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["specific"] is True and body["digital"] is False and body["outcome"] == "pending"
    assert body["intel"]["how_they_know"] == "Ex-colleagues" and body["version"] == 1
    intro = _post(client, "/api/v1/referrals", {"ask": body["id"], "value": {"minor": 3_000_000, "currency": "eur"}})
    assert intro.status_code == 201, intro.content
    referral = intro.json()
    assert referral["source"]["id"] == pipeline.dana.public_id and referral["prospect"]["full_name"] == "Bob Smith"
    assert referral["value"] == {"minor": 3_000_000, "currency": "EUR", "display": "€30,000.00"}
    assert referral["stage"]["name"] == "Introduced" and referral["credits"][0]["percent"] == 100
    assert client.get(f"/api/v1/asks/{body['id']}").json()["outcome"] == "agreed"
    assert Referral.objects.get().created_via == "api"


def test_it_names_every_bad_field_and_writes_nothing(pipeline):
    client = pipeline.world.client_for(pipeline.world.carol)
    fields = _fields(_post(client, "/api/v1/asks", {"source": "nobody", "channel": "fax", "mood": "hopeful"}))
    assert set(fields) == {"channel", "mood"}
    fields = _fields(_post(client, "/api/v1/asks", {"source": "nobody", "channel": "phone"}))
    assert fields == {"source": "No such object in this workspace: 'nobody'."}
    fields = _fields(_post(client, "/api/v1/referrals", {"source": pipeline.dana.public_id,
                                                          "prospect": pipeline.dana.public_id}))
    assert "prospect" in fields
    fields = _fields(_post(client, "/api/v1/referrals", {"source": pipeline.dana.public_id,
                                                          "prospect": pipeline.bob_smith.public_id,
                                                          "value": {"minor": 1, "currency": "XYZ"}}))
    assert "'XYZ' is not an ISO 4217 currency code" in fields["value"]
    assert Referral.objects.count() == 0


def test_moves_follow_the_rules_and_a_stale_version_gets_409(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    client = world.client_for(world.carol)
    url = f"/api/v1/referrals/{referral.public_id}/stage"
    won = pipeline.stage("Won").public_id
    assert set(_fields(_post(client, url, {"stage": won, "version": 1}))) == {"value", "closed_on"}
    moved = _post(client, url, {"stage": pipeline.stage("Contacted").public_id, "version": 1})
    assert moved.status_code == 200 and moved.json()["version"] == 2
    assert moved.json()["first_contact_seconds"] >= 7200
    stale = _post(client, url, {"stage": pipeline.stage("Proposal").public_id, "version": 1})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert "changed by someone else" in stale.json()["error"]["message"]
    done = _post(client, url, {"stage": won, "version": 2, "value": {"minor": 500_00, "currency": "USD"},
                               "closed_on": timezone.localdate().isoformat()})
    assert done.json()["status"] == "won"
    refused = _post(client, url, {"stage": pipeline.stage("Proposal").public_id})
    assert "reopen it" in _fields(refused)["stage"]
    reopened = _post(client, f"/api/v1/referrals/{referral.public_id}/reopen", {})
    assert reopened.json()["stage"]["name"] == "Contacted"
    history = client.get(f"/api/v1/referrals/{referral.public_id}/stage-changes").json()
    assert [c["to_stage"]["name"] for c in history] == ["Introduced", "Contacted", "Won", "Contacted"]
    assert history[-1]["reopened"] is True


def test_a_patch_changes_only_what_is_sent_and_the_source_stays_fixed(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    client = world.client_for(world.bob)
    url = f"/api/v1/referrals/{referral.public_id}"
    assert _fields(_patch(client, url, {"version": 1, "source": pipeline.erin.public_id})) == {
        "source": "Fixed once the referral is recorded."}
    changed = _patch(client, url, {"version": 1, "value": {"minor": 9_900, "currency": "GBP"},
                                   "owner": world.bob.public_id})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["value"]["display"] == "£99.00" and body["owner"]["email"] == "bob@acme.test"
    assert body["version"] == 3
    assert _patch(client, url, {"version": 1, "value": None}).status_code == 409


def test_lists_filter_by_rep_stage_overdue_and_confirmation(pipeline):
    world = pipeline.world
    late = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent(30))
    fresh = refer(world.carol, pipeline.erin, pipeline.dana, at=_recent(1))
    refer(world.bob, pipeline.dana, pipeline.erin, at=_recent(1))
    client = world.client_for(world.bob)
    assert client.get("/api/v1/referrals").json()["count"] == 3
    mine = client.get(f"/api/v1/referrals?owner={world.carol.public_id}").json()
    assert {r["id"] for r in mine["items"]} == {late.public_id, fresh.public_id}
    overdue = client.get("/api/v1/referrals?overdue=true").json()
    assert [r["id"] for r in overdue["items"]] == [late.public_id] and overdue["items"][0]["overdue"] is True
    _post(client, f"/api/v1/referrals/{fresh.public_id}/confirmations", {"by": "source"})
    confirmed = client.get("/api/v1/referrals?confirmation=source").json()
    assert [r["id"] for r in confirmed["items"]] == [fresh.public_id]
    paged = client.get("/api/v1/referrals?limit=2&offset=2").json()
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert world.client_for(pipeline.wendy).get("/api/v1/referrals").json()["count"] == 0


def test_stages_are_admin_rows_and_reps_cannot_change_them(pipeline):
    world = pipeline.world
    stages = world.client_for(world.carol).get("/api/v1/stages").json()
    assert [s["name"] for s in stages] == ["Introduced", "Contacted", "Meeting scheduled", "Meeting held", "Proposal",
                                           "Won", "Lost", "Disqualified"]
    assert _post(world.client_for(world.carol), "/api/v1/stages", {"name": "Demo"}).status_code == 403
    admin = world.client_for(world.alice)
    created = _post(admin, "/api/v1/stages", {"name": "Demo", "probability": 40})
    assert created.status_code == 201
    moved = _patch(admin, f"/api/v1/stages/{created.json()['id']}", {"position": "earlier", "name": "Demo call"})
    assert moved.json()["name"] == "Demo call"
    names = [s["name"] for s in admin.get("/api/v1/stages").json()]
    assert names.index("Demo call") == names.index("Proposal") - 1
    used = pipeline.stage("Introduced").public_id
    refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent())
    refused = admin.delete(f"/api/v1/stages/{used}")
    assert refused.status_code == 409 and "archive it instead" in refused.json()["error"]["message"]


def test_timelines_and_stage_changes_through_the_api(pipeline):
    world = pipeline.world
    referral = refer(world.carol, pipeline.dana, pipeline.bob_smith, at=_recent(5))
    client = world.client_for(world.carol)
    _post(client, f"/api/v1/referrals/{referral.public_id}/stage", {"stage": pipeline.stage("Contacted").public_id})
    _post(client, f"/api/v1/referrals/{referral.public_id}/notes", {"body": "Prefers Tuesday calls"})
    kinds = [e["kind"] for e in client.get(f"/api/v1/referrals/{referral.public_id}/timeline").json()]
    assert kinds == ["note", "stage", "introduction"]
    person_kinds = {e["kind"] for e in client.get(f"/api/v1/people/{pipeline.dana.public_id}/timeline").json()}
    assert person_kinds == {"introduction", "stage"}
    changes = client.get("/api/v1/stage-changes").json()
    assert changes["count"] == 2 and StageChange.objects.count() == 2
    assert world.client_for(pipeline.wendy).get("/api/v1/stage-changes").json()["count"] == 0


def test_moments_are_logged_listed_and_dismissed(pipeline):
    client = pipeline.world.client_for(pipeline.world.carol)
    logged = _post(client, f"/api/v1/people/{pipeline.dana.public_id}/moments", {"note": "the freight benchmark"})
    assert logged.status_code == 201
    assert [m["note"] for m in client.get("/api/v1/moments").json()] == ["the freight benchmark"]
    assert _post(client, f"/api/v1/moments/{logged.json()['id']}/dismiss", {}).status_code == 204
    assert client.get("/api/v1/moments").json() == []


def test_pipeline_settings_are_read_by_all_and_changed_by_admins(pipeline):
    world = pipeline.world
    assert world.client_for(world.carol).get("/api/v1/pipeline/settings").json() == {
        "contact_within_hours": 24, "attribution_policy": "first_source", "referral_edit_scope": "team",
        "currency": "USD"}
    body = {"contact_within_hours": 4, "attribution_policy": "shared", "referral_edit_scope": "own",
            "currency": "EUR"}
    assert world.client_for(world.carol).put("/api/v1/pipeline/settings", body,
                                             content_type="application/json").status_code == 403
    changed = world.client_for(world.alice).put("/api/v1/pipeline/settings", body, content_type="application/json")
    assert changed.json() == body
