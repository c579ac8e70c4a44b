"""The index pages list what readers look for: speakers who are speakers, counts that
say what they count, one name per idea."""
from __future__ import annotations

import pytest

from archive.content.named import looks_like_a_name
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "label", ["Sam Altman", "老冒", "路人 A", "Dr. Jane Goodall", "乔治·H·W·布什",
              "汤姆·斯泰尔 (Tom Steyer)", "O'Brien"],
)
def test_labels_that_read_as_names(label):
    assert looks_like_a_name(label)


@pytest.mark.parametrize(
    "label", ["1. 多喝水", ">>", "2022年全年预计", "记者2", "", "高校硕士招生的宣传广告音频片段",
              "是的，我同意"],
)
def test_labels_that_are_text_made_a_label(label):
    assert not looks_like_a_name(label)


def test_the_speaker_index_lists_front_matter_speakers_and_labels_that_are_names(client):
    make_episode(
        "one.md", speaker="知行小酒馆", guest="Sam Altman",
        sections=[("开场", [("老冒", "你好。", "Hello."), ("1. 多喝水", "多喝水。", None),
                            (">>", "嗯。", None), ("2022年全年预计", "增长。", None)])],
    )
    index = client.get("/all-speakers/").content.decode()
    for name in ("知行小酒馆", "Sam Altman", "老冒"):
        assert f">{name}</a>" in index
    for junk in ("1. 多喝水", "&gt;&gt;", "2022年全年预计"):
        assert junk not in index
    assert "共 3 个" in index
    # The labels' pages still answer, for links from the episode.
    assert client.get("/speakers/2022-nian-quan-nian-yu-ji/").status_code == 200


def test_index_entries_say_what_their_numbers_count(client):
    make_episode("one.md", sections=[("开场", [("老冒", "你好。", "Hello."), ("老冒", "再见。", None)])])
    make_episode("two.md", speaker="老冒")
    index = client.get("/all-speakers/").content.decode()
    assert '老冒</a> <span class="n">2 期</span><span class="turns"> · 2 段发言</span>' in index


def test_one_name_for_speakers_and_one_for_the_source_link(client):
    episode = make_episode("one.md", speaker="知行小酒馆")
    page = client.get(episode.get_absolute_url()).content.decode()
    assert '>讲者</a>' in page                       # the navigation
    assert "<dt>讲者</dt>" in page and "<dt>来源</dt>" in page
    assert "<dt>原文</dt>" not in page
    assert "所有讲者" in client.get("/all-speakers/").content.decode()
