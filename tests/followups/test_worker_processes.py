"""`warmline worker` sends the outbox: from the command, as two processes at once (each message exactly once), and
stopping on SIGTERM only after the email in progress went out. A failing periodic job does not stop it."""

import asyncio
import contextlib
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from tests.smtp import SmtpSink
from warmline.followups import jobs, outbox
from warmline.followups.models import OutboxMessage
from warmline.worker import Worker

WARMLINE = [sys.executable, "-c", "from warmline.cli import main; main()"]


def _queue(world, count: int) -> list[OutboxMessage]:
    return [
        outbox.queue_email(world.carol, kind="task", key=f"task:test-{i}", subject=f"Call prospect {i}",
                           body=f"Prospect {i} was introduced to you.")
        for i in range(count)
    ]


class _SlowHandler:
    """Accepts each message after DELAY seconds, so that the sending of two workers overlaps and a signal lands
    while a message is in flight. With `wait_for_sessions`, the first message also waits (a few seconds at most)
    until that many SMTP sessions are delivering, so that the workers truly run side by side."""

    def __init__(self, keeper, delay: float, wait_for_sessions: int = 1) -> None:
        self.keeper, self.delay, self.wait_for_sessions = keeper, delay, wait_for_sessions
        self.sessions: dict[object, int] = {}
        self._all_there = asyncio.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.sessions.setdefault(session.peer, 0)
        if len(self.sessions) >= self.wait_for_sessions:
            self._all_there.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_there.wait(), timeout=5)
        await asyncio.sleep(self.delay)
        self.sessions[session.peer] += 1
        return await self.keeper.handle_DATA(server, session, envelope)


def _slow_sink(delay: float, wait_for_sessions: int = 1) -> tuple[SmtpSink, _SlowHandler]:
    sink = SmtpSink()
    # SmtpSink takes no handler: wrap the one its controller uses, which keeps what arrives.
    handler = _SlowHandler(sink._controller.handler, delay, wait_for_sessions)
    sink._controller.handler = handler
    return sink.start(), handler


@contextlib.contextmanager
def _database_for_subprocesses(tmp_path):
    """A DATABASE_URL other processes can open, showing this test's committed data. On PostgreSQL it is the test
    database. On SQLite, whose test database lives in this process's memory, it is a file copy; when the block
    ends, the file (with what the subprocesses did) is copied back over the test database."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        credentials = quote(db["USER"]) + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
        yield f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{quote(db['NAME'])}"
        return
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
    yield f"sqlite:///{path}"
    with contextlib.closing(sqlite3.connect(path)) as copy:
        copy.backup(connection.connection)


def _environ(tmp_path, database_url: str, sink: SmtpSink) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EMAIL_URL", "DEBUG")}
    environ.update(
        DATABASE_URL=database_url, EMAIL_URL=f"smtp://{sink.host}:{sink.port}?timeout=30",
        DEFAULT_FROM_EMAIL="Warmline <warmline@acme.test>", SECRET_KEY="a-test-secret-" + "x" * 40,
        WARMLINE_DATA_DIR=str(tmp_path), LOG_LEVEL="INFO",
    )
    return environ


def _start_worker(environ, tmp_path, name: str, *args: str) -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "w")  # a file, not a pipe: a chatty worker cannot block on it
    process = subprocess.Popen([*WARMLINE, "worker", *args], env=environ, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    return process


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


def test_the_worker_command_sends_queued_mail(world, smtp_server):
    first, second = _queue(world, 2)

    out = io.StringIO()
    call_command("worker", "--once", stdout=out)

    assert sorted(mail.subject for mail in smtp_server if mail.is_to("carol@acme.test")) == [
        "Call prospect 0", "Call prospect 1"]
    assert {OutboxMessage.objects.get(pk=m.pk).status for m in (first, second)} == {"sent"}
    assert out.getvalue().startswith("Ran ")


def test_a_failing_periodic_job_does_not_stop_the_worker(world, smtp_server, monkeypatch, caplog):
    def broken(now=None):
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(jobs, "run_periodic", broken)
    _queue(world, 1)

    assert Worker().run_once() == 1

    assert [mail.subject for mail in smtp_server] == ["Call prospect 0"]
    assert "the periodic follow-up jobs failed" in caplog.text


def test_the_periodic_jobs_run_at_most_once_every_five_minutes(db, monkeypatch):
    runs = []
    monkeypatch.setattr(jobs, "run_periodic", lambda now=None: runs.append(now) or 0)
    worker = Worker()
    worker.run_once()
    worker.run_once()
    assert len(runs) == 1
    worker.periodic_at -= Worker.PERIODIC_EVERY_SECONDS
    worker.run_once()
    assert len(runs) == 2


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_send_each_message_exactly_once(world, tmp_path):
    messages = _queue(world, 60)
    sink, handler = _slow_sink(delay=0.02, wait_for_sessions=2)
    workers = []
    try:
        with _database_for_subprocesses(tmp_path) as database_url:
            environ = _environ(tmp_path, database_url, sink)
            workers = [_start_worker(environ, tmp_path, f"worker-{n}", "--once") for n in (1, 2)]
            codes = [worker.wait(timeout=60) for worker in workers]
        logs = "\n".join((tmp_path / f"worker-{n}.log").read_text() for n in (1, 2))
        assert codes == [0, 0], logs
        received = sink.messages
    finally:
        for worker in workers:
            _stop(worker)
        sink.stop()

    to_carol = sorted(mail.subject for mail in received if mail.is_to("carol@acme.test"))
    assert to_carol == sorted(f"Call prospect {i}" for i in range(60))  # each once
    # Anything else the periodic jobs queued (a Monday report) went out once too.
    assert len(received) == OutboxMessage.objects.count()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert set(OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list("attempts", flat=True)) == {1}
    assert len(handler.sessions) == 2 and all(handler.sessions.values()), handler.sessions  # both did some


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_email_in_progress_and_exits_0(world, tmp_path):
    _queue(world, 20)
    sink, _ = _slow_sink(delay=0.2)
    worker = None
    try:
        with _database_for_subprocesses(tmp_path) as database_url:
            worker = _start_worker(_environ(tmp_path, database_url, sink), tmp_path, "worker", "--poll", "0.2")
            sink.wait_for(timeout=30)
            worker.send_signal(signal.SIGTERM)
            started = time.monotonic()
            code = worker.wait(timeout=10)
            stopped_in = time.monotonic() - started
        log = (tmp_path / "worker.log").read_text()
        received = len(sink)
    finally:
        if worker is not None:
            _stop(worker)
        sink.stop()

    assert code == 0, log
    assert stopped_in < 5, log
    assert "finishing the current job, then stopping" in log
    assert not OutboxMessage.objects.filter(status="sending").exists()
    sent = OutboxMessage.objects.filter(status="sent").count()
    assert sent == received and 1 <= sent < 20  # the email in flight at the signal went out and was recorded
    assert OutboxMessage.objects.filter(status="queued").count() == 20 - sent
