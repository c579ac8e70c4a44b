"""How long the transcript editor takes to open and to save one edited turn.

    python bench/editor.py [--runs 5] [--corpus PATH] [--archive PATH] [--episode FILE]
                           [--no-browser]

On a throwaway database of the configured kind (``DATABASE_URL``), for the largest
corpus episode, a generated 1,100-turn episode and the largest episode of the shared
archive (the one with most turns, 1,756; ``--episode`` names it and skips the
search):

- server time, in process (Django's test client): opening the editor and saving a
  one-turn edit, median of ``--runs``, with the queries each made; for a reviewed
  episode the first save, which also starts the pending revision that holds the
  changes for review, is shown apart (later saves update it), and the editor is
  opened again with those changes held (it shows the pending document);
- browser time, in Chromium (Playwright, /usr/bin/chromium) against a live server
  on the same database: from asking for the editor to its ``load`` event, and from
  clicking Save after a one-turn edit to the reloaded editor's ``load`` event.

Floors, timed in the same run: the admin's own index page, in process and in the
browser.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")
# Run as a development setup, DEBUG=1, unless DEBUG is set.
os.environ.setdefault("DEBUG", "1")
PASSWORD = "bench-password-not-secret-42"
CHROMIUM = "/usr/bin/chromium"


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


def most_turns(folder: Path) -> tuple[Path, int, float]:
    """The file of ``folder`` whose document has most turns, their number, and the
    seconds the search took (every file parsed by the codec)."""
    from archive.codec import Turn, parse

    started = time.perf_counter()
    best, count = None, -1
    for path in sorted(folder.rglob("*.md")):
        try:
            turns = sum(isinstance(b, Turn) for b in parse(path.read_text(encoding="utf-8")).blocks)
        except Exception:  # a file the codec refuses is not the largest episode
            continue
        if turns > count:
            best, count = path, turns
    return best, count, time.perf_counter() - started


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

    from editorial.review import held
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
    is_held = held.pending_of(episode) is not None
    # Opened again with the changes held: the editor shows what waits for review.
    held_open = median_ms(lambda: client.get(url), runs) if is_held else (None, None)
    return {
        "open_ms": opened, "open_queries": open_queries,
        "held_open_ms": held_open[0], "held_open_queries": held_open[1],
        # The first save of a reviewed episode also starts its pending revision (held
        # changes); the later ones edit that.
        "first_save_ms": saves[0], "held": is_held,
        "save_ms": statistics.median(saves[1:] or saves), "save_queries": len(queries),
        "rows": episode.turns.count() + episode.headings.count(),
    }


class Browser:
    """Chromium logged in to a live server on the bench's database."""

    def __init__(self, base_url: str, username: str):
        from playwright.sync_api import sync_playwright

        self.base_url = base_url
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"],
        )
        self.page = self._browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(120_000)
        self.page.goto(f"{base_url}/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#user-tools")

    def open_ms(self, path: str) -> float:
        """From asking for ``path`` to its load event, as the page's own clock says."""
        return self.open_timing(path)["load"]

    def open_timing(self, path: str) -> dict:
        """The page's navigation timing: ``response`` until the first byte (the
        server), ``dom`` from the last byte to DOMContentLoaded (parsing), ``load``
        from the request to the load event."""
        self.page.goto(self.base_url + path, wait_until="load")
        return self.page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return {response: n.responseStart - n.requestStart,"
            " dom: n.domContentLoadedEventEnd - n.responseEnd, load: n.loadEventEnd - n.startTime}; }"
        )

    def save_one_turn_ms(self, path: str, run: int) -> float:
        """Edit one turn and save: from the click to the reloaded editor's load event."""
        self.open_ms(path)
        box = self.page.locator(".row.turn textarea[lang=zh]").first
        box.fill(f"浏览器里改过的回合 {run}。")
        started = time.perf_counter()
        with self.page.expect_navigation(wait_until="load"):
            self.page.locator(".transcript-toolbar button[value=save]").first.click()
        elapsed = (time.perf_counter() - started) * 1000
        assert "Saved version" in self.page.content() or "已保存版本" in self.page.content()
        return elapsed

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()


def browser_figures(base_url: str, episodes: dict, runs: int) -> tuple[float, dict]:
    from django.urls import reverse

    browser = Browser(base_url, "bench")
    try:
        floor = statistics.median(browser.open_ms("/admin/") for _ in range(runs))
        figures = {}
        for name, episode in episodes.items():
            path = reverse("admin:editorial_transcript", args=[episode.pk])
            timings = [browser.open_timing(path) for _ in range(runs)]
            figures[name] = {
                "open_ms": statistics.median(t["load"] for t in timings),
                "response_ms": statistics.median(t["response"] for t in timings),
                "dom_ms": statistics.median(t["dom"] for t in timings),
                "save_ms": statistics.median(browser.save_one_turn_ms(path, run) for run in range(runs)),
            }
        return floor, figures
    finally:
        browser.close()


def live_server():
    """A threaded server on the bench's database, as Django's live-server tests use."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--corpus", type=Path,
        default=Path(os.environ.get("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    parser.add_argument(
        "--archive", type=Path, default=REPO.parent / "shared" / "archive" / "notes",
        help="folder whose episode with most turns is timed too",
    )
    parser.add_argument("--episode", type=Path, help="that episode's file, skipping the search")
    parser.add_argument("--no-browser", action="store_true", help="server times only")
    options = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tests.factories import episode_from_text

    search = None
    if options.episode:
        largest_path = options.episode
    elif options.archive.is_dir():
        largest_path, turns, seconds = most_turns(options.archive)
        search = f"{largest_path.name}: {turns} turns, found among {options.archive} in {seconds:.0f} s"
    else:
        largest_path = None

    # Playwright's sync API keeps an event loop in this thread; the ORM calls stay
    # synchronous, so Django's guard against ORM use from async code is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        # A file, not memory: the live server's thread opens the same database.
        connection.settings_dict["TEST"]["NAME"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        client = Client()
        admin = User.objects.create_superuser("bench", "bench@example.org", PASSWORD)
        client.force_login(admin)
        floor, floor_queries = median_ms(lambda: client.get("/admin/"), options.runs)
        largest = options.corpus / "real" / "04-latent-space-general-agents.md"
        episodes = {}
        if largest.is_file():
            episodes["largest corpus episode"] = episode_from_text(largest.read_text(encoding="utf-8"), "l.md")
        episodes["generated 1,100 turns"] = episode_from_text(generated_episode(1100), "g.md")
        if largest_path is not None:
            text = largest_path.read_text(encoding="utf-8")
            episodes[f"largest archive episode ({largest_path.name})"] = episode_from_text(
                text, largest_path.name
            )
            if "\ndraft: true\n" in text:
                # The same episode reviewed: its edits wait as a pending revision.
                episodes["the same, reviewed (edits held for review)"] = episode_from_text(
                    text.replace("\ndraft: true\n", "\ndraft: false\n", 1), f"reviewed-{largest_path.name}"
                )
        figures = {name: editor_figures(client, episode, options.runs) for name, episode in episodes.items()}
        browser_floor, browser = None, {}
        if not options.no_browser and Path(CHROMIUM).exists():
            server = live_server()
            browser_floor, browser = browser_figures(
                f"http://127.0.0.1:{server.port}", episodes, options.runs
            )
    finally:
        if server is not None:
            server.terminate()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}; median of {options.runs} runs")
    if search:
        print(f"largest archive episode: {search}")
    print(f"floor: admin index page, server      {floor:7.1f} ms  {floor_queries:3d} queries")
    if browser_floor is not None:
        print(f"floor: admin index page, browser     {browser_floor:7.1f} ms")
    for name, f in figures.items():
        print(f"{name} ({f['rows']} rows):")
        print(f"  server: open the transcript editor  {f['open_ms']:7.1f} ms  {f['open_queries']:3d} queries"
              f"  = {f['open_ms'] / floor:.1f} x floor (aim: under 1 s)")
        if f["held"]:
            print(f"  server: first save, starts the pending revision {f['first_save_ms']:7.1f} ms")
        print(f"  server: save a one-turn edit        {f['save_ms']:7.1f} ms  {f['save_queries']:3d} queries")
        if f["held"]:
            print(f"  server: open with changes held      {f['held_open_ms']:7.1f} ms"
                  f"  {f['held_open_queries']:3d} queries")
        if name in browser:
            b = browser[name]
            print(f"  browser: open to load event         {b['open_ms']:7.1f} ms"
                  f"  = {b['open_ms'] / browser_floor:.1f} x floor"
                  f"  (first byte {b['response_ms']:.0f} ms, parsing {b['dom_ms']:.0f} ms)")
            print(f"  browser: Save click to reloaded     {b['save_ms']:7.1f} ms")
    if not browser and not options.no_browser:
        print(f"browser times skipped: no Chromium at {CHROMIUM}")


if __name__ == "__main__":
    main()
