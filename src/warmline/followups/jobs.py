"""The periodic work of follow-ups, run by `warmline worker`: the time-based rules, the digests and reports.

Each step is idempotent (tasks and emails carry keys), so any number of workers may run it at once.
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from warmline.followups import digests, rules

log = logging.getLogger("warmline.worker")


def run_periodic(now: datetime.datetime | None = None) -> int:
    """Run what is due at `now`; returns how many tasks and messages it made."""
    now = now or timezone.now()
    made = rules.run_time_rules(now)
    digests_queued = digests.queue_due_digests(now)
    reports_queued = digests.queue_due_reports(now)
    if made or digests_queued or reports_queued:
        log.info("follow-ups: %s task(s) from time rules, %s digest(s), %s report(s) queued", made, digests_queued,
                 reports_queued)
    return made + digests_queued + reports_queued
