"""What an edit makes is written in the document's own style, decided by the codec:
new and reshaped blocks leave their style UNSET and ``rebuilt`` settles it."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from archive.codec import (
    UNSET,
    Comment,
    English,
    Heading,
    Turn,
    UnwritableBlock,
    edited_turn,
    new_heading,
    new_turn,
    parse,
    rebuilt,
    render,
    style_fields,
)

from .test_properties import SETTINGS, documents

PLAIN_P = """\
---
title: 纯文本标签
---

Andy: 第一句。
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">First line.</p>
</details>

Matt: 第二句。
<details>
<summary>View/Hide Original English</summary>
<p class="english-text">Second line.</p>
</details>

Andy: 第三句。"""


def appended(text: str, block) -> str:
    document = parse(text)
    return render(rebuilt(document, [*document.blocks, block]))


def test_a_new_turn_takes_the_label_and_original_frames_most_of_the_file_uses():
    after = appended(PLAIN_P, new_turn(label="Matt", text="第四句。", english="Fourth line."))
    assert after == PLAIN_P + (
        "\n\nMatt: 第四句。\n<details>\n<summary>View/Hide Original English</summary>\n"
        '<p class="english-text">Fourth line.</p>\n</details>'
    )


def test_a_new_last_block_takes_the_files_ending_and_the_old_last_an_ordinary_one():
    text = PLAIN_P + "\n"  # one final newline
    document = parse(text)
    last = document.blocks[-1]
    moved = rebuilt(document, [last, *document.blocks[:-1]])
    assert render(moved).endswith("</details>\n")
    assert moved.blocks[0].trailing == "\n\n"


def test_in_a_file_without_labels_or_originals_the_formats_usual_frames_are_used():
    text = "---\ntitle: x\n---\n\n旁白。\n"
    after = appended(text, new_turn(label="Ada", text="你好。", english="Hello."))
    assert after == (
        "---\ntitle: x\n---\n\n旁白。\n\n**Ada**: 你好。\n\n<details>\n"
        "<summary>Original English</summary>\n\nHello.\n\n</details>\n"
    )


def test_a_label_given_to_narration_gets_a_frame_and_a_removed_one_loses_it():
    document = parse(PLAIN_P.replace("Matt: 第二句。", "第二句。"))
    narration, labelled = document.blocks[1], document.blocks[0]
    blocks = list(document.blocks)
    blocks[1] = edited_turn(narration, label="Grace", text=narration.text, english="Second line.")
    blocks[0] = edited_turn(labelled, label="", text=labelled.text, english="First line.")
    after = render(rebuilt(document, blocks))
    assert "\nGrace: 第二句。\n" in after
    assert "\n\n第一句。\n<details>" in after


def test_an_edited_original_keeps_its_own_frame():
    document = parse(PLAIN_P)
    first = document.blocks[0]
    changed = edited_turn(first, label="Andy", text=first.text, english="First, edited.")
    assert changed.english.p_open == '<p class="english-text">'
    assert UNSET not in dataclasses.astuple(changed.english)


def test_a_new_heading_is_written_as_the_files_headings_are():
    text = "---\ntitle: x\n---\n\n##  一\n\n旁白。"
    assert appended(text, new_heading(level=2, text="二")) == text + "\n\n##  二"


def test_a_block_the_file_would_read_back_differently_is_refused_where_it_stands():
    document = parse(PLAIN_P)
    blocks = [*document.blocks[:1], new_turn(label="", text="一段\n\n两段", english=None),
              *document.blocks[1:]]
    with pytest.raises(UnwritableBlock) as refused:
        rebuilt(document, blocks)
    assert refused.value.index == 1


def test_nodes_refuse_shapes_no_file_has():
    with pytest.raises(ValueError):
        Heading(level=7, text="太深")
    with pytest.raises(ValueError):
        Heading(level=2, text="两\n行")
    with pytest.raises(ValueError):
        Turn(text=None)  # neither text nor original
    with pytest.raises(ValueError):
        Turn(text="话", label="两\n行", label_open="**", label_close="**: ")
    with pytest.raises(ValueError):
        Comment("not a comment")


def test_a_blocks_row_is_neither_printed_nor_compared():
    block = Turn(text="一句。", english=English(text="One line."))
    with_row = dataclasses.replace(block, row=41)
    assert with_row == block
    empty = parse("---\ntitle: x\n---\n")
    assert render(dataclasses.replace(empty, blocks=(with_row,))) == render(
        dataclasses.replace(empty, blocks=(block,))
    )


def test_style_fields_are_what_a_node_records_of_how_it_is_written():
    assert style_fields(Turn) == ("label_open", "label_close", "english_gap", "trailing")
    assert style_fields(Heading) == ("gap", "trailing")
    assert "text" not in style_fields(English) and "verbatim" not in style_fields(English)


@SETTINGS
@given(documents())
def test_rebuilding_a_document_with_its_own_blocks_changes_nothing(text):
    document = parse(text)
    assert render(rebuilt(document, document.blocks)) == render(document)


@SETTINGS
@given(documents(), st.sampled_from(["", "Speaker A", "Ada Park"]),
       st.sampled_from(["新的一句。", "带**粗体**的一句。"]),
       st.sampled_from([None, "A new line.", "**Speaker A**: quoted."]))
def test_a_new_turn_reads_back_as_made_and_leaves_every_other_block_as_it_was(
    text, label, translation, english
):
    document = parse(text)
    assume(document.blocks)
    turn = new_turn(label=label, text=translation, english=english)
    try:
        after = parse(appended(text, turn))
    except UnwritableBlock:
        assume(False)
    *kept, added = after.blocks
    assert (added.label, added.text, added.english.text if added.english else None) == (
        label, translation, english
    )
    assert [without_ending(b) for b in kept] == [without_ending(b) for b in document.blocks]


def without_ending(block):
    return dataclasses.replace(block, trailing="")
