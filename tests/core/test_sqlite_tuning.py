"""A file-backed SQLite database opens in WAL mode, with a busy timeout and
immediate transactions, as the settings promise."""

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from warmline import env


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_it_opens_sqlite_in_wal_mode_with_a_busy_timeout(monkeypatch, tmp_path, django_db_blocker):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/tuned.sqlite3")
    handler = ConnectionHandler({"default": env.database("DATABASE_URL", "")})
    conn = handler["default"]
    with django_db_blocker.unblock():
        try:
            with conn.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"
                cursor.execute("PRAGMA busy_timeout")
                assert cursor.fetchone()[0] == 20000
                cursor.execute("PRAGMA foreign_keys")
                assert cursor.fetchone()[0] == 1
            assert conn.transaction_mode == "IMMEDIATE"
        finally:
            conn.close()
