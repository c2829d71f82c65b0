"""Notes of what changed in a workspace's graph, for the warm-path index (paths/index.py).

Every write that changes people, relationships, who is an employee or who
shares what calls `note` inside its own transaction, so a note exists exactly
when the change does. The index reads the notes to refresh the few rows they
name instead of reloading the graph.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from warmline.network.models import GraphChange

# Notes are kept this long. A path index that has not refreshed for longer than
# INDEX_STALE_AFTER (less than this) reloads instead of reading notes that may be gone.
KEEP_NOTES = datetime.timedelta(days=7)
INDEX_STALE_AFTER = datetime.timedelta(days=6)


def note(workspace_id: int, *, people: Iterable[int] = (), relationships: Iterable[int] = (),
         members: bool = False) -> None:
    people = sorted({int(p) for p in people if p})
    relationships = sorted({int(r) for r in relationships if r})
    if people or relationships or members:
        GraphChange.objects.create(workspace_id=workspace_id, people=people, relationships=relationships,
                                   members=members)


def last_evidence_day(evidence) -> object:
    """The date of the newest dated evidence (rows or strength.Evidence items), or None."""
    dates = [e.on for e in evidence if e.on is not None]
    return max(dates) if dates else None


def prune(now: datetime.datetime | None = None) -> int:
    """Delete notes older than KEEP_NOTES (the worker calls this); returns how many."""
    cutoff = (now or timezone.now()) - KEEP_NOTES
    deleted, _ = GraphChange.objects.filter(created_at__lt=cutoff).delete()
    return deleted
