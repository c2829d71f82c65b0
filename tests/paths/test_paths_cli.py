"""`warmline paths …`: a person, an account and a target-account list, as text and as JSON."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from warmline.core.choices import Sharing
from warmline.network import services

from .test_paths_queries import net  # noqa: F401 - the fixture


def _run(*args):
    out = io.StringIO()
    call_command("paths", *args, "--workspace", "acme", stdout=out)
    return out.getvalue()


def test_to_prints_a_list_of_paths_with_score_hops_and_explanation(net):  # noqa: F811
    world, priya, target, dan = net
    paths = json.loads(_run("--to", "Bob Smith", "--json"))
    assert [p["score"] > 0 for p in paths] == [True, True]
    first = paths[0]
    assert [(h["id"], h["name"], h["company"], h["role"]) for h in first["hops"]] == [
        (world.alice.person.public_id, "Alice Admin", "Acme", "employee"),
        (priya.public_id, "Priya Patel", "Initech", "connector"),
        (target.public_id, "Bob Smith", "Globex", "target"),
    ]
    assert first["explanation"].startswith("Alice Admin (your RevOps) worked with Priya Patel")
    assert paths[0]["score"] >= paths[1]["score"]


def test_to_answers_as_a_member_with_as(net):  # noqa: F811
    world, _, target, _ = net
    services.set_network_sharing(world.carol, Sharing.PRIVATE)
    seen_by_all = json.loads(_run("--to", "Bob Smith", "--json"))
    seen_by_carol = json.loads(_run("--to", "Bob Smith", "--json", "--as", "carol@acme.test"))
    assert len(seen_by_all) == 1
    assert len(seen_by_carol) == 2
    text = _run("--to", "bob smith", "--as", "alice@acme.test", "--limit", "1")
    assert "Paths to Bob Smith (VP Finance, Globex), best first:" in text
    assert "You worked with Priya Patel" in text and "← try next" in text
    assert "Carol" not in text


def test_account_and_accounts(net, tmp_path):  # noqa: F811
    world, *_ = net
    text = _run("--account", "Globex")
    assert text.startswith("Globex: 2 of 2 people reachable through 2 employees.")
    as_json = json.loads(_run("--account", "globex", "--json"))
    assert {p["hops"][-1]["name"] for p in as_json} == {"Bob Smith", "Dan Insider"}
    listing = tmp_path / "accounts.csv"
    listing.write_text("Account\nGlobex\nNowhere Ltd\n")
    rows = json.loads(_run("--accounts", str(listing), "--json"))
    assert [(r["account"], r["reachable_people"], r["best_introducer"]["name"] if r["best_introducer"] else None)
            for r in rows] == [("Globex", 2, "Carol Rep"), ("Nowhere Ltd", 0, None)]
    table = _run("--accounts", str(listing))
    assert "Nowhere Ltd" in table and "not in the network (line 3)" in table


@pytest.mark.parametrize("args, message", [
    (("--to", "Nobody Known"), "--to: no one matches 'Nobody Known'."),
    (("--to", "Insider", "--limit", "0"), "--limit: give a number of paths, 1 or more."),
    (("--account", "Umbrella"), "--account: no company matches 'Umbrella'."),
    (("--accounts", "/no/such/file.csv"), "/no/such/file.csv: cannot read the file"),
    (("--to", "Bob", "--as", "stranger@x.test"), "--as: stranger@x.test is not a member of acme."),
])
def test_bad_requests_exit_2_and_say_why(net, args, message):  # noqa: F811
    with pytest.raises(CommandError) as raised:
        _run(*args)
    assert raised.value.returncode == 2
    assert message in str(raised.value)


def test_several_matches_are_named(net):  # noqa: F811
    world, *_ = net
    services.save_person(world.alice, None, first_name="Bob", last_name="Smithson", company="Hooli")
    with pytest.raises(CommandError, match="matches several people: Bob Smith .*Bob Smithson"):
        _run("--to", "Bob Smi")
