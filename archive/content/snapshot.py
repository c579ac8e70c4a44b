"""Read many queries as of one moment: a read-only snapshot of the database.

PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite (WAL): a deferred
transaction, whose reads all see the database as of its first read; unlike the
IMMEDIATE transactions the settings give ``atomic``, it takes no write lock, so
editors' saves go on meanwhile. Inside a transaction already open (a test, or a
caller's ``atomic``), that transaction is the snapshot.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction


@contextlib.contextmanager
def read_snapshot() -> Iterator[None]:
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
