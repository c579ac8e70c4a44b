"""Moving the test database between migration states, for tests of a migration's data."""
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to ``targets`` (``[(app, migration)]``); the models of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return models_at(targets)


def models_at(targets):
    """The models of the state ``targets`` name, whatever state the database is in."""
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest():
    """Every app's last migration."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
