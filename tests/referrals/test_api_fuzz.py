"""Whatever JSON a client sends to the pipeline's write endpoints, the answer is a success or a 4xx in the error
format, and a refused request changes nothing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.network.test_api_fuzz import FUZZ, _assert_handled, _send, json_values, plausible
from tests.referrals.builders import build_pipeline
from warmline.referrals.models import Ask, Referral, StageChange

FUZZ = settings(FUZZ, max_examples=80)

ASK_FIELDS = ["source", "target", "target_company", "target_description", "reason", "intro_text", "channel",
              "asked_on", "outcome", "follow_up_on", "intel", "path", "asked_by", "unknown"]
REFERRAL_FIELDS = ["ask", "source", "prospect", "owner", "origin", "earned_by", "company", "value", "introduced_at",
                   "note", "unknown"]
MOVE_FIELDS = ["stage", "version", "value", "closed_on", "lost_reason", "unknown"]


def _ids(world):
    if not hasattr(world, "ids"):
        pipeline = build_pipeline(world)
        world.pipeline = pipeline
        world.ids = [pipeline.dana.public_id, pipeline.bob_smith.public_id, world.carol.public_id, "nobody", "",
                     pipeline.stage("Won").public_id, pipeline.stage("Contacted").public_id]
    return st.sampled_from(world.ids)


def _money():
    return st.fixed_dictionaries({"minor": st.one_of(st.integers(), json_values),
                                  "currency": st.sampled_from(["USD", "usd", "JPY", "XYZ", "", "€"])})


def _body(data, fields, ids, extra=None):
    values = {"source": ids, "target": ids, "prospect": ids, "owner": ids, "stage": ids, "asked_by": ids,
              "channel": st.sampled_from(["phone", "email", "fax", ""]), "value": _money(),
              "outcome": st.sampled_from(["agreed", "declined", "maybe"]), "version": st.integers(-1, 5),
              "asked_on": st.dates().map(str), "closed_on": st.dates().map(str),
              "introduced_at": st.sampled_from(["2026-01-01T09:00:00Z", "2026-01-01T09:00:00", "2999-01-01T00:00Z",
                                                "yesterday", "2026-01-01T09:00:00+23:59",
                                                "0001-01-01T00:00:00+05:00"]),
              "path": st.lists(ids, max_size=5), "intel": st.dictionaries(st.sampled_from(
                  ["how_they_know", "obstacles", "mood"]), plausible, max_size=2), **(extra or {})}
    keys = data.draw(st.lists(st.sampled_from(fields), max_size=7, unique=True))
    return {key: data.draw(st.one_of(values.get(key, plausible), plausible, json_values)) for key in keys}


def _snapshot():
    return (list(Ask.objects.values_list("id", "version")), list(Referral.objects.values_list("id", "version")),
            StageChange.objects.count())


def _fuzz(world, path: str, body: dict) -> None:
    """Send one body: a success, or a 4xx in the error format that changed nothing."""
    before = _snapshot()
    response = _send(world.client_for(world.carol), path, body)
    _assert_handled(response)
    if response.status_code >= 400:
        assert _snapshot() == before


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_ask_body(world, data):
    _fuzz(world, "/api/v1/asks", _body(data, ASK_FIELDS, _ids(world)))


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_referral_body(world, data):
    _fuzz(world, "/api/v1/referrals", _body(data, REFERRAL_FIELDS, _ids(world)))


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_move(world, data):
    ids = _ids(world)
    if not hasattr(world, "referral"):
        from tests.referrals.builders import refer

        world.referral = refer(world.carol, world.pipeline.dana, world.pipeline.bob_smith)
    _fuzz(world, f"/api/v1/referrals/{world.referral.public_id}/stage", _body(data, MOVE_FIELDS, ids))
