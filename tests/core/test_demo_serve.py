"""`warmline demo` serves the app from a child web server and runs the background worker in its own process: a
queued email goes out while it serves; SIGTERM stops both; killed outright, its web server stops by itself.

The demo workspace is made small beforehand (the demo reuses a workspace already there), so these tests do not
spend a minute loading the full demo. They run on SQLite in a temporary directory, once per suite.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_serve import WARMLINE, _free_port, _get

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="runs its own SQLite database; once per suite is enough")

SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warmline.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from warmline.core.demo import DEMO_SLUG
from warmline.core.models import Membership, User, Workspace
from warmline.followups.outbox import queue_email
workspace = Workspace.objects.create(name="Northwind", slug=DEMO_SLUG)
user = User.objects.create_user("dana@example.test", "a-password-for-dana", full_name="Dana Lee")
member = Membership.objects.create(workspace=workspace, user=user, role="rep")
queue_email(member, kind="task", key="task:demo-serve", subject="To do: Thank Priya", body="Thank Priya Patel.")
"""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cmdline(pid: int) -> str:
    return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {seconds:.0f} s")


@pytest.fixture
def demo(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    environ.update(WARMLINE_DATA_DIR=str(tmp_path), EMAIL_URL="console:", LOG_LEVEL="INFO")
    subprocess.run([sys.executable, "-c", SETUP], env=environ, check=True, timeout=300)
    port = _free_port()
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen([WARMLINE, "demo", "--port", str(port)], env=environ, stdout=log,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"

    def serving():
        if process.poll() is not None:
            pytest.fail(f"warmline demo exited early:\n{(tmp_path / 'demo.log').read_text()}")
        try:
            return _get(base + "/healthz")[0] == 200
        except OSError:
            return False

    _wait(serving, 120, "warmline demo did not answer")
    yield process, base, tmp_path
    for pid in [process.pid, *_children(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait()
    log.close()


def _outbox_status(data_dir: Path) -> str:
    with sqlite3.connect(data_dir / "warmline.sqlite3", timeout=10) as db:
        return db.execute("SELECT status FROM followups_outboxmessage WHERE key = 'task:demo-serve'").fetchone()[0]


def test_the_demo_serves_and_its_own_process_sends_the_queued_email(demo):
    process, base, data_dir = demo
    status, page = _get(base + "/login/")
    assert status == 200 and "Sign in" in page
    _wait(lambda: _outbox_status(data_dir) == "sent", 60, "the queued email was not sent")
    output = _wait(lambda: "Subject: To do: Thank Priya" in (data_dir / "demo.log").read_text()
                   and (data_dir / "demo.log").read_text(), 10, "the email was not printed")
    assert "Background jobs (imports, follow-up rules, digests, emails) run in this process." in output
    # Its one child is the web server (gunicorn, whose own children are the web workers): the email was sent by
    # the demo's process itself, as no other process runs the worker.
    children = _children(process.pid)
    assert len(children) == 1 and " serve " in _cmdline(children[0])
    assert all(" worker" not in _cmdline(pid) for pid in [*children, *_children(children[0])])


def test_sigterm_stops_the_worker_and_the_web_server(demo):
    process, base, _ = demo
    (server,) = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    _wait(lambda: not _alive(server), 30, "the web server did not stop")


def test_a_killed_demo_leaves_no_web_server_behind(demo):
    process, base, _ = demo
    (server,) = _children(process.pid)
    process.kill()
    process.wait()
    _wait(lambda: not _alive(server), 30, "the web server outlived the demo")
    with pytest.raises(OSError):
        _get(base + "/healthz")
