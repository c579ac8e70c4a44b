"""Jobs: one at a time where two would collide, items finished exactly once, a runner
that was superseded stops, failures per item reported, and the job's admin page."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from editorial.jobs import running
from editorial.jobs.models import Job, JobItem
from editorial.jobs.running import JobBusy, JobRun, Superseded, resume_job, start_job
from editorial.names import merging as names
from editorial.sync.job import start_sync

from .worker import empty_queue, run_queued_jobs

pytestmark = [pytest.mark.django_db, pytest.mark.jobs]


@pytest.fixture(autouse=True)
def fresh_queue():
    empty_queue()


def test_two_merges_touching_the_same_name_do_not_run_at_once(publisher):
    first = names.start_rename_job(kind="tags", sources=["a", "b"], target="c", by=publisher, token="t")
    with pytest.raises(JobBusy) as busy:
        names.start_rename_job(kind="tags", sources=["c"], target="d", by=publisher, token="t")
    assert busy.value.job == first
    assert Job.objects.count() == 1  # the refused job left nothing behind
    # Other names, or the same spelling in another kind, do not collide.
    names.start_rename_job(kind="tags", sources=["x"], target="y", by=publisher, token="t")
    names.start_rename_job(kind="people", sources=["a"], target="c", by=publisher, token="t")


def test_two_syncs_do_not_run_at_once_and_the_lock_goes_with_the_job(tmp_path):
    job = start_sync(tmp_path, queue=False)
    with pytest.raises(JobBusy):
        start_sync(tmp_path, queue=False)
    JobRun(job, "").finish(Job.Status.FAILED, error="stopped")
    start_sync(tmp_path, queue=False)


def steps(failing: set[str], seen: list[str]):
    """A job's work of five items, some failing with a reason."""

    def work(run: JobRun) -> dict:
        run.plan(5)
        done = run.done_keys()
        for number in range(5):
            key = f"item:{number}"
            if key in done:
                continue
            with run.item(key, f"item {number}", failures=(ValueError,)):
                if key in failing:
                    raise ValueError(f"item {number} cannot be done")
                seen.append(key)
        return {"items": 5}
    return work


def test_a_failed_item_is_reported_and_the_job_goes_on(monkeypatch, client, publisher, django_capture_on_commit_callbacks):
    seen = []
    monkeypatch.setitem(running.KINDS, Job.Kind.REINDEX, "tests.editorial.jobs.test_running.WORK")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "WORK", steps({"item:2"}, seen), raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.REINDEX, by=publisher, locks=["reindex"])
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.total) == (Job.Status.DONE, 5, 1, 5)
    assert seen == ["item:0", "item:1", "item:3", "item:4"]

    client.force_login(publisher)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "item 2 cannot be done" in page and "5 of 5 done, 1 failed" in page
    # A strict CSP: every script of the page is a file.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    status = client.get(reverse("admin:jobs_job_status", args=[job.pk])).json()
    assert status == {"status": "done", "status_label": "Done", "done": 5, "total": 5,
                      "failed": 1, "percent": 100, "finished": True}
    listing = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert "5 / 5" in listing and str(job) in listing


def test_a_resumed_job_does_only_what_is_left_and_an_old_runner_stops(monkeypatch, django_capture_on_commit_callbacks):
    seen = []
    job = start_job(Job.Kind.REINDEX, queue=False, locks=["reindex"])
    old = JobRun(running._claim(job.pk, "old-task"), "old-task")
    old.plan(5)
    with old.item("item:0"):
        seen.append("item:0")
    # The old worker is taken for dead; the job is queued again as a new task.
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_job(job)
    with pytest.raises(Superseded):
        with old.item("item:1"):
            seen.append("item:1 by the old runner")
    assert not JobItem.objects.filter(key="item:1").exists()  # rolled back with its change

    monkeypatch.setitem(running.KINDS, Job.Kind.REINDEX, "tests.editorial.jobs.test_running.WORK")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "WORK", steps(set(), seen), raising=False)
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.done, job.resumed) == (Job.Status.DONE, 5, 1)
    assert [key for key in seen if key.startswith("item:") and "old" not in key] == [
        "item:0", "item:1", "item:2", "item:3", "item:4"
    ]


def test_only_a_publisher_resumes_a_job(client, editor):
    job = start_job(Job.Kind.REINDEX, queue=False, locks=["reindex"])
    client.force_login(editor)
    assert client.get(job.get_absolute_url()).status_code == 200
    assert client.post(reverse("admin:jobs_job_resume", args=[job.pk])).status_code == 403
    assert client.get(reverse("admin:jobs_job_status", args=[99999999999999999999])).status_code == 404


def test_a_publisher_starts_a_reindex_from_the_list_and_it_runs(client, publisher, editor, django_capture_on_commit_callbacks):
    client.force_login(publisher)
    listing = client.get(reverse("admin:jobs_job_changelist")).content.decode()
    assert reverse("admin:jobs_job_start", args=["reindex"]) in listing
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("admin:jobs_job_start", args=["reindex"]))
    job = Job.objects.get()
    assert started.url == job.get_absolute_url() and job.started_by == publisher
    # A second one while the first waits is refused, and shows the first.
    assert client.post(reverse("admin:jobs_job_start", args=["reindex"])).url == job.get_absolute_url()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and "indexed" in job.result

    client.force_login(editor)
    assert client.post(reverse("admin:jobs_job_start", args=["reindex"])).status_code == 403


def test_resume_is_offered_only_for_a_job_nothing_carries_on(client, publisher):
    from datetime import timedelta

    from django.utils import timezone

    job = start_job(Job.Kind.REINDEX, queue=False, locks=["reindex"])
    resume = reverse("admin:jobs_job_resume", args=[job.pk])
    client.force_login(publisher)
    assert resume not in client.get(job.get_absolute_url()).content.decode()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert resume in client.get(job.get_absolute_url()).content.decode()


CHECKED: list[int] = []


def fake_recheck(episodes) -> None:
    CHECKED.extend(episodes.values_list("pk", flat=True))


def test_the_recheck_job_checks_every_episode_once_a_few_per_item(monkeypatch, tmp_path, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from archive.models import Episode
    from editorial.jobs import archive_jobs
    from tests.factories import episode_markdown

    for number in range(45):
        (tmp_path / f"e{number}.md").write_text(episode_markdown(title=f"t{number}"), encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=open("/dev/null", "w"))
    monkeypatch.setattr(archive_jobs, "RECHECK_ENTRY", f"{__name__}.fake_recheck")
    CHECKED.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = archive_jobs.start_recheck()
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.result) == (Job.Status.DONE, 3, 3, {"checked": 45})
    assert sorted(CHECKED) == sorted(Episode.objects.values_list("pk", flat=True))


def test_the_recheck_job_says_when_the_checks_are_not_installed(monkeypatch, django_capture_on_commit_callbacks):
    from editorial.jobs import archive_jobs

    monkeypatch.setattr(archive_jobs, "RECHECK_ENTRY", "archive.no_such_checks.recheck")
    with django_capture_on_commit_callbacks(execute=True):
        job = archive_jobs.start_recheck()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "are not installed" in job.error


def test_a_queue_that_refuses_the_job_after_the_commit_fails_nothing_else(
    monkeypatch, publisher, django_capture_on_commit_callbacks
):
    """The job is recorded (a later resume queues it), the error is logged (not
    raised into the request that committed), and what else waits for the commit
    (the page cache, the index) still follows it."""
    from archive.signals import episodes_changed
    from archive.site import cache as page_cache

    def refused(job_id):
        raise ConnectionError("the queue is down")

    from types import SimpleNamespace

    monkeypatch.setattr(running, "run_job", SimpleNamespace(enqueue=refused))
    invalidated = []
    monkeypatch.setattr(page_cache, "invalidate", lambda: invalidated.append(True))
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.REINDEX, by=publisher, locks=["reindex"])
        episodes_changed.send(sender=None, episode_ids=[])
    assert invalidated
    job.refresh_from_db()
    assert (job.status, job.task_id) == (Job.Status.QUEUED, "")


def test_the_recheck_job_runs_the_translation_checks(tmp_path, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from editorial.jobs import archive_jobs
    from tests.factories import episode_markdown

    for number in range(3):
        (tmp_path / f"e{number}.md").write_text(episode_markdown(title=f"t{number}"), encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=open("/dev/null", "w"))
    with django_capture_on_commit_callbacks(execute=True):
        job = archive_jobs.start_recheck()
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.done, job.result) == (Job.Status.DONE, 1, {"checked": 3}), job.error
