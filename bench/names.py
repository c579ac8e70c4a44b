"""How long names across the archive take at the archive's size.

    python bench/names.py [--sqlite /work/db/base.sqlite3]

On a throwaway copy of an SQLite database holding an imported archive (never the
file itself): the duplicates report of every kind of name; then the preview and the
merge of the speaker and of the company named in most episodes (the search index
following them included), with the queries per changed episode and per changed
line. The floor, timed in the same run, is
reading and rendering the same episodes once (``load_documents`` + ``render``): the
least any change of those files must do.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
# Run as a development setup, DEBUG=1, unless DEBUG is set.
os.environ.setdefault("DEBUG", "1")


def timed(action):
    """The result and the wall seconds of ``action()``; CPU seconds are kept in
    ``timed.cpu`` (SQLite works in this process, so they count the database too and
    say more than wall time on a loaded machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    timed.cpu = time.process_time() - cpu
    return result, time.perf_counter() - started


def floor_seconds(episode_ids) -> float:
    from archive.codec import render
    from archive.content.store import load_documents
    from archive.models import Episode

    def read_all():
        for start in range(0, len(episode_ids), 100):
            chunk = list(Episode.objects.filter(pk__in=episode_ids[start:start + 100]))
            for document in load_documents(chunk).values():
                render(document)

    return timed(read_all)[1]


def merge_figures(kind: str, source: str, target: str, by) -> None:
    from django.db import connection

    from editorial.names import merging as names

    plan, plan_time = timed(lambda: names.plan_rename(kind=kind, sources=[source], target=target))
    plan_cpu = timed.cpu
    ids = [episode.episode_id for episode in plan.episodes]
    floor = floor_seconds(ids)
    floor_cpu = timed.cpu
    queries = 0

    def counting(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        _, apply_time = timed(lambda: names.apply_rename(
            kind=kind, sources=[source], target=target, by=by, token=plan.token
        ))
    apply_cpu, episodes = timed.cpu, max(len(ids), 1)
    print(
        f"{plan.summary}: {len(plan.episodes)} episodes, {plan.line_count} lines\n"
        f"  preview {plan_time:.2f} s (cpu {plan_cpu:.2f}), merge {apply_time:.2f} s "
        f"(cpu {apply_cpu:.2f}; {apply_cpu / episodes * 1000:.1f} ms cpu and "
        f"{queries / episodes:.1f} queries per episode, {queries / max(plan.line_count, 1):.2f} "
        f"per changed line)\n  floor, reading and rendering those episodes once: "
        f"{floor:.2f} s (cpu {floor_cpu:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", type=Path, default=Path("/work/db/base.sqlite3"))
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-names-"))
    copy = workdir / "archive.sqlite3"
    shutil.copy(arguments.sqlite, copy)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    try:
        import django

        django.setup()
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db.models import Count

        from archive.models import Organization, Speaker
        from archive.search.index import repair
        from editorial.names import merging as names
        from editorial.names.duplicates import duplicates_report

        call_command("migrate", verbosity=0)
        # The copy's search index is brought up to date first: a merge re-indexes
        # only its own episodes, and that is part of what it is timed for.
        _, seconds = timed(repair)
        print(f"(setup: search index brought up to date in {seconds:.1f} s)")
        for kind in names.KIND_LABELS:
            report, seconds = timed(lambda: duplicates_report(kind))
            print(
                f"duplicates of {kind}: {report.names} names, {len(report.groups)} groups, "
                f"{len(report.prefixes)} prefixes, {len(report.sound_cues)} sound cues "
                f"in {seconds:.2f} s (cpu {timed.cpu:.2f})"
            )
        by = User.objects.create_user("bench-publisher")
        speaker = Speaker.objects.annotate(n=Count("turns__episode", distinct=True)).order_by("-n").first()
        merge_figures(names.SPEAKER, speaker.name, f"{speaker.name} Bench", by)
        company = Organization.objects.annotate(n=Count("links")).order_by("-n").first()
        merge_figures("companies_orgs", company.name, f"{company.name} Bench", by)
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
