"""Markdown is rendered as the static site's markdown-it renders it, and each folded
original is labelled and marked by its language."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from archive.codec import parse
from archive.content.store import save_document
from archive.site import rendering
from archive.site.rendering import original_language, render_markdown
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import episode_markdown

STATIC_SITE = MarkdownIt("js-default", {"html": True})     # Eleventy's markdown-it


def test_a_list_right_after_a_paragraph_is_a_list():
    html = str(render_markdown("这包括：\n*   **AI Builders课程**：一门课\n*   第二项\n\n1. 一\n2. 二"))
    assert "<p>这包括：</p>\n<ul>\n<li><strong>AI Builders课程</strong>：一门课</li>" in html
    assert "<ol>\n<li>一</li>\n<li>二</li>\n</ol>" in html
    assert "*" not in html


TEXT = st.lists(
    st.sampled_from(list("ab Z中文，。：（）“”!?*_-#>`[]()<&\n1.") + ["**", "\n\n", "  "]),
    max_size=30,
).map("".join)


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_the_plain_text_shortcut_renders_what_markdown_it_renders(text):
    shortcut = rendering._plain_paragraphs(text)
    if shortcut is not None:
        assert shortcut == STATIC_SITE.render(text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_every_text_renders_as_markdown_it_then_sanitised(text):
    assert str(render_markdown(text)) == str(rendering.sanitise(STATIC_SITE.render(text))) or not text


@pytest.mark.parametrize("summary, text, expected", [
    ("Original English", "Hello there.", ("en", "English 原文")),
    ("Original Chinese Transcript", "大家好。", ("zh-Hans", "中文原文")),
    ("View/Hide Original Chinese", "Hello?", ("zh-Hans", "中文原文")),
    ("原文", "大家好，我们今天讲芯片。", ("zh-Hans", "中文原文")),
    ("原文", "The chips are here, said 黄仁勋.", ("en", "English 原文")),
    ("原文", "こんにちは、日本語です。", ("ja", "日文原文")),
])
def test_an_original_is_labelled_by_its_language(summary, text, expected):
    assert original_language(summary, text) == expected


@pytest.mark.django_db
def test_a_chinese_original_is_marked_chinese_on_the_page(client):
    body = (
        "### 一\n\n**主持人**：Hello everyone.\n\n<details>\n"
        "<summary>Original Chinese Transcript</summary>\n\n大家好。\n\n</details>\n"
    )
    text = episode_markdown(sections=[]) + body
    episode = save_document(parse(text), source_path="zh-original.md", slug="zh-original",
                            source_hash=hashlib.sha256(text.encode()).hexdigest())
    html = client.get(f"/episodes/{episode.slug}/").content.decode()
    assert '<details class="en original" lang="zh-Hans"><summary lang="zh-Hans">中文原文</summary>' in html
    assert 'lang="en"><summary' not in html
