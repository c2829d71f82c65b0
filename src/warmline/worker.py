"""The background worker: claims queued jobs from the database and runs them.

No broker: each kind of job is a table, and claiming is a conditional UPDATE
(FOR UPDATE SKIP LOCKED on PostgreSQL), so several workers never take the
same job. Today the jobs are imports.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from django.db import close_old_connections

from warmline.network import changes, importing
from warmline.network import services as network_services

log = logging.getLogger("warmline.worker")


class Worker:
    PRUNE_EVERY_SECONDS = 3600

    def __init__(self, *, poll_seconds: float = 1.0, parent_pid: int | None = None):
        self.poll_seconds = poll_seconds
        self.parent_pid = parent_pid
        self.stop = threading.Event()
        self.pruned_at = 0.0

    def run_once(self) -> int:
        """Run every job that is due now; returns how many ran. Stops early when asked to stop."""
        done = 0
        while not self.stop.is_set():
            run = network_services.claim_next_import()
            if run is None:
                break
            log.info("import %s (%s, %s) started", run.public_id, run.format, run.filename)
            try:
                network_services.run_claimed_import(run)
            except Exception:
                log.exception("import %s failed on an internal error", run.public_id)
            done += 1
        if done:
            importing.sqlite_checkpoint()
        if time.monotonic() - self.pruned_at > self.PRUNE_EVERY_SECONDS:
            self.pruned_at = time.monotonic()
            pruned = changes.prune()
            if pruned:
                log.info("deleted %s graph change notes older than %s", pruned, changes.KEEP_NOTES)
        return done

    def run_forever(self) -> None:
        while not self.stop.is_set():
            close_old_connections()
            self.run_once()
            if self.parent_pid and os.getppid() != self.parent_pid:
                log.info("parent process is gone; stopping")
                break
            self.stop.wait(self.poll_seconds)

    def handle_signals(self) -> None:
        """SIGTERM and SIGINT finish the current job, then stop."""

        def request_stop(signum, frame):
            log.info("signal %s: finishing the current job, then stopping", signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)

