"""The background worker: claims due work from the database and does it.

No broker: each kind of job is a table, and claiming is a conditional UPDATE
(FOR UPDATE SKIP LOCKED on PostgreSQL), so several workers never take the
same job. Today the jobs are imports, the time-based follow-up rules, the
digests and weekly reports, the emails of the outbox, and bringing the
insights rollups up to date (pages also do that before they read them).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections
from django.utils import timezone

from warmline.followups import jobs, outbox
from warmline.insights import rollups
from warmline.network import changes, importing
from warmline.network import services as network_services

log = logging.getLogger("warmline.worker")


class Worker:
    PRUNE_EVERY_SECONDS = 3600
    # The time rules, digests and reports are due by the day (digests by the hour): a look every 5 minutes is plenty,
    # and keeps the scans of every workspace rare.
    PERIODIC_EVERY_SECONDS = 300

    def __init__(self, *, poll_seconds: float = 1.0, parent_pid: int | None = None, periodic: bool = True):
        self.poll_seconds = poll_seconds
        # False: imports and the outbox only (tests of imports, whatever the day and hour).
        self.periodic = periodic
        self.parent_pid = parent_pid
        self.stop = threading.Event()
        self.pruned_at = 0.0
        self.periodic_at: float | None = None

    def run_once(self) -> int:
        """Run every job that is due now; returns how much work was done (imports run, tasks and emails made,
        emails sent). Stops early when asked to stop, after the current import or email."""
        done = self._run_imports()
        if self.periodic and not self.stop.is_set():
            done += self._run_periodic()
        if not self.stop.is_set():
            done += outbox.send_due(stop=self.stop)
        if not self.stop.is_set():
            done += self._refresh_rollups()
        return done

    def _refresh_rollups(self) -> int:
        """Apply the pipeline's queued changes to the insights rollups, so the next page has nothing to wait for.
        One query when nothing is queued."""
        try:
            return rollups.refresh_all()
        except Exception:
            log.exception("refreshing the insights rollups failed")
            return 0

    def _run_imports(self) -> int:
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

    def _run_periodic(self) -> int:
        if self.periodic_at is not None and time.monotonic() - self.periodic_at < self.PERIODIC_EVERY_SECONDS:
            return 0
        self.periodic_at = time.monotonic()
        try:
            return jobs.run_periodic(timezone.now())
        except Exception:
            # Logged and tried again in a minute; the imports and the outbox go on meanwhile.
            log.exception("the periodic follow-up jobs failed")
            return 0

    def run_forever(self, *, alive: Callable[[], bool] | None = None) -> None:
        """Run due work every `poll_seconds` until asked to stop, until the parent process is gone, or until
        `alive()` answers False (the demo's web server stopped)."""
        while not self.stop.is_set():
            close_old_connections()
            self.run_once()
            if self.parent_pid and os.getppid() != self.parent_pid:
                log.info("parent process is gone; stopping")
                break
            if alive is not None and not alive():
                break
            self.stop.wait(self.poll_seconds)

    def handle_signals(self) -> None:
        """SIGTERM and SIGINT finish the current job, then stop."""

        def request_stop(signum, frame):
            log.info("signal %s: finishing the current job, then stopping", signum)
            self.stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
