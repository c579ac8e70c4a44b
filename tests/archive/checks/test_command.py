"""check_translations: one line per flagged turn at its line in the file as exported now."""
from __future__ import annotations

import dataclasses
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils.translation import gettext as _

from archive.checks import stored
from archive.codec import Turn, with_value
from archive.content.store import load_document, write_changes
from archive.models import TurnFlag

from .test_stored import EPISODE, imported

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("check_translations", *args, stdout=out)
    return out.getvalue().splitlines()


def test_each_flagged_turn_is_printed_at_its_line_then_a_summary(tmp_path):
    imported(tmp_path)
    path = str(tmp_path.resolve() / "one.md")
    lines = run()
    assert lines[:3] == [
        f"{path}:8: number-mismatch: " + _("Numbers differ between the two languages: {numbers}").format(
            numbers="2019 / 2018"),
        f"{path}:17: merged-original: " + _("This turn's English also holds the original of a neighbouring turn"),
        f"{path}:26: missing-original: " + _("This turn has no English original"),
    ]
    assert lines[3] == (
        "1 episodes, 3 turns checked, 3 flagged (number-mismatch 1, merged-original 1, missing-original 1)"
    )
    assert EPISODE.splitlines()[7].startswith("**Ada Park**: 他们在2019年")
    assert EPISODE.splitlines()[25].startswith("**Ada Park**: 这是一个很长的故事")


def test_files_are_named_as_given_and_slugs_select_episodes(tmp_path):
    episode = imported(tmp_path)
    named = run(str(tmp_path / "one.md"))
    assert named[0].startswith(f"{tmp_path / 'one.md'}:8: number-mismatch")
    assert run("--episode", episode.slug)[-1].startswith("1 episodes, 3 turns checked, 3 flagged")


def test_lines_follow_edits(tmp_path):
    episode = imported(tmp_path)
    before = load_document(episode)
    added = Turn(text="新的一段话，很长的故事。", label="Ada Park", label_open="**", label_close="**: ")
    write_changes(episode, before, dataclasses.replace(before, blocks=(added, *before.blocks)))
    flagged = [line.split(": ")[0] for line in run()[:-1]]
    path = str(tmp_path.resolve() / "one.md")
    assert flagged == [f"{path}:8", f"{path}:10", f"{path}:19", f"{path}:28"]


def test_a_dismissed_flag_is_not_printed(tmp_path):
    imported(tmp_path)
    stored.dismiss(TurnFlag.objects.get(check_id="missing-original"), User.objects.create(username="e"))
    assert [line.split(": ")[1] for line in run()[:-1]] == ["number-mismatch", "merged-original"]


def test_a_file_not_imported_is_an_error_naming_it(tmp_path):
    imported(tmp_path)
    (tmp_path / "two.md").write_text(EPISODE, encoding="utf-8")
    with pytest.raises(CommandError, match="two.md:1: not imported"):
        run(str(tmp_path / "two.md"))


def test_an_unknown_slug_is_an_error(tmp_path):
    imported(tmp_path)
    with pytest.raises(CommandError, match="no episode with slug: nope"):
        run("--episode", "nope")


def test_recheck_finds_what_needs_names_added_after_the_episode_was_checked(tmp_path):
    imported(tmp_path, EPISODE.replace("这是一个很长的故事，我会", "**Nvidia** 的故事很长，我会"))
    tagged = EPISODE.replace("people:\n  - Ada Park", "people:\n  - Ada Park\ncompanies_orgs:\n  - Nvidia")
    (tmp_path / "a.md").write_text(tagged, encoding="utf-8")
    call_command("import_markdown", str(tmp_path / "a.md"), stdout=io.StringIO())
    assert "untagged-mention" not in "\n".join(run())
    rechecked = run("--recheck")
    message = _("“{name}” is a known entity the episode's tags lack").format(name="Nvidia")
    assert f"{tmp_path.resolve() / 'one.md'}:26: untagged-mention: {message}" in rechecked
    assert "untagged-mention" in "\n".join(run())


def test_lines_follow_a_longer_front_matter(tmp_path):
    episode = imported(tmp_path)
    before = load_document(episode)
    front_matter = with_value(before.front_matter, "summary", "一行摘要")
    write_changes(episode, before, dataclasses.replace(before, front_matter=front_matter))
    path = str(tmp_path.resolve() / "one.md")
    assert [line.split(": ")[0] for line in run()[:-1]] == [f"{path}:9", f"{path}:18", f"{path}:27"]
