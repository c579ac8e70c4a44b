"""A text that is not an episode file raises ParseError naming the line at fault; a text
without a front-matter fence is a document without front matter."""
from __future__ import annotations

import dataclasses

import pytest

from archive.codec import ParseError, parse, render, with_value


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(text)
    return caught.value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "### 标题\n\n正文",
        "title: t\n---\n",
        "\n---\ntitle: t\n---\n",
        " ---\ntitle: t\n---\n",
        "\ufeff",
        "----\ntitle: t\n----\n\n**主持人：** 你好\n",
    ],
    ids=[
        "empty", "body-only", "no-opening-fence", "blank-first-line", "indented-fence",
        "bom-only", "four-dash-fence",
    ],
)
def test_text_without_a_front_matter_fence_is_a_document_without_front_matter(text):
    document = parse(text)
    assert not document.front_matter.fenced
    assert document.front_matter.values == {}
    assert render(document) == text


def test_a_key_set_on_a_document_without_front_matter_opens_a_fenced_header():
    document = parse("----\nnot: a header\n----\n\n正文\n")
    front_matter = with_value(document.front_matter, "title", "标题")
    assert front_matter.fenced
    assert render(dataclasses.replace(document, front_matter=front_matter)) == (
        "---\ntitle: 标题\n---\n----\nnot: a header\n----\n\n正文\n"
    )


@pytest.mark.parametrize(
    "text",
    ["---", "---\n", "---\ntitle: t\n", "---\ntitle: t\n\n### 标题\n\n正文", "---\ntitle: t\n ---\nx"],
    ids=["fence-only", "fence-and-newline", "no-body", "body-without-fence", "indented-closing"],
)
def test_unclosed_front_matter_fails(text):
    error = parse_error(text)
    assert error.line == 1
    assert "not closed" in error.message


@pytest.mark.parametrize(
    "bad_line",
    [
        "  summary: 缩进错误",
        "summary: a: b",
        "summary: @mention",
        "\tsummary: tab",
        'summary: "never closed',
        "summary: 'never closed",
    ],
    ids=["bad-indent", "colon-in-plain", "reserved-indicator", "tab", "open-double-quote",
         "open-single-quote"],
)
def test_invalid_yaml_on_line_4_is_reported_on_line_4(bad_line):
    text = f"---\ntitle: t\ndate: '2025-01-01'\n{bad_line}\nlayout: post.njk\nstatus: evergreen\n---\n正文"
    error = parse_error(text)
    assert error.line == 4
    assert "YAML" in error.message
    assert str(error).startswith("line 4: ")


def test_invalid_yaml_in_a_crlf_file_is_reported_on_its_line():
    text = "---\r\ntitle: t\r\ntags:\r\n  - a\r\n bad: x\r\n---\r\n正文"
    assert parse_error(text).line == 5


def test_invalid_yaml_after_a_bom_is_reported_on_its_line():
    assert parse_error("\ufeff---\ntitle: t\n  bad: x\n---\n正文").line == 3


def test_front_matter_that_is_a_list_fails_on_line_2():
    error = parse_error("---\n- a\n- b\n---\n正文")
    assert error.line == 2
    assert "list" in error.message


@pytest.mark.parametrize("inner", ["", "\n", "# only a comment\n"], ids=["nothing", "blank", "comment"])
def test_empty_front_matter_fails_on_line_2(inner):
    error = parse_error(f"---\n{inner}---\n正文")
    assert error.line == 2
    assert "empty" in error.message


@pytest.mark.parametrize("scalar", ["just a sentence", "42", "true", "'quoted'"])
def test_front_matter_that_is_a_scalar_fails_on_line_2(scalar):
    error = parse_error(f"---\n{scalar}\n---\n正文")
    assert error.line == 2
    assert "not a mapping" in error.message


def test_parse_error_is_a_value_error_that_prints_its_line():
    error = parse_error("---\n- a\n---\n")
    assert isinstance(error, ValueError)
    assert str(error) == f"line 2: {error.message}"


@pytest.mark.parametrize(
    "value",
    ["1" * 5000, "!!int 0x", '!!int ""', "!!bool maybe", "!!float x", "!!timestamp 2020-13-45",
     "!!timestamp x", "[a, {b: !!int 0b}]"],
    ids=["int-of-5000-digits", "int", "empty-int", "bool", "float", "month-13", "timestamp",
         "nested"],
)
def test_a_tagged_value_yaml_cannot_construct_is_a_parse_error_on_its_line(value):
    """PyYAML raises plain ValueError, KeyError, IndexError… for these, without a line."""
    error = parse_error(f"---\ntitle: t\n\nodd: {value}\n---\n正文")
    assert error.line == 4
    assert error.message.startswith("invalid YAML in front matter: cannot read ")
