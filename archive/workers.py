"""The pools of forked processes that import, export and index on all cores."""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.pool import Pool


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
