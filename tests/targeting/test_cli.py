"""`warmline calllist` and `warmline fit`: whom a member should ask, and how a person fits, as text and as JSON."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.referrals.builders import ask, person
from warmline.network.services import ensure_person_for, record_tie
from warmline.targeting import services


def _run(*args, workspace="acme"):
    out = io.StringIO()
    call_command(*args, *(("--workspace", workspace) if workspace else ()), stdout=out)
    return out.getvalue()


def _refused(*args, **kwargs) -> str:
    with pytest.raises(CommandError) as raised:
        _run(*args, **kwargs)
    assert raised.value.returncode == 2
    return str(raised.value)


@pytest.fixture
def known(targeting):
    """Carol knows Dana, a happy client at Initech who knows Carla, a good fit."""
    world = targeting.world
    record_tie(world.carol, ensure_person_for(world.carol), targeting.pipeline.dana, kind="friend")
    return targeting


# --- calllist -------------------------------------------------------------------------------------


def test_calllist_prints_whom_to_ask_why_and_whom_to_ask_for(known):
    text = _run("calllist", "--user", "carol@acme.test")
    lines = text.splitlines()
    assert lines[0].startswith("Whom Carol Rep should ask, week of ") and lines[0].endswith("(0 of 5 asks made):")
    assert lines[1] == "  1. Dana Client (COO, Initech)  score 55"
    assert lines[2] == "       why: Happy client: Initech (NPS 10, health good)"
    assert lines[3].startswith("       ask for: Carla Controller [fit 100 with Logistics finance], ")
    assert "former colleague" in lines[3]
    assert "Left off" not in text and "Nobody to suggest" not in text


def test_calllist_json_is_the_list_with_its_entries(known):
    calls = json.loads(_run("calllist", "--user", "carol@acme.test", "--json"))
    assert calls["member"] == {"id": known.world.carol.public_id, "name": "Carol Rep"}
    assert calls["goal"] == 5 and calls["asked_this_week"] == 0
    assert datetime.date.fromisoformat(calls["week_of"]).weekday() == 0
    (dana,) = calls["entries"]
    assert dana["person"]["id"] == known.pipeline.dana.public_id and dana["score"] == 55.0
    assert dana["introduce"][0]["target"]["name"] == "Carla Controller"
    assert calls["more"] == [] and calls["excluded"] == []


def test_calllist_says_who_was_left_off_after_an_ask(known):
    world = known.world
    ask(world.carol, known.pipeline.dana, known.pipeline.bob_smith, at=timezone.now() - datetime.timedelta(minutes=5))
    text = _run("calllist", "--user", "carol@acme.test")
    assert "Nobody to suggest" in text and "Dana Client" not in text
    assert "Left off: 1 (asked recently, asked not to be asked, or an open ask)." in text
    excluded = json.loads(_run("calllist", "--user", "carol@acme.test", "--json"))["excluded"]
    assert [e["person"]["name"] for e in excluded] == ["Dana Client"] and excluded[0]["why"].startswith("Asked ")


def test_calllist_with_nobody_to_suggest_says_what_would_help(targeting):
    text = _run("calllist", "--user", "wendy@acme.test")
    assert text.startswith("Whom Wendy Westrep should ask")
    assert "Nobody to suggest: log wins and moments, rate client health, keep a target-account list." in text


@pytest.mark.parametrize("args, workspace, message", [
    (("--user", "nobody@acme.test"), "acme", "--user: nobody@acme.test is not a member of acme."),
    (("--user", "charlie@bravo.test"), "acme", "--user: charlie@bravo.test is not a member of acme."),
    (("--user", "carol@acme.test"), "nowhere", "--workspace: no workspace with slug 'nowhere'."),
    (("--user", "carol@acme.test"), None, "There are several workspaces: say which with --workspace SLUG."),
])
def test_calllist_refuses_an_unknown_user_or_workspace_with_exit_2(targeting, args, workspace, message):
    assert message in _refused("calllist", *args, workspace=workspace)


# --- fit ------------------------------------------------------------------------------------------


def test_fit_prints_the_score_and_a_mark_for_each_criterion(targeting):
    lines = _run("fit", "--person", "Bob Smith").splitlines()
    assert lines[0] == "Bob Smith (CFO, Globex)"
    assert lines[1] == "  Logistics finance: 100/100, strong (a good fit), judged on 6 of 6 criteria"
    assert lines[2] == "    ✓ Industry: Logistics is one of Logistics, Freight"
    assert len(lines) == 8 and all(line.startswith("    ✓ ") for line in lines[2:])


def test_fit_marks_what_is_not_known_with_a_question_mark(targeting):
    text = _run("fit", "--person", "carla controller")
    assert "Logistics finance: 100/100, strong (a good fit), judged on 4 of 6 criteria" in text
    assert "    ? Type of person: Nothing recorded says early adopter" in text
    nemo = person(targeting.world.alice, "Nemo", "Unknown")
    text = _run("fit", "--person", nemo.full_name)
    assert text.splitlines()[0] == "Nemo Unknown"
    assert "Logistics finance: unknown, judged on 0 of 6 criteria" in text and "✓" not in text


def test_fit_json_has_the_person_and_each_fit(targeting):
    found = json.loads(_run("fit", "--person", "Bob Smith", "--json"))
    assert found["person"] == {"id": targeting.pipeline.bob_smith.public_id, "name": "Bob Smith"}
    (only,) = found["fits"]
    assert only["profile"] == {"id": targeting.profile.public_id, "name": "Logistics finance"}
    assert only["score"] == 100 and only["good_fit"] is True and only["coverage"] == 1.0
    assert {c["outcome"] for c in only["criteria"]} == {"match"}


def test_fit_picks_the_exact_name_among_several_matches_and_names_them_otherwise(targeting):
    person(targeting.world.alice, "Bob", "Smithson", "Hooli", "CTO")
    assert _run("fit", "--person", "Bob Smith").startswith("Bob Smith (CFO, Globex)")
    message = _refused("fit", "--person", "Bob")
    assert "--person: 'Bob' matches several people:" in message
    assert "Bob Smith (Globex" in message and "Bob Smithson (Hooli" in message


def test_fit_refuses_a_person_no_one_matches(targeting):
    assert "--person: no one matches 'Nobody Known'." in _refused("fit", "--person", "Nobody Known")


def test_fit_in_a_workspace_without_a_profile_says_so(targeting):
    services.archive_profile(targeting.world.alice, targeting.profile)
    message = _refused("fit", "--person", "Bob Smith")
    assert message == "This workspace has no ideal customer profile yet: define one under Targeting."
    person(targeting.world.charlie, "Xena", "Stranger")
    assert "no ideal customer profile yet" in _refused("fit", "--person", "Xena Stranger", workspace="bravo")


def test_fit_needs_the_workspace_when_there_are_several(targeting):
    assert "several workspaces" in _refused("fit", "--person", "Bob Smith", workspace=None)
    assert "no one matches" in _refused("fit", "--person", "Bob Smith", workspace="bravo")
