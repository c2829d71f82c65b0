"""Whatever JSON a client sends to the targeting write endpoints, the answer is a success or a 4xx in the error
format, and a refused request changes nothing."""

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.test_api_fuzz import FUZZ, _assert_handled, json_values, plausible
from tests.referrals.builders import person
from tests.targeting.builders import build_targeting
from warmline.referrals.models import Ask
from warmline.targeting import fit
from warmline.targeting.models import AskTemplate, IdealCustomerProfile

FUZZ = settings(FUZZ, max_examples=40)

PROFILE_FIELDS = ["name", "who", "summary", "industries", "countries", "regions", "cities", "size_min", "size_max",
                  "functions", "seniorities", "traits", "trait_tags", "need", "need_keywords", "weights", "threshold",
                  "unknown"]
PATCH_FIELDS = [*PROFILE_FIELDS, "version", "archived"]
DRAFT_FIELDS = ["source", "target", "target_description", "reason", "profile", "unknown"]

words = st.lists(st.sampled_from(["Logistics", "logistics", " Freight ", "", " ", "Illinois", "USA", "Finance",
                                  "early adopter", "x" * 100, "x" * 101, "a,b", "\x00", "😀"]), max_size=4)
sizes = st.one_of(st.none(), st.integers(-1, 12_000_000), st.sampled_from([1, 200, 2000, 10_000_000, 10_000_001]))
weights = st.dictionaries(st.sampled_from([*fit.DIMENSIONS, "luck"]),
                          st.one_of(st.integers(-2, 12), st.none(), st.booleans(), st.just("3")), max_size=4)
seniorities = st.lists(st.sampled_from(["c_level", "vp", "director", "", "emperor", "VP"]), max_size=3)
names = st.sampled_from(["Logistics finance", "LOGISTICS FINANCE", "Retail", "retail ", "", "  ", "N" * 80,
                         "N" * 81, "Straße", "STRASSE", "a\x00b"])
templates = st.one_of(
    st.sampled_from([
        "", " ", "Hi {{ target.first_name }}, meet {{ rep.name }}.", "{{ source.__class__.__mro__ }}",
        "{{ target.name.__class__ }}", "{% include 'x' %}", "{{ x", "{{ secret }}", "{{ _hidden }}",
        "{% for i in range(1000000) %}{{ i }}{% endfor %}", "{% for i in range(10) %}-{% endfor %}",
        "{{ source.name|attr('__dict__') }}", "{{ history }}", "{{ reason|upper }}\r\n{{ profile.sentence }}",
        "Line one\x00", "{{ 'x' * 100000 }}", "{{ (1 / 0) }}",
    ]),
    st.text(st.sampled_from("{}%# abc.|_()"), max_size=30),
)


def _setup(world):
    """The targeting world, built once per test (not per example): ids to fuzz with."""
    if not hasattr(world, "targeting"):
        targeting = build_targeting(world)
        world.targeting = targeting
        stranger = person(world.charlie, "Xena", "Stranger")
        world.ids = [targeting.pipeline.dana.public_id, targeting.pipeline.bob_smith.public_id,
                     targeting.carla.public_id, targeting.profile.public_id, stranger.public_id, world.carol.public_id,
                     "nobody", "", "x" * 40]
        world.names = itertools.count()
    return world.targeting


def _profile_body(data, fields):
    values = {"name": names, "who": plausible, "summary": plausible, "traits": plausible, "need": plausible,
              "industries": words, "countries": words, "regions": words, "cities": words, "functions": words,
              "trait_tags": words, "need_keywords": words, "seniorities": seniorities, "size_min": sizes,
              "size_max": sizes, "weights": weights, "threshold": st.integers(-1, 101),
              "version": st.integers(-1, 6), "archived": st.one_of(st.booleans(), st.none())}
    keys = data.draw(st.lists(st.sampled_from(fields), max_size=7, unique=True))
    return {key: data.draw(st.one_of(values.get(key, plausible), plausible, json_values)) for key in keys}


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
    if response.status_code >= 400:
        assert _snapshot() == before, (response.status_code, response.content)
    return response


@FUZZ
@given(data=st.data(), admin=st.booleans())
def test_it_never_fails_on_any_new_profile(world, data, admin):
    _setup(world)
    response = _fuzz(world, world.alice if admin else world.carol, "post", "/api/v1/profiles",
                     _profile_body(data, PROFILE_FIELDS))
    if response.status_code == 201:
        saved = IdealCustomerProfile.objects.get(public_id=response.json()["id"])
        assert saved.version == 1 and saved.name.strip()
        assert saved.size_min is None or saved.size_max is None or saved.size_min <= saved.size_max


@FUZZ
@given(data=st.data(), admin=st.booleans(), current=st.booleans())
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
    _setup(world)
    ids = st.sampled_from(world.ids)
    values = {"source": ids, "target": ids, "profile": ids}
    keys = data.draw(st.lists(st.sampled_from(DRAFT_FIELDS), max_size=5, unique=True))
    body = {key: data.draw(st.one_of(values.get(key, plausible), plausible, json_values)) for key in keys}
    response = _fuzz(world, world.carol, "post", "/api/v1/asks/draft", body)
    # A draft writes nothing, whatever the answer.
    if response.status_code == 200:
        assert response.json()["talking_points"].strip() and response.json()["intro_text"].strip()


@FUZZ
@given(kind=st.sampled_from(["talking_points", "intro_text", "voicemail", "INTRO_TEXT"]), admin=st.booleans(),
       body=st.one_of(st.fixed_dictionaries({"body": templates}),
                      st.fixed_dictionaries({"body": st.one_of(templates, plausible, json_values)},
                                            optional={"kind": plausible, "unknown": json_values}),
                      json_values))
def test_it_never_fails_on_any_ask_template(world, kind, admin, body):
    _setup(world)
    response = _fuzz(world, world.alice if admin else world.carol, "put", f"/api/v1/ask-templates/{kind}", body)
    if response.status_code == 200:
        saved = dict(AskTemplate.objects.filter(workspace=world.acme).values_list("kind", "body"))
        assert response.json()["custom"] is (kind in saved)
        assert response.json()["body"] == saved.get(kind, response.json()["default"])


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_a_preview_agrees_with_the_profile_the_api_saves_from_the_same_criteria(world, data):
    _setup(world)
    body = _profile_body(data, [f for f in PROFILE_FIELDS if f not in ("name", "unknown")])
    client = world.client_for(world.alice)
    saved = _send(client, "post", "/api/v1/profiles", {**body, "name": f"Preview {next(world.names)}"})
    _assert_handled(saved)
    if saved.status_code != 201:
        return
    preview = _send(client, "post", "/api/v1/profiles/preview", body)
    assert preview.status_code == 200, preview.content
    assert preview.json() == client.get(f"/api/v1/profiles/{saved.json()['id']}/distribution").json()
