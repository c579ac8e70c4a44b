"""How long the transcript editor takes to open and to save one edited turn.

    python bench/editor.py [--runs 5] [--corpus PATH]

On a throwaway database of the configured kind, for the largest corpus episode and
for a generated 1,100-turn episode: the server time of opening the editor and of
saving a one-turn edit (median of ``--runs``), with the queries each made; against
the admin's own index page, timed in the same run, as the floor. Times are
in-process (Django's test client), so they leave out the network and the browser.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")


def generated_episode(turns: int) -> str:
    head = "---\ntitle: 生成的长节目\ndate: '2026-01-01'\ntags: []\n---\n"
    blocks = []
    for number in range(turns):
        if number % 25 == 0:
            blocks.append(f"### 第{number // 25}节\n\n")
        label = f"Speaker {'AB'[number % 2]}"
        blocks.append(
            f"**{label}**: 第{number}句话，说得很长很长很长很长。\n\n<details>\n"
            f"<summary>Original English</summary>\n\n**{label}**: Sentence {number}.\n\n</details>\n\n"
        )
    return head + "".join(blocks)


def median_ms(action, runs: int) -> tuple[float, int]:
    """Median milliseconds of ``action()`` and the queries of its last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries)


def editor_figures(client, episode, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.editorial.helpers import TranscriptForm

    url = reverse("admin:editorial_transcript", args=[episode.pk])
    opened, open_queries = median_ms(lambda: client.get(url), runs)
    saves = []
    for run in range(runs):
        form = TranscriptForm(client, episode)  # as loaded, with the current version
        names = {name for name, _ in form.fields}
        turn = next(
            i for i in range(len(form.rows))
            if f"{form.key(i)}-tr" in names and form.get(f"{form.key(i)}-tr")
        )
        form.set(f"{form.key(turn)}-tr", f"改过的回合 {run}。")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert form.post().status_code == 302
            saves.append((time.perf_counter() - started) * 1000)
    return {
        "open_ms": opened, "open_queries": open_queries,
        "save_ms": statistics.median(saves), "save_queries": len(queries),
        "rows": episode.turns.count() + episode.headings.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--corpus", type=Path,
        default=Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tests.factories import episode_from_text

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        client = Client()
        client.force_login(User.objects.create_superuser("bench", "bench@example.org", "x"))
        floor, floor_queries = median_ms(lambda: client.get("/admin/"), options.runs)
        largest = options.corpus / "real" / "04-latent-space-general-agents.md"
        episodes = {
            "largest corpus episode": episode_from_text(largest.read_text(encoding="utf-8"), "l.md"),
            "generated 1,100 turns": episode_from_text(generated_episode(1100), "g.md"),
        }
        figures = {name: editor_figures(client, episode, options.runs) for name, episode in episodes.items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}; median of {options.runs} runs, server time in process")
    print(f"floor: admin index page          {floor:7.1f} ms  {floor_queries:3d} queries")
    for name, f in figures.items():
        print(f"{name} ({f['rows']} rows):")
        print(f"  open the transcript editor      {f['open_ms']:7.1f} ms  {f['open_queries']:3d} queries"
              f"  = {f['open_ms'] / floor:.1f} x floor (aim: under 1 s)")
        print(f"  save a one-turn edit            {f['save_ms']:7.1f} ms  {f['save_queries']:3d} queries")


if __name__ == "__main__":
    main()
