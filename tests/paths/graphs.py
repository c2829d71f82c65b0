"""Small hand-built graphs for the engine's tests: people by name, ties as tuples."""

from __future__ import annotations

import numpy as np

from warmline.paths import engine
from warmline.paths.ranking import SENIORITY_RANK

TODAY = 20_000  # days since 1970


class Built:
    def __init__(self, graph: engine.Graph, names: list[str], members: list[str]):
        self.graph = graph
        self.names = names
        self.members = members

    def __getitem__(self, name: str) -> int:
        return self.names.index(name)

    def viewer(self, member: str | None = None) -> engine.Viewer:
        return engine.Viewer(self.graph.members, self.members.index(member) if member else None)

    def paths(self, target: str, viewer: str | None = None, **kwargs) -> list[engine.Path]:
        requester = kwargs.pop("requester", None)
        return self.graph.paths_to(self[target], self.viewer(viewer), requester=self[requester] if requester else None,
                                   **kwargs)

    def spelled(self, path: engine.Path) -> str:
        return " > ".join(("?" if hop.hidden else self.names[hop.person]) for hop in path.hops)


def build(people: dict[str, dict], ties: list[tuple], sharing: dict[str, int] | None = None) -> Built:
    """people: name -> {company, seniority, function, employee, listed, made, asked};
    ties: (a, b, strength[, owner name or None[, age in days or None]]); owner defaults to the employee end."""
    names = list(people)
    sharing = sharing or {}
    members = [n for n in names if people[n].get("employee")]
    functions: dict[str, int] = {}
    companies: dict[str, int] = {}
    rows = []
    for i, name in enumerate(names):
        p = people[name]
        company = companies.setdefault(p["company"], len(companies)) if p.get("company") else -1
        function = functions.setdefault(p["function"], len(functions) + 1) if p.get("function") else 0
        rows.append((i + 1, company, SENIORITY_RANK[p.get("seniority", "")], function,
                     members.index(name) if name in members else -1, p.get("listed", True), p.get("made", 0),
                     p.get("asked", 0)))
    ids, a, b, strength, owner, last = [], [], [], [], [], []
    for k, tie in enumerate(ties):
        x, y, s = tie[:3]
        i, j = sorted((names.index(x), names.index(y)))
        if len(tie) > 3:
            who = tie[3]
        else:
            who = x if x in members else (y if y in members else None)
        age = tie[4] if len(tie) > 4 else 30
        ids.append(k + 1)
        a.append(i)
        b.append(j)
        strength.append(s)
        owner.append(members.index(who) if who else -1)
        last.append(TODAY - age if age is not None else -1)
    member_data = engine.Members(
        ids=np.arange(1, len(members) + 1, dtype=np.int64),
        sharing=np.array([sharing.get(m, engine.SHARE) for m in members], dtype=np.int8),
    )
    graph = engine.Graph(engine.People.build(rows), engine.Relationships.build(ids, a, b, strength, owner, last),
                         member_data, companies=len(companies), today=TODAY)
    return Built(graph, names, members)
