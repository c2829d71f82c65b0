"""The warm-path index: one workspace's graph, loaded from the database once per process, then kept current
from the change notes (network.changes) that every graph write leaves in its own transaction.

A query never reloads the graph: `index_for` reads the notes written since the
last look (one indexed query, usually empty), re-reads only the people and
relationships they name, and hands them to the engine, which applies them in
place. Notes whose ids were skipped (a transaction still open on PostgreSQL
when a later one committed) are looked for again for a while, so none is lost.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from warmline.core.choices import Sharing
from warmline.network.changes import INDEX_STALE_AFTER
from warmline.network.models import Company, GraphChange, Person, Relationship
from warmline.network.titles import function_for
from warmline.paths import engine
from warmline.paths.ranking import SENIORITY_RANK
from warmline.referrals.queries import referral_counts_by_person

EPOCH = datetime.date(1970, 1, 1)
GAP_PATIENCE_SECONDS = 600  # how long a skipped note id may still turn up
FETCH = 50_000
SHARING_CODE = {Sharing.SHARE: engine.SHARE, Sharing.EXISTENCE: engine.EXISTENCE_ONLY,
                Sharing.PRIVATE: engine.PRIVATE}
PERSON, RELATIONSHIP, COMPANY = Person._meta.db_table, Relationship._meta.db_table, Company._meta.db_table
CHANGE = GraphChange._meta.db_table


def today() -> int:
    return (datetime.date.today() - EPOCH).days


@dataclass
class WorkspaceIndex:
    workspace_id: int
    graph: engine.Graph | None = None
    company_ids: list[int] = field(default_factory=list)  # company index -> database id
    referral_counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # person -> (made, asked)
    company_index: dict[int, int] = field(default_factory=dict)
    functions: dict[str, int] = field(default_factory=dict)
    member_index: dict[int, int] = field(default_factory=dict)  # Membership id -> member index
    high: int = 0  # the highest change note applied
    gaps: dict[int, float] = field(default_factory=dict)  # skipped note ids -> when first missed
    lock: threading.RLock = field(default_factory=threading.RLock)
    loaded_in: float = 0.0  # seconds the full load took
    loads: int = 0
    refreshes: int = 0
    refreshed_at: float = 0.0  # time.monotonic() of the last load or refresh

    # --- the full load (once per process) -----------------------------------------------------

    def load(self) -> None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {CHANGE} WHERE workspace_id = %s", [self.workspace_id])
            self.high = cursor.fetchone()[0] or 0
        members = self._members()
        self._load_companies()
        self.referral_counts = referral_counts_by_person(self.workspace_id)
        people = engine.People.build(list(self._people_rows()))
        relationships = self._load_relationships(people.ids)
        self.graph = engine.Graph(people, relationships, members, companies=len(self.company_ids), today=today())
        self.loaded_in = time.perf_counter() - started
        self.loads += 1
        self.refreshed_at = time.monotonic()

    def _members(self) -> engine.Members:
        """Members in a stable order: a member keeps their index for the life of the index (relationships
        refer to it); one removed since stays, private and inactive."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT network_sharing FROM core_workspace WHERE id = %s", [self.workspace_id])
            default = cursor.fetchone()[0]
            cursor.execute("SELECT id, network_sharing, is_active FROM core_membership WHERE workspace_id = %s "
                           "ORDER BY id", [self.workspace_id])
            rows = {pk: (choice, active) for pk, choice, active in cursor.fetchall()}
        for pk in rows:
            self.member_index.setdefault(pk, len(self.member_index))
        ids = sorted(self.member_index, key=self.member_index.get)
        sharing = [SHARING_CODE.get(rows[pk][0] or default, engine.PRIVATE) if pk in rows else engine.PRIVATE
                   for pk in ids]
        self.active = {pk for pk, (_, active) in rows.items() if active}
        return engine.Members(ids=np.array(ids, dtype=np.int64), sharing=np.array(sharing, dtype=np.int8))

    def _load_companies(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {COMPANY} WHERE workspace_id = %s ORDER BY id", [self.workspace_id])
            self.company_ids = [row[0] for row in cursor.fetchall()]
        self.company_index = {pk: i for i, pk in enumerate(self.company_ids)}

    def _company(self, company_id: int | None) -> int:
        if company_id is None:
            return -1
        index = self.company_index.get(company_id)
        if index is None:  # created since the load
            index = self.company_index[company_id] = len(self.company_ids)
            self.company_ids.append(company_id)
            if self.graph is not None:
                self.graph.companies = len(self.company_ids)
        return index

    def _function(self, function: str, title: str) -> int:
        name = function_for(function, title)
        if not name:
            return 0
        return self.functions.setdefault(name, len(self.functions) + 1)

    def _person_row(self, pk, company_id, seniority, function, title, membership_id, listed) -> tuple:
        member = self.member_index.get(membership_id, -1) if membership_id in self.active else -1
        made, asked = self.referral_counts.get(pk, (0, 0))
        return (pk, self._company(company_id), SENIORITY_RANK.get(seniority, 0), self._function(function, title),
                member, bool(listed), made, asked)

    _PEOPLE_SQL = (f"SELECT id, company_id, seniority, function, title, membership_id, listed FROM {PERSON} "
                   "WHERE workspace_id = %s AND merged_into_id IS NULL")

    def _people_rows(self):
        with connection.cursor() as cursor:
            cursor.execute(self._PEOPLE_SQL + " ORDER BY id", [self.workspace_id])
            while rows := cursor.fetchmany(FETCH):
                for row in rows:
                    yield self._person_row(*row)

    def _days_sql(self) -> str:
        if connection.vendor == "postgresql":
            return "COALESCE(last_evidence_on - DATE '1970-01-01', -1)"
        return "COALESCE(CAST(julianday(last_evidence_on) - 2440587.5 AS INTEGER), -1)"

    def _relationship_sql(self) -> str:
        return (f"SELECT id, person_a_id, person_b_id, strength, COALESCE(owner_id, 0), {self._days_sql()} "
                f"FROM {RELATIONSHIP}")

    def _load_relationships(self, person_ids: np.ndarray) -> engine.Relationships:
        """Read in chunks, each turned into typed columns at once: ten million relationships take about
        300 MB as arrays, where Python tuples would take gigabytes."""
        columns: dict[str, list[np.ndarray]] = {name: [] for name in ("ids", "a", "b", "strength", "owner", "last")}
        owner_of = np.full(max(self.member_index, default=0) + 2, -1, dtype=np.int32)
        for pk, index in self.member_index.items():
            owner_of[pk] = index
        with connection.cursor() as cursor:
            cursor.execute(self._relationship_sql() + " WHERE workspace_id = %s ORDER BY id", [self.workspace_id])
            while rows := cursor.fetchmany(FETCH):
                data = np.array(rows, dtype=np.float64)
                a = engine.positions(person_ids, data[:, 1].astype(np.int64))
                b = engine.positions(person_ids, data[:, 2].astype(np.int64))
                keep = (a >= 0) & (b >= 0)  # both people in the graph (not merged away)
                owners = data[keep, 4].astype(np.int64)
                columns["ids"].append(data[keep, 0].astype(np.int64))
                columns["a"].append(a[keep].astype(np.int32))
                columns["b"].append(b[keep].astype(np.int32))
                columns["strength"].append(data[keep, 3].astype(np.float32))
                columns["owner"].append(np.where(owners < len(owner_of), owner_of[np.minimum(owners, len(owner_of) - 1)],
                                                 -1).astype(np.int32))
                columns["last"].append(data[keep, 5].astype(np.int32))
        joined = {name: (np.concatenate(parts) if parts else np.zeros(0)) for name, parts in columns.items()}
        return engine.Relationships.build(joined["ids"], joined["a"], joined["b"], joined["strength"],
                                          joined["owner"], joined["last"])

    # --- refreshing from change notes ----------------------------------------------------------

    def refresh(self) -> None:
        now = time.monotonic()
        if now - self.refreshed_at > INDEX_STALE_AFTER.total_seconds():
            # Idle for days: the notes since may have been pruned (network.changes.KEEP_NOTES).
            self.load()
            return
        self.refreshed_at = now
        graph = self.graph
        graph.today = today()
        self.gaps = {pk: at for pk, at in self.gaps.items() if now - at < GAP_PATIENCE_SECONDS}
        with connection.cursor() as cursor:
            sql = f"SELECT id, people, relationships, members FROM {CHANGE} WHERE workspace_id = %s AND (id > %s"
            params = [self.workspace_id, self.high]
            if self.gaps:
                sql += f" OR id IN ({', '.join(['%s'] * len(self.gaps))})"
                params += list(self.gaps)
            cursor.execute(sql + ") ORDER BY id", params)
            notes = cursor.fetchall()
        if not notes:
            return
        people, relationships, members = set(), set(), False
        for pk, who, ties, member_change in notes:
            people.update(_json(who))
            relationships.update(_json(ties))
            members = members or bool(member_change)
            self.gaps.pop(pk, None)
            if pk > self.high:
                self.gaps.update({missing: now for missing in range(self.high + 1, pk)})
                self.high = pk
        if not members and self._members_changed():
            members = True  # a member whose own note is not read yet: their people and ties need them
        if members:
            graph.members = self._members()
            people.update(self._employee_person_ids())
            people.update(int(pid) for pid in graph.people.ids[graph.people.member >= 0])
        if people:
            self._apply_people(sorted(people))
        if relationships:
            self._apply_relationships(sorted(relationships))
        self.refreshes += 1

    def _members_changed(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM core_membership WHERE workspace_id = %s", [self.workspace_id])
            return any(pk not in self.member_index for (pk,) in cursor.fetchall())

    def _employee_person_ids(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {PERSON} WHERE workspace_id = %s AND membership_id IS NOT NULL",
                           [self.workspace_id])
            return [row[0] for row in cursor.fetchall()]

    def _apply_people(self, ids: list[int]) -> None:
        # Asks and introductions note their source: their counts make the connector's reliability.
        counts = referral_counts_by_person(self.workspace_id, ids)
        self.referral_counts.update({pk: counts.get(pk, (0, 0)) for pk in ids})
        found = {}
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                cursor.execute(self._PEOPLE_SQL + f" AND id IN ({', '.join(['%s'] * len(chunk))})",
                               [self.workspace_id, *chunk])
                for row in cursor.fetchall():
                    found[row[0]] = self._person_row(*row)
        # People merged away or deleted stay as inert entries: no company, not an employee, not listed.
        rows = [found.get(pk, (pk, -1, 0, 0, -1, False, 0, 0)) for pk in ids]
        known = self.graph.index_of(ids)
        rows = [row for row, index in zip(rows, known, strict=True) if row[0] in found or index >= 0]
        self.graph.upsert_people(rows)

    def _apply_relationships(self, ids: list[int]) -> None:
        rows, seen = [], set()
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                cursor.execute(self._relationship_sql() + f" WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                               chunk)
                fetched = cursor.fetchall()
                if any(owner and owner not in self.member_index for _, _, _, _, owner, _ in fetched):
                    # A member this index has not heard of yet (their note not read): without them, their
                    # network would pass for workspace data, visible to all.
                    self.graph.members = self._members()
                for pk, a, b, strength, owner, last in fetched:
                    seen.add(pk)
                    # An owner still unknown is a membership deleted since: its network stays private.
                    member = self.member_index.get(owner, -1) if owner else -1
                    if owner and member < 0:
                        continue
                    rows.append((pk, a, b, strength, member, int(last)))
        missing = [pk for pk in ids if pk not in seen]
        if missing:
            self.graph.remove_relationships(missing)
        # A tie may name someone no note named (yet): read them first, so that the tie is not dropped.
        ends = sorted({x for row in rows for x in (row[1], row[2])})
        unknown = [pk for pk, index in zip(ends, self.graph.index_of(ends), strict=True) if index < 0]
        if unknown:
            self._apply_people(unknown)
        # Relationships of people the graph does not have (merged away) are left out by the engine.
        self.graph.upsert_relationships(rows)


_indexes: dict[int, WorkspaceIndex] = {}
_registry_lock = threading.Lock()


def index_for(workspace_id: int) -> WorkspaceIndex:
    """This process's index of the workspace, loaded on first use and refreshed on every later one.

    Callers hold `index.lock` while they read the graph.
    """
    with _registry_lock:
        index = _indexes.get(workspace_id)
        if index is None:
            index = _indexes[workspace_id] = WorkspaceIndex(workspace_id)
    with index.lock:
        if index.graph is None:
            index.load()
        else:
            index.refresh()
    return index


def forget(workspace_id: int | None = None) -> None:
    """Drop cached indexes (tests; a workspace deleted)."""
    with _registry_lock:
        if workspace_id is None:
            _indexes.clear()
        else:
            _indexes.pop(workspace_id, None)


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start: start + size]


def _json(value) -> list:
    # SQLite hands a JSON column to a raw cursor as text; PostgreSQL as a list.
    return json.loads(value) if isinstance(value, str) else (value or [])
