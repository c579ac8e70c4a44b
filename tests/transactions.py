"""Helpers for fixtures that hold a module's rows in one transaction rolled back after it."""
from django.db import connection


def settle_constraints() -> None:
    """Check now, once, the foreign keys that a large import left deferred.

    On PostgreSQL every inserted row's check otherwise stays pending in the module's
    transaction, and each test's teardown (Django's ``check_constraints``, inside the
    test's savepoint, whose rollback makes them pending again) checks them all anew:
    minutes per module on the shared archive."""
    connection.check_constraints()
