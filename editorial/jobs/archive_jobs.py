"""Archive-wide jobs that wrap existing commands' functions: re-index, re-check,
export with a commit."""
from __future__ import annotations

from pathlib import Path

from django.utils.module_loading import import_string

from archive.content.exporting import CONFLICT, FAILED, WRITTEN, Export, holding
from archive.content.publishing import CommitRun
from archive.search import rebuild_index

from .models import Job
from .running import start_job

# The re-check of every episode belongs to the checks (archive.checks); this job
# calls it when it is there.
RECHECK_ENTRY = "archive.checks.recheck_archive"


def start_reindex(*, by=None) -> Job:
    return start_job(Job.Kind.REINDEX, by=by, locks=["reindex"])


def start_recheck(*, by=None) -> Job:
    return start_job(Job.Kind.RECHECK, by=by, locks=["recheck"])


def start_export(folder: Path, *, by=None) -> Job:
    # An export writes the content folder, as a sync does: they must not overlap.
    return start_job(Job.Kind.EXPORT, by=by, params={"folder": str(folder)}, locks=["sync"])


def run_reindex_job(run) -> dict:
    run.beat()
    return {"indexed": rebuild_index()}


def run_recheck_job(run) -> dict:
    try:
        recheck = import_string(RECHECK_ENTRY)
    except ImportError:
        raise RuntimeError(f"the archive checks ({RECHECK_ENTRY}) are not installed") from None
    return {"checked": recheck(beat=run.beat)}


def run_export_job(run) -> dict:
    folder = Path(run.params["folder"])
    written, refused = [], []
    with holding(folder):
        commit_run = CommitRun.start(folder)
        for episode, result in Export(folder).run():
            if result.outcome == WRITTEN:
                commit_run.add(episode_id=episode.pk, path=result.path, since=episode.synced_at)
                written.append(episode.source_path)
            elif result.outcome in (CONFLICT, FAILED):
                refused.append(f"{episode.source_path}: {result.message}")
            run.beat()
        commit = commit_run.finish()
    return {"written": len(written), "refused": refused, "commit": commit or ""}
