"""Running queued jobs inside a test, on whichever task backend the run uses
(``JOBS_BACKEND``: the database backend's ``db_worker``, or RQ's worker in this
process), so the same tests cover both."""
from __future__ import annotations

from unittest import mock

from django.conf import settings
from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every queued task to its end, then return."""
    if settings.JOBS_BACKEND == "rq":
        # The worker closes the database connections before it starts, which here
        # would end the test's own transaction.
        with mock.patch("django_rq.management.commands.rqworker.reset_db_connections"):
            call_command(
                "rqworker", "default", "--burst", "--worker-class", "rq.worker.SimpleWorker",
            )
    else:
        # The worker closes "old" connections between tasks, as a request's end does;
        # here that would end the test's own transaction.
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")


def empty_queue() -> None:
    """Drop tasks an earlier test queued (RQ keeps them in Redis, outside the test's
    database transaction)."""
    if settings.JOBS_BACKEND == "rq":
        import django_rq

        django_rq.get_queue("default").empty()
