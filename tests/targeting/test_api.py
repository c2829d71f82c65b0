"""The targeting API: profiles and their distribution, fit scores, the weekly call list, ask drafts and templates."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.referrals.builders import ask, person, refer
from warmline.network.services import ensure_person_for, record_tie
from warmline.paths.models import AccountList
from warmline.referrals.services import log_moment
from warmline.targeting import scripts
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

PROFILES = "/api/v1/profiles"


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def _patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def _put(client, path, body):
    return client.put(path, json.dumps(body), content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["status"] == 422 and error["code"] == "invalid"
    return {f["field"]: f["message"] for f in error["fields"]}


def _error(response, status):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status and error["code"] and error["message"]
    return error


def _rows():
    return list(IdealCustomerProfile.objects.order_by("pk").values())


def _recent(minutes=5):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _adds_up(distribution):
    assert [b["range"] for b in distribution["buckets"]] == ["80–100", "60–79", "40–59", "20–39", "0–19"]
    assert sum(b["companies"] for b in distribution["buckets"]) + distribution["unknown"] == distribution["companies"]
    assert distribution["good_fit"] <= distribution["companies"] - distribution["unknown"]


def _dana_is_a_happy_client_carol_knows(targeting):
    world = targeting.world
    record_tie(world.carol, ensure_person_for(world.carol), targeting.pipeline.dana, kind="friend")


# --- profiles ---------------------------------------------------------------------------------------


def test_anyone_in_the_workspace_lists_the_profiles_with_their_sentence_and_weights(targeting):
    listed = targeting.world.client_for(targeting.world.carol).get(PROFILES)
    assert listed.status_code == 200
    (profile,) = listed.json()
    assert profile["id"] == targeting.profile.public_id and profile["name"] == "Logistics finance"
    assert profile["sentence"] == ("CFOs of Logistics or Freight companies of 200–2,000 people in Illinois, Ohio or "
                                   "Michigan, facing rising freight costs")
    assert profile["weights"] == {"industry": 3, "geography": 2, "size": 2, "role": 3, "traits": 1, "need": 2}
    assert profile["seniorities"] == ["c_level", "vp"] and profile["threshold"] == 60
    assert profile["archived"] is False and profile["version"] == 1


def test_archived_profiles_are_listed_only_when_asked_for(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    archived = _patch(client, f"{PROFILES}/{targeting.profile.public_id}", {"archived": True})
    assert archived.status_code == 200 and archived.json()["archived"] is True
    assert client.get(PROFILES).json() == []
    assert [p["name"] for p in client.get(f"{PROFILES}?include_archived=true").json()] == ["Logistics finance"]


def test_an_admin_defines_a_profile_and_gets_201(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    created = _post(client, PROFILES, {
        "name": "  Mid-market   COOs ", "who": "COOs", "industries": ["Retail", "retail", " "], "size_min": 100,
        "size_max": 1000, "seniorities": ["c_level"], "weights": {"industry": 5, "traits": 0}, "threshold": 70,
    })
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Mid-market COOs" and body["industries"] == ["Retail"]
    assert body["weights"] == {"industry": 5, "geography": 2, "size": 2, "role": 3, "traits": 0, "need": 2}
    assert body["sentence"].startswith("COOs of Retail companies of 100–1,000 people")
    assert body["version"] == 1 and body["threshold"] == 70
    saved = IdealCustomerProfile.objects.get(public_id=body["id"])
    assert saved.created_by == targeting.world.alice.user and saved.created_via == "api"


def test_a_rep_cannot_define_a_profile_and_nothing_is_created(targeting):
    before = _rows()
    refused = _post(targeting.world.client_for(targeting.world.carol), PROFILES, {"name": "Reps' own"})
    assert _error(refused, 403)["code"] == "forbidden"
    assert _rows() == before


@pytest.mark.parametrize("body, field, says", [
    ({"name": "Backwards", "size_min": 500, "size_max": 50}, "size_max", "below the smallest"),
    ({"name": "LOGISTICS FINANCE"}, "name", "already called"),
    ({"name": "Heavy", "weights": {"industry": 11}}, "weights.industry", "less than or equal to 10"),
    ({"name": "Negative", "weights": {"need": -1}}, "weights.need", "greater than or equal to 0"),
    ({"name": "Ranked", "seniorities": ["emperor"]}, "seniorities.0", "'c_level'"),
    ({"name": "   "}, "name", "Give the profile a name"),
    ({"who": "CFOs"}, "name", "Give the profile a name"),
    ({"name": "Strict", "threshold": 101}, "threshold", "less than or equal to 100"),
    ({"name": "Tiny", "size_min": 0}, "size_min", "greater than or equal to 1"),
    ({"name": "Typo", "industry": ["Retail"]}, "industry", ""),
    ({"name": "Long", "industries": ["x" * 101]}, "industries.0", "at most 100 characters"),
])
def test_a_bad_profile_is_refused_with_422_naming_the_field_and_nothing_is_created(targeting, body, field, says):
    before = _rows()
    fields = _fields(_post(targeting.world.client_for(targeting.world.alice), PROFILES, body))
    assert field in fields and says in fields[field], fields
    assert _rows() == before


def test_profile_text_with_a_nul_is_refused_with_422_like_every_other_text_field(targeting):
    # PostgreSQL cannot store a NUL: the rest of the API refuses one up front ("Text must not contain NUL characters.").
    before = _rows()
    text = ("name", "who", "summary", "traits", "need")
    fields = _fields(_post(targeting.world.client_for(targeting.world.alice), PROFILES, {f: "a\x00b" for f in text}))
    assert set(fields) == set(text) and all("NUL" in message for message in fields.values()), fields
    assert _rows() == before


def test_a_patch_changes_only_the_fields_sent_and_bumps_the_version(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    url = f"{PROFILES}/{targeting.profile.public_id}"
    before = client.get(url).json()
    changed = _patch(client, url, {"version": 1, "threshold": 75, "need_keywords": ["freight spend"]})
    assert changed.status_code == 200, changed.content
    after = changed.json()
    assert after["threshold"] == 75 and after["need_keywords"] == ["freight spend"] and after["version"] == 2
    same = {k for k in before if before[k] == after[k]}
    assert same == set(before) - {"threshold", "need_keywords", "version", "updated_at"}
    cleared = _patch(client, url, {"size_min": None})
    assert cleared.json()["size_min"] is None and cleared.json()["size_max"] == 2000
    assert cleared.json()["version"] == 3


def test_a_patch_of_some_weights_keeps_the_others(targeting):
    # "weights: 0 (ignore) to 10 per dimension; unsent ones keep theirs"
    client = targeting.world.client_for(targeting.world.alice)
    url = f"{PROFILES}/{targeting.profile.public_id}"
    assert _patch(client, url, {"weights": {"industry": 5}}).json()["weights"]["industry"] == 5
    weights = _patch(client, url, {"weights": {"size": 4}}).json()["weights"]
    assert weights == {"industry": 5, "geography": 2, "size": 4, "role": 3, "traits": 1, "need": 2}


def test_a_stale_version_gets_409_and_nothing_changes(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    url = f"{PROFILES}/{targeting.profile.public_id}"
    assert _patch(client, url, {"version": 1, "threshold": 65}).json()["version"] == 2
    before = _rows()
    stale = _patch(client, url, {"version": 1, "threshold": 90, "name": "Overwritten"})
    error = _error(stale, 409)
    assert error["code"] == "conflict" and "version 2" in error["message"]
    assert _error(_patch(client, url, {"version": 1, "archived": True}), 409)["code"] == "conflict"
    assert _rows() == before


def test_a_profile_is_archived_and_restored_with_a_patch(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    url = f"{PROFILES}/{targeting.profile.public_id}"
    archived = _patch(client, url, {"version": 1, "archived": True})
    assert archived.json()["archived"] is True and archived.json()["version"] == 2
    answer = client.get(f"/api/v1/people/{targeting.pipeline.bob_smith.public_id}/fit").json()
    assert (answer["best"], answer["fits"]) == (None, [])
    restored = _patch(client, url, {"archived": False})
    assert restored.json()["archived"] is False and restored.json()["version"] == 3
    assert IdealCustomerProfile.objects.get().archived is False


def test_a_rep_cannot_change_or_archive_a_profile(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    url = f"{PROFILES}/{targeting.profile.public_id}"
    before = _rows()
    assert _error(_patch(client, url, {"threshold": 10}), 403)["code"] == "forbidden"
    assert _error(_patch(client, url, {"archived": True}), 403)["code"] == "forbidden"
    assert _rows() == before


def test_a_patch_naming_a_field_wrongly_is_422_and_changes_nothing(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    before = _rows()
    fields = _fields(_patch(client, f"{PROFILES}/{targeting.profile.public_id}", {"size_max": 100}))
    assert "below the smallest" in fields["size_max"]
    assert "thresold" in _fields(_patch(client, f"{PROFILES}/{targeting.profile.public_id}", {"thresold": 5}))
    assert _rows() == before


# --- distribution, preview and account lists -----------------------------------------------------------


def test_the_distribution_of_a_profile_adds_up_and_names_the_best_companies(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    person(targeting.world.alice, "Una", "Known", "Nowhere Inc")  # a company with nothing known
    found = client.get(f"{PROFILES}/{targeting.profile.public_id}/distribution")
    assert found.status_code == 200
    body = found.json()
    _adds_up(body)
    assert body["companies"] == 4 and body["unknown"] == 1 and body["good_fit"] == 1
    assert body["top"][0] == {"id": targeting.globex.public_id, "name": "Globex", "score": 100}
    assert "Nowhere Inc" not in {c["name"] for c in body["top"]}


def test_a_preview_scores_unsaved_criteria_and_adds_up(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    before = _rows()
    preview = _post(client, f"{PROFILES}/preview", {"industries": ["Software"], "size_max": 200, "threshold": 50})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    _adds_up(body)
    assert body["companies"] == 3 and body["good_fit"] == 1
    assert body["top"][0]["name"] == "Initech" and body["top"][0]["score"] == 100
    assert _rows() == before
    nothing = _post(client, f"{PROFILES}/preview", {}).json()
    _adds_up(nothing)
    assert nothing["unknown"] == nothing["companies"] == 3 and nothing["top"] == []


@pytest.mark.parametrize("body", [
    {"industries": ["Logistics", "Software"], "size_min": 100},
    {"regions": ["Illinois"], "weights": {"geography": 10}},
    {"regions": [""]},
    {"industries": ["Mining", " "], "regions": ["Texas"]},
])
def test_a_preview_agrees_with_the_profile_saved_from_the_same_body(targeting, body):
    client = targeting.world.client_for(targeting.world.alice)
    preview = _post(client, f"{PROFILES}/preview", body).json()
    saved = _post(client, PROFILES, {"name": "Same criteria", **body})
    assert saved.status_code == 201, saved.content
    distribution = client.get(f"{PROFILES}/{saved.json()['id']}/distribution").json()
    assert preview == distribution


def test_a_profile_becomes_a_target_account_list_of_the_companies_that_fit(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    built = _post(client, f"{PROFILES}/{targeting.profile.public_id}/account-list", {})
    assert built.status_code == 201, built.content
    body = built.json()
    assert body["name"] == "Logistics finance: fit 60+" and body["accounts"] == 1
    assert [r["account"] for r in body["rows"]] == ["Globex"]
    assert body["rows"][0]["company"]["id"] == targeting.globex.public_id
    assert "Built from the profile Logistics finance" in body["description"]
    saved = AccountList.objects.get(public_id=body["id"])
    assert saved.created_via == "api"
    assert client.get(f"/api/v1/paths/lists/{body['id']}").json()["rows"][0]["account"] == "Globex"
    named = _post(client, f"{PROFILES}/{targeting.profile.public_id}/account-list", {"name": "Q3 push",
                                                                                     "threshold": 100})
    assert named.status_code == 201 and named.json()["name"] == "Q3 push"


def test_a_threshold_no_company_meets_is_422_and_builds_no_list(targeting):
    client = targeting.world.client_for(targeting.world.alice)
    mining = _post(client, PROFILES, {"name": "Mining", "industries": ["Mining"], "threshold": 90}).json()
    fields = _fields(_post(client, f"{PROFILES}/{mining['id']}/account-list", {}))
    assert "No company fits Mining at 90 or more" in fields["threshold"]
    assert "threshold" in _fields(_post(client, f"{PROFILES}/{mining['id']}/account-list", {"threshold": 101}))
    assert not AccountList.objects.exists()


# --- fit scores -----------------------------------------------------------------------------------


def test_a_person_who_fits_scores_high_with_each_criterion_explained(targeting):
    found = targeting.world.client_for(targeting.world.carol).get(
        f"/api/v1/people/{targeting.pipeline.bob_smith.public_id}/fit")
    assert found.status_code == 200
    best = found.json()["best"]
    assert best["profile"] == {"id": targeting.profile.public_id, "name": "Logistics finance"}
    assert best["score"] == 100 and best["band"] == "strong" and best["good_fit"] is True
    assert best["coverage"] == 1.0 and best["threshold"] == 60
    assert [c["dimension"] for c in best["criteria"]] == ["industry", "geography", "size", "role", "traits", "need"]
    assert {c["outcome"] for c in best["criteria"]} == {"match"}
    assert found.json()["fits"] == [best]


def test_a_person_with_nothing_known_has_no_best_fit_and_unknown_outcomes(targeting):
    nemo = person(targeting.world.alice, "Nemo", "Unknown")
    body = targeting.world.client_for(targeting.world.carol).get(f"/api/v1/people/{nemo.public_id}/fit").json()
    assert body["best"] is None
    (only,) = body["fits"]
    assert only["score"] is None and only["band"] == "unknown" and only["good_fit"] is False
    assert only["coverage"] == 0.0
    assert {c["outcome"] for c in only["criteria"]} == {"unknown"}


def test_a_company_fits_on_the_company_dimensions(targeting):
    client = targeting.world.client_for(targeting.world.carol)
    globex = client.get(f"/api/v1/companies/{targeting.globex.public_id}/fit").json()["best"]
    assert globex["score"] == 100 and globex["good_fit"] is True
    assert [c["dimension"] for c in globex["criteria"]] == ["industry", "geography", "size", "need"]
    hooli = client.get(f"/api/v1/companies/{targeting.hooli.public_id}/fit").json()["best"]
    assert hooli["score"] == 0 and hooli["band"] == "weak" and hooli["good_fit"] is False


def test_a_referral_fits_as_its_prospect_at_its_company(targeting):
    world = targeting.world
    referral = refer(world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith, at=_recent())
    found = world.client_for(world.carol).get(f"/api/v1/referrals/{referral.public_id}/fit")
    assert found.status_code == 200
    assert found.json()["best"]["score"] == 100 and found.json()["best"]["good_fit"] is True
    assert _error(world.client_for(world.carol).get("/api/v1/referrals/nobody/fit"), 404)["code"] == "not_found"


# --- the call list --------------------------------------------------------------------------------


def test_the_call_list_names_a_happy_client_with_why_and_whom_to_ask_for(targeting):
    world = targeting.world
    _dana_is_a_happy_client_carol_knows(targeting)
    found = world.client_for(world.carol).get("/api/v1/calllist")
    assert found.status_code == 200, found.content
    body = found.json()
    assert body["member"] == {"id": world.carol.public_id, "name": "Carol Rep"}
    assert body["goal"] == 5 and body["asked_this_week"] == 0 and body["excluded"] == []
    assert datetime.date.fromisoformat(body["week_of"]).weekday() == 0
    (dana,) = body["entries"]
    assert dana["person"] == {"id": targeting.pipeline.dana.public_id, "name": "Dana Client", "title": "COO",
                              "company": "Initech"}
    assert dana["why"] == ["Happy client: Initech (NPS 10, health good)"] and dana["score"] == 55.0
    (carla,) = dana["introduce"]
    assert carla["target"]["id"] == targeting.carla.public_id and carla["target"]["company"] == "Globex"
    assert carla["fit"]["good_fit"] is True and "former colleague" in carla["via"]
    assert carla["description"] is None


def test_a_moment_puts_someone_on_the_list_with_the_note_in_why(targeting):
    world = targeting.world
    log_moment(world.carol, targeting.pipeline.erin, note="the freight benchmark")
    body = world.client_for(world.carol).get("/api/v1/calllist").json()
    (erin,) = body["entries"]
    assert erin["person"]["name"] == "Erin Partner"
    assert erin["why"][0].startswith("Thanked you on ") and erin["why"][0].endswith("for the freight benchmark")


def test_someone_asked_recently_moves_to_excluded_saying_so(targeting):
    world = targeting.world
    _dana_is_a_happy_client_carol_knows(targeting)
    ask(world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith, at=_recent())
    body = world.client_for(world.carol).get("/api/v1/calllist").json()
    assert body["entries"] == [] and body["asked_this_week"] in (0, 1)
    (excluded,) = body["excluded"]
    assert excluded["person"] == {"id": targeting.pipeline.dana.public_id, "name": "Dana Client"}
    assert excluded["why"] in ("Asked today", "Asked yesterday")


def test_a_rep_asking_for_another_teams_list_gets_422_on_member(targeting):
    world = targeting.world
    wendy = targeting.pipeline.wendy
    fields = _fields(world.client_for(world.carol).get(f"/api/v1/calllist?member={wendy.public_id}"))
    assert fields == {"member": f"No such object in this workspace: '{wendy.public_id}'."}
    assert "member" in _fields(world.client_for(world.carol).get(f"/api/v1/calllist?member={world.bob.public_id}"))
    assert "member" in _fields(world.client_for(world.bob).get(f"/api/v1/calllist?member={wendy.public_id}"))
    assert "member" in _fields(world.client_for(world.charlie).get(f"/api/v1/calllist?member={world.carol.public_id}"))


def test_a_manager_sees_the_list_of_a_rep_in_the_team_and_an_admin_anyones(targeting):
    world = targeting.world
    _dana_is_a_happy_client_carol_knows(targeting)
    for viewer, member in ((world.bob, world.carol), (world.alice, world.carol), (world.carol, world.carol)):
        found = world.client_for(viewer).get(f"/api/v1/calllist?member={member.public_id}")
        assert found.status_code == 200, found.content
        assert found.json()["member"]["name"] == "Carol Rep"
        assert [e["person"]["name"] for e in found.json()["entries"]] == ["Dana Client"]
    wendys = world.client_for(world.alice).get(f"/api/v1/calllist?member={targeting.pipeline.wendy.public_id}")
    assert wendys.status_code == 200 and wendys.json()["member"]["name"] == "Wendy Westrep"


# --- ask drafts -----------------------------------------------------------------------------------


def test_a_draft_for_a_named_target_has_talking_points_an_intro_and_the_targets_fit(targeting):
    world = targeting.world
    drafted = _post(world.client_for(world.carol), "/api/v1/asks/draft", {
        "source": targeting.pipeline.dana.public_id, "target": targeting.pipeline.bob_smith.public_id,
        "reason": "they are consolidating carriers"})
    assert drafted.status_code == 200, drafted.content
    body = drafted.json()
    assert "Bob Smith" in body["talking_points"] and "Bob" in body["intro_text"]
    assert "Carol" in body["intro_text"] and "they are consolidating carriers" in body["talking_points"]
    assert body["profile"] == {"id": targeting.profile.public_id, "name": "Logistics finance"}
    assert body["target_fit"]["score"] == 100 and body["target_fit"]["good_fit"] is True
    assert body["template_errors"] == {}


def test_a_general_draft_describes_whom_to_meet(targeting):
    world = targeting.world
    body = _post(world.client_for(world.carol), "/api/v1/asks/draft", {
        "source": targeting.pipeline.dana.public_id, "target_description": "a head of freight"}).json()
    assert "a head of freight" in body["talking_points"] and body["target_fit"] is None
    assert body["talking_points"].strip() and body["intro_text"].strip()


@pytest.mark.parametrize("body, field", [
    ({}, "source"),
    ({"source": ""}, "source"),
    ({"source": "nobody"}, "source"),
    ({"source": "DANA", "target": "nobody"}, "target"),
    ({"source": "DANA", "profile": "nobody"}, "profile"),
    ({"source": "DANA", "target": "CHARLIES"}, "target"),
    ({"source": "DANA", "channel": "phone"}, "channel"),
])
def test_a_draft_without_a_source_or_with_an_unknown_id_is_422_on_that_field(targeting, body, field):
    world = targeting.world
    strangers = person(world.charlie, "Xena", "Stranger")
    ids = {"DANA": targeting.pipeline.dana.public_id, "CHARLIES": strangers.public_id}
    body = {k: ids.get(v, v) for k, v in body.items()}
    fields = _fields(_post(world.client_for(world.carol), "/api/v1/asks/draft", body))
    assert set(fields) == {field}


# --- ask templates --------------------------------------------------------------------------------


def test_both_templates_are_listed_with_their_default_bodies(targeting):
    listed = targeting.world.client_for(targeting.world.carol).get("/api/v1/ask-templates").json()
    assert [t["kind"] for t in listed] == ["talking_points", "intro_text"]
    for t in listed:
        assert t["custom"] is False and t["body"] == t["default"] == scripts.DEFAULTS[t["kind"]]


def test_an_admin_changes_a_template_and_drafts_use_it(targeting):
    world = targeting.world
    admin = world.client_for(world.alice)
    body = "Hi {{ target.first_name }}, meet {{ rep.name }} of {{ workspace.name }}.\n{{ source.first_name }}"
    changed = _put(admin, "/api/v1/ask-templates/intro_text", {"body": body})
    assert changed.status_code == 200, changed.content
    assert changed.json() == {"kind": "intro_text", "body": body, "custom": True,
                              "default": scripts.DEFAULTS["intro_text"]}
    drafted = _post(world.client_for(world.carol), "/api/v1/asks/draft", {
        "source": targeting.pipeline.dana.public_id, "target": targeting.pipeline.bob_smith.public_id}).json()
    assert drafted["intro_text"] == "Hi Bob, meet Carol Rep of Acme.\nDana"
    assert drafted["talking_points"] != "" and drafted["template_errors"] == {}
    assert AskTemplate.objects.get().created_via == "api"


def test_a_template_reaching_outside_the_sandbox_is_422_on_body_and_changes_nothing(targeting):
    world = targeting.world
    admin = world.client_for(world.alice)
    _put(admin, "/api/v1/ask-templates/intro_text", {"body": "Hello {{ target.name }}"})
    for bad in ("{{ source.__class__.__mro__ }}", "{% include 'x' %}", "{{ settings.SECRET_KEY }}", "{{ x"):
        fields = _fields(_put(admin, "/api/v1/ask-templates/intro_text", {"body": bad}))
        assert set(fields) == {"body"}
    fields = _fields(_put(admin, "/api/v1/ask-templates/intro_text", {"body": "{{ source.__class__.__mro__ }}"}))
    assert "'__class__'" in fields["body"] and "may not use" in fields["body"]
    assert list(AskTemplate.objects.values_list("kind", "body")) == [("intro_text", "Hello {{ target.name }}")]
    listed = {t["kind"]: t for t in admin.get("/api/v1/ask-templates").json()}
    assert listed["intro_text"]["body"] == "Hello {{ target.name }}" and listed["intro_text"]["custom"] is True


def test_a_template_with_a_nul_is_refused_with_422_on_body(targeting):
    # As every other text of the API: PostgreSQL cannot store a NUL.
    fields = _fields(_put(targeting.world.client_for(targeting.world.alice), "/api/v1/ask-templates/intro_text",
                          {"body": "Hi {{ target.name }}\x00"}))
    assert "NUL" in fields["body"]
    assert not AskTemplate.objects.exists()


def test_a_rep_cannot_change_a_template(targeting):
    refused = _put(targeting.world.client_for(targeting.world.carol), "/api/v1/ask-templates/intro_text",
                   {"body": "Hi {{ target.name }}"})
    assert _error(refused, 403)["code"] == "forbidden"
    assert not AskTemplate.objects.exists()


def test_an_unknown_template_kind_is_404(targeting):
    missing = _put(targeting.world.client_for(targeting.world.alice), "/api/v1/ask-templates/voicemail",
                   {"body": "Hi"})
    assert "talking_points, intro_text" in _error(missing, 404)["message"]
    assert not AskTemplate.objects.exists()


def test_an_empty_body_goes_back_to_the_default(targeting):
    admin = targeting.world.client_for(targeting.world.alice)
    _put(admin, "/api/v1/ask-templates/talking_points", {"body": "- Ask {{ source.name }}"})
    reset = _put(admin, "/api/v1/ask-templates/talking_points", {"body": ""})
    assert reset.status_code == 200
    assert reset.json()["custom"] is False and reset.json()["body"] == scripts.DEFAULTS["talking_points"]
    assert not AskTemplate.objects.exists()


# --- another workspace ------------------------------------------------------------------------------


def test_another_workspace_sees_none_of_it(targeting):
    world = targeting.world
    outsider = world.client_for(world.charlie)
    profile = f"{PROFILES}/{targeting.profile.public_id}"
    before = _rows()
    assert _error(outsider.get(profile), 404)["code"] == "not_found"
    assert _error(_patch(outsider, profile, {"threshold": 1}), 404)["code"] == "not_found"
    assert _error(_patch(outsider, profile, {"archived": True}), 404)["code"] == "not_found"
    _error(outsider.get(f"{profile}/distribution"), 404)
    _error(_post(outsider, f"{profile}/account-list", {}), 404)
    _error(outsider.get(f"/api/v1/people/{targeting.pipeline.bob_smith.public_id}/fit"), 404)
    _error(outsider.get(f"/api/v1/companies/{targeting.globex.public_id}/fit"), 404)
    referral = refer(world.carol, targeting.pipeline.dana, targeting.pipeline.bob_smith, at=_recent())
    _error(outsider.get(f"/api/v1/referrals/{referral.public_id}/fit"), 404)
    assert outsider.get(PROFILES).json() == []
    assert "source" in _fields(_post(outsider, "/api/v1/asks/draft", {"source": targeting.pipeline.dana.public_id}))
    assert _rows() == before and not AccountList.objects.exists()


def test_a_persons_fit_says_how_the_prospects_they_introduced_fit(targeting):
    from tests.referrals.builders import person, refer

    carol, erin = targeting.world.carol, targeting.pipeline.erin
    refer(carol, erin, targeting.pipeline.bob_smith)
    for n in range(2):
        refer(carol, erin, person(carol, "Poor", f"Fit{n}", "Initech", "Intern"))
    body = targeting.world.client_for(carol).get(f"/api/v1/people/{erin.public_id}/fit").json()
    assert body["as_source"] == {"judged": 3, "average_fit": body["as_source"]["average_fit"], "poor_fits": 2,
                                 "mostly_poor": True}
