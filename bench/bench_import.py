"""Import throughput: LinkedIn exports of many employees, with entity resolution, against a naive baseline.

The workload: EMPLOYEES exports of CONNECTIONS rows each (default 1,000 × 1,000 =
1M rows); about 40 % of each export's contacts also appear in other employees'
exports, so resolution has real work. Each export is imported by the same
service the CLI and the worker use (parse, resolve, write in one transaction).

The baseline, measured in the same run on a 20k-row slice: the same parsed
rows written with one ORM save per row for the person and one for the
relationship, with no resolution at all.

The exports are imported twice: one after another in one process (as the
CLI does), and queued then run by two `warmline worker` processes at once (as
imports from the UI and the API run in a deployment; one worker per core: while
one writes, the other reads its next file).

Each measurement runs in its own process, so its peak memory (ru_maxrss) is
its own. Figures are printed as ratios against the baseline and written to
bench/results/import.json.

    python bench/bench_import.py [--employees N] [--connections M] [--engines sqlite,postgresql] [--workers 2]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SHARED_SHARE = 0.40
BASELINE_ROWS = 20_000

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra "
    "Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy "
    "George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob "
    "Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott "
    "Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick "
    "Carolyn Raymond Janet Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia "
    "Priya Wei Aisha Mateo Sofia Lukas Amara Hiroshi Ingrid Kwame Lucia Dmitri Fatima Arjun Chen Noor Javier Elif"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim "
    "Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
    "Sanders Patel Myers Long Ross Foster Jimenez Mueller Schmidt Novak Kowalski Rossi Dubois Jansen Sato Tanaka"
).split()
TITLES = ["CFO", "VP Finance", "Controller", "Head of Operations", "Supply Chain Director", "RevOps Manager",
          "Account Executive", "Senior Analyst", "COO", "Procurement Lead", "Director of FP&A", "Engineer"]


def person(index: int, rng: random.Random) -> tuple:
    first = FIRST[index % len(FIRST)]
    last = LAST[(index // len(FIRST)) % len(LAST)]
    company = f"Company {index % 20_000:05d} Inc"
    email = f"{first.lower()}.{last.lower()}{index}@c{index % 20_000}.example" if index % 5 == 0 else ""
    return first, last, f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{index:x}/", email, company, \
        TITLES[index % len(TITLES)]


def export(employee: int, connections: int, pool_size: int) -> bytes:
    """One employee's Connections.csv: 60 % contacts of their own, 40 % drawn from a shared pool."""
    rng = random.Random(employee)
    shared = rng.sample(range(pool_size), int(connections * SHARED_SHARE))
    own_start = pool_size + employee * connections
    own = range(own_start, own_start + connections - len(shared))
    out = io.StringIO()
    out.write("Notes:\n\"When exporting your connection data, you may notice that some of the email addresses "
              "are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
    start = date(2015, 1, 1)
    for index in [*shared, *own]:
        first, last, url, email, company, title = person(index, rng)
        on = start + timedelta(days=index % 3800)
        out.write(f"{first},{last},{url},{email},\"{company}\",{title},{on:%d %b %Y}\n")
    return out.getvalue().encode()


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warmline.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-bench-only-secret-key-1234567890")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_workspace(employees: int):
    from django.contrib.auth.hashers import make_password

    from warmline.core.choices import Role
    from warmline.core.models import Membership, User, Workspace

    workspace = Workspace.objects.create(name="Bench Corp", slug=f"bench-{int(time.time() * 1000)}")
    password = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"employee{i}@{workspace.slug}.example", full_name=f"Employee {i}", password=password)
        for i in range(employees)
    )
    Membership.objects.bulk_create(
        Membership(workspace=workspace, user=u, role=Role.ADMIN if i == 0 else Role.REP) for i, u in enumerate(users)
    )
    return workspace, list(Membership.objects.filter(workspace=workspace).select_related("user", "workspace")
                           .order_by("pk"))


def measure_import(database_url: str, employees: int, connections: int) -> dict:
    setup_django(database_url)
    from warmline.core.choices import Channel
    from warmline.network import importing
    from warmline.network.models import ImportRun, Person, Relationship

    pool = max(int(employees * connections * SHARED_SHARE / 2.5), connections)
    workspace, members = make_workspace(employees)
    rows = created = matched = 0
    elapsed = 0.0
    for i, member in enumerate(members):
        data = export(i, connections, pool)
        run = ImportRun.objects.create(workspace=workspace, format="linkedin", owner=member, size=len(data),
                                       created_via=Channel.CLI)
        started = time.perf_counter()
        summary = importing.execute(run, data)
        elapsed += time.perf_counter() - started
        rows += summary.rows_read
        created += summary.people_created
        matched += summary.people_matched
    # Re-importing one export must create nothing.
    again = importing.execute(
        ImportRun.objects.create(workspace=workspace, format="linkedin", owner=members[0], created_via=Channel.CLI),
        export(0, connections, pool),
    )
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "people_created": created,
        "people_matched": matched,
        "people": Person.objects.filter(workspace=workspace).count(),
        "relationships": Relationship.objects.filter(workspace=workspace).count(),
        "reimport_created": again.people_created + again.relationships_created,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def queue_exports(database_url: str, employees: int, connections: int) -> dict:
    """Queue every export as the UI and the API do (file stored on the run), for the workers."""
    setup_django(database_url)
    from warmline.core.choices import Channel
    from warmline.network.models import ImportRun

    pool = max(int(employees * connections * SHARED_SHARE / 2.5), connections)
    workspace, members = make_workspace(employees)
    for i, member in enumerate(members):
        data = export(i, connections, pool)
        ImportRun.objects.create(workspace=workspace, format="linkedin", owner=member, size=len(data), payload=data,
                                 created_via=Channel.API)
    return {"workspace": workspace.pk}


def run_worker(database_url: str, employees: int, connections: int) -> dict:
    """One `warmline worker --once`: claims queued imports until none is left."""
    setup_django(database_url)
    from warmline.worker import Worker

    done = Worker().run_once()
    return {"imports": done, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def count_results(database_url: str, employees: int, connections: int) -> dict:
    setup_django(database_url)
    from django.db.models import Sum

    from warmline.network.models import ImportRun, Person, Relationship

    runs = ImportRun.objects.filter(status="done")
    failures = list(ImportRun.objects.exclude(status="done").values_list("status", "error")[:5])
    failed = ImportRun.objects.exclude(status="done").count()
    rows = sum(run.summary.get("rows_read", 0) for run in runs.only("summary"))
    return {
        "rows": rows, "failed_imports": failed, "failures": failures, "people": Person.objects.count(),
        "relationships": Relationship.objects.count(),
        "people_created": sum(run.summary.get("people_created", 0) for run in runs.only("summary")),
        "size": runs.aggregate(total=Sum("size"))["total"],
    }


def measure_baseline(database_url: str, employees: int, connections: int) -> dict:
    """One ORM save per row (person, then relationship), no resolution, on the first BASELINE_ROWS rows."""
    setup_django(database_url)
    from warmline.network.importers.linkedin import parse_linkedin
    from warmline.network.models import Person, Relationship
    from warmline.network.services import ensure_person_for

    pool = max(int(employees * connections * SHARED_SHARE / 2.5), connections)
    files = max(1, BASELINE_ROWS // connections)
    workspace, members = make_workspace(files)
    rows = 0
    elapsed = 0.0
    for i, member in enumerate(members):
        data = export(i, connections, pool)
        started = time.perf_counter()
        owner = ensure_person_for(member)
        for rec in parse_linkedin(data).records:
            contact = Person(workspace=workspace, first_name=rec.first_name, last_name=rec.last_name,
                             full_name=f"{rec.first_name} {rec.last_name}", title=rec.title, listed=False)
            contact.save()
            a, b = sorted((owner.pk, contact.pk))
            Relationship(workspace=workspace, person_a_id=a, person_b_id=b, owner=member, strength=0.15).save()
            rows += 1
        elapsed += time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


CEILING_EXPORTS = 20


def measure_ceiling(database_url: str, employees: int, connections: int) -> dict:
    """The fastest the database takes the rows an import must write, with no parsing, resolution or ORM.

    Runs on the database the import left (a million rows in it), for CEILING_EXPORTS more exports of new
    employees: per export, one transaction that looks the contacts up by LinkedIn profile (as resolution must)
    and writes only what cannot be skipped: the new people, one relationship per row and its evidence. SQLite
    writes with executemany, under the import's own settings and then with foreign-key checks and checkpoints
    off; PostgreSQL writes with COPY. Nothing any import can do goes faster than this on this machine.
    """
    setup_django(database_url)
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from warmline.core.models import Membership, User, Workspace, new_public_ids
    from warmline.network import bulk, importing
    from warmline.network.importers.linkedin import parse_linkedin
    from warmline.network.models import Evidence, Person, Relationship
    from warmline.network.resolution import linkedin_slug

    pool = max(int(employees * connections * SHARED_SHARE / 2.5), connections)
    # The import's workspace, so that the lookups find the shared contacts it already holds.
    workspace = Workspace.objects.order_by("-pk").first()
    users = User.objects.bulk_create(
        User(email=f"ceiling{i}@{workspace.slug}.example", password=make_password(None))
        for i in range(2 * CEILING_EXPORTS)
    )
    members = Membership.objects.bulk_create(Membership(workspace=workspace, user=u) for u in users)
    now = bulk.db_datetime(timezone.now())
    person_columns = ["id", "workspace", "public_id", "created_at", "created_via", "first_name", "last_name",
                      "full_name", "name_key", "block_key", "linkedin_url", "linkedin_slug", "phone", "title",
                      "function", "seniority", "country", "region", "city", "notes", "listed", "updated_at"]
    relationship_columns = ["id", "workspace", "public_id", "created_at", "created_via", "person_a", "person_b",
                            "kind", "owner", "how_they_know", "strength", "strength_reason", "last_evidence_on",
                            "updated_at"]
    evidence_columns = ["workspace", "relationship", "source", "on", "detail", "key", "created_at"]
    # Exports of employees the import never saw, so that every row is written.
    exports = [parse_linkedin(export(employees + i, connections, pool)).records for i in range(2 * CEILING_EXPORTS)]

    def write(model, columns, rows, cursor):
        if connection.vendor == "postgresql":
            names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
            with cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            bulk.insert(model, columns, rows)

    def one(records, member) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            slugs = {linkedin_slug(r.linkedin_url): r for r in records}
            found = dict(bulk.select_in(
                f"SELECT linkedin_slug, id FROM {importing.PERSON} WHERE workspace_id = %s "
                "AND NOT (\"linkedin_slug\" = '') AND linkedin_slug IN", slugs, [workspace.pk]))
            new = [slug for slug in slugs if slug not in found]
            ids = bulk.allocate_ids(Person, len(new) + 1)
            owner_pid = ids[-1]
            people, person_of = [], dict(found)
            for slug, pk, public_id in zip([*new, ""], ids, new_public_ids(len(ids)), strict=True):
                rec = slugs.get(slug)
                first, last = (rec.first_name, rec.last_name) if rec else ("Employee", str(member.pk))
                people.append((pk, workspace.pk, public_id, now, "import", first, last, f"{first} {last}",
                               f"{first} {last}".lower(), f"{first[:1]}{last}".lower(), rec.linkedin_url if rec
                               else "", slug, "", rec.title if rec else "", "", "", "", "", "", "", not rec, now))
                person_of[slug] = pk
            write(Person, person_columns, people, cursor)
            pairs = [tuple(sorted((owner_pid, person_of[slug]))) for slug in slugs]
            rel_ids = bulk.allocate_ids(Relationship, len(pairs))
            write(Relationship, relationship_columns, [
                (pk, workspace.pk, public_id, now, "import", a, b, "social", member.pk, "", 0.15,
                 "LinkedIn connection", rec.connected_on, now)
                for (a, b), pk, public_id, rec in zip(pairs, rel_ids, new_public_ids(len(pairs)), slugs.values(),
                                                      strict=True)
            ], cursor)
            write(Evidence, evidence_columns, [
                (workspace.pk, pk, "linkedin", rec.connected_on, f"Connected on LinkedIn {rec.connected_on:%d %b %Y}",
                 "linkedin", now) for pk, rec in zip(rel_ids, slugs.values(), strict=True)
            ], cursor)

    figures = {}
    passes = [("import_settings", exports[:CEILING_EXPORTS], members[:CEILING_EXPORTS])]
    if connection.vendor == "sqlite":
        passes.append(("no_foreign_keys_no_checkpoints", exports[CEILING_EXPORTS:], members[CEILING_EXPORTS:]))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size=-262144")
            cursor.execute(f"PRAGMA wal_autocheckpoint={importing.IMPORT_CHECKPOINT_PAGES}")
    for name, batch, owners in passes:
        if name == "no_foreign_keys_no_checkpoints":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.execute("PRAGMA foreign_keys=OFF")
                cursor.execute("PRAGMA wal_autocheckpoint=0")
        started = time.perf_counter()
        for records, member in zip(batch, owners, strict=True):
            one(records, member)
        elapsed = time.perf_counter() - started
        rows = sum(len(records) for records in batch)
        figures[name] = {"rows": rows, "seconds": round(elapsed, 2), "rows_per_second": round(rows / elapsed)}
    return figures


def child(kind: str, database_url: str, employees: int, connections: int) -> dict:
    """Run one measurement in a fresh process and read its JSON answer."""
    command = [sys.executable, __file__, "--child", kind, "--database-url", database_url,
               "--employees", str(employees), "--connections", str(connections)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{kind} measurement failed on {database_url}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_workers(database_url: str, employees: int, connections: int, workers: int) -> dict:
    """The exports queued, then run by `workers` worker processes at once, as a deployment runs them."""
    child("queue", database_url, employees, connections)
    command = [sys.executable, __file__, "--child", "worker", "--database-url", database_url,
               "--employees", str(employees), "--connections", str(connections)]
    started = time.perf_counter()
    # The workers' logs go to files: read only if one fails.
    logs = [tempfile.TemporaryFile(mode="w+") for _ in range(workers)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=HERE.parent)
                 for log in logs]
    outputs = [p.communicate()[0] for p in processes]
    elapsed = time.perf_counter() - started
    if any(p.returncode for p in processes):
        for log in logs:
            log.seek(0)
            sys.stderr.write(log.read())
        raise SystemExit("a worker failed")
    answers = [json.loads(out.strip().splitlines()[-1]) for out in outputs]
    counts = child("count", database_url, employees, connections)
    return {
        **counts, "workers": workers, "seconds": round(elapsed, 2),
        "rows_per_second": round(counts["rows"] / elapsed),
        "imports_per_worker": [a["imports"] for a in answers],
        "peak_rss_mb": max(a["peak_rss_mb"] for a in answers),
        "peak_rss_mb_all_workers": sum(a["peak_rss_mb"] for a in answers),
    }


def postgres_database(base_url: str) -> str:
    """A fresh database beside the one named in base_url, so the benchmark never touches test data."""
    import psycopg

    name = "warmline_bench"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return base_url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes for the queued run (default 2).")
    parser.add_argument("--child")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.child:
        measure = {"import": measure_import, "baseline": measure_baseline, "queue": queue_exports,
                   "worker": run_worker, "count": count_results, "ceiling": measure_ceiling}[args.child]
        print(json.dumps(measure(args.database_url, args.employees, args.connections)))
        return

    pg_url = os.environ.get("WARMLINE_BENCH_POSTGRES_URL") or os.environ.get("WARMLINE_TEST_POSTGRES_URL")
    results = {
        "benchmark": "import",
        "workload": f"{args.employees} LinkedIn exports × {args.connections} rows, {SHARED_SHARE:.0%} shared",
        "baseline": f"one ORM save per row (person, relationship), no resolution, {BASELINE_ROWS:,}-row slice",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "engines": {},
    }
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if engine == "sqlite":
                urls = [f"sqlite:///{tmp}/{name}.sqlite3" for name in ("import", "baseline", "workers")]
            elif engine == "postgresql" and pg_url:
                urls = [postgres_database(pg_url)] * 3
            else:
                print(f"{engine}: skipped (set WARMLINE_BENCH_POSTGRES_URL to measure PostgreSQL)")
                continue
            print(f"{engine}: importing {args.employees * args.connections:,} rows in one process…", flush=True)
            imported = child("import", urls[0], args.employees, args.connections)
            print(f"{engine}: the database's own ceiling: bare writes for {CEILING_EXPORTS} more exports…", flush=True)
            ceiling = child("ceiling", urls[0], args.employees, args.connections)
            print(f"{engine}: baseline on {BASELINE_ROWS:,} rows…", flush=True)
            baseline = child("baseline", urls[1], args.employees, args.connections)
            if engine == "postgresql":
                urls[2] = postgres_database(pg_url)
            print(f"{engine}: the same exports queued and run by {args.workers} workers…", flush=True)
            by_workers = measure_workers(urls[2], args.employees, args.connections, args.workers)
        speed = imported["rows_per_second"] / baseline["rows_per_second"]
        memory = imported["peak_rss_mb"] / baseline["peak_rss_mb"]
        workers_speed = by_workers["rows_per_second"] / baseline["rows_per_second"]
        results["engines"][engine] = {
            "import": imported, "baseline": baseline, "workers": by_workers, "ceiling": ceiling,
            "speed_ratio_vs_baseline": round(speed, 2), "memory_ratio_vs_baseline": round(memory, 2),
            "workers_speed_ratio_vs_baseline": round(workers_speed, 2),
            "workers_memory_ratio_vs_baseline": round(by_workers["peak_rss_mb_all_workers"] / baseline["peak_rss_mb"], 2),
            "target_rows_per_second": 20_000, "target_peak_rss_mb": 1536,
        }
        print(
            f"{engine}: {imported['rows']:,} rows in {imported['seconds']} s = {imported['rows_per_second']:,} rows/s "
            f"({speed:.1f}× the baseline's {baseline['rows_per_second']:,} rows/s); "
            f"peak memory {imported['peak_rss_mb']} MB ({memory:.2f}× the baseline's {baseline['peak_rss_mb']} MB); "
            f"{imported['people']:,} people, {imported['relationships']:,} relationships; "
            f"re-import created {imported['reimport_created']}."
        )
        print(
            f"{engine}: {by_workers['workers']} workers: {by_workers['rows']:,} rows in {by_workers['seconds']} s = "
            f"{by_workers['rows_per_second']:,} rows/s ({workers_speed:.1f}× the baseline); peak memory "
            f"{by_workers['peak_rss_mb']} MB per worker, {by_workers['peak_rss_mb_all_workers']} MB together; "
            f"{by_workers['people']:,} people, {by_workers['relationships']:,} relationships, "
            f"{by_workers['failed_imports']} failed imports."
        )
        for name, figure in ceiling.items():
            print(
                f"{engine}: ceiling ({name.replace('_', ' ')}): bare writes of {figure['rows']:,} rows with no "
                f"parsing or resolution: {figure['rows_per_second']:,} rows/s "
                f"({figure['rows_per_second'] / baseline['rows_per_second']:.1f}× the baseline); the import reaches "
                f"{imported['rows_per_second'] / figure['rows_per_second']:.0%} of it."
            )
        for status, error in by_workers["failures"]:
            print(f"{engine}:   a failed import ({status}): {error}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {RESULTS / 'import.json'}")


if __name__ == "__main__":
    main()
