"""A worker SIGKILLed in the middle of a 200-episode merge: the job, resumed, finishes
it with every episode changed exactly once (one revision each, one item each)."""
from __future__ import annotations

import os
import time

import pytest
from django.conf import settings

from tests.factories import episode_markdown
from tests.processes import kill, manage, own_database, run, worker_command

EPISODES = 200
pytestmark = pytest.mark.jobs

START = """
from editorial.names import merging
plan = merging.plan_rename(kind="companies_orgs", sources=["OpenAI"], target="BigTech")
job = merging.start_rename_job(kind="companies_orgs", sources=["OpenAI"], target="BigTech", by=None, token=plan.token)
print("job", job.pk, len(plan.episodes))
"""


def test_a_merge_killed_mid_way_finishes_when_resumed_with_each_episode_changed_once(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    for number in range(EPISODES):
        turns = [("Host", f"第{number}期，第{turn}段。", f"Turn {turn}.") for turn in range(30)]
        (folder / f"e{number:04}.md").write_text(episode_markdown(
            title=f"第{number}期", companies=["OpenAI", "Google"], sections=[("一", turns)],
        ))
    env = {"JOBS_REDIS_URL": os.environ.get("JOBS_REDIS_URL", "")} if settings.JOBS_BACKEND == "rq" else {}
    with own_database(tmp_path, "jobkill") as (url, query):
        run(url, "migrate", "-v", "0", env=env)
        run(url, "import_markdown", str(folder), env=env)
        if settings.JOBS_BACKEND == "rq":
            run(url, "rqstats", env=env)  # the queue is reachable
            import django_rq
            django_rq.get_queue("default").empty()
        started = run(url, "shell", "-c", START, env=env)
        assert f"job 1 {EPISODES}" in started

        worker = manage(url, *worker_command(burst=False), env=env)
        deadline = time.monotonic() + 120
        while query("SELECT done FROM jobs_job")[0][0] < 30:
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.02)
        kill(worker, query)
        done_when_killed = query("SELECT done FROM jobs_job")[0][0]
        assert 30 <= done_when_killed < EPISODES
        assert query("SELECT status FROM jobs_job") == [("running",)]

        # What the kill left: each finished episode has its item and its revision.
        merged = "SELECT count(*) FROM editorial_revision WHERE summary LIKE 'Renamed%'"
        assert query(merged)[0][0] == query("SELECT count(*) FROM jobs_jobitem")[0][0] == done_when_killed

        assert "resumed" in run(url, "resume_jobs", "--stalled-after", "0", env=env)
        run(url, *worker_command(burst=True), env=env)

        assert query("SELECT status, done, total, failed, resumed FROM jobs_job") == [
            ("done", EPISODES, EPISODES, 0, 1)
        ]
        per_episode = query(
            "SELECT episode_id, count(*) FROM editorial_revision WHERE summary LIKE 'Renamed%' "
            "GROUP BY episode_id"
        )
        assert len(per_episode) == EPISODES and {count for _, count in per_episode} == {1}
        assert query("SELECT count(DISTINCT key), count(*) FROM jobs_jobitem") == [(EPISODES, EPISODES)]
        assert query(
            "SELECT count(*) FROM archive_organization WHERE name = 'OpenAI'"
        ) == [(0,)]
        versions = query("SELECT DISTINCT version FROM archive_episode")
        assert len(versions) == 1  # every episode raised once by the merge
