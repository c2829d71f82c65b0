"""Whatever JSON a client sends to the write endpoints, the answer is a success or a 4xx in the error format."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warmline.network import services

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any text a JSON decoder can produce, lone surrogates and NUL included.
any_text = st.text(st.characters(codec=None, categories=None), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=6,
)
# Plausible values, so that examples get past validation and reach the services and the database.
# Near the length limits, with letters that fold longer ('ß' → 'ss'): keys must still fit their columns.
long_words = st.text(st.sampled_from("abcßﬃİ é-'"), min_size=95, max_size=101)
plausible = st.one_of(
    st.sampled_from(["", " ", "Jane", "Doe", "Smith, CFA", "Dr. Jane Q. Doe III", "vp", "c_level", "friend",
                     "Globex, Inc.", "https://www.linkedin.com/in/jane-doe", "linkedin.com/in/%25%41", "2024-02-29",
                     "jane@globex.test", "<Jane@Globex.TEST>", "😀", "\x00", "\ud800", "0001-01-01", "9999-12-31"]),
    long_words,
    st.lists(st.sampled_from(["jane@globex.test", "JANE@globex.test", "x@y", "", "a@b.co", "İ" * 250 + "@x.io"]),
             max_size=3),
)

PERSON_FIELDS = ["first_name", "last_name", "emails", "phone", "linkedin_url", "title", "function", "seniority",
                 "company", "company_name", "country", "region", "city", "notes", "unknown"]
COMPANY_FIELDS = ["name", "domain", "industry", "employee_count", "size_band", "country", "region", "city", "tags",
                  "unknown"]
TIE_FIELDS = ["person", "other", "kind", "how_they_know", "on", "unknown"]


def _assert_handled(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["status"] == response.status_code and error["code"] and error["message"]


def _send(client, path, body):
    # json.dumps writes NaN and Infinity, which Python's decoder (and so the API) accepts.
    return client.post(path, json.dumps(body), content_type="application/json")


@FUZZ
@given(body=st.one_of(
    st.dictionaries(st.sampled_from(PERSON_FIELDS), st.one_of(plausible, json_values), max_size=8),
    json_values,
))
def test_it_never_fails_on_any_person_body(world, body):
    _assert_handled(_send(world.client_for(world.alice), "/api/v1/people", body))


@FUZZ
@given(body=st.dictionaries(st.sampled_from(COMPANY_FIELDS), st.one_of(plausible, json_values), max_size=6))
def test_it_never_fails_on_any_company_body(world, body):
    _assert_handled(_send(world.client_for(world.alice), "/api/v1/companies", body))


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_relationship_body(world, data):
    if not hasattr(world, "people"):
        jane = services.save_person(world.alice, None, first_name="Jane", last_name="Doe")
        bob = services.ensure_person_for(world.bob)
        world.people = [jane.public_id, bob.public_id, "nobody", ""]
    ids = st.sampled_from(world.people)
    kinds = st.sampled_from(["friend", "colleague", "investor", "enemy", ""])
    values = {"person": ids, "other": ids, "kind": kinds, "on": st.dates().map(str)}
    keys = data.draw(st.lists(st.sampled_from(TIE_FIELDS), max_size=6, unique=True))
    body = {key: data.draw(st.one_of(values.get(key, plausible), plausible, json_values)) for key in keys}
    _assert_handled(_send(world.client_for(world.carol), "/api/v1/relationships", body))
