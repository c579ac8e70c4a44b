"""Write many rows at once: COPY on PostgreSQL, one executemany elsewhere.

The ORM's bulk_create builds a model instance and an SQL parameter list per row;
for the hundreds of turns of one episode that costs more than parsing the file.
These rows are plain tuples in the order of ``columns`` (attribute names such as
``episode_id``), already in database form (JSON as text).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def insert_rows(model, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    rows = list(rows)
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(
        connection.ops.quote_name(model._meta.get_field(column).column) for column in columns
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)


def delete_rows(model, column: str, value) -> None:
    """Delete the rows whose ``column`` (an attribute name) equals ``value`` in one
    statement, without loading them or sending a signal per row: for rows the caller
    writes again at once, in the same transaction."""
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {name} = %s", [value])
