"""Flags stored per turn: at import, after an edit, through a re-import; the API."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.checks import stored
from archive.codec import Turn, parse, render
from archive.content.store import load_document, write_changes
from archive.models import Episode, TurnFlag

pytestmark = pytest.mark.django_db

EPISODE = """\
---
title: 检查
speaker: Test Cast
people:
  - Ada Park
draft: true
---
**Ada Park**: 他们在2019年融资了50亿美元，这是一个很长的故事。

<details>
<summary>Original English</summary>

They raised $5 billion in 2018, and it is a long story.

</details>

**Ada Park**: 我们在那一年投入了很多资源，这是一个很长的故事。

<details>
<summary>Original English</summary>

We put a lot of resources into it that year; it is a long story.

</details>

**Ada Park**: 这是一个很长的故事，我会慢慢讲给大家听。
"""


@pytest.fixture(autouse=True)
def fresh_names():
    stored.forget_known_names()
    yield
    stored.forget_known_names()


def imported(tmp_path: Path, text: str = EPISODE) -> Episode:
    (tmp_path / "one.md").write_text(text, encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=open("/dev/null", "w"))
    return Episode.objects.get(source_path="one.md")


def checks(episode) -> list[tuple[int, str]]:
    return sorted(
        (flag.turn.position, flag.check_id)
        for flags in stored.flags_by_turn(episode.pk).values() for flag in flags
    )


def test_the_import_stores_each_turns_flags_with_what_to_highlight(tmp_path):
    episode = imported(tmp_path)
    assert checks(episode) == [(0, "number-mismatch"), (1, "merged-original"), (2, "missing-original")]
    flag = TurnFlag.objects.get(check_id="number-mismatch")
    assert flag.severity == "warning"
    assert [flag.turn.translation[s:e] for s, e in flag.spans["translation"]] == ["2019"]
    assert [flag.turn.english[s:e] for s, e in flag.spans["english"]] == ["2018"]
    assert "2019" in stored.message(flag)


def test_flags_of_an_episode_are_one_query(tmp_path, django_assert_num_queries):
    episode = imported(tmp_path)
    with django_assert_num_queries(1):
        found = stored.flags_by_turn(episode.pk)
    assert sum(len(flags) for flags in found.values()) == 3


def edit(episode, position, **changes):
    before = load_document(episode)
    blocks = list(before.blocks)
    blocks[position] = dataclasses.replace(blocks[position], **changes)
    write_changes(episode, before, dataclasses.replace(before, blocks=tuple(blocks)))


def test_an_edit_rechecks_and_a_dismissal_lasts_while_the_turn_says_the_same(tmp_path):
    episode = imported(tmp_path)
    editor = User.objects.create(username="editor")
    stored.dismiss(TurnFlag.objects.get(check_id="number-mismatch"), editor)
    edit(episode, 1, text="我们在那一年投入了很多资源，这是一个很长很长的故事。")
    kept = TurnFlag.objects.get(check_id="number-mismatch")
    assert kept.dismissed_by == editor and kept.dismissed_at is not None
    edit(episode, 0, text="他们在2018年融资了50亿美元，这是一个很长的故事。")
    assert checks(episode) == [(1, "merged-original"), (2, "missing-original")]
    edit(episode, 0, text="他们在2017年融资了50亿美元，这是一个很长的故事。")
    assert TurnFlag.objects.get(check_id="number-mismatch").dismissed_at is None


def test_undismiss_brings_a_flag_back(tmp_path):
    episode = imported(tmp_path)
    flag = stored.dismiss(TurnFlag.objects.get(check_id="missing-original"), User.objects.create(username="e"))
    stored.undismiss(flag)
    assert stored.flags_by_turn(episode.pk, dismissed=False)


def test_a_reimport_keeps_the_dismissals_of_turns_it_leaves_unchanged(tmp_path):
    episode = imported(tmp_path)
    stored.dismiss(TurnFlag.objects.get(check_id="number-mismatch"), User.objects.create(username="e"))
    stored.dismiss(TurnFlag.objects.get(check_id="missing-original"), User.objects.create(username="f"))
    changed = EPISODE.replace("慢慢讲给大家听", "慢慢地讲给大家听")
    imported(tmp_path, changed)
    flags = {flag.check_id: flag for flag in TurnFlag.objects.all()}
    assert flags["number-mismatch"].dismissed_at is not None
    assert flags["missing-original"].dismissed_at is None


def test_deleting_an_episode_deletes_its_flags(tmp_path):
    from archive.content.store import delete_episode

    delete_episode(imported(tmp_path))
    assert not TurnFlag.objects.exists()
