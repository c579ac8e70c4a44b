"""import_markdown at the archive's scale: nothing aborts a run, one identity per
file, no import undoes an edit, filesystem edges are reported."""
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

import archive.content.importing
import archive.content.store
from archive.content.importing import Importer
from archive.content.sources import sources
from archive.models import Episode, FileVersion, Turn
from archive.signals import file_reimported

from ..commands import run
from ..episode_texts import ALPHABETICAL_ERA, INSERTION_ERA, replace_once

pytestmark = pytest.mark.django_db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if ":" in line and "files:" not in line
            and not line.startswith("search index")]


# Nothing aborts a run --------------------------------------------------------------

def test_an_unexpected_error_in_one_file_is_its_failure_and_the_run_goes_on(tmp_path, monkeypatch):
    bad = write(tmp_path, "bad.md", INSERTION_ERA.replace("测试：第一集", "BOOM"))
    write(tmp_path, "good.md", ALPHABETICAL_ERA)
    real_rows = archive.content.store.episode_rows

    def exploding(document, checked=None):
        if document.front_matter.values.get("title") == "BOOM":
            raise RuntimeError("something nobody expected")
        return real_rows(document, checked)

    monkeypatch.setattr(archive.content.importing, "episode_rows", exploding)
    status, output = run("import_markdown", tmp_path)
    assert status == 1
    assert f"{bad}:1: unexpected error: RuntimeError: something nobody expected" in output
    assert list(Episode.objects.values_list("source_path", flat=True)) == ["good.md"]


def test_a_batch_the_database_refuses_is_written_again_file_by_file(tmp_path, monkeypatch):
    for number in range(4):
        write(tmp_path, f"e{number}.md", INSERTION_ERA.replace("测试：第一集", f"第{number}集"))
    real_insert = archive.content.importing.insert_episodes

    def refusing_the_third(episodes, **kwargs):
        if any(new.source_path == "e2.md" for new in episodes):
            raise DatabaseError("value too long")
        return real_insert(episodes, **kwargs)

    monkeypatch.setattr(archive.content.importing, "insert_episodes", refusing_the_third)
    status, output = run("import_markdown", tmp_path)
    assert status == 1
    assert f"{tmp_path / 'e2.md'}:1: database refused the episode: value too long" in output
    assert sorted(Episode.objects.values_list("source_path", flat=True)) == ["e0.md", "e1.md", "e3.md"]
    assert not Turn.objects.exclude(episode__in=Episode.objects.all()).exists()


def test_files_parsed_in_worker_processes_import_the_same(tmp_path, monkeypatch):
    for number in range(5):
        write(tmp_path, f"e{number}.md", INSERTION_ERA.replace("测试：第一集", f"第{number}集"))
    monkeypatch.setattr(archive.content.importing, "_PARALLEL_FROM", 1)
    results = list(Importer(jobs=2).run(sources([tmp_path])))
    assert [result.outcome for result in results] == ["created"] * 5
    titles = sorted(Episode.objects.values_list("title", flat=True))
    assert titles == [f"第{number}集" for number in range(5)]


def test_an_import_that_fills_the_archive_leaves_postgresql_the_statistics_of_its_rows(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL plans from the statistics ANALYZE keeps")
    for number in range(3):
        write(tmp_path, f"e{number}.md", INSERTION_ERA.replace("测试：第一集", f"第{number}集"))
    importer = Importer()
    list(importer.run(sources([tmp_path])))
    importer.finish()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'archive_turn'")
        assert cursor.fetchone()[0] == Turn.objects.count() > 0


# One identity per file ---------------------------------------------------------------

def test_a_file_or_subfolder_of_an_imported_folder_is_the_same_episode(tmp_path):
    write(tmp_path, "notes/a.md", INSERTION_ERA)
    nested = write(tmp_path, "notes/deep/b.md", ALPHABETICAL_ERA)
    assert run("import_markdown", tmp_path / "notes")[0] == 0
    status, output = run("import_markdown", nested)
    assert status == 0 and "1 unchanged" in output
    status, output = run("import_markdown", tmp_path / "notes" / "deep")
    assert status == 0 and "1 unchanged" in output
    nested.write_text(ALPHABETICAL_ERA.replace("一段没有英文的结尾。", "改了。"), encoding="utf-8")
    status, output = run("import_markdown", nested)
    assert status == 0 and "1 updated" in output
    assert sorted(Episode.objects.values_list("source_path", flat=True)) == ["a.md", "deep/b.md"]
    out = tmp_path / "out"
    run("export_markdown", out)
    assert (out / "deep" / "b.md").read_bytes() == nested.read_bytes()


def test_a_folder_holding_one_imported_before_takes_its_episodes_in(tmp_path):
    inner = write(tmp_path, "notes/real/a.md", INSERTION_ERA)
    run("import_markdown", tmp_path / "notes" / "real")
    status, output = run("import_markdown", tmp_path / "notes")
    assert status == 0 and "1 unchanged" in output
    assert Episode.objects.get().source_path == "real/a.md"
    assert run("import_markdown", inner)[1].count("unchanged") == 1


def test_with_a_content_folder_the_commands_need_no_path(tmp_path, settings):
    settings.ARCHIVE_ROOT = str(tmp_path / "notes")
    source = write(tmp_path, "notes/a.md", INSERTION_ERA)
    assert run("import_markdown")[0] == 0
    Turn.objects.filter(translation="第一句话。").update(translation="第一句改过。")
    status, output = run("export_markdown")
    assert status == 0 and "1 written" in output
    assert "第一句改过。" in source.read_text(encoding="utf-8")


def test_a_path_outside_the_content_folder_is_a_command_error(tmp_path, settings):
    settings.ARCHIVE_ROOT = str(tmp_path / "notes")
    (tmp_path / "notes").mkdir()
    elsewhere = write(tmp_path, "elsewhere/a.md", INSERTION_ERA)
    with pytest.raises(CommandError, match="outside the content folder"):
        call_command("import_markdown", str(elsewhere), stdout=StringIO())


@pytest.mark.parametrize("order", [("y z.md", "y-z.md"), ("y-z.md", "y z.md")])
def test_slugs_follow_from_the_file_names_not_the_order_met(tmp_path, order):
    for name in order:
        folder = tmp_path / name.replace(" ", "_")
        write(folder, name, INSERTION_ERA)
        assert run("import_markdown", folder / name)[0] == 0
    slugs = dict(Episode.objects.values_list("source_path", "slug"))
    assert slugs["y-z.md"] == "y-z"
    assert slugs["y z.md"] != "y-z" and slugs["y z.md"].startswith("y-z")


# No import undoes an edit --------------------------------------------------------------

def test_a_file_older_than_the_cms_copy_is_refused_as_stale(tmp_path):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run("import_markdown", tmp_path)
    newer = replace_once(INSERTION_ERA, "第一句话。", "第二版。")
    path.write_text(newer, encoding="utf-8")
    assert "1 updated" in run("import_markdown", tmp_path)[1]
    path.write_text(INSERTION_ERA, encoding="utf-8")
    status, output = run("import_markdown", tmp_path)
    assert status == 1
    assert f"{path}:1: older than the CMS's copy (imported " in output and "--force takes it" in output
    assert Turn.objects.filter(translation="第二版。").exists()
    status, output = run("import_markdown", tmp_path, "--force")
    assert status == 0 and "1 updated" in output
    assert Turn.objects.filter(translation="第一句话。").exists()


def test_an_exported_version_counts_as_the_cms_copy(tmp_path):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run("import_markdown", tmp_path)
    Turn.objects.filter(translation="第一句话。").update(translation="编辑改过。")
    run("export_markdown", tmp_path)
    path.write_text(INSERTION_ERA, encoding="utf-8")  # someone restores the old file
    status, output = run("import_markdown", tmp_path)
    assert status == 1 and "older than the CMS's copy (exported " in output
    actions = list(FileVersion.objects.values_list("action", flat=True))
    assert actions == ["exported", "imported"]


def test_an_edit_saved_after_the_import_started_is_not_overwritten(tmp_path, monkeypatch):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run("import_markdown", tmp_path)
    path.write_text(replace_once(INSERTION_ERA, "第三句话。", "文件改过。"), encoding="utf-8")
    real_read = archive.content.importing.read_file

    def read_then_an_editor_saves(task):
        read = real_read(task)  # by now the import has read the episodes' state
        Turn.objects.filter(translation="第一句话。").update(translation="编辑改过。")
        Episode.objects.update(version=2)
        return read

    monkeypatch.setattr(archive.content.importing, "read_file", read_then_an_editor_saves)
    [result] = Importer().run(sources([tmp_path]))
    assert result.outcome == "failed" and "conflict" in result.message
    assert Turn.objects.filter(translation="编辑改过。").exists()


def test_a_reimport_takes_the_episode_row_lock(tmp_path, django_assert_num_queries):
    if not connection.features.has_select_for_update:
        pytest.skip("this database has no row locks (SQLite locks the whole file)")
    from django.test.utils import CaptureQueriesContext

    path = write(tmp_path, "a.md", INSERTION_ERA)
    run("import_markdown", tmp_path)
    path.write_text(replace_once(INSERTION_ERA, "第三句话。", "文件改过。"), encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        run("import_markdown", tmp_path)
    assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)


def test_a_reimport_announces_the_previous_and_new_file(tmp_path):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run("import_markdown", tmp_path)
    changed = replace_once(INSERTION_ERA, "第三句话。", "文件改过。")
    path.write_text(changed, encoding="utf-8")
    heard = []

    def receiver(sender, episode, previous_text, text, path, **kwargs):
        heard.append((episode.version, previous_text, text, path))

    file_reimported.connect(receiver)
    try:
        run("import_markdown", tmp_path)
    finally:
        file_reimported.disconnect(receiver)
    assert heard == [(2, INSERTION_ERA, changed, "a.md")]


# Filesystem edges ------------------------------------------------------------------

def test_broken_and_looping_links_and_fifos_are_reported_not_skipped(tmp_path):
    write(tmp_path, "good.md", INSERTION_ERA)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    os.mkfifo(tmp_path / "pipe.md")
    status, output = run("import_markdown", tmp_path)
    assert status == 1
    assert f"{tmp_path / 'dangling.md'}:1: broken symbolic link" in output
    assert f"{tmp_path / 'loop.md'}:1: broken symbolic link (symbolic link loop)" in output
    assert f"{tmp_path / 'pipe.md'}:1: not a regular file (a FIFO); not read" in output
    assert "1 created" in output and "3 failed" in output


def test_a_fifo_named_on_the_command_line_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    status, output = run("import_markdown", fifo)
    assert status == 1 and f"{fifo}:1: not a regular file (a FIFO)" in output


def test_an_unreadable_folder_is_reported(tmp_path, monkeypatch):
    write(tmp_path, "good.md", INSERTION_ERA)
    locked = tmp_path / "locked"
    write(locked, "hidden.md", INSERTION_ERA)
    real_listdir = os.listdir

    def listdir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    status, output = run("import_markdown", tmp_path)
    assert status == 1 and f"{locked}:1: cannot read folder: Permission denied" in output


def test_a_name_as_long_as_names_go_imports_and_exports(tmp_path):
    name = "n" * 252 + ".md"
    write(tmp_path, name, INSERTION_ERA)
    assert run("import_markdown", tmp_path)[0] == 0
    out = tmp_path / "out"
    status, output = run("export_markdown", out)
    assert status == 0, output
    assert (out / name).read_text(encoding="utf-8") == INSERTION_ERA


def test_an_export_removes_what_a_killed_export_left(tmp_path):
    write(tmp_path, "notes/deep/a.md", INSERTION_ERA)
    run("import_markdown", tmp_path / "notes")
    out = tmp_path / "out"
    (out / "deep").mkdir(parents=True)
    leftover = out / "deep" / ".archive-export-k1ll3d00.tmp"
    leftover.write_text("half a file", encoding="utf-8")
    keep = out / "deep" / ".notes.tmp"
    keep.write_text("not ours", encoding="utf-8")
    assert run("export_markdown", out)[0] == 0
    assert not leftover.exists() and keep.exists()


@pytest.mark.parametrize("line, message", [
    ("draft: 1", "'draft' must be true or false"),
    ("draft: maybe", "'draft' must be true or false"),
    ("exclude: [true]", "'exclude' must be true or false"),
    ("title: [a, b]", "'title' must be text"),
    ("date: not-a-date", "'date' must be a date"),
])
def test_values_the_archive_cannot_mean_are_refused_at_their_key(tmp_path, line, message):
    key = line.split(":")[0]
    rows = INSERTION_ERA.splitlines(keepends=True)
    number = next((n for n, row in enumerate(rows, 1) if row.startswith(f"{key}:")), None)
    if number is None:
        rows.insert(1, line + "\n")
        number = 2
    else:
        rows[number - 1] = line + "\n"
    bad = write(tmp_path, "bad.md", "".join(rows))
    status, output = run("import_markdown", bad)
    assert status == 1 and f"{bad}:{number}: {message}" in output
    assert not Episode.objects.exists()


def test_an_empty_item_of_an_entity_list_imports_and_round_trips(tmp_path):
    text = INSERTION_ERA.replace("people:\n  - Ada Park\n", "people:\n- ''\n- Ada Park\n")
    write(tmp_path, "a.md", text)
    assert run("import_markdown", tmp_path)[0] == 0
    out = tmp_path / "out"
    run("export_markdown", out)
    assert (out / "a.md").read_text(encoding="utf-8") == text


def test_the_index_rows_made_while_parsing_are_those_made_from_the_rows(tmp_path, corpus_files):
    from archive.models import SearchText
    from archive.search.index import rows_for

    for number, path in enumerate(corpus_files):
        (tmp_path / f"{number:02d}-{path.name}").write_bytes(path.read_bytes())
    write(tmp_path, "odd.md", ALPHABETICAL_ERA.replace("series: ''", "series: 茶  的 系列"))
    assert run("import_markdown", tmp_path)[0] == 0
    made = {
        row.episode_id: (row.version, bytes(row.text), bytes(row.layout), bytes(row.signature))
        for row in SearchText.objects.all()
    }
    ids = list(Episode.objects.values_list("pk", flat=True))
    assert sorted(made) == sorted(ids)
    for episode_id, version, _stamp, text, layout, signature in rows_for(ids):
        assert made[episode_id] == (version, text, layout, signature), episode_id
