"""Warm paths as pages, the API and the CLI show them: the engine's answer turned into people and words.

Every function takes the viewer (a Membership) or None for the workspace-wide
view, which sees what every member may see: networks shared in full or as
existence only, never private ones. The engine applies the same rules.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from warmline.core.choices import Sharing
from warmline.core.models import Membership, Workspace
from warmline.network import queries as network_queries
from warmline.network import resolution
from warmline.network.models import Company, Evidence, Person, PersonEmail, Relationship
from warmline.network.strength import Evidence as EvidenceItem
from warmline.network.titles import function_for
from warmline.paths import engine, explain
from warmline.paths.index import index_for

SHAPE_LABELS = {
    engine.DIRECT: "Direct",
    engine.ONE_INTRODUCER: "One introducer",
    engine.INSIDER: "Insider",
    engine.TWO_INTRODUCERS: "Two introducers",
}
NOT_ASKED, PENDING, DECLINED, INTRODUCED = "not_asked", "pending", "declined", "introduced"
STATUS_LABELS = {NOT_ASKED: "Not asked", PENDING: "Asked, pending", DECLINED: "Declined", INTRODUCED: "Introduced"}


@dataclass
class HopView:
    role: str
    hidden: bool
    person: Person | None  # None when hidden

    def as_dict(self) -> dict:
        if self.hidden or self.person is None:
            return {"id": None, "name": None, "company": None, "title": None, "role": self.role, "hidden": True}
        p = self.person
        return {"id": p.public_id, "name": p.full_name, "company": p.company.name if p.company_id else None,
                "title": p.title or None, "role": self.role, "hidden": False}


@dataclass
class PathView:
    rank: int
    score: float
    shape: str
    hops: list[HopView]
    explanation: str
    own: bool
    status: str = NOT_ASKED
    suggested: bool = False  # the next path to try

    @property
    def shape_label(self) -> str:
        return SHAPE_LABELS[self.shape]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def weaker(self) -> bool:
        return self.shape == engine.TWO_INTRODUCERS

    @property
    def public_path(self) -> str:
        """The hops' public ids, employee first, for planning an ask along this path ('' if a hop is hidden)."""
        if any(h.hidden or h.person is None for h in self.hops):
            return ""
        return ",".join(h.person.public_id for h in self.hops)

    @property
    def employee(self) -> HopView:
        return self.hops[0]

    @property
    def introducer(self) -> HopView:
        """Whom to ask: the first connector, or the employee for a direct path."""
        return self.hops[1] if len(self.hops) > 2 else self.hops[0]

    def as_dict(self) -> dict:
        return {"rank": self.rank, "score": self.score, "shape": self.shape, "status": self.status,
                "suggested": self.suggested, "hops": [h.as_dict() for h in self.hops],
                "explanation": self.explanation}


@dataclass
class AccountPerson:
    person: Person
    best: PathView | None

    @property
    def function(self) -> str:
        """The stated function, or one read from the title ('VP Finance': finance)."""
        return self.person.function or function_for("", self.person.title).capitalize()


@dataclass
class AccountMapView:
    company: Company
    people: list[AccountPerson]  # the requested slice
    reachable: int
    employees: list[Person]
    total: int = 0  # everyone the viewer may know of there
    offset: int = 0

    @property
    def coverage(self) -> str:
        total = self.total
        if not total:
            return "No one at this company is in the network yet."
        return (f"{self.reachable:,} of {total:,} people reachable through {len(self.employees):,} "
                f"{'employee' if len(self.employees) == 1 else 'employees'}")


@dataclass
class AccountRow:
    line: int | None
    label: str  # as the list names the account
    company: Company | None
    reachable: int = 0
    people: int = 0
    best: PathView | None = None
    best_target: Person | None = None
    problem: str = ""

    def as_dict(self) -> dict:
        return {"line": self.line, "account": self.label,
                "company": ({"id": self.company.public_id, "name": self.company.name, "domain": self.company.domain}
                            if self.company else None),
                "people": self.people, "reachable_people": self.reachable,
                "best_path_strength": self.best.score if self.best else None,
                "best_introducer": self.best.introducer.as_dict() if self.best else None,
                "best_path": self.best.as_dict() if self.best else None, "problem": self.problem or None}


# --- who may be a target -----------------------------------------------------------------------------


def people_in_view(workspace: Workspace, viewer: Membership | None) -> QuerySet[Person]:
    if viewer is not None:
        return network_queries.people_for(viewer)
    default = workspace.network_sharing
    owners = [pk for pk, choice in Membership.objects.filter(workspace=workspace).values_list("pk", "network_sharing")
              if (choice or default) in (Sharing.SHARE, Sharing.EXISTENCE)]
    visible = Relationship.objects.filter(Q(owner__isnull=True) | Q(owner_id__in=owners))
    return Person.objects.filter(workspace=workspace, merged_into__isnull=True).filter(
        Q(listed=True) | Exists(visible.filter(person_a=OuterRef("pk"))) | Exists(visible.filter(person_b=OuterRef("pk")))
    )


def find_targets(workspace: Workspace, viewer: Membership | None, query: str, *, limit: int = 20):
    """People matching a name, an email or a LinkedIn URL, and companies matching a name or domain."""
    query = query.strip()
    if not query:
        return [], []
    people = people_in_view(workspace, viewer)
    slug = resolution.linkedin_slug(query) if "linkedin.com" in query.lower() else ""
    if slug:
        matched = people.filter(linkedin_slug=slug)
    elif "@" in query:
        owners = PersonEmail.objects.filter(workspace=workspace, email=resolution.normalize_email(query))
        matched = people.filter(pk__in=owners.values("person_id"))
        if viewer is not None:
            # An address is searchable only where the viewer may see contact details.
            matched = matched.filter(network_queries._details_visible_q(viewer))
    else:
        matched = people.filter(full_name__icontains=query)
    people_found = list(matched.select_related("company").order_by("full_name", "pk")[:limit])
    companies = Company.objects.filter(workspace=workspace)
    key = resolution.company_key(query)
    domain = resolution.normalize_domain(query) if "." in query else ""
    company_q = Q(name__icontains=query) | Q(name_key=key)
    if domain:
        company_q |= Q(domain=domain)
    companies_found = list(companies.filter(company_q).order_by("name", "pk")[:limit]) if not slug and "@" not in query \
        else []
    return people_found, companies_found


def access_target(workspace: Workspace, viewer: Membership | None, public_id: str) -> Person:
    if viewer is not None:
        return network_queries.access_person(viewer, public_id)
    person = people_in_view(workspace, None).filter(public_id=public_id).select_related("company").first()
    if person is None:
        raise Http404("No such person.")
    return person


def access_account(workspace: Workspace, viewer: Membership | None, public_id: str) -> Company:
    if viewer is not None:
        return network_queries.access_company(viewer, public_id)
    company = Company.objects.filter(workspace=workspace, public_id=public_id).first()
    if company is None:
        raise Http404("No such company.")
    return company


# --- paths -------------------------------------------------------------------------------------------


def person_paths(workspace: Workspace, viewer: Membership | None, person: Person, *, limit: int = 20,
                 statuses: dict[tuple, str] | None = None) -> list[PathView]:
    """The ranked paths to one person. `statuses` (path key -> status) comes from the referral records."""
    index = index_for(workspace.pk)
    with index.lock:
        graph = index.graph
        target = int(graph.index_of([person.pk])[0])
        if target < 0:
            return []
        eviewer, requester = _viewer(index, viewer)
        found = graph.paths_to(target, eviewer, limit=limit, requester=requester)
        keys, rels = _database_ids(graph, found)
    views = _views(viewer, found, keys, rels)
    return _with_statuses(views, keys, statuses or {})


def _database_ids(graph: engine.Graph, paths: list[engine.Path]) -> tuple[list[tuple], list[list]]:
    """Each path's people and relationships as database ids (None for an insider's implicit tie).

    Called under the index lock: the graph's arrays may change once it is released."""
    people, relationships = graph.people.ids, graph.rel.ids
    keys = [tuple(int(people[h.person]) for h in p.hops) for p in paths]
    rels = [[int(relationships[e]) if e >= 0 else None for e in p.relationships] for p in paths]
    return keys, rels


def _with_statuses(views: list[PathView], keys: list[tuple], statuses: dict[tuple, str]) -> list[PathView]:
    for view, key in zip(views, keys, strict=True):
        view.status = statuses.get(key, NOT_ASKED)
    # Try paths in order of strength until one works: the first one not asked yet comes next.
    if views and not any(v.status in (PENDING, INTRODUCED) for v in views):
        nxt = next((v for v in views if v.status == NOT_ASKED), None)
        if nxt is not None:
            nxt.suggested = True
    return views


def _viewer(index, viewer: Membership | None) -> tuple[engine.Viewer, int | None]:
    graph = index.graph
    if viewer is None:
        return engine.Viewer(graph.members, None), None
    member = index.member_index.get(viewer.pk)
    own = Person.objects.filter(membership=viewer).values_list("pk", flat=True).first()
    requester = int(graph.index_of([own])[0]) if own else -1
    return engine.Viewer(graph.members, member), (requester if requester >= 0 else None)


def _views(viewer, found: list[engine.Path], keys, rels) -> list[PathView]:
    person_ids = {pid for key in keys for pid in key}
    people = {p.pk: p for p in Person.objects.filter(pk__in=person_ids).select_related("company", "membership")}
    rel_ids = {r for path in rels for r in path if r is not None}
    evidence = defaultdict(list)
    for item in Evidence.objects.filter(relationship_id__in=rel_ids):
        evidence[item.relationship_id].append(
            EvidenceItem(source=item.source, on=item.on, detail=item.detail, months=item.months,
                         ended_on=item.ended_on))
    today = timezone.now().date()
    own_id = viewer.pk if viewer is not None else None
    views = []
    for rank, (path, key, rel_path) in enumerate(zip(found, keys, rels, strict=True), start=1):
        hops, whos = [], []
        for hop, pid in zip(path.hops, key, strict=True):
            person = people.get(pid)
            hops.append(HopView(role=hop.role, hidden=hop.hidden, person=None if hop.hidden else person))
            membership = person.membership if person and person.membership_id else None
            whos.append(explain.Who(
                name=person.full_name if person else "", first=person.first_name if person else "",
                title=(membership.title or person.title) if membership else (person.title if person else ""),
                company=person.company.name if person and person.company_id else "",
                employee=hop.role == engine.EMPLOYEE, you=membership is not None and membership.pk == own_id,
                hidden=hop.hidden))
        steps = []
        for i, rel_id in enumerate(rel_path):
            if rel_id is None:
                a, b = people.get(key[i]), people.get(key[i + 1])
                fa = function_for(a.function, a.title) if a else ""
                same = bool(fa) and fa == function_for(b.function, b.title)
                steps.append(explain.Step(insider=True, same_function=same))
                continue
            disclosure = explain.EXISTENCE if path.disclosure[i] == engine.EXISTENCE else explain.FULL
            steps.append(explain.Step(evidence=evidence.get(rel_id, []) if disclosure == explain.FULL else [],
                                      disclosure=disclosure))
        views.append(PathView(rank=rank, score=path.score, shape=path.shape, hops=hops,
                              explanation=explain.explain(whos, steps, today=today), own=path.own))
    return views


# --- accounts ----------------------------------------------------------------------------------------


def account_map(workspace: Workspace, viewer: Membership | None, company: Company, *, offset: int = 0,
                limit: int | None = None) -> AccountMapView:
    """Everyone at the company the viewer may know of, with the best path to each, and the coverage.

    `offset` and `limit` choose which people (reachable first, best path first) come with their path
    explained; the counts always cover everyone.
    """
    index = index_for(workspace.pk)
    with index.lock:
        graph = index.graph
        k = index.company_index.get(company.pk, -1)
        eviewer, requester = _viewer(index, viewer)
        result = graph.account_map(k, eviewer, requester=requester) if k >= 0 else engine.AccountMap(k)
        ids = graph.people.ids
        total = len(result)
        end = total if limit is None else min(total, offset + limit)
        shown = [(int(ids[result.people[i]]), result.path(i)) for i in range(offset, end)]
        found = [best for _, best in shown if best is not None]
        keys, rels = _database_ids(graph, found)
        employee_ids = [int(ids[e]) for e in result.employees]
    views = iter(_views(viewer, found, keys, rels))
    people = {p.pk: p for p in Person.objects.filter(pk__in=[pid for pid, _ in shown]).select_related("company")}
    listed = []
    for pid, best in shown:
        view = next(views) if best is not None else None
        if view is not None:
            view.rank = 1
        listed.append(AccountPerson(person=people[pid], best=view))
    employees = list(Person.objects.filter(pk__in=employee_ids).select_related("membership").order_by("full_name"))
    return AccountMapView(company=company, people=listed, reachable=result.reachable, employees=employees,
                          total=total, offset=offset)


class AccountListError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(f"Line {line}: {message}" if line else message)
        self.line = line


ACCOUNT_COLUMNS = {"account", "company", "name", "company name", "account name", "organization"}
DOMAIN_COLUMNS = {"domain", "website", "company domain", "url"}
MAX_ACCOUNTS = 2000


def parse_account_list(data: bytes) -> list[tuple[int, str, str]]:
    """(line, name, domain) per account of a CSV with a header naming an account and/or a domain column.

    A file with one column and no recognised header is read as a list of names (or domains).
    """
    from warmline.network.importers.decoding import decode
    from warmline.network.importers.records import ImportFormatError

    try:
        text = decode(data)
    except ImportFormatError as error:
        raise AccountListError(f"Not a CSV file: {error.message}", 1) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise AccountListError("The file is empty.")
    header = [h.strip().lower() for h in rows[0]]
    name_col = next((i for i, h in enumerate(header) if h in ACCOUNT_COLUMNS), None)
    domain_col = next((i for i, h in enumerate(header) if h in DOMAIN_COLUMNS), None)
    start = 2
    if name_col is None and domain_col is None:
        if len(header) > 1:
            raise AccountListError("No account column: name one 'account', 'company' or 'domain'.", 1)
        name_col, start, rows = 0, 1, [[""], *rows]
    accounts = []
    for line, row in enumerate(rows[1:], start=start):
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        domain = row[domain_col].strip() if domain_col is not None and domain_col < len(row) else ""
        if not name and not domain:
            continue
        if name_col == 0 and domain_col is None and "." in name and " " not in name:
            name, domain = "", name  # a bare domain in a one-column list
        accounts.append((line, name[:200], domain[:200]))
        if len(accounts) > MAX_ACCOUNTS:
            raise AccountListError(f"More than {MAX_ACCOUNTS:,} accounts; split the list.", line)
    if not accounts:
        raise AccountListError("The file lists no accounts.")
    return accounts


def clean_accounts(accounts) -> list[tuple[int, str, str]]:
    """(position, name, domain) for (name, domain) pairs given by hand or through the API; a ValidationError
    names the first account with neither."""
    cleaned = []
    for i, (name, domain) in enumerate(accounts, start=1):
        name, domain = (name or "").strip(), (domain or "").strip()
        if not name and not domain:
            raise ValidationError({"accounts": f"Account {i}: give a name or a domain."})
        cleaned.append((i, name[:200], domain[:200]))
    if not cleaned:
        raise ValidationError({"accounts": "The list has no accounts."})
    if len(cleaned) > MAX_ACCOUNTS:
        raise ValidationError({"accounts": f"More than {MAX_ACCOUNTS:,} accounts; split the list."})
    return cleaned


def resolve_accounts(workspace: Workspace, accounts: list[tuple[int | None, str, str]]):
    """Each (line, name, domain) with the company it names, by domain first, then by normalised name."""
    domains = {resolution.normalize_domain(d) for _, _, d in accounts if d}
    keys = {resolution.company_key(n) for _, n, _ in accounts if n}
    companies = Company.objects.filter(workspace=workspace).filter(Q(domain__in=domains) | Q(name_key__in=keys))
    by_domain = {c.domain: c for c in companies if c.domain}
    by_key: dict[str, Company] = {}
    for c in sorted(companies, key=lambda c: c.pk):
        by_key.setdefault(c.name_key, c)
    out = []
    for line, name, domain in accounts:
        found = by_domain.get(resolution.normalize_domain(domain)) if domain else None
        if found is None and name:
            found = by_key.get(resolution.company_key(name))
        out.append((line, name or domain, found))
    return out


def account_table(workspace: Workspace, viewer: Membership | None, accounts) -> list[AccountRow]:
    """One row per account of a target list: reachable people, the best path's strength and introducer.

    Accounts with no path, or not in the network at all, are listed too. Every account is mapped by the
    engine under one lock; only the best paths are then read from the database, all at once.
    """
    resolved = resolve_accounts(workspace, accounts)
    index = index_for(workspace.pk)
    bests: dict[int, tuple] = {}  # row -> (target id, path, key, relationship ids)
    counts: dict[int, tuple[int, int]] = {}
    with index.lock:
        graph = index.graph
        eviewer, requester = _viewer(index, viewer)
        ids = graph.people.ids
        for row, (_, _, company) in enumerate(resolved):
            k = index.company_index.get(company.pk, -1) if company is not None else -1
            if k < 0:
                counts[row] = (0, 0)
                continue
            mapped = graph.account_map(k, eviewer, requester=requester)
            counts[row] = (len(mapped), mapped.reachable)
            path = mapped.path(0) if len(mapped) else None
            if path is not None:
                (key,), (rels,) = _database_ids(graph, [path])
                bests[row] = (int(ids[mapped.people[0]]), path, key, rels)
    views = _views(viewer, [b[1] for b in bests.values()], [b[2] for b in bests.values()],
                   [b[3] for b in bests.values()])
    for view in views:
        view.rank = 1  # each account's best path is the first of its own ranking
    view_of = dict(zip(bests, views, strict=True))
    targets = Person.objects.in_bulk([b[0] for b in bests.values()])
    rows = []
    for row, (line, label, company) in enumerate(resolved):
        if company is None:
            rows.append(AccountRow(line=line, label=label, company=None,
                                   problem="Not in the network: no company with this name or domain."))
            continue
        total, reachable = counts[row]
        best = view_of.get(row)
        rows.append(AccountRow(line=line, label=label, company=company, reachable=reachable, people=total,
                               best=best, best_target=targets.get(bests[row][0]) if best else None))
    rows.sort(key=lambda r: (r.best is None, -(r.best.score if r.best else 0), r.label.lower()))
    return rows


def graph_stats(workspace: Workspace) -> dict:
    index = index_for(workspace.pk)
    with index.lock:
        graph = index.graph
        return {"people": int(len(graph.people.ids)), "relationships": int(graph.rel.alive.sum()),
                "employees": int((graph.people.member >= 0).sum()), "load_seconds": round(index.loaded_in, 3),
                "bytes": int(sum(v.nbytes for v in _arrays(graph)))}


def _arrays(graph: engine.Graph):
    for holder in (graph.people, graph.rel, graph.members, graph):
        for value in vars(holder).values():
            if isinstance(value, np.ndarray):
                yield value


def account_lists(workspace: Workspace) -> QuerySet:
    from warmline.paths.models import AccountList

    return AccountList.objects.filter(workspace=workspace).select_related("created_by")


def access_account_list(workspace: Workspace, public_id: str):
    found = account_lists(workspace).filter(public_id=public_id).first()
    if found is None:
        raise Http404("No such account list.")
    return found
