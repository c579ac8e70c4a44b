"""The codec's law, ``render(parse(text)) == text``, and the tree it reads.

The corpus proves the law on real files; the hand-written samples below cover every
variant of ``QUIRKS.md`` that the corpus lacks or that decides how a file is read, and
check the blocks the parser makes of it as well as the bytes.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from archive.codec import (
    Comment,
    English,
    Heading,
    Raw,
    Turn,
    as_list,
    edited,
    parse,
    render,
    speaker_name,
)

FM = "---\ntitle: t\n---\n"
STYLE_A = "<details>\n<summary>Original English</summary>\n\n{}\n\n</details>"
STYLE_B = (
    '<details>\n<summary>View/Hide Original English</summary>\n'
    '<p class="english-text">{}</p>\n</details>'
)


def _corpus_names() -> list[str]:
    """The corpus files by relative path, found the way ``conftest.corpus_dir`` finds them.

    Collection cannot use a fixture, so when no file is found a single ``None`` stands
    in: the test then asks the fixtures, which skip locally and fail in CI.
    """
    repo = Path(__file__).resolve().parents[3]
    root = Path(os.environ.get("ARCHIVE_CORPUS") or repo.parent / "shared" / "corpus")
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md")) if root.is_dir() else []
    return names or [None]


def _read_corpus_file(corpus_dir: Path, corpus_files: list[Path], name: str | None) -> str:
    assert corpus_files, f"no .md file under {corpus_dir}"
    path = corpus_dir / name if name else corpus_files[0]
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def roundtrip(text: str):
    """Parse ``text``, insist it renders back exactly, return the document."""
    document = parse(text)
    assert render(document) == text
    return document


def body(text: str):
    """The blocks of ``text`` under a one-key front matter, after the round trip."""
    return roundtrip(FM + text).blocks


def kinds(blocks) -> list[str]:
    return [type(block).__name__ for block in blocks]


# --- the corpus --------------------------------------------------------------------

CORPUS = _corpus_names()


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_file_renders_back_byte_for_byte(corpus_dir, corpus_files, name):
    text = _read_corpus_file(corpus_dir, corpus_files, name)
    assert render(parse(text)) == text


def _rebuilt(document):
    """A no-op transform: every node replaced by a fresh copy of itself."""
    def rebuild(block):
        if isinstance(block, Turn) and block.english is not None:
            return replace(block, english=replace(block.english))
        return replace(block)

    front_matter = replace(
        document.front_matter,
        entries=tuple(replace(entry) for entry in document.front_matter.entries),
    )
    return replace(
        document, front_matter=front_matter, blocks=tuple(rebuild(b) for b in document.blocks)
    )


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_file_survives_a_no_op_transform(corpus_dir, corpus_files, name):
    text = _read_corpus_file(corpus_dir, corpus_files, name)
    document = parse(text)
    rebuilt = _rebuilt(document)
    assert render(rebuilt) == text


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_english_blocks_render_the_same_from_their_fields(corpus_dir, corpus_files, name):
    """Dropping every verbatim copy changes no byte: the fields describe each frame."""
    text = _read_corpus_file(corpus_dir, corpus_files, name)
    document = parse(text)
    blocks = tuple(
        replace(b, english=edited(b.english))
        if isinstance(b, Turn) and b.english is not None else b
        for b in document.blocks
    )
    assert render(replace(document, blocks=blocks)) == text


# --- file-wide style: newline, BOM, end of file -------------------------------------

def test_crlf_file_is_read_as_lf_and_written_back_as_crlf():
    text = (
        "---\r\ntitle: t\r\ntags:\r\n  - a\r\n---\r\n### h\r\n\r\n**A**: 你好\r\n\r\n"
        + STYLE_A.format("Hi").replace("\n", "\r\n") + "\r\n"
    )
    document = roundtrip(text)
    assert document.newline == "\r\n"
    assert document.front_matter.values == {"title": "t", "tags": ["a"]}
    heading, turn = document.blocks
    assert heading == Heading(level=3, text="h", gap=" ", trailing="\n\n")
    assert (turn.label, turn.text, turn.english.text) == ("A", "你好", "Hi")
    assert turn.trailing == "\n"


def test_lone_crlf_in_an_lf_file_is_kept_as_text():
    document = roundtrip(FM + "第一行\r\n第二行\n\n第三段")
    assert document.newline == "\n"
    assert [b.text for b in document.blocks] == ["第一行\r\n第二行", "第三段"]


def test_bom_is_recorded_and_written_back():
    document = roundtrip("\ufeff---\ntitle: t\n---\n### h")
    assert document.bom is True
    assert document.front_matter.values == {"title": "t"}
    assert document.blocks == (Heading(level=3, text="h", trailing=""),)


def test_bom_with_crlf_round_trips():
    document = roundtrip("\ufeff---\r\ntitle: t\r\n---\r\n\r\n正文")
    assert (document.bom, document.newline) == (True, "\r\n")
    assert document.front_matter.trailing == "\n"
    assert document.blocks == (Turn(text="正文", trailing=""),)


@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_end_of_file_after_details_is_kept(ending):
    blocks = body("中文\n\n" + STYLE_B.format("Thank you, man.") + ending)
    (turn,) = blocks
    assert turn.english.text == "Thank you, man."
    assert turn.trailing == ending


@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_end_of_file_after_a_truncated_paragraph_is_kept(ending):
    blocks = body("</details>\n\n事实上，我雇用的第一个人就是" + ending)
    assert blocks[-1] == Turn(text="事实上，我雇用的第一个人就是", trailing=ending)


@pytest.mark.parametrize("closing", ["---", "---\n", "---\n\n"])
def test_file_that_is_only_front_matter_has_no_blocks(closing):
    document = roundtrip("---\ntitle: t\n" + closing)
    assert document.blocks == ()
    assert document.front_matter.values == {"title": "t"}


# --- front matter ------------------------------------------------------------------

H37_HEADER = """---
title: "压缩即智能：AGI 的最小描述长度之路"
source: https://www.youtube.com/watch?v=dO4TPJkeaaU
area: "tech-insights"
speaker : Lei
category : "technology"
date: 2023-02-27
project :
    - ai-impact-analysis
    - systems-thinking
tags:
  - "compression"
  - "generalization"

people:
layout: post.njk
companies_orgs:

 - "Stanford"
 - "OpenAI"

products_models:

- "Llama"
- "BERT"

media_books:

-  "The New Yorker"
---



###介绍与开场大家好，欢迎来到斯坦福 MLSys 研讨会系列的第 76 期。"""


def test_hand_written_header_with_every_oddity_round_trips():
    document = roundtrip(H37_HEADER)
    front_matter = document.front_matter
    assert front_matter.values == {
        "title": "压缩即智能：AGI 的最小描述长度之路",
        "source": "https://www.youtube.com/watch?v=dO4TPJkeaaU",
        "area": "tech-insights",
        "speaker": "Lei",
        "category": "technology",
        "date": "2023-02-27",
        "project": ["ai-impact-analysis", "systems-thinking"],
        "tags": ["compression", "generalization"],
        "people": None,
        "layout": "post.njk",
        "companies_orgs": ["Stanford", "OpenAI"],
        "products_models": ["Llama", "BERT"],
        "media_books": ["The New Yorker"],
    }
    assert front_matter.keys() == list(front_matter.values)
    assert front_matter.trailing == "\n\n\n"
    assert document.blocks == (
        Heading(level=3, gap="", text="介绍与开场大家好，欢迎来到斯坦福 MLSys 研讨会系列的第 76 期。",
                trailing=""),
    )


def test_key_with_space_before_colon_keeps_its_gap():
    front_matter = roundtrip(H37_HEADER).front_matter
    gaps = {entry.key: entry.key_gap for entry in front_matter.entries}
    assert gaps["speaker"] == gaps["category"] == gaps["project"] == " "
    assert gaps["title"] == gaps["tags"] == ""


@pytest.mark.parametrize(
    "items, indent",
    [("- a\n- b\n", ""), (" - a\n - b\n", " "), ("  - a\n  - b\n", "  "),
     ("    - a\n    - b\n", "    "), ("\n- a\n- b\n", ""), ("-  a\n-  b\n", "")],
    ids=["0-space", "1-space", "2-space", "4-space", "blank-line-first", "two-space-dash-gap"],
)
def test_list_items_at_any_indentation_read_as_a_list(items, indent):
    document = roundtrip(f"---\ntags:\n{items}title: t\n---\nx")
    assert document.front_matter.values["tags"] == ["a", "b"]
    tags = document.front_matter.entries[0]
    assert tags.key == "tags" and tags.raw == "tags:\n" + items
    assert f"\n{indent}-" in tags.raw


def test_duplicated_key_keeps_both_lines_and_reads_the_last():
    text = "---\nlayout: post.njk\nsummary: ''\ntags: []\nsummary: 本访谈深入探讨了\n---\nx"
    front_matter = roundtrip(text).front_matter
    assert front_matter.keys() == ["layout", "summary", "tags", "summary"]
    assert front_matter.values["summary"] == "本访谈深入探讨了"


def test_blank_lines_inside_front_matter_stay_with_the_key_above():
    text = "---\ntitle: t\n\nmedia_books:\n  - \"Scale (book)\"\n\n---\n\n### h"
    document = roundtrip(text)
    assert [entry.raw for entry in document.front_matter.entries] == [
        "title: t\n\n", 'media_books:\n  - "Scale (book)"\n\n',
    ]
    assert document.front_matter.values == {"title": "t", "media_books": ["Scale (book)"]}
    assert document.front_matter.trailing == "\n"


def test_brackets_in_quotes_are_a_string_that_means_no_items():
    values = roundtrip("---\nproducts_models: '[]'\nproject: []\n---\nx").front_matter.values
    assert values == {"products_models": "[]", "project": []}
    assert as_list(values["products_models"]) == as_list(values["project"]) == []


def test_key_without_value_is_null_and_means_no_items():
    values = roundtrip("---\nproject:\ntags:\npeople:\nlayout: post.njk\n---\nx").front_matter.values
    assert values == {"project": None, "tags": None, "people": None, "layout": "post.njk"}
    assert as_list(values["people"]) == []


@pytest.mark.parametrize("written", ["2025-10-31", "'2025-10-31'", '"2025-10-31"'])
def test_date_reads_as_the_string_written_however_quoted(written):
    values = roundtrip(f"---\ndate: {written}\n---\nx").front_matter.values
    assert values == {"date": "2025-10-31"}


@pytest.mark.parametrize("written, value", [("=", "="), ("<<", "<<"), ("[<<, =]", ["<<", "="])])
def test_plain_equals_and_merge_signs_that_are_not_keys_read_as_text(written, value):
    """PyYAML has no value for these and would refuse the file."""
    assert roundtrip(f"---\ntitle: {written}\n---\n").front_matter.values["title"] == value


def test_merge_keys_still_merge():
    document = roundtrip("---\nbase: &b {k: v}\nmerged: {<<: *b, j: w}\n---\n")
    assert document.front_matter.values["merged"] == {"k": "v", "j": "w"}


def test_summary_folded_onto_a_continuation_line_is_one_entry():
    text = "---\nsummary: 揭露了其中，Regen\n  Cell Biosciences股价曾被推高\ntitle: t\n---\nx"
    front_matter = roundtrip(text).front_matter
    assert front_matter.values["summary"] == "揭露了其中，Regen Cell Biosciences股价曾被推高"
    assert front_matter.keys() == ["summary", "title"]


@pytest.mark.parametrize("blank", ["", "\n", "\n\n\n\n\n\n"])
def test_blank_lines_after_the_closing_fence_belong_to_the_front_matter(blank):
    document = roundtrip("---\ntitle: t\n---\n" + blank + "### 无论现状")
    assert document.front_matter.trailing == blank
    assert document.blocks == (Heading(level=3, text="无论现状", trailing=""),)


# --- headings ----------------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_heading_of_each_level_is_read(level):
    (heading, turn) = body("#" * level + " 标题\n\n正文")
    assert heading == Heading(level=level, text="标题", gap=" ", trailing="\n\n")
    assert turn.text == "正文"


def test_heading_glued_to_its_text_keeps_an_empty_gap():
    (heading, turn) = body("###压缩与 AGI 的哲学基础好的，太棒了。\n\n" + STYLE_A.format("Great."))
    assert heading == Heading(level=3, gap="", text="压缩与 AGI 的哲学基础好的，太棒了。")
    assert turn.text is None and turn.english.text == "Great."


def test_heading_directly_followed_by_a_turn_line_is_two_blocks():
    (heading, turn) = body("### 注意力与政治奇观\n**Speaker A**: 在这里，我本来会说不的。")
    assert heading == Heading(level=3, text="注意力与政治奇观", trailing="\n")
    assert (turn.label, turn.text) == ("Speaker A", "在这里，我本来会说不的。")


def test_heading_after_a_marker_line_without_blank_line_is_its_own_block():
    blocks = body("[BODY_START]\n### 引言与节目介绍\n\n正文")
    assert kinds(blocks) == ["Raw", "Heading", "Turn"]
    assert blocks[0] == Raw("[BODY_START]", trailing="\n")


# --- speaker labels ----------------------------------------------------------------

@pytest.mark.parametrize(
    "paragraph, label, label_open, label_close, text",
    [
        ("**Matt Turk**: 大家好", "Matt Turk", "**", "**: ", "大家好"),
        ("**David George:** 我们是否", "David George", "**", ":** ", "我们是否"),
        ("**Matei**：……决定去读取大量日志文件", "Matei", "**", "**：", "……决定去读取大量日志文件"),
        ("**主持人：** Chris Lattner 创造了", "主持人", "**", "：** ", "Chris Lattner 创造了"),
        ("**[Matt]**: 几年前在硅谷", "[Matt]", "**", "**: ", "几年前在硅谷"),
        ("**[Allison]:** 人们真的很在意", "[Allison]", "**", ":** ", "人们真的很在意"),
        ("**Speaker A**:\n因为我当时在想", "Speaker A", "**", "**:\n", "因为我当时在想"),
        ("Tracy Alloway: 大家好，欢迎收听", "Tracy Alloway", "", ": ", "大家好，欢迎收听"),
        ("主持人: 大家好", "主持人", "", ": ", "大家好"),
        ("**[纳姆·基瓦努卡]**: 您正在收听", "[纳姆·基瓦努卡]", "**", "**: ", "您正在收听"),
        ("**林赛·格雷厄姆（录音，2015年）**: 我们", "林赛·格雷厄姆（录音，2015年）", "**", "**: ", "我们"),
        ("**Speaker 3:** 好", "Speaker 3", "**", ":** ", "好"),
        ("**购物者 A**: 这个", "购物者 A", "**", "**: ", "这个"),
    ],
    ids=["bold-colon", "colon-in-bold", "fullwidth-after-bold", "fullwidth-in-bold",
         "bracketed", "bracketed-colon-in-bold", "colon-then-newline", "plain-name",
         "plain-chinese-name", "bracketed-chinese", "parenthetical-in-name", "digit-name",
         "chinese-with-letter"],
)
def test_every_speaker_label_form_is_read(paragraph, label, label_open, label_close, text):
    (turn,) = body(paragraph)
    assert isinstance(turn, Turn)
    assert (turn.label, turn.label_open, turn.label_close, turn.text) == (
        label, label_open, label_close, text,
    )
    assert not turn.is_narration


def test_speaker_name_drops_brackets():
    assert speaker_name("[Matt]") == "Matt"
    assert speaker_name("Speaker A") == "Speaker A"


def test_label_with_newline_after_colon_pairs_with_its_english():
    (turn,) = body("**Speaker A**:\n因为我\n\n" + STYLE_A.format("**Speaker A**:\nthat because"))
    assert (turn.label, turn.label_close, turn.text) == ("Speaker A", "**:\n", "因为我")
    assert turn.english.text == "**Speaker A**:\nthat because"


@pytest.mark.parametrize(
    "paragraph",
    [
        "**特朗普**总统因为关税问题",
        "**第一招：人海战术和金钱刺激。** 普渡的销售团队",
        "**术语**（English: 解释）",
        "**暗光纤**（dark fiber: 指已经铺设但尚未连接到设备的光纤电缆）的价格",
        "**持续学习**（continual learning：指模型能不断从新数据中学习）",
        "**智能体（Agents）**正在改变",
        "**进食论证**",
        "**向阳乔木** @vista8 [2025-12-15](https://x.com/vista8/status/2000443612786794725)",
        "“紫色州”（Purple States: 政治上摇摆不定的州）",
        ">> Noah，我今年圣诞节想要什么？\n>> 这是一个名叫 Noah 的四岁女儿。",
    ],
    ids=["entity", "section-title", "glossary", "glossary-long", "glossary-fullwidth",
         "gloss-in-bold", "bold-alone", "tweet-attribution", "unbolded-glossary", "gt-markers"],
)
def test_paragraph_opening_with_bold_or_gloss_is_narration_not_a_speaker(paragraph):
    (turn,) = body(paragraph)
    assert turn == Turn(text=paragraph, trailing="")
    assert turn.is_narration


# --- English <details> blocks --------------------------------------------------------

def test_style_a_block_pairs_with_the_paragraph_above():
    (turn,) = body("**Matt Turk**: 嘿，**Dylan**，欢迎你。\n\n" + STYLE_A.format("**Matt Turk**: Hey."))
    assert turn.english == English(text="**Matt Turk**: Hey.")
    assert turn.english_gap == "\n\n"


def test_style_b_block_without_blank_line_above_pairs_with_the_paragraph():
    (turn,) = body("“老兄，这是一品脱。”\n" + STYLE_B.format("Dude, <font color=#FFE900FF>a pint</font>"))
    assert turn.text == "“老兄，这是一品脱。”"
    assert turn.english_gap == "\n"
    assert turn.english.p_open == '<p class="english-text">'
    assert turn.english.text == "Dude, <font color=#FFE900FF>a pint</font>"


@pytest.mark.parametrize(
    "close, english",
    [
        ("</summary_", "**Ezra Klein**: But I also think"),
        ("</summary", "**Speaker**: So what was going on?"),
    ],
)
def test_malformed_summary_close_is_kept_as_the_frame(close, english):
    block = f"<details>\n<summary>Original English{close}\n\n{english}\n</details>"
    (turn,) = body("中文段落\n\n" + block)
    assert turn.text == "中文段落"
    assert turn.english.summary == "Original English"
    assert turn.english.summary_close == close
    assert turn.english.text == english


def test_summary_closed_with_p_is_kept_as_the_frame():
    block = ('<details>\n<summary>View/Hide Original English</p>\n'
             '<p class="english-text">Yeah. And they have $500 billion of cash</p>\n</details>')
    (turn,) = body("是的。\n" + block)
    assert turn.english.summary == "View/Hide Original English"
    assert turn.english.summary_close == "</p>"
    assert turn.english.text == "Yeah. And they have $500 billion of cash"


def test_a_summary_closed_by_details_takes_the_paragraph_up_to_its_own_close():
    """As three real files have it: the ``</details>`` on the summary line is a typo."""
    text = ("中文\n\n<details>\n<summary>Original English</details>\n\n**Speaker A**: Yeah.\n\n"
            "</details>\n\n**B**: 下一个")
    (turn, following) = body(text)
    assert turn.text == "中文"
    assert (turn.english.summary, turn.english.summary_close) == ("Original English", "</details>")
    assert turn.english.text == "**Speaker A**: Yeah."
    assert turn.english.verbatim is None
    assert (following.label, following.text) == ("B", "下一个")


@pytest.mark.parametrize(
    "after",
    ["\n\nEnglish\n\nmore English\n\n</details>", "\n\n中文\n\n<details>\n<summary>x</summary>\n\ny\n\n</details>",
     "\n\nEnglish", ""],
    ids=["two-paragraphs", "next-frame", "no-second-close", "end-of-file"],
)
def test_a_summary_closed_by_details_ends_the_frame_when_no_lone_original_follows(after):
    text = "中文\n\n<details>\n<summary>Original English</details>" + after
    turn = body(text)[0]
    assert turn.english.verbatim == "<details>\n<summary>Original English</details>"


def test_details_closed_inside_the_summary_line_is_written_once():
    text = "中文\n\n<details>\n<summary>Original </details>English</summary>\n\nEnglish\n\n</details>\n"
    turn = body(text)[0]
    assert turn.english.verbatim == "<details>\n<summary>Original </details>"


def test_one_line_details_followed_by_body_end_marker():
    block = ('<details> <summary>View/Hide Original English</summary> '
             '<p class="english-text">One last tip.</p> </details> [BODY_END]')
    (turn, marker) = body("最后一个小贴士。\n\n" + block)
    assert turn.text == "最后一个小贴士。"
    assert (turn.english.gap_open, turn.english.gap_before, turn.english.gap_after) == (" ", " ", " ")
    assert turn.english.text == "One last tip."
    assert isinstance(marker, Raw) and marker.text.strip() == "[BODY_END]"


def test_body_end_marker_on_its_own_line_is_raw():
    blocks = body("中文\n\n" + STYLE_A.format("text") + "\n[BODY_END]")
    assert kinds(blocks) == ["Turn", "Raw"]
    assert blocks[0].english.text == "text" and blocks[0].trailing == "\n"
    assert blocks[1] == Raw("[BODY_END]", trailing="")


def test_p_after_details_is_raw_and_the_block_is_empty():
    text = ('中文\n<details>\n<summary>View/Hide Original English</p>\n</details>\n'
            '<p class="english-text">So just it\'s really clean, right?</p>')
    (turn, raw) = body(text)
    assert turn.text == "中文" and turn.english.text == ""
    assert raw == Raw('<p class="english-text">So just it\'s really clean, right?</p>', trailing="")


def test_unclosed_details_before_a_complete_one_is_raw():
    text = ("几年前\n\n<details>\n<details>\n<summary>Original English</summary>\n\n"
            "**[Matt]**: how did you keep\n\n</details>")
    blocks = body(text)
    assert kinds(blocks) == ["Turn", "Raw", "Turn"]
    assert blocks[1] == Raw("<details>", trailing="\n")
    assert blocks[2].english.text == "**[Matt]**: how did you keep"


def test_unclosed_details_over_a_section_leaves_the_section_readable():
    text = ("中文\n<details>\n\n[BODY_START]\n### 统一平台的演进\n\n**Speaker A**: 好的\n\n"
            + STYLE_A.format("**Speaker A**: OK"))
    blocks = body(text)
    assert kinds(blocks) == ["Turn", "Raw", "Raw", "Heading", "Turn"]
    assert blocks[1] == Raw("<details>", trailing="\n\n")
    assert blocks[2] == Raw("[BODY_START]", trailing="\n")
    assert blocks[3].text == "统一平台的演进"
    assert (blocks[4].label, blocks[4].text, blocks[4].english.text) == (
        "Speaker A", "好的", "**Speaker A**: OK",
    )


def test_details_never_closed_before_end_of_file_is_kept():
    blocks = body("中文\n\n<details>\n<summary>Original English</summary>\n\nHello")
    assert blocks[0] == Turn(text="中文", trailing="\n\n")
    assert isinstance(blocks[1], Raw) and blocks[1].text.startswith("<details>")
    assert not any(isinstance(b, Turn) and b.english for b in blocks)


def test_content_on_the_summary_line_is_english():
    block = ("<details>\n<summary>Original English</summary>[Speaker 1]:  so let's look，\n"
             "[Speaker 1]:  or your widowed，\n</details>")
    (turn,) = body("中文\n\n" + block)
    assert turn.english.gap_before == ""
    assert turn.english.text == "[Speaker 1]:  so let's look，\n[Speaker 1]:  or your widowed，"


@pytest.mark.parametrize(
    "block, p_open, text",
    [
        ('<details>\n<summary>View/Hide Original Text</summary>\n<p>大家应该\n我们一般</p>\n</details>',
         "<p>", "大家应该\n我们一般"),
        ('<details>\n<summary>View/Hide Original Chinese</summary>\n'
         '<p class="chinese-text">大家好 欢迎收看</p>\n</details>',
         '<p class="chinese-text">', "大家好 欢迎收看"),
        ('<details>\n<summary>View/Hide Original English</summary>\n'
         '<p class="english-text"></p>\n</details>', '<p class="english-text">', ""),
        ("<details>\n<summary>Original Chinese Transcript</summary>\n我身后的这个雪板\n和我手上的\n</details>",
         "", "我身后的这个雪板\n和我手上的"),
    ],
    ids=["bare-p", "chinese-text", "empty-english", "compact-chinese"],
)
def test_original_in_other_containers_is_read(block, p_open, text):
    (turn,) = body("中文\n" + block)
    assert turn.english.p_open == p_open
    assert turn.english.text == text


def test_invisible_characters_inside_english_are_kept():
    english = "than that.\xa0\nYou can see it\xa0\xa0\nlanguages \u200b\u200bactually  \nthat's"
    (turn,) = body("中文\n\n<details>\n<summary>Original English</summary>\n\n"
                   + english + " \n\n</details>")
    assert turn.english.text == english
    assert turn.english.gap_after == " \n\n"


def test_two_turns_then_one_english_pairs_it_with_the_second():
    text = ("**David George:** 我们是否？\n\n**Gavin Baker:** 我不认为\n\n"
            + STYLE_B.format("Are we in an AI bubble?<br><br>>> Uh, I do not believe"))
    first, second = body(text)
    assert (first.label, first.english) == ("David George", None)
    assert second.label == "Gavin Baker"
    assert second.english.text == "Are we in an AI bubble?<br><br>>> Uh, I do not believe"


def test_english_after_a_heading_is_a_turn_without_text():
    heading, turn = body("### 标题\n\n" + STYLE_A.format("Great."))
    assert isinstance(heading, Heading)
    assert turn.text is None and turn.english.text == "Great."


@pytest.mark.parametrize(
    "block, english",
    [
        ('<details>\n<summary>V</summary>\n<p class="english-text">make people love you.</p>\n'
         '</p>\n</details>', "make people love you."),
        ("<details>\n<summary>Original English</summary>\n\nfor some\n\n\ntime.\n</summary>\n"
         "</details>", "for some\n\n\ntime."),
    ],
    ids=["extra-p-close-line", "stray-summary-close"],
)
def test_stray_closing_tag_before_details_end_is_not_english(block, english):
    (turn,) = body("中文\n" + block)
    assert turn.english.text == english


def test_dangling_summary_at_end_of_file_is_raw_not_part_of_the_turn():
    blocks = body("好了，周三再聊。\n<summary>")
    assert blocks[0].text == "好了，周三再聊。"
    assert blocks[-1] == Raw("<summary>", trailing="")


# --- comments ----------------------------------------------------------------------

def test_comment_holding_turns_is_one_block():
    fake = ("[BODY_START]\n### 假标题\n\n**Speaker A**: 假的轮次\n\n"
            + STYLE_A.format("**Speaker A**: fake turn") + "\n\n叙述\n\n"
            + STYLE_B.format("fake narration"))
    comment = f"<!-- PADDING PADDING PADDING\n\n{fake}\n\nlength target is >7197 characters. -->"
    blocks = body("真的。\n\n" + STYLE_A.format("Real.") + "\n" + comment
                  + "\n\n<!-- chunk 2/10 -->\n\n### 真标题")
    assert kinds(blocks) == ["Turn", "Comment", "Comment", "Heading"]
    assert blocks[1] == Comment(comment, trailing="\n\n")
    assert blocks[2] == Comment("<!-- chunk 2/10 -->", trailing="\n\n")
    turns = [b for b in blocks if isinstance(b, Turn)]
    assert [(t.text, t.english.text) for t in turns] == [("真的。", "Real.")]


def test_chunk_comment_directly_under_front_matter_is_a_comment():
    blocks = body("<!-- chunk 1/15 -->\n\n### 介绍 Chris Rufo 及其影响力")
    assert blocks == (
        Comment("<!-- chunk 1/15 -->", trailing="\n\n"),
        Heading(level=3, text="介绍 Chris Rufo 及其影响力", trailing=""),
    )


def test_comment_never_closed_runs_to_end_of_file():
    blocks = body("前文\n\n<!-- never closed\n\n**A**: 不是轮次")
    assert blocks[1] == Comment("<!-- never closed\n\n**A**: 不是轮次", trailing="")


def test_comment_opened_inside_a_paragraph_is_not_cut_into_turns():
    (turn, after) = body("前文 <!-- open\n\n**A**: 不是轮次\n-->\n\n后文")
    assert turn.text == "前文 <!-- open\n\n**A**: 不是轮次\n-->"
    assert after.text == "后文"


# --- other markdown in the body ----------------------------------------------------

def test_thematic_break_in_body_is_raw_and_not_a_front_matter_fence():
    document = roundtrip(FM + "中文\n\n" + STYLE_A.format("E") + "\n\n---\n\n### 五维智能体矩阵\n\n---\n")
    assert document.front_matter.values == {"title": "t"}
    assert kinds(document.blocks) == ["Turn", "Raw", "Heading", "Raw"]
    assert document.blocks[1] == Raw("---", trailing="\n\n")
    assert document.blocks[3] == Raw("---", trailing="\n")


def test_fenced_code_with_blank_lines_is_one_raw_block():
    code = "```mermaid\ngraph TD\n\n    A[Claude 智能体矩阵] --> B(思考 Think)\n\n### not a heading\n```"
    blocks = body(code + "\n\n后文")
    assert blocks[0] == Raw(code, trailing="\n\n")
    assert blocks[1].text == "后文"


def test_table_is_one_raw_block():
    table = ("| 维度 | 定义 (Definition) | 深度实践指南 (Actionable Guide) |\n"
             "| :--- | :--- | :--- |\n| 思考 | Think: 想 | 做 |")
    blocks = body("前文\n\n" + table + "\n\n后文")
    assert blocks[1] == Raw(table, trailing="\n\n")
    assert kinds(blocks) == ["Turn", "Raw", "Turn"]
