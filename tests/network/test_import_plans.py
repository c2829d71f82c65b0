"""The lookups of an import use indexes, even when the planner's statistics describe a large, skewed network.

An import that scans a table costs time in proportion to the whole network, so
each import gets slower than the last. Statistics are sampled (and go stale
between refreshes), so the queries must not depend on them: this test gives
SQLite statistics skewed as those seen on the benchmark's network, and checks the plan of every
query an import runs.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .builders import contact, linkedin_csv, run_import

# sqlite_stat1 as a sampled ANALYZE left it on the benchmark's network after 300 employees' imports: the
# employees are person_a of most pairs, so person_a looks like a poor key to the planner.
SKEWED = [
    ("network_personemail", "network_personemail_person_id_6c718353", "4476 1"),
    ("network_personemail", "sqlite_autoindex_network_personemail_1", "4750 1001 1"),
    ("network_relationship", "network_rel_workspa_709ddf_idx", "36256 1001 501"),
    ("network_relationship", "network_relationship_person_b_id_8e003289", "33704 1"),
    ("network_relationship", "sqlite_autoindex_network_relationship_2", "39437 501 1"),
    ("network_relationship", "sqlite_autoindex_network_relationship_1", "21840 1"),
    ("network_evidence", "sqlite_autoindex_network_evidence_1", "26496 1 1 1"),
    ("network_person", "person_unique_slug", "273280 1001 1"),
    ("network_person", "network_per_workspa_7fcb9b_idx", "258850 1001 19"),
    ("network_person", "person_block_no_slug", "287 287 1"),
    ("network_person", "network_per_workspa_2e15fd_idx", "268500 1001 4"),
    ("network_person", "network_person_company_id_28aade01", "219744 18"),
    ("network_person", "sqlite_autoindex_network_person_2", "146771 5"),
    ("network_person", "sqlite_autoindex_network_person_1", "273000 1"),
    ("network_company", "network_com_workspa_e7456f_idx", "20172 1001 1"),
    ("network_company", "company_unique_name_without_domain", "20172 1001 1"),
    ("network_company", "sqlite_autoindex_network_company_1", "8100 1"),
]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's EXPLAIN QUERY PLAN")
def test_no_import_query_scans_a_network_table(world):
    run_import(world.alice, "linkedin", linkedin_csv([contact(i) for i in range(200)]), owner=world.bob)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for table, index, stat in SKEWED:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", [table, index])
            cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [table, index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics

    with CaptureQueriesContext(connection) as captured:
        summary = run_import(world.alice, "linkedin", linkedin_csv([contact(i) for i in range(50, 300)]),
                             owner=world.carol)
    assert (summary.people_matched, summary.people_created) == (150, 100)

    scans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            for *_, detail in cursor.fetchall():
                if detail.startswith("SCAN network_") and "COVERING INDEX" not in detail:
                    scans.append((detail, sql[:160]))
    assert scans == []
