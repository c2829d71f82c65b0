"""Whatever JSON a client sends to the targeting write endpoints, the answer is a success or a 4xx in the error
format, and a refused request changes nothing."""

import itertools
import json

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.network.test_api_fuzz import FUZZ, _assert_handled, json_values, plausible
from tests.referrals.builders import person
from tests.targeting.builders import build_targeting
from warmline.referrals.models import Ask
from warmline.targeting import fit
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

FUZZ = settings(FUZZ, max_examples=50)

PROFILE_FIELDS = ["name", "who", "summary", "industries", "countries", "regions", "cities", "size_min", "size_max",
                  "functions", "seniorities", "traits", "trait_tags", "need", "need_keywords", "weights", "threshold",
                  "unknown"]
ADMIN_MOSTLY = st.sampled_from([True, True, True, False])  # a rep is refused: one example in four is enough
PATCH_FIELDS = [*PROFILE_FIELDS, "version", "archived"]
CRITERIA_FIELDS = ["industries", "countries", "regions", "cities", "size_min", "size_max", "functions", "seniorities",
                   "trait_tags", "need_keywords", "weights", "threshold"]
DRAFT_FIELDS = ["source", "target", "target_description", "reason", "profile", "unknown"]

# Each field has values a profile may hold, and edge values it must refuse cleanly (or store cleaned).
good_words = st.one_of(
    st.lists(st.sampled_from(["Logistics", "logistics", " Freight ", "Illinois", "USA", "Finance", "early adopter",
                              "x" * 100, "a,b", "😀", "Straße", "", " "]), max_size=4),
    st.sampled_from([[""], [" ", ""], ["Logistics", " "]]),  # blank entries, which a saved profile drops
)
edge_words = st.lists(st.sampled_from(["x" * 101, "\x00", "Logistics"]), min_size=1, max_size=3)
# Any valid Unicode. A NUL is valid JSON text too: a body holding one is stored or refused, never a 500.
unicode_text = st.text(st.characters(codec="utf-8"), max_size=20)
good_text = st.one_of(st.sampled_from(["", "CFOs", "rising freight costs", "  spaced   out  ", "Ünïcode 😀", "x" * 120,
                                       "tab\tand NUL\x00"]), unicode_text)
edge_text = st.sampled_from(["x" * 121, "x" * 301, "x" * 5001, " \n\t "])
good_size = st.one_of(st.none(), st.integers(1, 5000), st.sampled_from([1, 10_000_000]))
edge_size = st.sampled_from([0, -1, 10_000_001, 2**63])
good_weights = st.dictionaries(st.sampled_from(fit.DIMENSIONS), st.integers(0, fit.MAX_WEIGHT), max_size=3)
edge_weights = st.dictionaries(st.sampled_from([*fit.DIMENSIONS, "luck"]),
                               st.one_of(st.integers(-2, 12), st.none(), st.booleans(), st.just("3")), max_size=4)
good_seniorities = st.lists(st.sampled_from(["c_level", "vp", "director", ""]), max_size=3)
edge_seniorities = st.lists(st.sampled_from(["emperor", "VP", "c-level"]), min_size=1, max_size=2)
good_names = st.sampled_from(["Retail", "Retail ops", "N" * 80, "Straße"])
edge_names = st.sampled_from(["Logistics finance", "LOGISTICS FINANCE", "retail", "", "  ", "N" * 81, "STRASSE",
                              "a\x00b"])
PROFILE_VALUES = {
    "name": (good_names, edge_names),
    **{f: (good_text, edge_text) for f in ("who", "summary", "traits", "need")},
    **{f: (good_words, edge_words) for f in ("industries", "countries", "regions", "cities", "functions",
                                             "trait_tags", "need_keywords")},
    "seniorities": (good_seniorities, edge_seniorities),
    "size_min": (good_size, edge_size), "size_max": (good_size, edge_size),
    "weights": (good_weights, edge_weights), "threshold": (st.integers(0, 100), st.sampled_from([-1, 101, 60.5])),
    "version": (st.integers(1, 6), st.sampled_from([0, -1])), "archived": (st.booleans(), st.none()),
    "unknown": (plausible, json_values),
}
good_templates = st.sampled_from([
    "", " ", "Hi {{ target.first_name }}, meet {{ rep.name }}.", "{{ history }}", "Plain words.",
    "{% for i in range(10) %}-{% endfor %}", "{{ reason|upper }}\r\n{{ profile.sentence }}",
    "{% if target.specific %}{{ target.name }}{% else %}{{ target.description }}{% endif %}",
    "{{ 10 // history.deals_won }}", "{{ target.name[0] }}: {{ source.company|default('?') }}",
])
control_templates = st.sampled_from(["Hi {{ target.name }}\x00", "Tab\tthen NUL\x00", "\x1b[31mred\x7f"])
bad_templates = st.sampled_from([
    "{{ source.__class__.__mro__ }}", "{{ target.name.__class__ }}", "{% include 'x' %}", "{{ x", "{{ secret }}",
    "{{ _hidden }}", "{% for i in range(1000000) %}{{ i }}{% endfor %}", "{{ source.name|attr('__dict__') }}",
    "{{ 'x' * 100000 }}", "{{ (1 / 0) }}", "x" * 20_001,
])
templates = st.sampled_from([good_templates, good_templates, bad_templates, control_templates, unicode_text,
                             st.text(st.sampled_from("{}%# abc.|_()"), max_size=30)]).flatmap(lambda t: t)


def _setup(world):
    """The targeting world, built once per test (not per example): ids to fuzz with."""
    if not hasattr(world, "targeting"):
        targeting = build_targeting(world)
        world.targeting = targeting
        stranger = person(world.charlie, "Xena", "Stranger")
        world.people = [targeting.pipeline.dana.public_id, targeting.pipeline.bob_smith.public_id,
                        targeting.carla.public_id]
        # Ids that name no person here: a profile, Bravo's person, a member, nothing.
        world.others = [targeting.profile.public_id, stranger.public_id, world.carol.public_id, "nobody", "",
                        "x" * 40]
        world.names = itertools.count()
    return world.targeting


def _profile_body(data, fields, *, wild=True):
    """Some fields: all with good values, or all but one, or each with anything at all."""
    keys = data.draw(st.lists(st.sampled_from(fields), max_size=7, unique=True))
    mode = data.draw(st.sampled_from(["good", "one bad", "wild"])) if wild else "good"
    bad = data.draw(st.sampled_from(keys)) if keys and mode == "one bad" else None
    body = {}
    for key in keys:
        good, edge = PROFILE_VALUES[key]
        if key == "unknown" and mode == "good":
            continue
        if key == bad:
            body[key] = data.draw(st.sampled_from([edge, edge, plausible, json_values]).flatmap(lambda s: s))
        elif mode == "wild":
            body[key] = data.draw(st.one_of(good, edge, plausible, json_values))
        else:
            body[key] = data.draw(good)
    return body


def _snapshot():
    return (list(IdealCustomerProfile.objects.order_by("pk").values()),
            list(AskTemplate.objects.order_by("pk").values()), Ask.objects.count())


def _send(client, method, path, body):
    # json.dumps writes NaN and Infinity, which Python's decoder (and so the API) accepts.
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def _fuzz(world, member, method, path, body):
    """Send one body: a success, or a 4xx in the error format that changed nothing."""
    before = _snapshot()
    response = _send(world.client_for(member), method, path, body)
    _assert_handled(response)
    event(f"{method} {response.status_code}")
    if response.status_code >= 400:
        assert _snapshot() == before, (response.status_code, response.content)
    return response


@FUZZ
@given(data=st.data(), admin=ADMIN_MOSTLY)
def test_it_never_fails_on_any_new_profile(world, data, admin):
    _setup(world)
    body = _profile_body(data, PROFILE_FIELDS)
    if data.draw(st.integers(0, 3)):
        body.setdefault("name", f"Fuzzed {next(world.names)}")
    response = _fuzz(world, world.alice if admin else world.carol, "post", "/api/v1/profiles", body)
    if response.status_code == 201:
        saved = IdealCustomerProfile.objects.get(public_id=response.json()["id"])
        assert saved.version == 1 and saved.name.strip()
        assert saved.size_min is None or saved.size_max is None or saved.size_min <= saved.size_max


@FUZZ
@given(data=st.data(), admin=ADMIN_MOSTLY, current=st.booleans())
def test_it_never_fails_on_any_profile_patch(world, data, admin, current):
    targeting = _setup(world)
    body = _profile_body(data, PATCH_FIELDS)
    if current and "version" in body:
        body["version"] = IdealCustomerProfile.objects.get(pk=targeting.profile.pk).version
    url = f"/api/v1/profiles/{targeting.profile.public_id}"
    response = _fuzz(world, world.alice if admin else world.carol, "patch", url, body)
    if response.status_code == 200:
        assert world.client_for(world.carol).get(url).json() == response.json()


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_ask_draft(world, data):
    targeting = _setup(world)
    people, others = st.sampled_from(world.people), st.sampled_from(world.others)
    good = {"source": people, "target": st.one_of(people, st.just("")), "target_description": good_text,
            "reason": good_text, "profile": st.sampled_from([targeting.profile.public_id, ""])}
    keys = data.draw(st.lists(st.sampled_from(DRAFT_FIELDS), max_size=5, unique=True))
    wild = data.draw(st.booleans())
    body = {}
    for key in keys:
        if key == "unknown" and not wild:
            continue
        body[key] = data.draw(st.one_of(good.get(key, plausible), others, plausible, json_values) if wild
                              else good[key])
    if not wild:
        body.setdefault("source", data.draw(people))
    response = _fuzz(world, world.carol, "post", "/api/v1/asks/draft", body)
    # A draft writes nothing, whatever the answer.
    if response.status_code == 200:
        assert response.json()["talking_points"].strip() and response.json()["intro_text"].strip()


@FUZZ
@given(kind=st.sampled_from(["talking_points", "intro_text", "talking_points", "intro_text", "voicemail",
                             "INTRO_TEXT"]), admin=ADMIN_MOSTLY,
       body=st.sampled_from([
           st.fixed_dictionaries({"body": templates}), st.fixed_dictionaries({"body": templates}),
           st.fixed_dictionaries({"body": st.one_of(templates, plausible, json_values)},
                                 optional={"kind": plausible, "unknown": json_values}),
           json_values,
       ]).flatmap(lambda body: body))
def test_it_never_fails_on_any_ask_template(world, kind, admin, body):
    _setup(world)
    response = _fuzz(world, world.alice if admin else world.carol, "put", f"/api/v1/ask-templates/{kind}", body)
    if response.status_code == 200:
        saved = dict(AskTemplate.objects.filter(workspace=world.acme).values_list("kind", "body"))
        assert response.json()["custom"] is (kind in saved)
        assert response.json()["body"] == saved.get(kind, response.json()["default"])
        # Templates the API accepted always give a draft: their own text, or the default's with the error said.
        drafted = _send(world.client_for(world.carol), "post", "/api/v1/asks/draft", {"source": world.people[0]})
        assert drafted.status_code == 200, drafted.content
        assert set(drafted.json()["template_errors"]) <= set(saved)


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_a_preview_agrees_with_the_profile_the_api_saves_from_the_same_criteria(world, data):
    _setup(world)
    body = _profile_body(data, CRITERIA_FIELDS, wild=False)
    client = world.client_for(world.alice)
    saved = _send(client, "post", "/api/v1/profiles", {**body, "name": f"Preview {next(world.names)}"})
    _assert_handled(saved)
    if saved.status_code != 201:
        return
    preview = _send(client, "post", "/api/v1/profiles/preview", body)
    assert preview.status_code == 200, preview.content
    assert preview.json() == client.get(f"/api/v1/profiles/{saved.json()['id']}/distribution").json()
