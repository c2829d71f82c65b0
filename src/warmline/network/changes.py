"""Notes of what changed in a workspace's graph, for the warm-path index (paths/index.py).

Every write that changes people, relationships, who is an employee or who
shares what calls `note` inside its own transaction, so a note exists exactly
when the change does. The index reads the notes to refresh the few rows they
name instead of reloading the graph.
"""

from __future__ import annotations

from collections.abc import Iterable

from warmline.network.models import GraphChange


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
