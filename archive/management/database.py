"""What the commands check before they touch the database."""
from __future__ import annotations

from django.core.management import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def require_migrated(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise a CommandError naming the fix when the database lacks migrations."""
    connection = connections[using]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            f"the database {connection.settings_dict['NAME']} is not set up "
            f"({len(pending)} migrations not applied): run `python manage.py migrate` first"
        )
