"""A file written without front matter (its first line is not a ``---`` fence, as in the
archive's one file that opens with ``----``) is imported as it is, never refused."""
from pathlib import Path

import pytest

from archive.models import Episode

from ..commands import run
from ..episode_texts import INSERTION_ERA

pytestmark = pytest.mark.django_db

FOUR_DASH = (
    "----\n"
    'title: "亲历微软史上首次裁员"\n'
    "tags:\n"
    '  - "career-risk"\n'
    "----\n"
    "\n"
    "### 微软爱尔兰总部\n"
    "\n"
    "**主持人：** 稍微介绍一下老冒。\n"
    "\n"
    "**老冒：** 在微软工作了五年。\n"
)


def plant(folder: Path) -> Path:
    (folder / "good.md").write_text(INSERTION_ERA, encoding="utf-8")
    path = folder / "Atw2h2qCL4o.md"
    path.write_bytes(FOUR_DASH.encode("utf-8"))
    return path


def test_it_imports_without_failing_the_run_and_exports_byte_for_byte(tmp_path):
    source = tmp_path / "notes"
    source.mkdir()
    plant(source)
    status, output = run("import_markdown", source)
    assert status == 0, output
    assert "2 created" in output and "0 failed" in output
    episode = Episode.objects.get(slug="Atw2h2qCL4o")
    assert episode.title == "" and not episode.has_front_matter
    assert episode.turns.filter(speaker_label="老冒").exists()

    out = tmp_path / "out"
    status, output = run("export_markdown", out)
    assert status == 0, output
    assert (out / "Atw2h2qCL4o.md").read_bytes() == FOUR_DASH.encode("utf-8")
    status, output = run("export_markdown", source, "--check")
    assert status == 0, output


def test_it_is_served_at_the_static_sites_address(client, tmp_path):
    plant(tmp_path)
    run("import_markdown", tmp_path)
    response = client.get("/content/notes/Atw2h2qCL4o/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "在微软工作了五年。" in page
    assert "<h1>Atw2h2qCL4o</h1>" in page
