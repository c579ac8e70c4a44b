"""The pools of forked processes that import, export and index on all cores."""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.pool import Pool

from django.db import connections


def forked_pool(processes: int, initializer: Callable | None = None, initargs: tuple = ()) -> Pool:
    """A pool of ``processes`` forked workers that stop when the pool ends them, each
    first calling ``initializer(*initargs)`` if given (forked: nothing is pickled).

    A worker is forked with its parent's signal handlers. A job worker (django-tasks'
    ``db_worker``, RQ) handles SIGTERM as "finish the job, then stop", so a pool
    forked inside a job would ignore the SIGTERM with which ``Pool.terminate`` ends
    its idle workers, and the import waiting for them would wait for ever.
    """
    return multiprocessing.get_context("fork").Pool(
        processes, initializer=_start, initargs=(initializer, initargs),
    )


def _start(initializer: Callable | None, initargs: tuple) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if initializer is not None:
        initializer(*initargs)


def close_connections_before_forking() -> None:
    """Close this process's database connections, which forked workers must not
    inherit (they never use them), but one inside a transaction: the caller's."""
    if not any(connection.in_atomic_block for connection in connections.all()):
        connections.close_all()
