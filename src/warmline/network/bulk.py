"""Fast inserts for imports: ids allocated up front, rows written with executemany.

The ORM's bulk_create spends most of its time building model instances; an
import of a million rows cannot afford that. Callers hold the import's
transaction (and on PostgreSQL the workspace lock) around these helpers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models

CHUNK = 5000


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys for `model`, inside the current transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite (AUTOINCREMENT): the write transaction is exclusive, so the next ids
        # after both the sequence and the current maximum are ours; inserting them
        # with explicit ids moves the sequence past them.
        cursor.execute(f'SELECT MAX(id) FROM "{table}"')
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """INSERT rows (tuples in the order of `columns`, already in database form) in chunks."""
    rows = list(rows)
    if not rows:
        return 0
    table = model._meta.db_table
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])
    return len(rows)


def update(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE by primary key: each row is (value for each column..., id)."""
    rows = list(rows)
    if not rows:
        return 0
    table = model._meta.db_table
    sets = ", ".join(f'"{model._meta.get_field(c).column}" = %s' for c in columns)
    sql = f'UPDATE "{table}" SET {sets} WHERE "id" = %s'
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])
    return len(rows)


def db_datetime(value):
    """A datetime as the current database wants it in a raw query."""
    if connection.vendor == "sqlite":
        return connection.ops.adapt_datetimefield_value(value)
    return value


def db_json(value):
    return models.JSONField().get_db_prep_save(value, connection)


def in_chunks(values: Sequence, size: int = 900):
    """Slices small enough for an IN (...) list on SQLite."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(sql: str, values, params: Sequence = ()) -> list[tuple]:
    """Run `sql` (which ends with 'IN') for every chunk of `values`, returning all rows.

    Raw, because building a thousand-item IN list through the ORM costs more than running it.
    """
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for chunk in in_chunks(sorted(values)):
            cursor.execute(f"{sql} ({', '.join(['%s'] * len(chunk))})", [*params, *chunk])
            rows.extend(cursor.fetchall())
    return rows


def select_pairs(sql: str, pairs) -> list[tuple]:
    """Run `sql`, which joins `(VALUES {values}) v` (columns v.column1 and v.column2), for every chunk of pairs.

    For lookups by a two-column key: each pair probes the unique index once, whatever the
    planner's statistics say (an IN list on the first column alone was estimated from a
    sample skewed by employees' large networks and became a full table scan).
    """
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for chunk in in_chunks(sorted(pairs), size=450):
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(sql.replace("{values}", values), [value for pair in chunk for value in pair])
            rows.extend(cursor.fetchall())
    return rows
