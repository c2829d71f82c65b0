"""The warmline command: createadmin, stats --json, token, demo."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from warmline.core.models import ApiToken, Membership, Team, User, Workspace

WARMLINE = str(Path(sys.executable).parent / "warmline")


def _call(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_the_workspace_and_the_admin(db):
    out, _ = _call("createadmin", "--email", "Owner@Example.com", "--workspace", "Globex Sales", "--password", "a-long-passphrase")
    workspace = Workspace.objects.get(name="Globex Sales")
    assert workspace.slug == "globex-sales"
    membership = Membership.objects.get(workspace=workspace)
    assert membership.role == "admin" and membership.user.email == "owner@example.com"
    assert membership.user.check_password("a-long-passphrase")
    assert "new workspace" in out


def test_it_makes_an_existing_user_admin_of_an_existing_workspace(world):
    _call("createadmin", "--email", "carol@acme.test", "--workspace", "Acme", "--password", "another-long-one")
    world.carol.refresh_from_db()
    assert world.carol.role == "admin"
    assert Workspace.objects.filter(name="Acme").count() == 1


def test_it_prompts_for_the_password_when_not_given(db, monkeypatch):
    answers = iter(["typed-at-the-prompt", "typed-at-the-prompt"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(
        "warmline.core.management.commands.createadmin.Command.stdin_is_interactive", staticmethod(lambda: True)
    )
    _call("createadmin", "--email", "p@example.com", "--workspace", "Prompted")
    assert User.objects.get(email="p@example.com").check_password("typed-at-the-prompt")


def test_it_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="too short|too common"):
        _call("createadmin", "--email", "w@example.com", "--workspace", "Weak", "--password", "123")
    assert not Workspace.objects.filter(name="Weak").exists()


def test_it_asks_for_a_password_without_a_terminal(db):
    with pytest.raises(CommandError, match="--password is required"):
        _call("createadmin", "--email", "x@example.com", "--workspace", "X")


def test_it_prints_stats_as_json(world):
    out, _ = _call("stats", "--json")
    data = json.loads(out)
    by_slug = {w["slug"]: w for w in data["workspaces"]}
    assert by_slug["acme"]["counts"]["memberships"] == 3
    assert by_slug["acme"]["counts"]["teams"] == 1
    assert by_slug["bravo"]["counts"]["memberships"] == 1


def test_it_prints_stats_of_one_workspace(world):
    data = json.loads(_call("stats", "--json", "--workspace", "bravo")[0])
    assert [w["slug"] for w in data["workspaces"]] == ["bravo"]
    with pytest.raises(CommandError, match="--workspace: no workspace with slug 'nope'"):
        _call("stats", "--json", "--workspace", "nope")


def test_it_creates_lists_and_revokes_tokens(world):
    out, err = _call("token", "create", "--user", "carol@acme.test", "--name", "CRM")
    secret = out.strip()
    assert secret.startswith("wl_") and "not shown again" in err
    token = ApiToken.objects.get(name="CRM")
    assert token.created_via == "cli"
    listing, _ = _call("token", "list", "--user", "carol@acme.test")
    assert token.public_id in listing and secret not in listing
    _call("token", "revoke", token.public_id)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_needs_a_workspace_for_a_user_in_several(world):
    Membership.objects.create(workspace=world.bravo, user=world.carol.user, role="rep")
    with pytest.raises(CommandError, match="--workspace is needed"):
        _call("token", "create", "--user", "carol@acme.test")
    out, _ = _call("token", "create", "--user", "carol@acme.test", "--workspace", "bravo")
    assert ApiToken.objects.get().workspace == world.bravo


def test_it_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="--user: no user with email 'ghost@example.com'"):
        _call("token", "create", "--user", "ghost@example.com")


def test_it_loads_the_demo_once_and_reuses_it(transactional_db):
    out, _ = _call("demo", "--no-serve")
    assert "Loaded the demo workspace" in out
    workspace = Workspace.objects.get(slug="northwind")
    members = Membership.objects.filter(workspace=workspace)
    assert members.count() >= 30
    assert set(members.values_list("role", flat=True)) == {"admin", "manager", "rep"}
    admin = members.get(user__email="admin@example.com")
    assert admin.role == "admin" and admin.user.check_password("warmline-demo")
    assert Team.objects.filter(workspace=workspace).count() == 3
    out, _ = _call("demo", "--no-serve")
    assert "Reusing the demo workspace" in out
    assert Workspace.objects.filter(slug="northwind").count() == 1


def test_it_runs_as_a_console_script(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ["WARMLINE_DATA_DIR"] = str(tmp_path)
    migrate = subprocess.run([WARMLINE, "migrate", "-v", "0"], env=environ, capture_output=True, text=True, timeout=120)
    assert migrate.returncode == 0, migrate.stderr
    stats = subprocess.run([WARMLINE, "stats", "--json"], env=environ, capture_output=True, text=True, timeout=60)
    assert stats.returncode == 0 and json.loads(stats.stdout) == {"workspaces": []}


def test_it_refuses_an_ambiguous_workspace_name(world):
    Workspace.objects.create(name="Acme", slug="acme-2")
    with pytest.raises(CommandError, match="Several workspaces are called 'Acme'"):
        _call("createadmin", "--email", "new@acme.test", "--workspace", "Acme", "--password", "a-long-passphrase")
    _call("createadmin", "--email", "new@acme.test", "--workspace", "acme-2", "--password", "a-long-passphrase")
    assert Membership.objects.get(user__email="new@acme.test").workspace.slug == "acme-2"


@pytest.mark.parametrize("poll", ["0", "-1", "nan", "inf", "0.05", "3601"])
def test_the_worker_refuses_a_poll_it_would_spin_or_sleep_on(db, poll):
    with pytest.raises(CommandError, match=f"--poll must be a number of seconds from 0.1 to 3600, not {poll}"):
        call_command("worker", "--once", "--poll", poll)
