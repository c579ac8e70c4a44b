"""Start, run and resume jobs.

:func:`start_job` records the job and its locks in one transaction and queues its task
once that commits; the request that calls it returns at once. The task
(:func:`run_job`) claims the job and calls the function of its kind with a
:class:`JobRun`, through which the function reports progress and finishes items.

Exactly once, whatever dies when: an item's change and its ``JobItem`` row commit in
one transaction, together with the job's counters, and only while the job still names
this task as its runner (a job resumed elsewhere makes the old runner stop at its next
item, its work of that item rolled back). A resumed job skips the items it has.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from .models import Job, JobItem, JobLock

logger = logging.getLogger(__name__)

# The function that does each kind of job: called with a JobRun, returns the result
# (a dict of what the job page shows), raises to fail the job.
KINDS = {
    Job.Kind.NAMES: "editorial.names.merging.run_rename_job",
    Job.Kind.REINDEX: "editorial.jobs.archive_jobs.run_reindex_job",
    Job.Kind.RECHECK: "editorial.jobs.archive_jobs.run_recheck_job",
    Job.Kind.EXPORT: "editorial.jobs.archive_jobs.run_export_job",
    Job.Kind.SYNC: "editorial.sync.job.run_sync_job",
}


# The runner id of a job run by a command in its own process (``run_here``).
HERE = "here-"


class JobBusy(Exception):
    """A job that would collide with this one is not finished yet."""

    def __init__(self, job: Job):
        self.job = job
        super().__init__(_(
            "%(job)s, started %(when)s, is not finished yet; this job would collide with it."
        ) % {"job": job, "when": timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M")})


class Superseded(Exception):
    """The job was resumed by another task; this one stops without finishing it."""


def start_job(kind: str, *, by=None, params: dict | None = None, locks: Iterable[str] = (),
              queue: bool = True) -> Job:
    """Record a job holding ``locks`` and queue it when the transaction commits
    (``queue`` false: the caller runs it with :func:`run_here`).

    Raises :class:`JobBusy` (and records nothing) while an unfinished job holds one of
    the locks.
    """
    locks = sorted(set(locks))
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, params={**(params or {}), "_locks": locks},
            started_by=by if getattr(by, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                JobLock.objects.bulk_create([JobLock(key=key, job=job) for key in locks])
        except IntegrityError:
            holder = JobLock.objects.filter(key__in=locks).select_related("job").first()
            if holder is None:  # released in the meantime: the caller may try again
                raise
            raise JobBusy(holder.job) from None
        if queue:
            transaction.on_commit(lambda: enqueue(job.pk), robust=True)
    return job


def enqueue(job_id: int) -> None:
    """Queue a task for the job; the job remembers it as its runner."""
    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_id="").update(task_id=result.id)


def resume_job(job: Job, *, queue: bool = True) -> bool:
    """Queue an unfinished or failed job again (``queue`` false: the caller runs it
    with :func:`run_here`); it carries on with the items not done. Whether it was
    resumed (a job that finished well is left alone)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status == Job.Status.DONE:
            return False
        if job.status == Job.Status.FAILED:
            job.locks.all().delete()
            try:
                with transaction.atomic():
                    JobLock.objects.bulk_create([
                        JobLock(key=key, job=job) for key in job.params.get("_locks", [])
                    ])
            except IntegrityError:
                return False
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.QUEUED, task_id="", error="", finished_at=None,
            heartbeat_at=timezone.now(), resumed=F("resumed") + 1,
        )
        if queue:
            transaction.on_commit(lambda: enqueue(job.pk), robust=True)
    return True


def stalled_jobs(older_than: timedelta | None = None) -> list[Job]:
    """Unfinished jobs that no task will carry on: their task is gone, ended, or
    running without a sign of life for ``older_than`` (a killed worker's)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.JOBS_STALLED_AFTER)
    unfinished = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    return [job for job in unfinished if is_stalled(job, older_than)]


def is_stalled(job: Job, older_than: timedelta | None = None) -> bool:
    """Whether ``job`` is unfinished and nothing is carrying it on (see ``stalled_jobs``)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.JOBS_STALLED_AFTER)
    quiet_since = timezone.now() - older_than
    if job.finished or job.created_at > quiet_since:
        return False
    if job.heartbeat_at and job.heartbeat_at > quiet_since:
        return False
    return _task_status(job.task_id) != TaskResultStatus.READY  # else: waits for a worker


def _task_status(task_id: str):
    if not task_id or task_id.startswith(HERE):
        return None  # run by a command in its own process, not queued
    try:
        return run_job.get_result(task_id).status
    except TaskResultDoesNotExist:
        return None


@task(takes_context=True)
def run_job(context, job_id: int) -> None:
    """The one task of every job."""
    execute(job_id, context.task_result.id)


def run_here(job: Job) -> Job:
    """Run a job started with ``queue=False`` in this process; the job as it ended.
    What fails the job is raised after it is recorded."""
    execute(job.pk, f"{HERE}{uuid.uuid4().hex}")
    return Job.objects.get(pk=job.pk)


def execute(job_id: int, task_id: str) -> None:
    """Claim the job for ``task_id``, run its kind's function, record the end."""
    job = _claim(job_id, task_id)
    if job is None:
        return
    run = JobRun(job, task_id)
    work = import_string(KINDS[job.kind])
    try:
        result = work(run)
    except Superseded:
        logger.info("job %s was resumed by another task; task %s stops", job_id, task_id)
        return
    except Exception as error:
        logger.exception("job %s failed", job_id)
        run.finish(Job.Status.FAILED, error=f"{type(error).__name__}: {error}")
        raise
    run.finish(Job.Status.DONE, result=result or {})


def _claim(job_id: int, task_id: str) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished or job.task_id not in ("", task_id):
            return None
        job.status, job.task_id, job.heartbeat_at = Job.Status.RUNNING, task_id, timezone.now()
        job.started_at = job.started_at or job.heartbeat_at
        job.save(update_fields=["status", "task_id", "heartbeat_at", "started_at"])
    return job


@dataclasses.dataclass
class ItemNote:
    """What the body of :meth:`JobRun.item` says of its item."""

    outcome: str = JobItem.Outcome.DONE
    message: str = ""

    def skipped(self, message: str = "") -> None:
        self.outcome, self.message = JobItem.Outcome.SKIPPED, message


class JobRun:
    """A job as its function sees it while running."""

    def __init__(self, job: Job, task_id: str):
        self.job = job
        self.task_id = task_id

    @property
    def params(self) -> dict:
        return self.job.params

    def done_keys(self) -> set[str]:
        """The items finished (done, skipped or failed) by this job so far."""
        return set(self.job.items.values_list("key", flat=True))

    def plan(self, total: int, **params) -> None:
        """Record how many items the job has, and what it must remember to resume
        exactly (the same items in the same order)."""
        with transaction.atomic():
            self._fence(total=total)
            if params:
                self.job.params = {**self.job.params, **params}
                Job.objects.filter(pk=self.job.pk).update(params=self.job.params)
        self.job.total = total

    def beat(self) -> None:
        """A sign of life during work that has no items; stops a superseded run."""
        self._fence()

    @contextlib.contextmanager
    def item(self, key: str, label: str = "", *, failures: tuple = ()) -> Iterator[ItemNote]:
        """Run the body as the item ``key``, in one transaction with its record.

        An exception of a type in ``failures`` rolls the item's change back and
        records the item as failed, with the message, and the job goes on; any
        other fails the job.
        """
        note = ItemNote()
        try:
            with transaction.atomic():
                yield note
                JobItem.objects.create(
                    job=self.job, key=key, label=label[:400], outcome=note.outcome,
                    message=note.message,
                )
                self._fence(done=F("done") + 1)
        except failures as refused:
            with transaction.atomic():
                JobItem.objects.create(
                    job=self.job, key=key, label=label[:400], outcome=JobItem.Outcome.FAILED,
                    message=str(refused),
                )
                self._fence(done=F("done") + 1, failed=F("failed") + 1)
        if connection.vendor == "sqlite":
            # SQLite has one write lock and hands it to no one in turn: a writer that
            # waits polls for it every 100 ms at most, so a job that began its next
            # item at once could keep an editor's save waiting for many items.
            time.sleep(settings.JOBS_SQLITE_PAUSE)

    def _fence(self, **fields) -> None:
        """Move the heartbeat (and ``fields``) while this task is still the job's runner."""
        moved = Job.objects.filter(pk=self.job.pk, task_id=self.task_id).update(
            heartbeat_at=timezone.now(), **fields
        )
        if not moved:
            raise Superseded(self.job.pk)

    def finish(self, status: str, *, result: dict | None = None, error: str = "") -> None:
        with transaction.atomic():
            self._fence(status=status, result=result or {}, error=error, finished_at=timezone.now())
            self.job.locks.all().delete()
