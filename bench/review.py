"""The scripted review of a real 195-turn episode in the review view, by keys alone,
against the floor of opening the view and pressing "approve" on every turn.

    python bench/review.py [--archive PATH] [--episode FILE] [--largest FILE]

On a throwaway database of the configured kind (``DATABASE_URL``), in Chromium
(Playwright, /usr/bin/chromium) against a live server on it:

- the scripted review (``tests/browser/review_keys.py``): approve, edit the Chinese
  of one turn and the English of another, undo an approval, merge two turns, split
  one at the cursor, dismiss a flag, approve every turn and mark the episode
  reviewed: seconds and key presses (typed characters included) from opening the
  episode to "reviewed";
- the floor, timed in the same run on a copy of the same episode: open the view,
  press "a" on every turn, mark it reviewed;
- opening the largest episode (1,756 turns): the turns' JSON in process, and in the
  browser from asking for the page to its turns shown.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
os.environ.setdefault("DEBUG", "1")
CHROMIUM = "/usr/bin/chromium"
NOTES = Path(os.environ.get("ARCHIVE_NOTES", REPO.parent / "shared" / "archive" / "notes"))
LOADED = "() => document.getElementById('review').dataset.loaded === '1'"
REVIEWED = "() => document.getElementById('review').dataset.reviewState === 'reviewed'"


def floor_review(page, url: str, turns: int) -> tuple[float, int]:
    """Open the view, approve every turn, mark reviewed: seconds and key presses."""
    from tests.browser.review_keys import Keys

    started = time.perf_counter()
    keys = Keys(page)
    page.goto(url)
    keys.settle()
    keys.press("a", turns)
    keys.settle()
    keys.press("Shift+R")
    page.wait_for_function(REVIEWED)
    return time.perf_counter() - started, keys.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episode", type=Path, default=NOTES / "6EQryAQfgYI.md")
    parser.add_argument("--largest", type=Path, default=NOTES / "obfXsXuaGSE.md")
    parser.add_argument("--runs", type=int, default=3, help="runs of the opening times")
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from playwright.sync_api import sync_playwright

    from editor import PASSWORD, live_server

    from tests.browser.review_keys import plan_for, review_by_keys
    from tests.factories import episode_from_text

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        User.objects.create_superuser("bench", "bench@example.org", PASSWORD)
        text = options.episode.read_text(encoding="utf-8")
        scripted = episode_from_text(text, options.episode.name)
        floor = episode_from_text(text, f"floor-{options.episode.name}")
        largest = episode_from_text(options.largest.read_text(encoding="utf-8"), options.largest.name)
        turns = scripted.turns.filter(kind="turn").count()
        largest_turns = largest.turns.filter(kind="turn").count()
        client = Client()
        client.force_login(User.objects.get())
        json_url = reverse("admin:editorial_review_turns", args=[largest.pk])
        server_ms = []
        for _ in range(options.runs):
            started = time.perf_counter()
            assert client.get(json_url).status_code == 200
            server_ms.append((time.perf_counter() - started) * 1000)
        server = live_server()
        base = f"http://127.0.0.1:{server.port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(f"{base}/admin/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", PASSWORD)
            page.press("#id_password", "Enter")
            page.wait_for_selector("#user-tools")
            open_ms = []
            for _ in range(options.runs):
                started = time.perf_counter()
                page.goto(base + reverse("admin:editorial_review", args=[largest.pk]))
                page.wait_for_function(LOADED)
                open_ms.append((time.perf_counter() - started) * 1000)
            floor_seconds, floor_keys = floor_review(
                page, base + reverse("admin:editorial_review", args=[floor.pk]), turns
            )
            started = time.perf_counter()
            keys = review_by_keys(
                page, base + reverse("admin:editorial_review", args=[scripted.pk]),
                plan_for(text), turns=turns,
            )
            seconds = time.perf_counter() - started
            browser.close()
    finally:
        if server is not None:
            server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"database: {connection.vendor}; load {' '.join(load)}")
    print(f"{options.episode.name}: {turns} turns")
    print(f"  scripted review, open to reviewed:   {seconds:6.1f} s  {keys.count:4d} key presses")
    print(f"  floor: open, approve every turn:     {floor_seconds:6.1f} s  {floor_keys:4d} key presses")
    print(f"  = {seconds / floor_seconds:.2f} x the floor's time, {keys.count / floor_keys:.2f} x its keys")
    print(f"{options.largest.name}: {largest_turns} turns, median of {options.runs}")
    print(f"  server: the turns' JSON              {statistics.median(server_ms):6.0f} ms")
    print(f"  browser: page asked to turns shown   {statistics.median(open_ms):6.0f} ms (aim: under 1 s)")


if __name__ == "__main__":
    main()
