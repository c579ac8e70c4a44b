from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Appearance, Episode, Turn

from ..commands import run
from ..episode_texts import ALPHABETICAL_ERA, INSERTION_ERA, replace_once

pytestmark = pytest.mark.django_db


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def run_import(*paths, force=False):
    """Run the command; return (exit status, its output)."""
    return run("import_markdown", *paths, *(["--force"] if force else []))


def test_a_folder_is_imported_recursively_with_relative_paths(tmp_path):
    write(tmp_path, "a.md", INSERTION_ERA)
    write(tmp_path, "nested/b.md", ALPHABETICAL_ERA)
    status, output = run_import(tmp_path)
    assert status == 0
    assert "2 files: 2 created, 0 updated, 0 unchanged, 0 failed" in output
    assert sorted(Episode.objects.values_list("source_path", "slug")) == [
        ("a.md", "a"), ("nested/b.md", "b"),
    ]


def test_reimporting_unchanged_files_writes_nothing(
    tmp_path, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    write(tmp_path, "a.md", INSERTION_ERA)
    with django_capture_on_commit_callbacks(execute=True):  # the index follows the import
        run_import(tmp_path)
    before = Episode.objects.get().updated_at
    # The migrations check (two), the folders counted, the index's lag check, the
    # content folders, the episodes' state: nothing written.
    with django_assert_max_num_queries(6):
        status, output = run_import(tmp_path)
    assert status == 0 and "1 unchanged" in output
    assert Episode.objects.get().updated_at == before


def test_a_changed_file_updates_its_episode(tmp_path):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run_import(tmp_path)
    path.write_text(replace_once(INSERTION_ERA, "第一句话。", "新的第一句话。"), encoding="utf-8")
    version = Episode.objects.get().version
    status, output = run_import(tmp_path)
    assert "1 updated" in output
    assert Turn.objects.filter(translation="新的第一句话。").count() == 1
    assert Episode.objects.get().version == version + 1


def test_a_changed_file_is_written_as_an_edit_of_its_episode(tmp_path):
    """Through the store's one write: the turns that did not change keep their rows,
    and what the front matter derives (appearances) follows it."""
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run_import(tmp_path)
    kept = dict(Turn.objects.values_list("position", "pk"))
    changed = replace_once(INSERTION_ERA, "第一句话。", "新的第一句话。")
    path.write_text(replace_once(changed, "guest: ''", "guest: Lin Wei"), encoding="utf-8")
    assert "1 updated" in run_import(tmp_path)[1]
    edited = Turn.objects.get(translation="新的第一句话。")
    assert dict(Turn.objects.values_list("position", "pk")) == kept
    assert edited.pk == kept[edited.position]
    assert list(Appearance.objects.filter(role=Appearance.Role.GUEST).values_list(
        "speaker__name", flat=True
    )) == ["Lin Wei"]


def test_case_and_leading_dashes_of_file_names_are_kept_in_slugs(tmp_path):
    write(tmp_path, "--R5xlV9KHE.md", INSERTION_ERA)
    write(tmp_path, "--r5xlv9khe.md", ALPHABETICAL_ERA)
    status, _ = run_import(tmp_path)
    assert status == 0
    assert sorted(Episode.objects.values_list("slug", flat=True)) == ["--R5xlV9KHE", "--r5xlv9khe"]


def test_names_that_are_not_url_safe_get_unique_slugs(tmp_path):
    write(tmp_path, "Don't Panic.md", INSERTION_ERA)
    write(tmp_path, "sub/Don't Panic.md", ALPHABETICAL_ERA)
    run_import(tmp_path)
    assert sorted(Episode.objects.values_list("slug", flat=True)) == ["dont-panic", "dont-panic-1"]


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("", 1, "empty file"),
        ("---\ntitle: x\nbody without a closing fence\n", 1, "not closed"),
        ("---\ntitle: x\ntags: [a\nsummary: y\n---\nbody", 4, "invalid YAML"),
        ("---\n- a\n- b\n---\nbody", 2, "not a mapping"),
        (b"---\ntitle: x\n---\n\xff\xfe broken", 4, "not UTF-8"),
        (b"---\ntitle: x\n---\n\x00\x01", 4, "NUL"),
    ],
)
def test_bad_files_are_reported_with_path_and_line(tmp_path, content, line, message):
    bad = write(tmp_path, "bad.md", content)
    write(tmp_path, "good.md", INSERTION_ERA)
    status, output = run_import(tmp_path)
    assert status == 1
    failure = next(row for row in output.splitlines() if row.startswith(str(bad)))
    assert failure.startswith(f"{bad}:{line}: ") and message in failure
    assert "1 created" in output and "1 failed" in output
    assert list(Episode.objects.values_list("slug", flat=True)) == ["good"]


def test_a_file_that_is_not_markdown_is_refused(tmp_path):
    other = write(tmp_path, "notes.txt", INSERTION_ERA)
    status, output = run_import(other)
    assert status == 1 and f"{other}:1: not a markdown file" in output
    assert not Episode.objects.exists()


def test_two_files_with_the_same_slug_fail_the_second(tmp_path):
    write(tmp_path, "one/same.md", INSERTION_ERA)
    second = write(tmp_path, "two/same.md", ALPHABETICAL_ERA)
    status, output = run_import(tmp_path)
    assert status == 1
    assert f"{second}:1: slug 'same' is already used by one/same.md" in output
    assert Episode.objects.get().source_path == "one/same.md"


def test_a_failure_while_saving_leaves_no_partial_episode(tmp_path, monkeypatch):
    from django.db import DatabaseError

    import archive.content.store

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(archive.content.store, "_insert_content", broken)
    path = write(tmp_path, "a.md", INSERTION_ERA)
    status, output = run_import(tmp_path)
    assert status == 1 and f"{path}:1: database refused the episode: disk full" in output
    assert not Episode.objects.exists() and not Turn.objects.exists()


def test_an_edited_episode_is_not_overwritten_by_a_changed_file(tmp_path):
    path = write(tmp_path, "a.md", INSERTION_ERA)
    run_import(tmp_path)
    Turn.objects.filter(translation="第一句话。").update(translation="编辑改过。")
    path.write_text(replace_once(INSERTION_ERA, "第三句话。", "文件改过。"), encoding="utf-8")
    status, output = run_import(tmp_path)
    assert status == 1 and "conflict" in output and "--force" in output
    assert Turn.objects.filter(translation="编辑改过。").exists()
    status, output = run_import(tmp_path, force=True)
    assert status == 0 and "1 updated" in output
    assert Turn.objects.filter(translation="文件改过。").exists()
    assert not Turn.objects.filter(translation="编辑改过。").exists()


def test_a_missing_path_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("import_markdown", str(tmp_path / "nowhere"))


def test_an_import_stopped_halfway_still_indexes_what_it_committed(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    import archive.content.importing
    from archive.models import SearchText

    write(tmp_path, "a.md", INSERTION_ERA)
    write(tmp_path, "b.md", ALPHABETICAL_ERA)
    real_read = archive.content.importing.read_file

    def stopped_at_the_second(task):
        if task.relative == "b.md":
            raise KeyboardInterrupt
        return real_read(task)

    monkeypatch.setattr(archive.content.importing, "_BATCH_FILES", 1)
    monkeypatch.setattr(archive.content.importing, "read_file", stopped_at_the_second)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(KeyboardInterrupt):
        run_import(tmp_path)
    episode = Episode.objects.get()
    assert SearchText.objects.filter(episode=episode).exists()


def test_a_command_before_migrate_says_to_migrate_first(tmp_path, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    for command in ("import_markdown", "export_markdown"):
        with pytest.raises(CommandError, match=r"not set up \(1 migrations not applied\): run `python manage.py migrate` first"):
            call_command(command, str(tmp_path))


def test_a_second_folder_is_imported_with_a_word_on_what_export_then_needs(tmp_path):
    write(tmp_path, "sample/a.md", INSERTION_ERA)
    write(tmp_path, "mine/b.md", ALPHABETICAL_ERA)
    assert run_import(tmp_path / "sample")[0] == 0
    status, output = run_import(tmp_path / "mine")
    assert status == 0 and "episodes of several folders" in output
    with pytest.raises(CommandError, match="come from 2 folders .*own database: DATABASE_URL="):
        call_command("export_markdown")
