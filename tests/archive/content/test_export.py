import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Episode, Turn

from ..commands import run
from ..episode_texts import ALPHABETICAL_ERA, INSERTION_ERA, replace_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive_folder(tmp_path) -> Path:
    folder = tmp_path / "notes"
    (folder / "deep").mkdir(parents=True)
    (folder / "a.md").write_text(INSERTION_ERA, encoding="utf-8")
    (folder / "deep" / "b.md").write_text(ALPHABETICAL_ERA, encoding="utf-8")
    assert run("import_markdown", folder)[0] == 0
    return folder


def test_export_writes_every_episode_at_its_relative_path(archive_folder, tmp_path):
    out = tmp_path / "out"
    status, output = run("export_markdown", out)
    assert status == 0 and "2 written" in output
    assert (out / "a.md").read_text(encoding="utf-8") == INSERTION_ERA
    assert (out / "deep" / "b.md").read_text(encoding="utf-8") == ALPHABETICAL_ERA


def test_export_writes_only_files_whose_bytes_change(archive_folder):
    stamp = os.stat(archive_folder / "deep" / "b.md").st_mtime_ns
    Turn.objects.filter(translation="第一句话。").update(translation="第一句改过。")
    status, output = run("export_markdown", archive_folder)
    assert status == 0 and "1 written" in output and "1 unchanged" in output
    assert os.stat(archive_folder / "deep" / "b.md").st_mtime_ns == stamp
    assert (archive_folder / "a.md").read_text(encoding="utf-8") == replace_once(
        INSERTION_ERA, "第一句话。", "第一句改过。"
    )


def test_export_refuses_a_file_changed_on_disk_unless_forced(archive_folder):
    target = archive_folder / "a.md"
    target.write_text(INSERTION_ERA + "\nhand edit", encoding="utf-8")
    Turn.objects.filter(translation="第一句话。").update(translation="第一句改过。")
    status, output = run("export_markdown", archive_folder)
    assert status == 1 and f"{target}: changed on disk" in output
    assert target.read_text(encoding="utf-8").endswith("hand edit")
    status, output = run("export_markdown", archive_folder, "--force")
    assert status == 0 and "第一句改过。" in target.read_text(encoding="utf-8")


def test_check_lists_differing_files_and_writes_nothing(archive_folder):
    Episode.objects.filter(slug="b").update(title="新标题")
    status, output = run("export_markdown", archive_folder, "--check")
    assert status == 1
    assert f"{archive_folder / 'deep' / 'b.md'}: differs" in output
    assert (archive_folder / "deep" / "b.md").read_text(encoding="utf-8") == ALPHABETICAL_ERA


def test_check_passes_on_a_folder_that_round_trips(archive_folder):
    status, output = run("export_markdown", archive_folder, "--check")
    assert status == 0 and "0 differ" in output


def test_dry_run_lists_what_would_be_written(archive_folder, tmp_path):
    status, output = run("export_markdown", tmp_path / "out", "--dry-run")
    assert status == 0 and "would be written" in output
    assert not (tmp_path / "out").exists()


def test_episode_option_limits_the_export(archive_folder, tmp_path):
    status, _ = run("export_markdown", tmp_path / "out", "--episode", "b")
    assert status == 0
    assert [p.name for p in (tmp_path / "out").rglob("*.md")] == ["b.md"]


def test_unknown_episode_is_an_error(archive_folder, tmp_path):
    with pytest.raises(CommandError, match="no episode with slug: nope"):
        call_command("export_markdown", str(tmp_path / "out"), "--episode", "nope")


def test_written_files_leave_no_temporary_files_and_keep_permissions(archive_folder):
    target = archive_folder / "a.md"
    target.chmod(0o640)
    Turn.objects.filter(translation="第一句话。").update(translation="第一句改过。")
    run("export_markdown", archive_folder)
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert sorted(p.name for p in archive_folder.iterdir()) == ["a.md", "deep"]


def test_after_export_a_reimport_sees_nothing_changed(archive_folder):
    Turn.objects.filter(translation="第一句话。").update(translation="第一句改过。")
    run("export_markdown", archive_folder)
    status, output = run("import_markdown", archive_folder)
    assert status == 0 and "2 unchanged" in output


def test_corpus_round_trips_through_import_and_export(corpus_dir, tmp_path):
    status, output = run("import_markdown", corpus_dir)
    assert status == 0, output
    out = tmp_path / "out"
    run("export_markdown", out)
    originals = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*.md"))
    assert sorted(p.relative_to(out) for p in out.rglob("*.md")) == originals
    for relative in originals:
        assert (out / relative).read_bytes() == (corpus_dir / relative).read_bytes(), relative


def test_a_path_that_leaves_the_output_folder_is_refused(archive_folder, tmp_path):
    Episode.objects.filter(slug="a").update(source_path="../escaped.md")
    status, output = run("export_markdown", tmp_path / "out")
    assert status == 1 and "leaves the output folder" in output
    assert not (tmp_path / "escaped.md").exists()


def test_a_file_that_cannot_be_written_is_reported_and_the_rest_go_on(archive_folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "deep").write_text("a file where the folder should be", encoding="utf-8")
    status, output = run("export_markdown", out)
    assert status == 1 and f"{out / 'deep' / 'b.md'}: cannot write" in output
    assert "1 written, 0 refused, 1 failed" in output
    assert (out / "a.md").read_text(encoding="utf-8") == INSERTION_ERA


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_each_episode_as_of_one_moment(tmp_path, monkeypatch):
    import threading

    from django.db import connection

    import archive.content.store
    from archive.models import PersonLink

    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection beside the test's (PostgreSQL)")
    (tmp_path / "a.md").write_text(INSERTION_ERA, encoding="utf-8")
    run("import_markdown", tmp_path)
    real_entity_names = archive.content.store.lists_of

    def an_editor_saves_between_the_reads(ids):
        def save():
            Turn.objects.filter(translation="第一句话。").update(translation="并发改过。")
            PersonLink.objects.all().delete()
            connection.close()

        saver = threading.Thread(target=save)
        saver.start()
        saver.join()
        return real_entity_names(ids)

    monkeypatch.setattr(archive.content.store, "lists_of", an_editor_saves_between_the_reads)
    out = tmp_path / "out"
    run("export_markdown", out)
    assert (out / "a.md").read_text(encoding="utf-8") == INSERTION_ERA


def test_a_worker_sends_back_each_episode_with_the_columns_callers_read(archive_folder, tmp_path):
    import pickle

    from archive.content.exporting import WRITTEN, Export

    ids = list(Episode.objects.order_by("pk").values_list("pk", flat=True))
    sent = pickle.loads(pickle.dumps(Export(tmp_path / "out")._export_chunk_to_send(ids)))
    assert [episode.pk for episode, _, _ in sent] == ids
    for episode, result, _digest in sent:
        loaded = Episode.objects.get(pk=episode.pk)
        read = ("source_path", "source_hash", "version", "synced_version", "synced_at")
        assert [getattr(episode, name) for name in read] == [getattr(loaded, name) for name in read]
        assert "front_matter_values" in episode.get_deferred_fields()
        assert episode.title == loaded.title  # read when asked for
        assert result.outcome == WRITTEN
