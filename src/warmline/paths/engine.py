"""Warm paths: who can introduce us to a person or to the people of an account, ranked. Pure, no Django.

The graph is one workspace's people and relationships held in compact numpy
arrays: people are numbered 0..n-1, relationships 0..E-1, and an adjacency in
CSR form (both directions) lists each person's relationships. Paths have at most
two intermediaries and are found by neighbourhood joins from the target, never
by a general graph search:

- direct: an employee knows the target;
- one introducer: employee -> connector -> target;
- insider: employee -> someone at the target's current company -> target, where the
  last step is the implicit colleague tie (the company's people list is the join);
- two introducers: employee -> connector -> connector -> target, only when none of
  the shapes above exists.

`Graph` also takes changes (new, changed and removed relationships and people)
without a reload: changed values are written in place, new relationships go to
a small overlay beside the CSR, and the CSR is rebuilt in memory when the
overlay grows (`compact`). `ranking.py` holds the scoring formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from warmline.paths import ranking

# Disclosure of a relationship to a viewer (as in network.queries).
HIDDEN, EXISTENCE, FULL = 0, 1, 2
# Each member's sharing choice.
SHARE, EXISTENCE_ONLY, PRIVATE = 0, 1, 2

DIRECT, ONE_INTRODUCER, INSIDER, TWO_INTRODUCERS = "direct", "one_introducer", "insider", "two_introducers"
EMPLOYEE, CONNECTOR, TARGET = "employee", "connector", "target"

_EMPTY_I32 = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)


@dataclass
class People:
    """Per-person arrays, indexed 0..n-1, in the order of `ids` (ascending database ids)."""

    ids: np.ndarray  # int64 database id
    company: np.ndarray  # int32 company index, -1 for none
    seniority: np.ndarray  # int8 ranking.SENIORITY_RANK value, 0 unknown
    function: np.ndarray  # int32 function code, 0 unknown
    member: np.ndarray  # int32 index into Members for an active employee, -1 otherwise
    listed: np.ndarray  # bool: known to the workspace apart from anyone's imported network
    made: np.ndarray  # int32 introductions this person made for us
    asked: np.ndarray  # int32 introductions we asked of them

    @classmethod
    def empty(cls) -> People:
        return cls.build([])

    @classmethod
    def build(cls, rows) -> People:
        """From (id, company, seniority, function, member, listed, made, asked) tuples sorted by id."""
        columns = list(zip(*rows, strict=True)) if rows else [[]] * 8
        return cls(
            ids=np.asarray(columns[0], dtype=np.int64),
            company=np.asarray(columns[1], dtype=np.int32),
            seniority=np.asarray(columns[2], dtype=np.int8),
            function=np.asarray(columns[3], dtype=np.int32),
            member=np.asarray(columns[4], dtype=np.int32),
            listed=np.asarray(columns[5], dtype=bool),
            made=np.asarray(columns[6], dtype=np.int32),
            asked=np.asarray(columns[7], dtype=np.int32),
        )


@dataclass
class Relationships:
    """Per-relationship arrays, indexed 0..E-1, in the order of `ids` (ascending database ids)."""

    ids: np.ndarray  # int64 database id
    a: np.ndarray  # int32 person index
    b: np.ndarray  # int32 person index
    strength: np.ndarray  # float32 0..1
    owner: np.ndarray  # int32 member index whose network this is, -1 for workspace data
    last: np.ndarray  # int32 days since 1970-01-01 of the newest evidence, -1 unknown
    alive: np.ndarray  # bool: False once removed

    @classmethod
    def build(cls, ids, a, b, strength, owner, last) -> Relationships:
        ids = np.asarray(ids, dtype=np.int64)
        return cls(
            ids=ids, a=np.asarray(a, dtype=np.int32), b=np.asarray(b, dtype=np.int32),
            strength=np.asarray(strength, dtype=np.float32), owner=np.asarray(owner, dtype=np.int32),
            last=np.asarray(last, dtype=np.int32), alive=np.ones(len(ids), dtype=bool),
        )


@dataclass
class Members:
    ids: np.ndarray  # int64 Membership id
    sharing: np.ndarray  # int8 SHARE, EXISTENCE_ONLY or PRIVATE (effective: the workspace default applied)


@dataclass(slots=True)
class Hop:
    person: int  # person index
    role: str  # EMPLOYEE, CONNECTOR or TARGET
    hidden: bool = False  # an existence-only contact the viewer may not identify


@dataclass
class Path:
    shape: str
    hops: list[Hop]
    relationships: list[int]  # relationship index per step; -1 for the insider's implicit colleague tie
    disclosure: list[int]  # FULL or EXISTENCE per step
    score: float
    own: bool = False  # starts at the requesting member

    @property
    def employee(self) -> int:
        return self.hops[0].person

    @property
    def introducer(self) -> int:
        """The first person after the employee who is not the target (the employee for a direct path)."""
        return self.hops[1].person if len(self.hops) > 2 else self.hops[0].person

    def key(self) -> tuple[int, ...]:
        return tuple(h.person for h in self.hops)


@dataclass
class AccountRow:
    person: int
    best: Path | None


SHAPES = (DIRECT, ONE_INTRODUCER, INSIDER, TWO_INTRODUCERS)


@dataclass
class AccountMap:
    """Every visible person of the company, reachable first, best score first, with their best path held
    in arrays (row i: people[i], score[i], shapes[i], hops[i], relationships[i], seen[i]); `path(i)` and
    `rows` build Path objects, so that a page can build only the ones it shows."""

    company: int
    people: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    score: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shapes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))  # SHAPES index, -1 none
    hops: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))  # -1 padded
    relationships: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64))
    seen: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int8))
    reachable: int = 0
    employees: list[int] = field(default_factory=list)  # person indexes of employees with any path in
    graph: Graph | None = None
    viewer: Viewer | None = None
    requester: int | None = None

    def __len__(self) -> int:
        return len(self.people)

    def path(self, i: int) -> Path | None:
        if self.shapes[i] < 0:
            return None
        shape = SHAPES[self.shapes[i]]
        length = int((self.hops[i] >= 0).sum())
        hops = self.hops[i, :length].tolist()
        return self.graph._path(shape, hops, self.relationships[i, :length - 1].tolist(),
                                self.seen[i, :length - 1].tolist(), float(self.score[i]), self.viewer,
                                own=hops[0] == self.requester)

    @property
    def rows(self) -> list[AccountRow]:
        return [AccountRow(person=int(p), best=self.path(i)) for i, p in enumerate(self.people.tolist())]


class Viewer:
    """Whose eyes a query uses: a member (their own network is always visible to them) or the workspace view."""

    def __init__(self, members: Members, member: int | None = None):
        disclosure = np.full(len(members.ids) + 1, HIDDEN, dtype=np.int8)
        disclosure[: len(members.ids)][members.sharing == SHARE] = FULL
        disclosure[: len(members.ids)][members.sharing == EXISTENCE_ONLY] = EXISTENCE
        disclosure[-1] = FULL  # owner -1: workspace data
        if member is not None:
            disclosure[member] = FULL
        self.member = member
        self.disclosure = disclosure

    def of(self, owners: np.ndarray) -> np.ndarray:
        """Disclosure of relationships by their owners (-1 indexes the last slot: workspace data)."""
        return self.disclosure[owners]


class Graph:
    def __init__(self, people: People, relationships: Relationships, members: Members, *, companies: int,
                 today: int):
        self.people = people
        self.rel = relationships
        self.members = members
        self.companies = companies  # company indexes are 0..companies-1
        self.today = today  # days since 1970-01-01
        self._build()

    # --- construction --------------------------------------------------------------------------

    def _build(self) -> None:
        n, rel = len(self.people.ids), self.rel
        live = np.flatnonzero(rel.alive).astype(np.int32)
        src = np.concatenate([rel.a[live], rel.b[live]])
        dst = np.concatenate([rel.b[live], rel.a[live]])
        eid = np.concatenate([live, live])
        order = np.argsort(src, kind="stable")
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=n), out=self.indptr[1:])
        self.nbr = dst[order].astype(np.int32)
        self.eid = eid[order].astype(np.int32)
        # Each person's relationships with employees: the join of every path's first step.
        employee_side = self.people.member[self.nbr] >= 0
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.indptr))[employee_side]
        self.emp_indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=self.emp_indptr[1:])
        self.emp_nbr = self.nbr[employee_side]
        self.emp_eid = self.eid[employee_side]
        # Each company's people.
        with_company = np.flatnonzero(self.people.company >= 0).astype(np.int32)
        companies = self.people.company[with_company]
        order = np.argsort(companies, kind="stable")
        self.company_people = with_company[order]
        count = max(self.companies, int(companies.max()) + 1 if len(companies) else 0)
        self.company_indptr = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(companies, minlength=count), out=self.company_indptr[1:])
        # Overlays: relationships and company moves since the last build.
        self.extra: dict[int, list[int]] = {}
        self.extra_company: dict[int, list[int]] = {}
        self.overlay_size = 0

    def compact(self) -> None:
        """Fold the overlays into the CSR arrays (in memory, no reload)."""
        self._build()

    # --- changes ---------------------------------------------------------------------------------

    def index_of(self, person_ids) -> np.ndarray:
        """Person indexes of database ids; -1 for ids not in the graph."""
        return positions(self.people.ids, person_ids)

    def relationship_index(self, relationship_ids) -> np.ndarray:
        # A relationship whose people changed (a merge) is removed and appended again under the same id:
        # the last entry is the live one.
        return positions(self.rel.ids, relationship_ids, last=True)

    def upsert_people(self, rows) -> None:
        """(id, company, seniority, function, member, listed, made, asked) per person, new or changed."""
        rows = sorted(rows)
        if not rows:
            return
        known = self.index_of([r[0] for r in rows])
        p = self.people
        new = []
        for row, i in zip(rows, known, strict=True):
            if i < 0:
                new.append(row)
                continue
            old_company = int(p.company[i])
            old_member = int(p.member[i])
            p.company[i], p.seniority[i], p.function[i], p.member[i], p.listed[i], p.made[i], p.asked[i] = row[1:]
            if row[1] != old_company and row[1] >= 0:
                self.extra_company.setdefault(row[1], []).append(int(i))
                self.overlay_size += 1
            if (old_member >= 0) != (row[4] >= 0):
                self.overlay_size += len(self.indptr)  # who is an employee changed: rebuild the joins
        if new:
            if new[0][0] < (p.ids[-1] if len(p.ids) else -1):
                # Ids arrive in order in practice; an older id means the arrays must be re-sorted: rebuild.
                self._insert_people_sorted(new)
                return
            start = len(p.ids)
            added = People.build(new)
            for name in ("ids", "company", "seniority", "function", "member", "listed", "made", "asked"):
                setattr(p, name, np.concatenate([getattr(p, name), getattr(added, name)]))
            self.indptr = np.concatenate([self.indptr, np.full(len(new), self.indptr[-1], dtype=np.int64)])
            self.emp_indptr = np.concatenate(
                [self.emp_indptr, np.full(len(new), self.emp_indptr[-1], dtype=np.int64)]
            )
            for offset, row in enumerate(new):
                if row[1] >= 0:
                    self.extra_company.setdefault(row[1], []).append(start + offset)
                    self.overlay_size += 1
        self._maybe_compact()

    def _insert_people_sorted(self, new) -> None:
        p = self.people
        old_ids = p.ids
        added = People.build(new)
        merged = {name: np.concatenate([getattr(p, name), getattr(added, name)])
                  for name in ("ids", "company", "seniority", "function", "member", "listed", "made", "asked")}
        order = np.argsort(merged["ids"], kind="stable")
        for name, values in merged.items():
            setattr(p, name, values[order])
        remap = np.searchsorted(p.ids, old_ids).astype(np.int32)
        self.rel.a = remap[self.rel.a]
        self.rel.b = remap[self.rel.b]
        self._build()

    def upsert_relationships(self, rows) -> None:
        """(id, person id a, person id b, strength, owner member index, last day) per relationship."""
        rows = sorted(rows)
        if not rows:
            return
        rel = self.rel
        known = self.relationship_index([r[0] for r in rows])
        ends = self.index_of([x for r in rows for x in (r[1], r[2])]).reshape(-1, 2)
        new = []
        for row, e, (a, b) in zip(rows, known, ends, strict=True):
            if a < 0 or b < 0:
                if e >= 0:
                    self._remove(int(e))
                continue
            if e >= 0 and rel.alive[e] and rel.a[e] == a and rel.b[e] == b:
                rel.strength[e], rel.owner[e], rel.last[e] = row[3], row[4], row[5]
                continue
            if e >= 0:
                self._remove(int(e))  # its ends moved (a merge): it comes back below as a new entry
            new.append((row[0], int(a), int(b), row[3], row[4], row[5]))
        if new:
            ids = np.array([r[0] for r in new], dtype=np.int64)
            start = len(rel.ids)
            for name, column, dtype in (("ids", 0, np.int64), ("a", 1, np.int32), ("b", 2, np.int32),
                                        ("strength", 3, np.float32), ("owner", 4, np.int32), ("last", 5, np.int32)):
                setattr(rel, name, np.concatenate([getattr(rel, name),
                                                   np.array([r[column] for r in new], dtype=dtype)]))
            rel.alive = np.concatenate([rel.alive, np.ones(len(new), dtype=bool)])
            if len(ids) and start and ids.min() < rel.ids[start - 1]:
                self._resort_relationships()
                return
            for offset, r in enumerate(new):
                e = start + offset
                self.extra.setdefault(r[1], []).append(e)
                self.extra.setdefault(r[2], []).append(e)
            self.overlay_size += 2 * len(new)
        self._maybe_compact()

    def remove_relationships(self, relationship_ids) -> None:
        for e in self.relationship_index(relationship_ids):
            if e >= 0:
                self._remove(int(e))

    def _remove(self, e: int) -> None:
        self.rel.alive[e] = False
        self.rel.strength[e] = 0.0

    def _resort_relationships(self) -> None:
        rel = self.rel
        order = np.argsort(rel.ids, kind="stable")
        for name in ("ids", "a", "b", "strength", "owner", "last", "alive"):
            setattr(rel, name, getattr(rel, name)[order])
        self._build()

    def _maybe_compact(self) -> None:
        if self.overlay_size > max(50_000, len(self.nbr) // 20):
            self.compact()

    # --- neighbourhoods --------------------------------------------------------------------------

    def _gather(self, indptr: np.ndarray, values: tuple[np.ndarray, ...], rows: np.ndarray, *,
                employees_only: bool):
        """For each row in `rows`: (position in rows, then each of `values` at that row's entries), flattened."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 1:  # one person: plain slices
            start, end = int(indptr[rows[0]]), int(indptr[rows[0] + 1])
            out = [np.zeros(end - start, dtype=np.int64)] + [v[start:end] for v in values]
            if self.extra:
                out = self._with_overlay(rows, out, employees_only=employees_only)
            return out
        starts, ends = indptr[rows], indptr[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
        if total:
            offsets = np.cumsum(lengths) - lengths
            positions = np.arange(total, dtype=np.int64) - np.repeat(offsets - starts, lengths)
            out = [owner] + [v[positions] for v in values]
        else:
            out = [owner] + [v[:0] for v in values]
        if self.extra:
            out = self._with_overlay(rows, out, employees_only=employees_only)
        return out

    def _with_overlay(self, rows: np.ndarray, out: list, *, employees_only: bool) -> list:
        add_owner, add_nbr, add_eid = [], [], []
        for position, row in enumerate(rows.tolist()):
            for e in self.extra.get(row, ()):
                other = int(self.rel.b[e] if self.rel.a[e] == row else self.rel.a[e])
                if employees_only and self.people.member[other] < 0:
                    continue
                add_owner.append(position)
                add_nbr.append(other)
                add_eid.append(e)
        if not add_owner:
            return out
        return [np.concatenate([out[0], np.array(add_owner, dtype=np.int64)]),
                np.concatenate([out[1], np.array(add_nbr, dtype=np.int32)]),
                np.concatenate([out[2], np.array(add_eid, dtype=np.int32)])]

    def neighbours(self, rows):
        """(position in rows, neighbour, relationship) for every live relationship of each row."""
        owner, nbr, eid = self._gather(self.indptr, (self.nbr, self.eid), rows, employees_only=False)
        live = self.rel.alive[eid]
        return owner[live], nbr[live], eid[live]

    def employee_neighbours(self, rows):
        """(position in rows, employee, relationship) for every live relationship of each row with an employee."""
        owner, nbr, eid = self._gather(self.emp_indptr, (self.emp_nbr, self.emp_eid), rows, employees_only=True)
        live = self.rel.alive[eid] & (self.people.member[nbr] >= 0)
        return owner[live], nbr[live], eid[live]

    def people_at(self, company: int) -> np.ndarray:
        """The people whose current company is `company`."""
        if 0 <= company < len(self.company_indptr) - 1:
            base = self.company_people[self.company_indptr[company]: self.company_indptr[company + 1]]
        else:
            base = _EMPTY_I32
        moved = self.extra_company.get(company)
        if moved:
            base = np.union1d(base, np.array(moved, dtype=np.int32)).astype(np.int32)
        return base[self.people.company[base] == company]

    def visible_people(self, people: np.ndarray, viewer: Viewer) -> np.ndarray:
        """Which of `people` exist for the viewer: listed, or reached through a relationship they may see."""
        people = np.asarray(people, dtype=np.int64)
        visible = self.people.listed[people].copy()
        if not visible.all():
            rest = np.flatnonzero(~visible)
            owner, _, eid = self.neighbours(people[rest])
            seen = viewer.of(self.rel.owner[eid]) > HIDDEN
            visible[rest[np.unique(owner[seen])]] = True
        return visible

    # --- paths to one person ---------------------------------------------------------------------

    def paths_to(self, target: int, viewer: Viewer, *, limit: int = 20, requester: int | None = None) -> list[Path]:
        """The best paths to `target`, best first: direct, one introducer and insider paths; two
        introducers only when none of those exists."""
        people, rel = self.people, self.rel
        found: list[tuple] = []  # (score, hops, relationships, disclosures, shape)
        t = np.array([target], dtype=np.int64)
        _, nbr, eid = self.neighbours(t)
        seen = viewer.of(rel.owner[eid])
        keep = seen > HIDDEN
        nbr, eid, seen = nbr[keep], eid[keep], seen[keep]
        is_employee = people.member[nbr] >= 0

        # Direct.
        emp, e_eid, e_seen = nbr[is_employee], eid[is_employee], seen[is_employee]
        if len(emp):
            scores = rel.strength[e_eid].astype(np.float64) * ranking.recency(
                ranking.days_or_old(rel.last[e_eid], self.today))
            for i in _top(scores, emp, requester, limit):
                found.append((float(scores[i]), [int(emp[i]), target], [int(e_eid[i])], [int(e_seen[i])], DIRECT))

        # One introducer: the target's contacts who know an employee.
        connectors, c_eid, c_seen = nbr[~is_employee], eid[~is_employee], seen[~is_employee]
        if len(connectors):
            found.extend(self._through(connectors, c_eid, c_seen, target, viewer, limit, requester))

        # Insider: someone at the target's company who knows an employee (and is not already a connector).
        company = int(people.company[target])
        if company >= 0:
            insiders = self.people_at(company)
            insiders = insiders[(insiders != target) & (people.member[insiders] < 0)]
            insiders = np.setdiff1d(insiders, connectors, assume_unique=False)
            if len(insiders):
                found.extend(self._insiders(insiders, target, viewer, limit, requester))

        if not found and len(connectors):
            found.extend(self._two_introducers(connectors, c_eid, c_seen, target, viewer, limit, requester))
        return self._rank(found, target, viewer, limit, requester)

    def _first_steps(self, rows: np.ndarray, viewer: Viewer):
        """Employees' relationships with `rows` that the viewer may see: (position in rows, employee, rel, disclosure)."""
        owner, emp, eid = self.employee_neighbours(rows)
        seen = viewer.of(self.rel.owner[eid])
        keep = seen > HIDDEN
        return owner[keep], emp[keep], eid[keep], seen[keep]

    def _reliability(self, people: np.ndarray) -> np.ndarray:
        return ranking.reliability(self.people.made[people], self.people.asked[people])

    def _through(self, connectors, c_eid, c_seen, target, viewer, limit, requester) -> list[tuple]:
        rel = self.rel
        pos, emp, eid, seen = self._first_steps(connectors, viewer)
        if not len(pos):
            return []
        s1 = rel.strength[eid].astype(np.float64)
        s2 = rel.strength[c_eid[pos]].astype(np.float64)
        reliability = self._reliability(connectors[pos])
        days = np.maximum(ranking.days_or_old(rel.last[eid], self.today),
                          ranking.days_or_old(rel.last[c_eid[pos]], self.today))
        scores = s1 * s2 * reliability * ranking.recency(days)
        out = []
        for i in _top(scores, emp, requester, limit):
            c = int(connectors[pos[i]])
            out.append((float(scores[i]), [int(emp[i]), c, target], [int(eid[i]), int(c_eid[pos[i]])],
                        [int(seen[i]), int(c_seen[pos[i]])], ONE_INTRODUCER))
        return out

    def _insiders(self, insiders, target, viewer, limit, requester) -> list[tuple]:
        people, rel = self.people, self.rel
        pos, emp, eid, seen = self._first_steps(insiders, viewer)
        if not len(pos):
            return []
        who = insiders[pos]
        f = people.function[target]
        tie = ranking.insider_tie(people.seniority[who], (people.function[who] == f) & (f != 0))
        days = ranking.days_or_old(rel.last[eid], self.today)
        scores = rel.strength[eid].astype(np.float64) * tie * self._reliability(who) * ranking.recency(days)
        out = []
        for i in _top(scores, emp, requester, limit):
            out.append((float(scores[i]), [int(emp[i]), int(who[i]), target], [int(eid[i]), -1],
                        [int(seen[i]), FULL], INSIDER))
        return out

    def _two_introducers(self, second, s_eid, s_seen, target, viewer, limit, requester=None) -> list[tuple]:
        """employee -> first -> second -> target, where `second` are the target's contacts."""
        people, rel = self.people, self.rel
        pos, first, f_eid = self.neighbours(second)
        f_seen = viewer.of(rel.owner[f_eid])
        keep = (f_seen > HIDDEN) & (people.member[first] < 0) & (first != target)
        pos, first, f_eid, f_seen = pos[keep], first[keep], f_eid[keep], f_seen[keep]
        if not len(pos):
            return []
        # The best way to reach each `first` from an employee, then the best route through it.
        candidates = np.unique(first)
        e_pos, emp, e_eid, e_seen = self._first_steps(candidates, viewer)
        if not len(e_pos):
            return []
        e_score = rel.strength[e_eid].astype(np.float64) * ranking.recency(
            ranking.days_or_old(rel.last[e_eid], self.today))
        order = np.lexsort((-e_score, e_pos))
        best = order[np.r_[True, e_pos[order][1:] != e_pos[order][:-1]]]
        best_of = np.full(len(candidates), -1, dtype=np.int64)
        best_of[e_pos[best]] = best
        at = best_of[np.searchsorted(candidates, first)]
        ok = at >= 0
        pos, first, f_eid, f_seen, at = pos[ok], first[ok], f_eid[ok], f_seen[ok], at[ok]
        if not len(pos):
            return []
        sec = second[pos]
        days = np.maximum.reduce([ranking.days_or_old(rel.last[e_eid[at]], self.today),
                                  ranking.days_or_old(rel.last[f_eid], self.today),
                                  ranking.days_or_old(rel.last[s_eid[pos]], self.today)])
        scores = (rel.strength[e_eid[at]].astype(np.float64) * rel.strength[f_eid] * rel.strength[s_eid[pos]]
                  * self._reliability(first) * self._reliability(sec) * ranking.recency(days)
                  * ranking.TWO_INTRODUCERS_FACTOR)
        out = []
        for i in _top(scores, emp[at], requester, limit):
            j = int(at[i])
            out.append((float(scores[i]), [int(emp[j]), int(first[i]), int(sec[i]), target],
                        [int(e_eid[j]), int(f_eid[i]), int(s_eid[pos[i]])],
                        [int(e_seen[j]), int(f_seen[i]), int(s_seen[pos[i]])], TWO_INTRODUCERS))
        return out

    def _rank(self, found, target, viewer, limit, requester) -> list[Path]:
        own_person = requester
        ranked = sorted(found, key=lambda f: (-round(f[0], 9), f[1][0] != own_person, f[1]))
        full_only = _FullOnly(viewer)
        return [self._path(shape, hops, rels, seen, score, viewer, own=hops[0] == own_person, full_only=full_only)
                for score, hops, rels, seen, shape in ranked[:limit]]

    _ROLES = {2: (EMPLOYEE, TARGET), 3: (EMPLOYEE, CONNECTOR, TARGET), 4: (EMPLOYEE, CONNECTOR, CONNECTOR, TARGET)}

    def _path(self, shape, hops, rels, seen, score, viewer, *, own, full_only: Viewer | None = None) -> Path:
        steps = [Hop(p, role) for p, role in zip(hops, self._ROLES[len(hops)], strict=True)]
        # A contact reached only through an existence-only relationship stays anonymous, unless the viewer
        # may see them anyway; everything after it in the path is behind it too.
        if EXISTENCE in seen:
            hide = False
            full_only = full_only or _FullOnly(viewer)
            for i in range(1, len(steps) - 1):
                if seen[i - 1] == EXISTENCE or hide:
                    if hide or not self.visible_people(np.array([steps[i].person]), full_only)[0]:
                        steps[i].hidden = True
                        hide = True
        return Path(shape, steps, rels, seen, round(score, 6), own)

    # --- an account ------------------------------------------------------------------------------

    def account_map(self, company: int, viewer: Viewer, *, requester: int | None = None) -> AccountMap:
        """The best path to each visible person of `company` (people with none are listed too)."""
        people, rel = self.people, self.rel
        staff = self.people_at(company)
        staff = staff[people.member[staff] < 0]
        staff = staff[self.visible_people(staff, viewer)].astype(np.int64)
        result = AccountMap(company=company, graph=self, viewer=viewer, requester=requester)
        if not len(staff):
            return result
        n = len(staff)
        best_score = np.zeros(n)
        best_shape = np.full(n, -1, dtype=np.int8)
        best_hops = np.full((n, 4), -1, dtype=np.int64)
        best_rels = np.full((n, 3), -1, dtype=np.int64)
        best_seen = np.zeros((n, 3), dtype=np.int8)
        employees: list[np.ndarray] = []

        def offer(rows, scores, shape, hops, rels, seen):
            """Keep, for each staff row, the best of the offered paths: `hops`, `rels` and `seen` are columns
            (arrays aligned with `rows`). Equal scores keep the earlier offer, unless the new one starts at
            the requester."""
            if not len(rows):
                return
            order = np.lexsort((-scores, rows))
            firsts = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
            current = best_score[rows[firsts]]
            take = scores[firsts] > current
            if requester is not None:
                take |= ((scores[firsts] == current) & (current > 0) & (hops[0][firsts] == requester)
                         & (best_hops[rows[firsts], 0] != requester))
            chosen = firsts[take]
            if not len(chosen):
                return
            r = rows[chosen]
            best_score[r] = scores[chosen]
            best_shape[r] = SHAPES.index(shape)
            best_hops[r] = -1
            best_rels[r] = -1
            best_seen[r] = 0
            for k, column in enumerate(hops):
                best_hops[r, k] = column[chosen]
            for k, column in enumerate(rels):
                best_rels[r, k] = column[chosen]
            for k, column in enumerate(seen):
                best_seen[r, k] = column[chosen]

        # Direct.
        pos, emp, eid, seen = self._first_steps(staff, viewer)
        employees.append(emp)
        scores = rel.strength[eid] * ranking.recency(ranking.days_or_old(rel.last[eid], self.today))
        offer(pos, scores.astype(np.float64), DIRECT, [emp, staff[pos]], [eid], [seen])

        # One introducer: contacts of the staff who know an employee.
        s_pos, conn, c_eid = self.neighbours(staff)
        c_seen = viewer.of(rel.owner[c_eid])
        keep = (c_seen > HIDDEN) & (people.member[conn] < 0)
        s_pos, conn, c_eid, c_seen = s_pos[keep], conn[keep], c_eid[keep], c_seen[keep]
        reach = self._best_first_steps(np.unique(conn), viewer, employees)
        if reach is not None:
            candidates, b_emp, b_eid, b_seen, b_score = reach
            at = np.searchsorted(candidates, conn)
            at = np.minimum(at, len(candidates) - 1)
            ok = candidates[at] == conn
            ok &= b_emp[at] >= 0
            s_pos, conn, c_eid, c_seen, at = s_pos[ok], conn[ok], c_eid[ok], c_seen[ok], at[ok]
            days = np.maximum(ranking.days_or_old(rel.last[b_eid[at]], self.today),
                              ranking.days_or_old(rel.last[c_eid], self.today))
            scores = (rel.strength[b_eid[at]].astype(np.float64) * rel.strength[c_eid]
                      * self._reliability(conn) * ranking.recency(days))
            offer(s_pos, scores, ONE_INTRODUCER, [b_emp[at], conn, staff[s_pos]], [b_eid[at], c_eid],
                  [b_seen[at], c_seen])

        # Insiders: colleagues of each person who know an employee.
        reach = self._best_first_steps(staff, viewer, employees)
        if reach is not None and len(staff) > 1:
            _, i_emp, i_eid, i_seen, i_score = reach
            has = np.flatnonzero(i_emp >= 0)
            if len(has):
                base = i_score[has] * self._reliability(staff[has])
                self._offer_insiders(staff, has, base, i_emp, i_eid, i_seen, offer)

        # Two introducers for the people nothing shorter reaches.
        for r in np.flatnonzero(best_score == 0).tolist():
            target = int(staff[r])
            _, nbr, eid2 = self.neighbours(np.array([target]))
            seen2 = viewer.of(rel.owner[eid2])
            keep = (seen2 > HIDDEN) & (people.member[nbr] < 0)
            if not keep.any():
                continue
            longer = self._two_introducers(nbr[keep], eid2[keep], seen2[keep], target, viewer, 1)
            if longer:
                score, hops, rels, seen_, shape = max(longer, key=lambda f: f[0])
                offer(np.array([r]), np.array([score]), shape, [np.array([h]) for h in hops],
                      [np.array([e]) for e in rels], [np.array([x]) for x in seen_])
                employees.append(np.array([hops[0]]))

        order = np.lexsort((staff, -best_score))
        result.people, result.score, result.shapes = staff[order], best_score[order], best_shape[order]
        result.hops, result.relationships, result.seen = best_hops[order], best_rels[order], best_seen[order]
        result.reachable = int((best_score > 0).sum())
        result.employees = np.unique(np.concatenate(employees)).tolist() if employees else []
        return result

    def _best_first_steps(self, rows: np.ndarray, viewer: Viewer, employees: list[np.ndarray]):
        """For each of `rows` (sorted unique): the best employee relationship into it, or -1s."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return None
        pos, emp, eid, seen = self._first_steps(rows, viewer)
        employees.append(emp)
        b_emp = np.full(len(rows), -1, dtype=np.int64)
        b_eid = np.full(len(rows), -1, dtype=np.int64)
        b_seen = np.zeros(len(rows), dtype=np.int8)
        b_score = np.zeros(len(rows))
        if len(pos):
            score = self.rel.strength[eid].astype(np.float64) * ranking.recency(
                ranking.days_or_old(self.rel.last[eid], self.today))
            order = np.lexsort((-score, pos))
            firsts = order[np.r_[True, pos[order][1:] != pos[order][:-1]]]
            b_emp[pos[firsts]], b_eid[pos[firsts]] = emp[firsts], eid[firsts]
            b_seen[pos[firsts]], b_score[pos[firsts]] = seen[firsts], score[firsts]
        return rows, b_emp, b_eid, b_seen, b_score

    def _offer_insiders(self, staff, has, base, i_emp, i_eid, i_seen, offer) -> None:
        """Each person's best insider. The tie depends on the insider's seniority and on whether they share
        the person's function, so the winner is among the two best insiders overall and the two best of the
        person's function (two: a person is never their own insider)."""
        people = self.people
        seniority = people.seniority[staff[has]]
        functions = people.function[staff[has]]
        overall = base * ranking.insider_tie(seniority, np.zeros(len(has), dtype=bool))
        top_overall = np.argsort(-overall, kind="stable")[:2]
        # The two best insiders of each function, as a table indexed by function code (-1: none).
        codes = int(max(functions.max(initial=0), people.function[staff].max(initial=0))) + 1
        by_function = np.full((codes, 2), -1, dtype=np.int64)
        same_score = base * ranking.insider_tie(seniority, np.ones(len(has), dtype=bool))
        order = np.lexsort((-same_score, functions))
        ranked_functions = functions[order]
        starts = np.r_[0, np.flatnonzero(np.diff(ranked_functions)) + 1]
        for slot in (0, 1):
            at = starts + slot
            ok = at < len(order)
            ok[ok] &= ranked_functions[at[ok]] == ranked_functions[starts[ok]]
            by_function[ranked_functions[starts[ok]], slot] = order[at[ok]]
        by_function[0] = -1  # function unknown: no same-function insider
        rows = np.arange(len(staff), dtype=np.int64)
        f = people.function[staff].astype(np.int64)
        pairs_row = np.concatenate([np.repeat(rows, len(top_overall)), rows, rows])
        pairs_k = np.concatenate([np.tile(top_overall, len(rows)), by_function[f, 0], by_function[f, 1]])
        ok = pairs_k >= 0
        pairs_row, pairs_k = pairs_row[ok], pairs_k[ok]
        ok = staff[has[pairs_k]] != staff[pairs_row]  # nobody is their own insider
        pairs_row, pairs_k = pairs_row[ok], pairs_k[ok]
        if not len(pairs_row):
            return
        same = (functions[pairs_k] == f[pairs_row]) & (f[pairs_row] != 0)
        scores = base[pairs_k] * ranking.insider_tie(seniority[pairs_k], same)
        who = has[pairs_k]
        offer(pairs_row, scores, INSIDER, [i_emp[who], staff[who], staff[pairs_row]],
              [i_eid[who], np.full(len(who), -1)], [i_seen[who], np.full(len(who), FULL)])


def positions(sorted_ids: np.ndarray, ids, *, last: bool = False) -> np.ndarray:
    """Where each of `ids` stands in `sorted_ids` (ascending database ids); -1 where it is absent.
    With repeated ids, the first entry, or the last one with `last`."""
    ids = np.asarray(ids, dtype=np.int64)
    if not len(sorted_ids) or not len(ids):
        return np.full(len(ids), -1, dtype=np.int64)
    found = np.searchsorted(sorted_ids, ids, side="right") - 1 if last else np.searchsorted(sorted_ids, ids)
    pos = np.clip(found, 0, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1).astype(np.int64)


def _top(scores: np.ndarray, first: np.ndarray, requester: int | None, limit: int) -> list[int]:
    """Positions of the `limit` best scores, best first; on equal scores the requester's own paths first.

    Only these become Python objects: the final ranking needs no more than `limit` of each shape."""
    if len(scores) > 4 * limit:
        keep = np.argpartition(-scores, limit)[: limit + 1]
        # Everything tied with the last one kept stays in, so that the requester can win the tie.
        keep = np.union1d(keep, np.flatnonzero(scores >= scores[keep].min()))
    else:
        keep = np.arange(len(scores))
    rounded = np.round(scores[keep], 9)
    not_own = first[keep] != (-2 if requester is None else requester)
    order = np.lexsort((not_own, -rounded))
    return keep[order[:limit]].tolist()


class _FullOnly(Viewer):
    """The viewer, counting only relationships they see in full (to decide whether a contact is identified)."""

    def __init__(self, viewer: Viewer):  # noqa: D107 - a view over another viewer
        self.member = viewer.member
        self.disclosure = np.where(viewer.disclosure == FULL, FULL, HIDDEN).astype(np.int8)
