"""Edit locality: an edit changes the bytes of what was edited and nothing else.

Every test edits one node, renders, and checks with difflib which lines changed; then
it parses the output again to check the edit reads back and nothing else moved.
"""
from __future__ import annotations

import difflib
from dataclasses import replace

import pytest

from archive.codec import (
    Heading,
    Turn,
    edited,
    parse,
    render,
    with_value,
    without_key,
)

ALPHABETICAL = """\
---
area: "society-thinking"
category: general
companies_orgs:
- Oracle
- Abercrombie & Fitch
date: '2025-12-11'
draft: true
guest: ''
insight: ''
layout: post.njk
people: []
products_models: []
project:
- us-analysis
series: ''
source: https://www.youtube.com/watch?v=KVm4LGYJk4Q
speaker: 超級歪 SuperY
status: evergreen
summary: 本期节目深入探讨了英式英语中常见的地道表达
tags:
- british-english
- language
title: 英式英语的秘密
---

### 第一节

“老兄，这是一品脱。”
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">Dude, this is a pint.</p>
</details>

**Host:** 你好。
<details>
<summary>View/Hide Original English</p>
<p class="english-text">Hello.</p>
</details>"""

INSERTION = """\
---
author: a16z
date: '2026-02-05'
layout: post.njk
source: https://www.youtube.com/watch?v=DqBMzuzxZog
speaker: a16z
tags:
  - chip-architecture
  - ai-inference
title: Dylan Patel：英伟达的新护城河
summary: 本期访谈中，半导体分析师**Dylan Patel**深入探讨了
insight: ''
draft: true
series: ''
category: ai-ml
area: tech-engineering
project: []
companies_orgs:
  - Nvidia
products_models: '[]'
media_books: []
status: evergreen
---
### 访谈介绍

**Matt Turk**: 大家好，我是**Matt Turk**。

<details>
<summary>Original English</summary>

**Matt Turk**: Hi, I'm **Matt Turk**.

</details>

**Dylan Patel**: 谢谢邀请。

<details>
<summary>Original English</summary>

**Dylan Patel**: Thanks for having me.

</details>

### 第二节

**Matt Turk**: 我们开始吧。

<details>
<summary>Original English</summary>

**Matt Turk**: Let's start.

</details>"""

DOUBLE_QUOTED = """\
---
title: "婚姻的六大圣经目的"
summary: "本讲稿深入探讨了婚姻的六个核心圣经目的"
speaker: "Pastor Rick"
date: "2024-07-11"
area: "society-thinking"
category: "philosophy-thinking"
layout: post.njk
tags:
  - "marriage"
  - "christianity"
people:
  - "Rick Warren"
---

正文。"""

SPACED_KEYS = """\
---
title: "压缩即智能"
speaker : Lei
category : "technology"
date: 2023-02-27
project :
    - ai-impact-analysis
    - systems-thinking
people:
layout: post.njk
companies_orgs:

 - "Stanford"

---



###介绍与开场大家好"""


def changes(before: str, after: str) -> list[tuple[list[str], list[str]]]:
    """Each changed hunk as (removed lines, added lines), without line ends."""
    old, new = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [
        (old[i1:i2], new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def edit_front_matter(text: str, change):
    """Apply ``change`` to the front matter; return the output and its reparsed document."""
    document = parse(text)
    output = render(replace(document, front_matter=change(document.front_matter)))
    reparsed = parse(output)
    assert reparsed.blocks == document.blocks
    return output, reparsed


def edit_block(text: str, index: int, change):
    """Replace block ``index`` by ``change(block)``; check that only it moved; return output."""
    document = parse(text)
    new_block = change(document.blocks[index])
    blocks = document.blocks[:index] + (new_block,) + document.blocks[index + 1:]
    output = render(replace(document, blocks=blocks))
    reparsed = parse(output)
    assert reparsed.front_matter == document.front_matter
    assert len(reparsed.blocks) == len(document.blocks)
    assert reparsed.blocks[index] == new_block
    assert reparsed.blocks[:index] == document.blocks[:index]
    assert reparsed.blocks[index + 1:] == document.blocks[index + 1:]
    return output


# --- body blocks ---------------------------------------------------------------------

def test_editing_a_turns_text_changes_only_its_line():
    output = edit_block(INSERTION, 2, lambda turn: replace(turn, text="谢谢你们的邀请。"))
    assert changes(INSERTION, output) == [
        (["**Dylan Patel**: 谢谢邀请。"], ["**Dylan Patel**: 谢谢你们的邀请。"]),
    ]


def test_editing_a_narration_turn_glued_to_its_details_changes_only_its_line():
    index = next(i for i, b in enumerate(parse(ALPHABETICAL).blocks) if isinstance(b, Turn))
    output = edit_block(ALPHABETICAL, index, lambda turn: replace(turn, text="“老兄，这是一杯。”"))
    assert changes(ALPHABETICAL, output) == [(["“老兄，这是一品脱。”"], ["“老兄，这是一杯。”"])]


def test_editing_style_a_english_changes_only_the_english_line():
    output = edit_block(
        INSERTION, 2,
        lambda turn: replace(turn, english=edited(turn.english, text="**Dylan Patel**: Thank you.")),
    )
    assert changes(INSERTION, output) == [
        (["**Dylan Patel**: Thanks for having me."], ["**Dylan Patel**: Thank you."]),
    ]


def test_editing_style_b_english_keeps_a_malformed_summary_close():
    index = len(parse(ALPHABETICAL).blocks) - 1
    output = edit_block(
        ALPHABETICAL, index, lambda turn: replace(turn, english=edited(turn.english, text="Hi.")),
    )
    assert changes(ALPHABETICAL, output) == [
        (['<p class="english-text">Hello.</p>'], ['<p class="english-text">Hi.</p>']),
    ]
    assert "<summary>View/Hide Original English</p>" in output


def test_editing_english_over_several_lines_replaces_only_those_lines():
    text = INSERTION.replace("Thanks for having me.", "Thanks\n\nfor having me.")
    output = edit_block(text, 2, lambda turn: replace(turn, english=edited(turn.english, text="Thanks.")))
    assert changes(text, output) == [(["**Dylan Patel**: Thanks", "", "for having me."], ["Thanks."])]


def test_editing_a_heading_changes_only_its_line():
    index = [i for i, b in enumerate(parse(INSERTION).blocks) if isinstance(b, Heading)][1]
    output = edit_block(INSERTION, index, lambda heading: replace(heading, text="第二节：开始"))
    assert changes(INSERTION, output) == [(["### 第二节"], ["### 第二节：开始"])]


def test_editing_a_glued_heading_keeps_it_glued():
    document = parse(SPACED_KEYS)
    index = len(document.blocks) - 1
    output = edit_block(SPACED_KEYS, index, lambda heading: replace(heading, text="介绍"))
    assert changes(SPACED_KEYS, output) == [(["###介绍与开场大家好"], ["###介绍"])]


@pytest.mark.parametrize(
    "paragraph, edited_line",
    [
        ("**Matt Turk**: 我们开始吧。", "**Matt Turck**: 我们开始吧。"),
        ("**Matt Turk:** 我们开始吧。", "**Matt Turck:** 我们开始吧。"),
        ("**Matt Turk**：我们开始吧。", "**Matt Turck**：我们开始吧。"),
        ("Matt Turk: 我们开始吧。", "Matt Turck: 我们开始吧。"),
    ],
    ids=["bold-colon", "colon-in-bold", "fullwidth", "plain"],
)
def test_renaming_a_speaker_changes_only_the_label(paragraph, edited_line):
    text = INSERTION.replace("**Matt Turk**: 我们开始吧。", paragraph)
    index = len(parse(text).blocks) - 1
    output = edit_block(text, index, lambda turn: replace(turn, label="Matt Turck"))
    assert changes(text, output) == [([paragraph], [edited_line])]


# --- front matter: scalars -----------------------------------------------------------

def test_setting_a_scalar_in_an_alphabetical_header_changes_one_line():
    output, reparsed = edit_front_matter(ALPHABETICAL, lambda fm: with_value(fm, "draft", False))
    assert changes(ALPHABETICAL, output) == [(["draft: true"], ["draft: false"])]
    assert reparsed.front_matter.values["draft"] is False


def test_setting_a_scalar_that_needs_quotes_quotes_it():
    output, reparsed = edit_front_matter(
        INSERTION, lambda fm: with_value(fm, "title", "Dylan Patel: it's a moat"),
    )
    assert changes(INSERTION, output) == [
        (["title: Dylan Patel：英伟达的新护城河"], ["title: 'Dylan Patel: it''s a moat'"]),
    ]
    assert reparsed.front_matter.values["title"] == "Dylan Patel: it's a moat"


def test_setting_a_quoted_date_keeps_its_quotes():
    output, reparsed = edit_front_matter(INSERTION, lambda fm: with_value(fm, "date", "2026-03-01"))
    assert changes(INSERTION, output) == [(["date: '2026-02-05'"], ["date: '2026-03-01'"])]
    assert reparsed.front_matter.values["date"] == "2026-03-01"


def test_setting_a_bare_date_keeps_it_bare():
    output, reparsed = edit_front_matter(SPACED_KEYS, lambda fm: with_value(fm, "date", "2023-03-01"))
    assert changes(SPACED_KEYS, output) == [(["date: 2023-02-27"], ["date: 2023-03-01"])]
    assert reparsed.front_matter.values["date"] == "2023-03-01"


def test_setting_a_double_quoted_scalar_keeps_double_quotes():
    output, reparsed = edit_front_matter(DOUBLE_QUOTED, lambda fm: with_value(fm, "title", "新的“标题”"))
    assert changes(DOUBLE_QUOTED, output) == [
        (['title: "婚姻的六大圣经目的"'], ['title: "新的“标题”"']),
    ]
    assert reparsed.front_matter.values["title"] == "新的“标题”"


def test_setting_a_key_written_with_a_space_before_its_colon_keeps_the_space():
    output, reparsed = edit_front_matter(SPACED_KEYS, lambda fm: with_value(fm, "speaker", "Jack Rae"))
    assert changes(SPACED_KEYS, output) == [(["speaker : Lei"], ["speaker : Jack Rae"])]
    assert reparsed.front_matter.values["speaker"] == "Jack Rae"


def test_setting_a_duplicated_key_rewrites_the_last_one():
    text = "---\nlayout: post.njk\nsummary: ''\ntags: []\nsummary: 旧的\n---\n正文"
    output, reparsed = edit_front_matter(text, lambda fm: with_value(fm, "summary", "新的"))
    assert changes(text, output) == [(["summary: 旧的"], ["summary: 新的"])]
    assert reparsed.front_matter.values["summary"] == "新的"


def test_setting_a_folded_summary_replaces_its_continuation_line():
    text = "---\nsummary: 揭露了其中，Regen\n  Cell Biosciences股价\ntitle: t\n---\nx"
    output, reparsed = edit_front_matter(text, lambda fm: with_value(fm, "summary", "短的"))
    assert changes(text, output) == [
        (["summary: 揭露了其中，Regen", "  Cell Biosciences股价"], ["summary: 短的"]),
    ]
    assert reparsed.front_matter.values == {"summary": "短的", "title": "t"}


@pytest.mark.parametrize(
    "value",
    ["第一段\n第二段", "a\r\nb", "上文\n---\n下文", "tab\there", "vertical\x0btab", "del\x7f"],
    ids=["newline", "crlf", "fence-line", "tab", "control-char", "del"],
)
@pytest.mark.parametrize("header", [INSERTION, DOUBLE_QUOTED], ids=["single-quote-dialect", "double-quote-dialect"])
def test_setting_a_value_no_plain_scalar_can_hold_reads_back_unchanged(header, value):
    output, reparsed = edit_front_matter(header, lambda fm: with_value(fm, "summary", value))
    assert reparsed.front_matter.values["summary"] == value
    (removed, added), = changes(header, output)
    assert len(removed) == 1 and removed[0].startswith("summary: ")


# --- front matter: lists -------------------------------------------------------------

def test_setting_a_list_in_an_alphabetical_header_writes_column_0_items():
    output, reparsed = edit_front_matter(ALPHABETICAL, lambda fm: with_value(fm, "tags", ["a", "b: c"]))
    assert changes(ALPHABETICAL, output) == [
        (["- british-english", "- language"], ["- a", "- 'b: c'"]),
    ]
    assert reparsed.front_matter.values["tags"] == ["a", "b: c"]


def test_filling_an_empty_list_in_an_alphabetical_header_writes_column_0_items():
    output, reparsed = edit_front_matter(ALPHABETICAL, lambda fm: with_value(fm, "people", ["卢梭"]))
    assert changes(ALPHABETICAL, output) == [(["people: []"], ["people:", "- 卢梭"])]
    assert reparsed.front_matter.values["people"] == ["卢梭"]


def test_setting_a_list_in_an_insertion_header_writes_2_space_items():
    output, reparsed = edit_front_matter(INSERTION, lambda fm: with_value(fm, "tags", ["x", "y"]))
    assert changes(INSERTION, output) == [
        (["  - chip-architecture", "  - ai-inference"], ["  - x", "  - y"]),
    ]
    assert reparsed.front_matter.values["tags"] == ["x", "y"]


def test_filling_a_string_brackets_value_writes_a_real_list():
    output, reparsed = edit_front_matter(INSERTION, lambda fm: with_value(fm, "products_models", ["GPT-4"]))
    assert changes(INSERTION, output) == [(["products_models: '[]'"], ["products_models:", "  - GPT-4"])]
    assert reparsed.front_matter.values["products_models"] == ["GPT-4"]


def test_emptying_a_list_writes_flow_brackets():
    output, reparsed = edit_front_matter(INSERTION, lambda fm: with_value(fm, "companies_orgs", []))
    assert changes(INSERTION, output) == [(["companies_orgs:", "  - Nvidia"], ["companies_orgs: []"])]
    assert reparsed.front_matter.values["companies_orgs"] == []


def test_setting_a_list_with_double_quoted_items_keeps_the_quotes():
    output, reparsed = edit_front_matter(DOUBLE_QUOTED, lambda fm: with_value(fm, "tags", ["婚姻", "love"]))
    assert changes(DOUBLE_QUOTED, output) == [
        (['  - "marriage"', '  - "christianity"'], ['  - "婚姻"', '  - "love"']),
    ]
    assert reparsed.front_matter.values["tags"] == ["婚姻", "love"]


def test_setting_a_4_space_list_under_a_spaced_key_keeps_both():
    output, reparsed = edit_front_matter(SPACED_KEYS, lambda fm: with_value(fm, "project", ["p1"]))
    assert changes(SPACED_KEYS, output) == [
        (["    - ai-impact-analysis", "    - systems-thinking"], ["    - p1"]),
    ]
    assert reparsed.front_matter.values["project"] == ["p1"]


def test_setting_a_list_keeps_the_blank_lines_after_it():
    output, reparsed = edit_front_matter(
        SPACED_KEYS, lambda fm: with_value(fm, "companies_orgs", ["OpenAI", "FAIR"]),
    )
    assert changes(SPACED_KEYS, output) == [
        (["", ' - "Stanford"'], [' - "OpenAI"', ' - "FAIR"']),
    ]
    assert output.endswith('companies_orgs:\n - "OpenAI"\n - "FAIR"\n\n---\n\n\n\n###介绍与开场大家好')
    assert reparsed.front_matter.values["companies_orgs"] == ["OpenAI", "FAIR"]


def test_setting_a_null_list_writes_items_under_it():
    output, reparsed = edit_front_matter(SPACED_KEYS, lambda fm: with_value(fm, "people", ["Jack Rae"]))
    (removed, added), = changes(SPACED_KEYS, output)
    assert removed == [] and len(added) == 1
    assert added[0].strip() in {"- Jack Rae", '- "Jack Rae"'}
    assert "\npeople:\n" + added[0] + "\nlayout: post.njk\n" in output
    assert reparsed.front_matter.values["people"] == ["Jack Rae"]


# --- front matter: adding and removing keys -----------------------------------------

@pytest.mark.parametrize(
    "key, value, line, after",
    [
        ("exclude", True, "exclude: true", "draft: true"),
        ("author", "a16z", "author: a16z", 'area: "society-thinking"'),
        ("media_books", ["The Daily"], "media_books:\n- The Daily", "layout: post.njk"),
        ("zz_note", "x", "zz_note: x", "title: 英式英语的秘密"),
    ],
)
def test_adding_a_key_to_an_alphabetical_header_lands_at_its_sorted_place(key, value, line, after):
    output, reparsed = edit_front_matter(ALPHABETICAL, lambda fm: with_value(fm, key, value))
    assert changes(ALPHABETICAL, output) == [([], line.split("\n"))]
    assert f"\n{after}\n{line}\n" in output
    keys = reparsed.front_matter.keys()
    assert keys == sorted(keys)
    assert reparsed.front_matter.values[key] == value


@pytest.mark.parametrize(
    "key, value, line, after",
    [
        ("guest", "", "guest: ''", "date: '2026-02-05'"),
        ("people", ["Jensen Huang"], "people:\n  - Jensen Huang", "project: []"),
        ("exclude", True, "exclude: true", "status: evergreen"),
    ],
)
def test_adding_a_key_to_an_insertion_header_lands_at_its_canonical_place(key, value, line, after):
    output, reparsed = edit_front_matter(INSERTION, lambda fm: with_value(fm, key, value))
    assert changes(INSERTION, output) == [([], line.split("\n"))]
    assert f"\n{after}\n{line}\n" in output
    assert reparsed.front_matter.values[key] == value


def test_removing_a_list_key_removes_only_its_lines():
    output, reparsed = edit_front_matter(ALPHABETICAL, lambda fm: without_key(fm, "companies_orgs"))
    assert changes(ALPHABETICAL, output) == [
        (["companies_orgs:", "- Oracle", "- Abercrombie & Fitch"], []),
    ]
    assert "companies_orgs" not in reparsed.front_matter.values


def test_removing_a_duplicated_key_removes_every_line_of_it():
    text = "---\nlayout: post.njk\nsummary: ''\ntags: []\nsummary: 旧的\n---\n正文"
    output, reparsed = edit_front_matter(text, lambda fm: without_key(fm, "summary"))
    assert changes(text, output) == [(["summary: ''"], []), (["summary: 旧的"], [])]
    assert reparsed.front_matter.values == {"layout": "post.njk", "tags": []}


def test_removing_then_adding_a_key_restores_the_insertion_file():
    document = parse(INSERTION)
    front_matter = with_value(without_key(document.front_matter, "insight"), "insight", "")
    assert render(replace(document, front_matter=front_matter)) == INSERTION


# --- the same edits on real files --------------------------------------------------

CORPUS_FILES = [
    "seeds/dylan-patel-nvidia-moat.md",
    "seeds/gavin-baker-ai-bubble.md",
    "real/04-latent-space-general-agents.md",
    "real/13-odd-lots-ai-infrastructure-boom.md",
    "real/20-british-english-taiwan-bilingual.md",
    "real/32-vibe-coding-to-vibe-engineering.md",
]


def read(corpus_dir, name):
    path = corpus_dir / name
    if not path.exists():
        pytest.skip(f"{name} is not in this corpus")
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def middle_turn(text: str, *, with_english: bool) -> int:
    """The index of the turn nearest the middle with one-line text (and, if asked, English)."""
    blocks = parse(text).blocks

    def suitable(block) -> bool:
        if not (isinstance(block, Turn) and block.text and "\n" not in block.text):
            return False
        return not with_english or bool(block.english and block.english.text.strip())

    candidates = [i for i, block in enumerate(blocks) if suitable(block)]
    assert candidates, "no suitable turn"
    return min(candidates, key=lambda i: abs(i - len(blocks) // 2))


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_editing_a_turn_in_a_real_file_changes_only_its_line(corpus_dir, name):
    text = read(corpus_dir, name)
    index = middle_turn(text, with_english=False)
    turn = parse(text).blocks[index]
    output = edit_block(text, index, lambda t: replace(t, text="编辑后的译文。"))
    old_line = turn.label_open + turn.label + turn.label_close + turn.text
    new_line = turn.label_open + turn.label + turn.label_close + "编辑后的译文。"
    assert changes(text, output) == [(old_line.split("\n"), new_line.split("\n"))]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_editing_english_in_a_real_file_changes_only_the_english_bytes(corpus_dir, name):
    text = read(corpus_dir, name)
    index = middle_turn(text, with_english=True)
    document = parse(text)
    english = document.blocks[index].english
    output = edit_block(
        text, index, lambda t: replace(t, english=edited(t.english, text="Edited English.")),
    )
    start = len(render(replace(document, blocks=document.blocks[:index])))
    at = text.index(english.text, start)
    assert output == text[:at] + "Edited English." + text[at + len(english.text):]
    (removed, added), = changes(text, output)
    assert "\n".join(added).count("Edited English.") == 1
    assert "\n".join(removed).count(english.text) == 1


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_renaming_the_speaker_of_a_real_turn_changes_only_its_line(corpus_dir, name):
    text = read(corpus_dir, name)
    blocks = parse(text).blocks
    labelled = [i for i, b in enumerate(blocks) if isinstance(b, Turn) and b.label]
    if not labelled:
        pytest.skip(f"{name} has no speaker labels")
    index = labelled[len(labelled) // 2]
    turn = blocks[index]
    output = edit_block(text, index, lambda t: replace(t, label="Renamed Speaker"))
    (removed, added), = changes(text, output)
    assert removed[0].startswith(turn.label_open + turn.label)
    assert added[0].startswith(turn.label_open + "Renamed Speaker")
    assert removed[1:] == added[1:]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_setting_front_matter_in_a_real_file_changes_only_that_key(corpus_dir, name):
    text = read(corpus_dir, name)
    document = parse(text)
    old = document.front_matter
    output, reparsed = edit_front_matter(
        text, lambda fm: with_value(with_value(fm, "title", "新标题：测试"), "tags", ["alpha", "beta"]),
    )
    assert reparsed.front_matter.values == {
        **old.values, "title": "新标题：测试", "tags": ["alpha", "beta"],
    }
    new = reparsed.front_matter
    assert [e for e in new.entries if e.key not in {"title", "tags"}] == [
        e for e in old.entries if e.key not in {"title", "tags"}
    ]
    old_lines = {line for e in old.entries if e.key in {"title", "tags"} for line in e.raw.split("\n")}
    new_lines = {line for e in new.entries if e.key in {"title", "tags"} for line in e.raw.split("\n")}
    hunks = changes(text, output)
    assert hunks
    for removed, added in hunks:
        assert set(removed) <= old_lines and set(added) <= new_lines
    added = [line for _, lines in hunks for line in lines]
    assert "title: 新标题：测试" in added
    assert [line.strip() for line in added if line.strip().startswith("- ")] == ["- alpha", "- beta"]


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_removing_and_re_adding_a_real_key_restores_the_file(corpus_dir, name):
    text = read(corpus_dir, name)
    document = parse(text)
    keys = document.front_matter.keys()
    key = next(k for k in ("draft", "layout", "category") if keys.count(k) == 1)
    value = document.front_matter.values[key]
    front_matter = with_value(without_key(document.front_matter, key), key, value)
    assert render(replace(document, front_matter=front_matter)) == text
