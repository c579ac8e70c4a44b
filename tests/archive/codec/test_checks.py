import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.codec import English, Heading, Turn, reads_back
from archive.codec.parser import parse_body
from archive.codec.printer import render_block


@pytest.mark.parametrize(
    "block",
    [
        Turn(text="一句话。"),
        Turn(text="说话。", label="Speaker A", label_open="**", label_close="**: "),
        Turn(text="两行\n一段", english=English(text="Two lines\none paragraph")),
        Turn(text=None, english=English(text="Only the original.")),
        Heading(level=3, text="小节"),
    ],
)
def test_ordinary_blocks_read_back(block):
    assert reads_back(block)


@pytest.mark.parametrize(
    "block",
    [
        Turn(text="第一段。\n\n第二段。"),
        Turn(text="| 表格"),
        Turn(text=" 缩进"),
        Turn(text="**Speaker B**: 标签写进了正文"),
        Turn(text="中文", english=English(text="ends </details> early")),
    ],
)
def test_text_the_file_would_read_differently_does_not(block):
    assert not reads_back(block)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_whenever_a_turn_reads_back_its_text_survives_the_file(text):
    turn = Turn(text=text)
    if reads_back(turn):
        assert parse_body(render_block(turn))[0].text == text
