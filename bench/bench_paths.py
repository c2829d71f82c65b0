"""Warm paths at scale: the index's build time and memory, person queries and account maps, against networkx
and against the same joins in SQL on PostgreSQL.

The workload, synthetic and seeded: PEOPLE people, RELATIONSHIPS relationships and EMPLOYEES employees,
with a heavy-tailed degree distribution (a Chung–Lu graph over Pareto weights: most people have a handful
of ties, a few have tens of thousands; employees' own networks are log-normal, a few hundred to a few
thousand). 20 companies have 1,000 people and 20 have 5,000; the rest are Zipf-sized. Most employees share
their network, some share existence only, a few keep it private.

1. The graph is written to a fresh SQLite database through the app's own tables (migrated schema), then a
   fresh process builds the index from it exactly as the web app does (paths.index), and reports the build
   time and memory (its resident set before and after, and the arrays' own size).
2. That process times the top-20 person query for random targets and account maps for the 1,000- and
   5,000-person companies, as a rep would see them (privacy applied).
3. On a 1,000,000-relationship slice (the same generator at a tenth of the size), the same person queries
   run on the engine, on networkx (all simple paths from the target to any employee, two steps, or three
   when nothing shorter exists, plus the company's people for insiders, scored by the same formula), and,
   when PostgreSQL is available, as SQL joins over an adjacency table with an index on its source column.

Figures are printed with their ratios and written to bench/results/paths.json.

    python bench/bench_paths.py [--people N] [--relationships M] [--employees E] [--targets T]
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE.parent / "src"))

TODAY = 20_400  # days since 1970
NETWORKX_TARGETS = 60
BIG_COMPANIES = {1000: 20, 5000: 20}
SHARING_MIX = (0.8, 0.15)  # share, existence only; the rest private


def synthetic(people: int, relationships: int, employees: int, seed: int = 7, big_companies: dict | None = None) -> dict:
    """The graph as numpy arrays: person indexes 0..people-1, employees first."""
    rng = np.random.default_rng(seed)
    weight = rng.pareto(1.6, people) + 1.0
    weight[:employees] = 0  # employees get their own ties below
    p = weight / weight.sum()
    sizes = np.minimum(rng.lognormal(np.log(600), 0.8, employees), 8000)
    sizes = (sizes * (relationships * 0.2 / sizes.sum())).astype(np.int64) + 1
    emp_a = np.repeat(np.arange(employees, dtype=np.int64), sizes)
    emp_b = rng.choice(people, size=len(emp_a), p=p)
    outside = int((relationships - len(emp_a)) * 1.08)
    out_a, out_b = rng.choice(people, size=outside, p=p), rng.choice(people, size=outside, p=p)
    col_a, col_b = rng.integers(0, employees, employees * 10), rng.integers(0, employees, employees * 10)
    a, b = np.concatenate([emp_a, out_a, col_a]), np.concatenate([emp_b, out_b, col_b])
    keep = a != b
    a, b = a[keep], b[keep]
    key = np.unique(np.minimum(a, b) * people + np.maximum(a, b))
    rng.shuffle(key)
    key = np.sort(key[:relationships])
    a, b = key // people, key % people
    m = len(a)
    r = rng.random(m)
    strength = np.where(r < .7, .15, np.where(r < .85, .25, np.where(r < .95, .4, rng.uniform(.4, .95, m))))
    owner = np.where(a < employees, a, np.where(b < employees, b, -1))
    owner[(a < employees) & (b < employees)] = -1  # colleagues: workspace knowledge
    last = TODAY - rng.integers(0, 3650, m)
    last[rng.random(m) < .05] = -1
    company = np.full(people, -1, dtype=np.int64)
    company[:employees] = 0
    order = rng.permutation(np.arange(employees, people))
    at, next_company, big = 0, 1, {}
    for size, count in (big_companies or BIG_COMPANIES).items():
        for _ in range(count):
            company[order[at:at + size]] = next_company
            big.setdefault(size, []).append(next_company)
            at += size
            next_company += 1
    rest = order[at:]
    placed = rest[: int(len(rest) * .9)]
    zipf = np.minimum(rng.zipf(1.8, len(placed)), 800)
    company[placed] = next_company + np.repeat(np.arange(len(zipf)), zipf)[: len(placed)]
    share = rng.random(employees)
    sharing = np.where(share < SHARING_MIX[0], 0, np.where(share < sum(SHARING_MIX), 1, 2))
    return {
        "people": people, "employees": employees, "a": a, "b": b, "strength": strength.astype(np.float32),
        "owner": owner, "last": last, "company": company, "companies": int(company.max()) + 1,
        "seniority": rng.integers(0, 7, people), "function": rng.integers(0, 10, people),
        "listed": rng.random(people) < .6, "sharing": sharing, "big": big,
    }


def engine_graph(g: dict):
    from warmline.paths import engine

    n = g["people"]
    people = engine.People(
        ids=np.arange(1, n + 1, dtype=np.int64), company=g["company"].astype(np.int32),
        seniority=g["seniority"].astype(np.int8), function=g["function"].astype(np.int32),
        member=np.where(np.arange(n) < g["employees"], np.arange(n), -1).astype(np.int32),
        listed=g["listed"], made=np.zeros(n, np.int32), asked=np.zeros(n, np.int32))
    rel = engine.Relationships.build(np.arange(1, len(g["a"]) + 1), g["a"], g["b"], g["strength"], g["owner"],
                                     g["last"])
    members = engine.Members(ids=np.arange(1, g["employees"] + 1, dtype=np.int64),
                             sharing=g["sharing"].astype(np.int8))
    return engine.Graph(people, rel, members, companies=g["companies"], today=TODAY)


def percentiles(samples: list[float]) -> dict:
    ms = np.array(samples) * 1000
    return {"n": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p95_ms": round(float(np.percentile(ms, 95)), 2), "max_ms": round(float(ms.max()), 2)}


# --- 1 and 2: the database, the index, the queries --------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warmline.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-bench-only-secret-key-1234567890")
    import django

    django.setup()


def write_database(database_url: str, g: dict) -> dict:
    """The synthetic graph in the app's tables, written with raw executemany in big transactions."""
    setup_django(database_url)
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from warmline.core.choices import Role, Sharing
    from warmline.core.models import Membership, User, Workspace

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-1048576")
        cursor.execute("PRAGMA synchronous=OFF")
    workspace = Workspace.objects.create(name="Paths Bench", slug="paths-bench")
    password = make_password(None)
    users = User.objects.bulk_create(User(email=f"e{i}@bench.example", full_name=f"Employee {i}", password=password)
                                     for i in range(g["employees"]))
    choices = [Sharing.SHARE, Sharing.EXISTENCE, Sharing.PRIVATE]
    members = Membership.objects.bulk_create(
        Membership(workspace=workspace, user=u, role=Role.ADMIN if i == 0 else Role.REP,
                   network_sharing=choices[g["sharing"][i]]) for i, u in enumerate(users))
    member_ids = np.array([m.pk for m in members], dtype=np.int64)
    ws, now = workspace.pk, "2026-01-01 00:00:00"
    seniority = ["", "entry", "senior", "manager", "director", "vp", "c_level"]
    functions = ["", "finance", "sales", "operations", "marketing", "technology", "product", "people", "legal",
                 "executive"]
    with transaction.atomic(), connection.cursor() as cursor:
        base = 1
        cursor.executemany(
            "INSERT INTO network_company (id, workspace_id, public_id, created_at, created_via, name, name_key, "
            "domain, industry, size_band, country, region, city, tags, relation, health) VALUES (%s, %s, %s, %s, "
            "'import', %s, %s, '', '', '', '', '', '', '[]', '', '')",
            [(base + k, ws, f"c{k:021d}", now, f"Company {k}", f"company {k}") for k in range(g["companies"])])
        step = 200_000
        for start in range(0, g["people"], step):
            end = min(start + step, g["people"])
            rows = zip(range(start + 1, end + 1), [f"p{i:021d}" for i in range(start, end)],
                       (g["company"][start:end] + base).tolist(), g["seniority"][start:end].tolist(),
                       g["function"][start:end].tolist(), g["listed"][start:end].tolist(), strict=True)
            cursor.executemany(
                "INSERT INTO network_person (id, workspace_id, public_id, created_at, created_via, first_name, "
                "last_name, full_name, name_key, block_key, linkedin_url, linkedin_slug, phone, title, function, "
                "seniority, country, region, city, notes, tags, do_not_ask, listed, updated_at, company_id, "
                "membership_id) VALUES "
                f"(%s, {ws}, %s, '{now}', 'import', 'P', 'X', 'P X', 'p x', 'x|p', '', '', '', '', %s, %s, '', '', "
                f"'', '', '[]', FALSE, %s, '{now}', %s, NULL)",
                [(pid, public, functions[f], seniority[s], listed, company if company >= base else None)
                 for pid, public, company, s, f, listed in rows])
        cursor.executemany("UPDATE network_person SET membership_id = %s WHERE id = %s",
                           [(int(member_ids[i]), i + 1) for i in range(g["employees"])])
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS network_relationship_person_b_id_8e003289")
        cursor.execute("DROP INDEX IF EXISTS network_rel_workspa_709ddf_idx")
    step = 500_000
    owners = np.where(g["owner"] >= 0, member_ids[np.maximum(g["owner"], 0)], 0)
    for start in range(0, len(g["a"]), step):
        end = min(start + step, len(g["a"]))
        last = g["last"][start:end]
        dates = np.where(last >= 0, (np.datetime64("1970-01-01") + last.astype("timedelta64[D]")).astype(str), None)
        rows = zip(range(start + 1, end + 1), [f"r{i:021d}" for i in range(start, end)],
                   (g["a"][start:end] + 1).tolist(), (g["b"][start:end] + 1).tolist(),
                   g["strength"][start:end].astype(float).tolist(), owners[start:end].tolist(), dates.tolist(),
                   strict=True)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO network_relationship (id, workspace_id, public_id, created_at, created_via, person_a_id, "
                "person_b_id, kind, owner_id, how_they_know, strength, strength_reason, last_evidence_on, updated_at) "
                f"VALUES (%s, {ws}, %s, '{now}', 'import', %s, %s, 'social', NULLIF(%s, 0), '', %s, '', %s, '{now}')",
                [(rid, public, a, b, owner, strength, day) for rid, public, a, b, strength, owner, day in rows])
    with connection.cursor() as cursor:
        cursor.execute('CREATE INDEX network_relationship_person_b_id_8e003289 ON network_relationship '
                       '("person_b_id")')
        cursor.execute('CREATE INDEX network_rel_workspa_709ddf_idx ON network_relationship ("workspace_id", '
                       '"owner_id")')
        cursor.execute("ANALYZE")
    return {"workspace": ws, "seconds": round(time.perf_counter() - started, 1),
            "rep_member": int(member_ids[1]), "bytes": os.path.getsize(database_url.split("///", 1)[1])}


def measure_index(database_url: str, workspace_id: int, rep_member: int, targets: int, big: dict,
                  employees: int, people: int) -> dict:
    """In a fresh process: load the index as the app does, then time the queries."""
    setup_django(database_url)
    from warmline.core.models import Membership, Workspace
    from warmline.paths import engine, queries
    from warmline.paths.index import index_for

    workspace = Workspace.objects.get(pk=workspace_id)
    rep = Membership.objects.select_related("user", "workspace").get(pk=rep_member)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = index_for(workspace_id)
    build = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stats = queries.graph_stats(workspace)
    graph = index.graph
    viewer = engine.Viewer(graph.members, index.member_index[rep.pk])
    requester = int(graph.index_of([rep_member_person(rep)])[0])
    rng = np.random.default_rng(11)
    chosen = rng.integers(employees, people, targets) + 1  # person ids of outside people
    person_times, shapes = [], {}
    for pid in chosen.tolist():
        t = int(graph.index_of([pid])[0])
        begun = time.perf_counter()
        paths = graph.paths_to(t, viewer, limit=20, requester=requester)
        person_times.append(time.perf_counter() - begun)
        shape = paths[0].shape if paths else "none"
        shapes[shape] = shapes.get(shape, 0) + 1
    # The same query as a page or the API runs it: change notes checked, names and evidence read.
    from warmline.network.models import Person

    full_times = []
    for person in Person.objects.filter(pk__in=chosen[:100].tolist()).select_related("company"):
        begun = time.perf_counter()
        queries.person_paths(workspace, rep, person, limit=20)
        full_times.append(time.perf_counter() - begun)
    maps = {}
    for size, companies in big.items():
        times, reach = [], []
        for k in companies:
            company_index = index.company_index[k + 1]
            begun = time.perf_counter()
            mapped = graph.account_map(company_index, viewer, requester=requester)
            times.append(time.perf_counter() - begun)
            reach.append(mapped.reachable / max(len(mapped), 1))
        maps[str(size)] = {**percentiles(times), "reachable_share": round(float(np.mean(reach)), 3)}
    return {
        "build_seconds": round(build, 2), "index_bytes": stats["bytes"],
        "rss_before_mb": before // 1024, "rss_after_mb": after // 1024, "rss_growth_mb": (after - before) // 1024,
        "people": stats["people"], "relationships": stats["relationships"],
        "degree_max": int(np.diff(graph.indptr).max()), "degree_mean": round(float(np.diff(graph.indptr).mean()), 1),
        "person_query": {**percentiles(person_times), "best_shapes": shapes},
        "person_query_with_explanations": percentiles(full_times),
        "account_map": maps,
    }


def rep_member_person(rep) -> int:
    from warmline.network.models import Person

    return Person.objects.filter(membership=rep).values_list("pk", flat=True).first() or -1


# --- 3: the slice, against networkx and SQL ---------------------------------------------------------------


def networkx_paths(G, companies: dict, person_company, members, employees: set, visible_owner, reliability_of,
                   target: int, *, shortcut: bool, limit: int = 20) -> list:
    """The equivalent search with networkx: simple paths from the target to any employee, with at most two
    people between, scored by paths.ranking; insiders through the company's people; paths with two
    introducers kept only when no shorter one exists.

    shortcut=False is the general graph search (every path of up to three steps, then the rules);
    shortcut=True borrows the engine's plan (two steps first, three only when those find nothing)."""
    import networkx as nx

    from warmline.paths import ranking

    def step(u, v):
        data = G.edges[u, v]
        return data["strength"], data["last"], data["owner"]

    def score(path):
        strengths, lasts = [], []
        for u, v in zip(path, path[1:], strict=False):
            s, last, owner = step(u, v)
            if not visible_owner(owner):
                return None
            strengths.append(s)
            lasts.append(last)
        connectors = [reliability_of(c) for c in path[1:-1]]
        return ranking.path_score(strengths, connectors, lasts, TODAY, two_introducers=len(path) == 4)

    short, long = [], []
    for path in nx.all_simple_paths(G, target, employees, cutoff=2 if shortcut else 3):
        if all(members[c] < 0 for c in path[1:-1]):
            value = score(path)
            if value is not None:
                (long if len(path) == 4 else short).append((value, path[::-1]))
    company = person_company[target]
    if company >= 0:
        known = set(G.adj[target])
        for insider in companies.get(company, ()):
            if insider == target or insider in known or members[insider] >= 0:
                continue
            for employee in G.adj[insider]:
                if members[employee] >= 0:
                    s, last, owner = step(employee, insider)
                    if visible_owner(owner):
                        value = s * ranking.INSIDER_BASE * ranking.path_score([1.0], [reliability_of(insider)],
                                                                             [last], TODAY)
                        short.append((value, [employee, insider, target]))
    if shortcut and not short:
        for path in nx.all_simple_paths(G, target, employees, cutoff=3):
            if len(path) == 4 and all(members[c] < 0 for c in path[1:-1]):
                value = score(path)
                if value is not None:
                    long.append((value, path[::-1]))
    return heapq.nlargest(limit, short or long, key=lambda f: f[0])


def measure_slice(g: dict, targets: int, pg_url: str | None) -> dict:
    import networkx as nx

    from warmline.paths import engine

    graph = engine_graph(g)
    employees, n = g["employees"], g["people"]
    rep = 1
    viewer = engine.Viewer(graph.members, rep)
    rng = np.random.default_rng(13)
    chosen = rng.integers(employees, n, targets).tolist()

    engine_times = []
    for t in chosen:
        begun = time.perf_counter()
        graph.paths_to(t, viewer, limit=20, requester=rep)
        engine_times.append(time.perf_counter() - begun)

    started = time.perf_counter()
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from((int(a), int(b), {"strength": float(s), "last": int(last), "owner": int(o)})
                     for a, b, s, last, o in zip(g["a"], g["b"], g["strength"], g["last"], g["owner"], strict=True))
    nx_build = time.perf_counter() - started
    members = np.where(np.arange(n) < employees, np.arange(n), -1)
    employee_set = set(range(employees))
    sharing = g["sharing"]
    companies: dict[int, list[int]] = {}
    for person, company in enumerate(g["company"].tolist()):
        if company >= 0:
            companies.setdefault(company, []).append(person)

    def visible_owner(owner: int) -> bool:
        return owner < 0 or owner == rep or sharing[owner] < 2

    result = {"people": n, "relationships": int(len(g["a"])), "targets": len(chosen),
              "engine": percentiles(engine_times), "networkx_build_seconds": round(nx_build, 1)}
    # networkx's general search takes seconds on targets near hubs: it runs on the first NETWORKX_TARGETS.
    few = chosen[:NETWORKX_TARGETS]
    engine_few = engine_times[:NETWORKX_TARGETS]
    result["networkx_targets"] = len(few)
    for name, shortcut in (("networkx", False), ("networkx_shortcut", True)):
        nx_times = []
        for t in few:
            begun = time.perf_counter()
            networkx_paths(G, companies, g["company"], members, employee_set, visible_owner, lambda c: (0, 0), t,
                           shortcut=shortcut)
            nx_times.append(time.perf_counter() - begun)
        result[name] = {**percentiles(nx_times),
                        "ratio_mean": round(float(np.mean(nx_times) / np.mean(engine_few)), 1),
                        "ratio_p50": round(float(np.median(nx_times) / np.median(engine_few)), 1)}
    if pg_url:
        result["postgresql"] = measure_sql(pg_url, g, chosen, rep)
        pg = result["postgresql"]
        pg["ratio_mean"] = round(float(pg["mean_ms"] / (np.mean(engine_times) * 1000)), 1)
        pg["ratio_p50"] = round(float(pg["p50_ms"] / (np.median(engine_times) * 1000)), 1)
    return result


SQL_SHORT = """
WITH t AS (SELECT id, company FROM bench_person WHERE id = %(t)s),
n1 AS (SELECT a.dst AS c, a.strength AS s, a.last AS l FROM bench_adj a WHERE a.src = %(t)s AND a.visible),
direct AS (
  SELECT n1.c AS emp, NULL::int AS via, n1.s * (0.6 + 0.4 * power(0.5, (%(today)s - n1.l) / 730.0)) AS score
  FROM n1 JOIN bench_person p ON p.id = n1.c WHERE p.member >= 0),
one AS (
  SELECT e.dst AS emp, n1.c AS via, e.strength * n1.s * (2.0 / 3.0)
         * (0.6 + 0.4 * power(0.5, (%(today)s - least(e.last, n1.l)) / 730.0)) AS score
  FROM n1 JOIN bench_person c ON c.id = n1.c AND c.member < 0
  JOIN bench_adj e ON e.src = n1.c AND e.visible JOIN bench_person pe ON pe.id = e.dst AND pe.member >= 0),
insider AS (
  SELECT e.dst AS emp, i.id AS via, e.strength * 0.06 * (2.0 / 3.0)
         * (0.6 + 0.4 * power(0.5, (%(today)s - e.last) / 730.0)) AS score
  FROM t JOIN bench_person i ON i.company = t.company AND i.id <> t.id AND i.member < 0
  JOIN bench_adj e ON e.src = i.id AND e.visible JOIN bench_person pe ON pe.id = e.dst AND pe.member >= 0
  WHERE t.company >= 0 AND NOT EXISTS (SELECT 1 FROM n1 WHERE n1.c = i.id))
SELECT emp, via, score FROM (SELECT * FROM direct UNION ALL SELECT * FROM one UNION ALL SELECT * FROM insider) x
ORDER BY score DESC LIMIT 20
"""

SQL_LONG = """
WITH n1 AS (SELECT a.dst AS c, a.strength AS s, a.last AS l FROM bench_adj a
            JOIN bench_person p ON p.id = a.dst AND p.member < 0 WHERE a.src = %(t)s AND a.visible),
n2 AS (SELECT b.dst AS c1, n1.c AS c2, b.strength * n1.s AS s, least(b.last, n1.l) AS l FROM n1
       JOIN bench_adj b ON b.src = n1.c AND b.visible JOIN bench_person p ON p.id = b.dst AND p.member < 0
       WHERE b.dst <> %(t)s)
SELECT e.dst, n2.c1, n2.c2, e.strength * n2.s * (4.0 / 9.0) * 0.5
       * (0.6 + 0.4 * power(0.5, (%(today)s - least(e.last, n2.l)) / 730.0)) AS score
FROM n2 JOIN bench_adj e ON e.src = n2.c1 AND e.visible JOIN bench_person pe ON pe.id = e.dst AND pe.member >= 0
ORDER BY score DESC LIMIT 20
"""


def measure_sql(pg_url: str, g: dict, chosen: list[int], rep: int) -> dict:
    """The same person queries as joins over an adjacency table (both directions, indexed by source)."""
    import psycopg

    name = "warmline_bench_paths"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    url = pg_url.rsplit("/", 1)[0] + "/" + name
    sharing = g["sharing"]
    owner = g["owner"]
    visible = (owner < 0) | (owner == rep) | (sharing[np.maximum(owner, 0)] < 2)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE bench_person (id int PRIMARY KEY, company int, member int)")
        conn.execute("CREATE TABLE bench_adj (src int, dst int, strength real, last int, visible bool)")
        with conn.cursor().copy("COPY bench_person (id, company, member) FROM STDIN") as copy:
            for i, company in enumerate(g["company"].tolist()):
                copy.write_row((i, company, i if i < g["employees"] else -1))
        last = np.where(g["last"] < 0, TODAY - 4 * 365, g["last"])
        with conn.cursor().copy("COPY bench_adj (src, dst, strength, last, visible) FROM STDIN") as copy:
            for a, b, s, day, v in zip(g["a"].tolist(), g["b"].tolist(), g["strength"].astype(float).tolist(),
                                       last.tolist(), visible.tolist(), strict=True):
                copy.write_row((a, b, s, day, v))
                copy.write_row((b, a, s, day, v))
        conn.execute("CREATE INDEX ON bench_adj (src) INCLUDE (dst, strength, last, visible)")
        conn.execute("CREATE INDEX ON bench_person (company)")
        conn.execute("ANALYZE")
        conn.commit()
        times = []
        for t in chosen:
            begun = time.perf_counter()
            rows = conn.execute(SQL_SHORT, {"t": t, "today": TODAY}).fetchall()
            if not rows:
                conn.execute(SQL_LONG, {"t": t, "today": TODAY}).fetchall()
            times.append(time.perf_counter() - begun)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
    return {**percentiles(times), "mean_ms": round(float(np.mean(times) * 1000), 2)}


# --- running it -----------------------------------------------------------------------------------------


def child(kind: str, args: argparse.Namespace, **extra) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--people", str(args.people), "--relationships",
               str(args.relationships), "--employees", str(args.employees), "--targets", str(args.targets),
               "--extra", json.dumps(extra)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{kind} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_child(args: argparse.Namespace) -> dict:
    extra = json.loads(args.extra)
    if args.child == "write":
        # A smaller trial run scales the account sizes down with the people.
        scale = min(1.0, args.people / 1_000_000)
        g = synthetic(args.people, args.relationships, args.employees,
                      big_companies={max(int(size * scale), 10): count for size, count in BIG_COMPANIES.items()})
        written = write_database(extra["url"], g)
        return {**written, "big": g["big"], "relationships": int(len(g["a"]))}
    if args.child == "index":
        return measure_index(extra["url"], extra["workspace"], extra["rep_member"], args.targets,
                             {int(k): v for k, v in extra["big"].items()}, args.employees, args.people)
    if args.child == "slice":
        scale = min(1.0, args.people / 1_000_000) / 10
        g = synthetic(args.people // 10, args.relationships // 10, max(args.employees // 10, 1), seed=8,
                      big_companies={max(int(size * scale), 10): count for size, count in BIG_COMPANIES.items()})
        return measure_slice(g, args.targets, extra.get("pg_url"))
    raise SystemExit(f"unknown child {args.child}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--relationships", type=int, default=10_000_000)
    parser.add_argument("--employees", type=int, default=2_000)
    parser.add_argument("--targets", type=int, default=1_000)
    parser.add_argument("--child")
    parser.add_argument("--extra", default="{}")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args)))
        return
    pg_url = os.environ.get("WARMLINE_BENCH_POSTGRES_URL") or os.environ.get("WARMLINE_TEST_POSTGRES_URL")
    results = {
        "benchmark": "paths",
        "workload": f"{args.people:,} people, {args.relationships:,} relationships, {args.employees:,} employees, "
                    "heavy-tailed degrees (Chung–Lu over Pareto weights)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": {"person_query_p95_ms": 20, "account_map_5000_p95_ms": 250, "index_gb": 2,
                    "networkx_ratio": 100},
    }
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/paths.sqlite3"
        print(f"writing {args.people:,} people and {args.relationships:,} relationships to SQLite…", flush=True)
        written = child("write", args, url=url)
        print(f"  written in {written['seconds']} s ({written['bytes'] / 1e9:.1f} GB)", flush=True)
        print("building the index in a fresh process and timing queries…", flush=True)
        measured = child("index", args, url=url, workspace=written["workspace"], rep_member=written["rep_member"],
                         big=written["big"])
    results["index"] = measured
    print(f"on a {args.relationships // 10:,}-relationship slice: the engine, networkx"
          f"{' and PostgreSQL' if pg_url else ''}…", flush=True)
    results["slice"] = child("slice", args, pg_url=pg_url)
    if not pg_url:
        print("PostgreSQL: skipped (set WARMLINE_BENCH_POSTGRES_URL to measure the SQL joins)")
    m, s = results["index"], results["slice"]
    print(f"index: built in {m['build_seconds']} s from the database; arrays {m['index_bytes'] / 2**20:.0f} MB; "
          f"process memory {m['rss_before_mb']} → {m['rss_after_mb']} MB (+{m['rss_growth_mb']} MB; target ≤ 2 GB); "
          f"degree max {m['degree_max']:,}, mean {m['degree_mean']}")
    q = m["person_query"]
    print(f"person query (top 20, {q['n']} targets): p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms (target ≤ 20 ms); "
          f"best shapes {q['best_shapes']}")
    f = m["person_query_with_explanations"]
    print(f"  with names and explanations read from the database: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms")
    for size, a in m["account_map"].items():
        print(f"account map, {int(size):,} people ({a['n']} companies): p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms"
              f"{' (target ≤ 250 ms)' if size == '5000' else ''}; {a['reachable_share']:.0%} reachable")
    if args.people < 1_000_000:
        print("  (a trial run: account sizes scaled down with the people)")
    nx_all, nx_short = s["networkx"], s["networkx_shortcut"]
    print(f"slice of {s['relationships']:,} relationships, {s['targets']} targets: engine p50 {s['engine']['p50_ms']} ms"
          f", p95 {s['engine']['p95_ms']} ms")
    print(f"  networkx, general search (all paths of up to three steps; the first {s['networkx_targets']} targets): "
          f"p50 {nx_all['p50_ms']} ms: "
          f"{nx_all['ratio_mean']}× the engine's time on average, {nx_all['ratio_p50']}× at the median "
          "(target ≥ 100×)")
    print(f"  networkx with the engine's plan (two steps, three only when needed): p50 {nx_short['p50_ms']} ms: "
          f"{nx_short['ratio_mean']}× on average, {nx_short['ratio_p50']}× at the median")
    if "postgresql" in s:
        pg = s["postgresql"]
        print(f"  PostgreSQL joins: p50 {pg['p50_ms']} ms, p95 {pg['p95_ms']} ms: {pg['ratio_mean']}× the engine's time "
              f"on average ({pg['ratio_p50']}× at the median)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "paths.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {RESULTS / 'paths.json'}")


if __name__ == "__main__":
    main()
