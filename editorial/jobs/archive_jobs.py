"""Archive-wide jobs that wrap existing commands' functions: re-index, re-check,
export with a commit."""
from __future__ import annotations

from pathlib import Path

from django.utils.module_loading import import_string

from archive.content.exporting import CONFLICT, FAILED, WRITTEN, Export, holding
from archive.content.publishing import CommitRun
from archive.models import Episode
from archive.search import rebuild_index

from .models import Job
from .running import start_job

# The re-check belongs to the translation checks (archive.checks): this job calls
# their re-check of a queryset of episodes, a few episodes per item, when installed.
RECHECK_ENTRY = "archive.checks.report.recheck_episodes"
_RECHECK_CHUNK = 20


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
        recheck_episodes = import_string(RECHECK_ENTRY)
    except ImportError:
        raise RuntimeError(f"the archive checks ({RECHECK_ENTRY}) are not installed") from None
    if "chunks" not in run.params:
        ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
        chunks = [ids[start:start + _RECHECK_CHUNK] for start in range(0, len(ids), _RECHECK_CHUNK)]
        run.plan(len(chunks), chunks=chunks)
    done = run.done_keys()
    for number, chunk in enumerate(run.params["chunks"]):
        if f"chunk:{number}" not in done:
            with run.item(f"chunk:{number}", f"episodes {chunk[0]}–{chunk[-1]}"):
                recheck_episodes(Episode.objects.filter(pk__in=chunk))
    return {"checked": sum(map(len, run.params["chunks"]))}


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
