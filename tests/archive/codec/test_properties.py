"""Property tests: whole documents generated from the grammar of QUIRKS.md.

The strategy writes a front matter (any subset and order of keys, every quoting and
list style seen) and a body of headings, speaker turns in every label form, narration,
``<details>`` blocks in every dialect (malformed ones included), comments, markers and
junk, joined by random blank lines, with a random file end, BOM and newline style.
"""
from __future__ import annotations

import json
from dataclasses import replace

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archive.codec import Turn, parse, render, with_value
from archive.codec.parser import parse_english
from archive.codec.printer import render_english

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow],
)

# --- front matter ------------------------------------------------------------------

CANONICAL = (
    "author", "date", "guest", "layout", "source", "speaker", "tags", "title",
    "summary", "insight", "draft", "series", "category", "area", "project", "people",
    "companies_orgs", "products_models", "media_books", "status",
)
LIST_KEYS = {"tags", "project", "people", "companies_orgs", "products_models", "media_books",
             "companies"}
EXTRA_KEYS = ("companies", "exclude", "x-note")

PLAIN_VALUES = (
    "post.njk", "evergreen", "ai-ml", "a16z", "TVO Today", "超級歪 SuperY", "general",
    "Dylan Patel：英伟达的新护城河与中国半导体雄心",
    "https://www.youtube.com/watch?v=DqBMzuzxZog",
    "本期访谈中，半导体分析师**Dylan Patel**深入探讨了**英伟达**",
)
PLAIN_ITEMS = (
    "chip-architecture", "ai-inference", "Nvidia", "Abercrombie & Fitch", "卢梭", "《圣经》",
    "GPT-4", "Scale (book)", "New York Times Podcasts", "DeepSeek v3.2",
)

# What YAML reads inside quotes and what an editor can type: no control characters,
# no surrogates, no line or paragraph separators.
printable = st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
)
printable_text = st.text(printable, max_size=20)


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def double_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@st.composite
def scalar_value(draw, key: str) -> str:
    """The text after ``key:`` for a scalar key, newline included."""
    if key == "date":
        date = draw(st.dates()).isoformat()
        return " " + draw(st.sampled_from([date, single_quoted(date), double_quoted(date)])) + "\n"
    if key == "draft":
        return " " + draw(st.sampled_from(["true", "false", "'true'", '"False"', "1", "'maybe'"])) + "\n"
    kind = draw(st.sampled_from(["plain", "single", "double", "empty", "folded", "null", "typed"]))
    if kind == "typed":
        return " " + draw(st.sampled_from(YAML_SCALARS)).rstrip("\n") + "\n"
    if kind == "plain":
        return " " + draw(st.sampled_from(PLAIN_VALUES)) + "\n"
    if kind == "single":
        return " " + single_quoted(draw(printable_text)) + "\n"
    if kind == "double":
        return " " + double_quoted(draw(printable_text)) + "\n"
    if kind == "empty":
        return " ''\n"
    if kind == "folded":
        return " 揭露了其中，Regen\n  Cell Biosciences股价曾被推高\n"
    return "\n"


EMPTY_ITEMS = ("''", '""', "~", "null", "", " ", "- ''")
FLOW_LISTS = ("[]", "['']", "[~]", "[a, '', ~, null]", "[ ]", "[a,b]", '["", x]')
# Scalars of every type YAML 1.1 reads, as written after ``key:``.
YAML_SCALARS = (
    "~", "null", "Null", "NULL", "true", "False", "yes", "No", "on", "OFF", "1984", "-1", "0x1F",
    "017", "1_000", "1:30", "1.10", ".5", "-.inf", "2025-10-31", "2025-10-31 10:00:00",
    "'2025-10-31'", "=", "<<", "!!str 1", "!!int '7'", "!!float 1", "!!null ''", "!!bool yes",
    "|\n  literal\n   block\n", ">-\n  folded\n\n  block\n", "|+\n  kept\n\n",
    '"multi\n  line"', "'it''s'", '"\\t\\x00\\u263a"', "{a: 1, b: [x, ~]}", "!!set {a, b}",
)


@st.composite
def list_value(draw) -> str:
    """The text after ``key:`` for a list key, newline included."""
    kind = draw(st.sampled_from(["block", "block", "flow", "string", "null"]))
    if kind == "flow":
        return " " + draw(st.sampled_from(FLOW_LISTS)) + "\n"
    if kind == "string":
        return " '[]'\n"
    if kind == "null":
        return "\n"
    indent = draw(st.sampled_from(["", " ", "  ", "    "]))
    gap = draw(st.sampled_from([" ", "  "]))
    quote = draw(st.sampled_from(["plain", "double", "single"]))
    items = draw(st.lists(st.sampled_from(PLAIN_ITEMS), min_size=1, max_size=4))
    if quote == "double":
        items = [double_quoted(item) for item in items]
    elif quote == "single":
        items = [single_quoted(item) for item in items]
    if draw(st.booleans()):  # empty and null items, as four real files have them
        items.insert(draw(st.integers(0, len(items))), draw(st.sampled_from(EMPTY_ITEMS)))
    blank = draw(st.sampled_from(["", "", "\n"]))
    return "\n" + blank + "".join(f"{indent}-{gap}{item}\n" for item in items)


@st.composite
def front_matters(draw) -> str:
    keys = draw(st.lists(st.sampled_from(CANONICAL + EXTRA_KEYS), min_size=1, max_size=12,
                         unique=True))
    order = draw(st.sampled_from(["canonical", "alphabetical", "random"]))
    if order == "alphabetical":
        keys.sort()
    elif order == "canonical":
        keys.sort(key=lambda k: CANONICAL.index(k) if k in CANONICAL else len(CANONICAL))
    else:
        keys = draw(st.permutations(keys))
    if draw(st.booleans()) and len(keys) > 1:
        keys = list(keys) + [keys[0]]  # a duplicated key: the last one wins
    lines = ["---\n", draw(st.sampled_from(["", "", "\n"]))]
    for key in keys:
        gap = draw(st.sampled_from(["", "", "", " "]))
        value = draw(list_value() if key in LIST_KEYS else scalar_value(key))
        after = draw(st.sampled_from(["", "", "", "\n", "# a comment\n"]))
        lines.append(f"{key}{gap}:{value}{after}")
    lines.append(draw(st.sampled_from(["---\n", "---\n", "--- \n"])))
    lines.append(draw(st.sampled_from(["", "", "\n", "\n\n\n"])))
    return "".join(lines)


# --- body ------------------------------------------------------------------------

ZH_PIECES = (
    "大家好", "欢迎回到节目", "英伟达的护城河", "我们", "今天聊一聊", "，", "。", "？", "……",
    "“老兄，这是一品脱。”", "**Dylan Patel**", "**暗光纤**（dark fiber: 指尚未使用的光纤）",
    "（Fed）", "陆军部长（Secretary of War）", "[音乐]", "100%", "`onclick`", "🤣", " ",
    "[2025-12-15](https://x.com/vista8)", "\\\"", "1\\.",
)
EN_PIECES = (
    "Hi, I'm **Matt Turk**.", "Welcome back.", " ", "<br>", "<br><br>", ">> ", "&gt;&gt; ",
    "Uh, I do not believe", "P&L", "<font color=#FFE900FF>a pint</font>", "[Music]", "\xa0\n",
    "\xa0", "\u200b", " \n", "\n", "\n\n", "，", "<!-- slide -->", '\\"', "**[Allison]:** ",
)
NAMES = ("Matt Turk", "Speaker A", "Speaker", "主持人", "[Matt]", "[纳姆·基瓦努卡]", "Speaker 3",
         "购物者 A", "林赛·格雷厄姆（录音，2015年）", "Host", "I'm", "Tracy Alloway", "观众")
PLAIN_NAMES = ("Tracy Alloway", "主持人", "Speaker A", "Joe Weisenthal", "观众", "Host")
LABEL_FORMS = (
    # every form in parser._LABELS, with the colon and spacing variants each allows
    "**{}**: ", "**{}**：", "**{}**:\n", "**{}**:", "**{}**： ", "**{}**:\t",
    "**{}:** ", "**{}：** ", "**{}:**\n", "**{}:**",
)
PLAIN_LABEL_FORMS = ("{}: ", "{}:  ")
SUMMARIES = (
    "Original English", "View/Hide Original English", "View/Hide Original Text",
    "View/Hide Original Chinese", "Original Chinese Transcript", "Original English Source",
    "查看/隐藏英文原文 / View/Hide Original English", "View/ 被 Original English", "English",
    "Original English-12", "", "- View/Hide Original English", "Veiw/Hide Original English",
)
DIALECTS = (
    "<details>\n<summary>{L}</summary>\n\n{E}\n\n</details>",
    '<details>\n<summary>{L}</summary>\n<p class="english-text">{E}</p>\n</details>',
    "<details>\n<summary>{L}</summary>\n{E}\n</details>",
    "<details>\n<summary>{L}</summary>\n<p>{E}</p>\n</details>",
    '<details>\n<summary>{L}</summary>\n<p class="chinese-text">{E}</p>\n</details>',
    "<details>\n<summary>{L}</summary>\n\n{E}\n</details>",
    "<details>\n<summary>{L}</summary>\n\n{E} \n\n</details>",
    "<details>\n<summary>{L}</summary>\n\n{E}  \n\n</details>",
    '<details> <summary>{L}</summary> <p class="english-text">{E}</p> </details>',
    "<details>\n<summary>{L}</summary>{E}\n</details>",
    '<details>\n<summary>{L}</summary>\n<p class="english-text">{E}</p>\n</p>\n</details>',
    '<details>\n<summary>{L}</p>\n<p class="english-text">{E}</p>\n</details>',
    "<details>\n<summary>{L}</summary_\n\n{E}\n</details>",
    "<details>\n<summary>{L}</summary\n\n{E}\n</details>",
    '<details>\n<summary>{L}</summary>\n<p class="english-text"></p>\n</details>',
    "<details>\n<summary>{L}</summary>\n\n{E}\n</summary>\n</details>",
    "<details>\n<details>\n<summary>{L}</summary>\n\n{E}\n\n</details>",
    "<details>\n\n[BODY_START]\n### {L}\n\n{E}",
    '<details>\n<summary>{L}</p>\n</details>\n<p class="english-text">{E}</p>',
    "<details>\n<summary>{L}</p>\n</details>",
    "<details>\n<summary>{L}</details>\n\n{E}\n\n</details>",
    "<details>\n<summary>{L}</details>\n\n{E}\n\n{E}\n\n</details>",
    "<details>\n<summary>{L}</summary>\n\n{E}",
    "<details>\n<summary>{L}\n\n{E}\n\n</details>",
    '<details>\n<summary>{L}</summary>\n<p class="english-text">{E}<p class="english-text"> more</p>\n</details>',
    "<details open>\n<summary>{L}</summary>\n\n{E}\n\n</details>",
    "<details>\n<summary>{L}</summary>\n\n{E}\n\n</details> [BODY_END]",
    "<summary>",
)

# The HTML soup found inside and around ``<details>`` frames, in any order, closed or
# not: a summary closed by ``</details>``, a frame opened twice, a ``</p>`` left over.
SOUP_TAGS = (
    "<details>", "<details open>", "</details>", "<summary>", "</summary>", "</summary",
    "</summary_", '<p class="english-text">', '<p class="chinese-text">', "<p>", "</p>",
    "<!--", "-->", "<br>",
)
SOUP_GAPS = ("\n", "\n", "\n\n", "\r\n", "\r\n\r\n", " ", "\t", "\n \n", "\r")
SOUP_TEXT = (
    "Original English", "View/Hide Original English", "English", "中文段落", "**Matt**: ",
    "Speaker A: ", "[BODY_END]", "[BODY_START]", "### 标题", "```", "---", "- ", "|", ">",
    "<", "`", "Hello.",
)
soup = st.lists(
    st.one_of(st.sampled_from(SOUP_TAGS), st.sampled_from(SOUP_GAPS), st.sampled_from(SOUP_TEXT)),
    min_size=1, max_size=30,
).map("".join)
# A frame that opens as the parser expects and then turns to soup.
details_soup = st.builds(
    lambda opener, gap, inside: opener + gap + "<summary>" + inside,
    st.sampled_from(("<details>", "<details open>")), st.sampled_from(("\n", " ", "")), soup,
)

zh_text = st.lists(st.sampled_from(ZH_PIECES), min_size=1, max_size=6).map("".join)
en_text = st.lists(st.sampled_from(EN_PIECES), min_size=0, max_size=6).map("".join)
junk = st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=30)


@st.composite
def english_blocks(draw) -> str:
    dialect = draw(st.sampled_from(DIALECTS))
    label = draw(st.sampled_from(NAMES))
    english = draw(en_text)
    if draw(st.booleans()):
        english = f"**{label}**: " + english
    return dialect.format(L=draw(st.sampled_from(SUMMARIES)), E=english)


@st.composite
def turns(draw) -> str:
    form = draw(st.sampled_from(["bold", "bold", "plain", "narration", "narration", "gt"]))
    if form == "bold":
        head = draw(st.sampled_from(LABEL_FORMS)).format(draw(st.sampled_from(NAMES)))
    elif form == "plain":
        head = draw(st.sampled_from(PLAIN_LABEL_FORMS)).format(draw(st.sampled_from(PLAIN_NAMES)))
    elif form == "gt":
        head = ">> "
    else:
        head = ""
    lines = draw(st.lists(zh_text, min_size=1, max_size=3))
    paragraph = head + "\n".join(lines)
    if draw(st.booleans()):
        gap = draw(st.sampled_from(["\n", "\n\n", "\n\n", "\n\n\n"]))
        paragraph += gap + draw(english_blocks())
    return paragraph


@st.composite
def headings(draw) -> str:
    level = draw(st.integers(1, 4))
    gap = draw(st.sampled_from([" ", " ", "", "  "]))
    return "#" * level + gap + draw(zh_text).strip()


@st.composite
def comments(draw) -> str:
    kind = draw(st.sampled_from(["chunk", "slide", "padding", "open"]))
    if kind == "chunk":
        return f"<!-- chunk {draw(st.integers(1, 60))}/{draw(st.integers(1, 60))} -->"
    if kind == "slide":
        return "<!-- slide -->"
    inner = "\n\n".join(draw(st.lists(st.one_of(turns(), headings()), max_size=3)))
    if kind == "padding":
        return f"<!-- PADDING PADDING >7197 characters\n\n[BODY_START]\n{inner}\n\n-->"
    return "<!-- never closed\n\n" + inner


RAW_BLOCKS = (
    "[BODY_START]", "[BODY_END]", "---", "***", "- - -",
    "| 维度 | 定义 (Definition) |\n| :--- | :--- |\n| 思考 | Think |",
    "```mermaid\ngraph TD\n\n    A[Claude] --> B(Think)\n\n### not a heading\n```",
    "~~~\ncode\n\n~~~", "```\nnever closed\n\n**A**: x",
    "- a\n- b", "1.  **波士顿大学的研究**：被引用", "> “你现在是一位商业分析专家。”",
    "</details>", "</p> </details> [BODY_END]", "    indented code", "<p>stray</p>",
)

blocks = st.one_of(
    turns(), turns(), turns(), headings(), english_blocks(), comments(),
    st.sampled_from(RAW_BLOCKS), junk, soup, details_soup,
)
SEPARATORS = ("\n", "\n\n", "\n\n", "\n\n", "\n\n\n", " \n\n", "\n \n", "  \n", "\t\n\n")


@st.composite
def documents(draw) -> str:
    text = draw(front_matters())
    parts = draw(st.lists(blocks, max_size=10))
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        text += part + draw(st.sampled_from(("", "", "\n", "\n\n", " ") if last else SEPARATORS))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return text


# --- the edit an editor makes ------------------------------------------------------

def _first_is_alnum(text: str) -> bool:
    return text[:1].isalnum()


# A translated paragraph as an editor would type it: one line, no markup characters,
# starting with a letter or digit (markdown reads a leading space or ``|`` as another
# block) and without trailing blanks (which are line trivia, not text).
editor_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"),
                  blacklist_characters="\n<*#`"),
    min_size=1, max_size=30,
).filter(lambda s: _first_is_alnum(s) and s == s.rstrip())


# --- properties ----------------------------------------------------------------------

@SETTINGS
@given(documents())
def test_every_generated_document_renders_back_exactly(text):
    assert render(parse(text)) == text


@settings(SETTINGS, max_examples=1000)
@given(st.sampled_from(("", "中文段落\n", "中文段落\n\n", "**A**: 好\n\n")), soup, details_soup)
def test_html_soup_around_details_frames_renders_back_exactly(paragraph, before, frame):
    text = "---\nk: v\n---\n" + paragraph + before + frame
    assert render(parse(text)) == text


@SETTINGS
@given(st.text(st.characters(blacklist_characters="\x00")))
def test_any_text_after_a_valid_front_matter_renders_back_exactly(tail):
    text = "---\nk: v\n---\n" + tail
    document = parse(text)
    assert document.front_matter.values == {"k": "v"}
    assert render(document) == text


# Any value YAML can hold (but NaN, which equals nothing): what a YAML writer makes of
# it must come back byte for byte and be read as that value. PyYAML's writer puts the
# line breaks NEL, LS and PS raw into quoted text, where a reader folds them, so they
# are left out.
yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029"),
              max_size=15),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(printable, max_size=8), children, max_size=4),
    max_leaves=12,
)


class _Header(dict):
    """The top mapping of a front matter, which a YAML writer must write in block style."""


class _HeaderDumper(yaml.SafeDumper):
    pass


_HeaderDumper.add_representer(
    _Header, lambda dumper, data: dumper.represent_mapping(
        "tag:yaml.org,2002:map", list(data.items()), flow_style=False,
    ),
)


@SETTINGS
@given(yaml_values, st.sampled_from([None, False, True]), st.sampled_from([None, "'", '"']),
       st.sampled_from([80, 20, 10**9]), st.booleans())
def test_every_value_a_yaml_writer_makes_reads_back_exactly(value, flow, style, width, unicode):
    dumped = yaml.dump(
        _Header(value=value), Dumper=_HeaderDumper, default_flow_style=flow,
        default_style=style, width=width, allow_unicode=unicode, sort_keys=False,
    )
    text = "---\ntitle: t\n" + dumped + "---\n正文\n"
    document = parse(text)
    assert render(document) == text
    assert document.front_matter.values == {"title": "t", "value": value}
    if style is None:  # a quoted key is YAML's business; the entries name plain keys
        assert document.front_matter.keys() == ["title", "value"]


@SETTINGS
@given(documents(), st.data())
def test_editing_one_turns_text_changes_only_that_turn(text, data):
    document = parse(text)
    candidates = [i for i, b in enumerate(document.blocks) if isinstance(b, Turn) and b.text is not None]
    assume(candidates)
    index = data.draw(st.sampled_from(candidates), label="turn index")
    new_text = data.draw(editor_text, label="new text")
    turn = replace(document.blocks[index], text=new_text)
    blocks = document.blocks[:index] + (turn,) + document.blocks[index + 1:]
    output = render(replace(document, blocks=blocks))

    reparsed = parse(output)
    assert render(reparsed) == output
    assert reparsed.front_matter == document.front_matter
    assert (reparsed.bom, reparsed.newline) == (document.bom, document.newline)
    assert len(reparsed.blocks) == len(document.blocks)
    assert reparsed.blocks[:index] == document.blocks[:index]
    assert reparsed.blocks[index + 1:] == document.blocks[index + 1:]
    got = reparsed.blocks[index]
    assert isinstance(got, Turn)
    assert (got.english, got.english_gap, got.trailing) == (turn.english, turn.english_gap, turn.trailing)
    if turn.label:
        assert got == turn
    else:  # narration that now opens with ``Name: `` may read as a label, byte for byte the same
        assert got.label_open + got.label + got.label_close + got.text == new_text


@SETTINGS
@given(documents(), st.data())
def test_setting_one_front_matter_key_changes_only_that_key(text, data):
    document = parse(text)
    front_matter = document.front_matter
    key = data.draw(
        st.sampled_from(sorted(set(front_matter.keys()) | {"exclude", "people", "title", "zz"})),
        label="key",
    )
    value = data.draw(
        st.one_of(st.text(printable, max_size=30), st.lists(st.text(printable, max_size=15), max_size=4)),
        label="value",
    )
    output = render(replace(document, front_matter=with_value(front_matter, key, value)))

    reparsed = parse(output)
    assert reparsed.front_matter.values[key] == value
    assert {k: v for k, v in reparsed.front_matter.values.items() if k != key} == {
        k: v for k, v in front_matter.values.items() if k != key
    }
    assert [e for e in reparsed.front_matter.entries if e.key != key] == [
        e for e in front_matter.entries if e.key != key
    ]
    assert reparsed.blocks == document.blocks
    assert (reparsed.bom, reparsed.newline) == (document.bom, document.newline)


@SETTINGS
@given(documents(), st.data())
def test_setting_a_key_to_any_string_reads_it_back(text, data):
    """Not only printable text: an editor can paste line breaks and control characters."""
    document = parse(text)
    value = data.draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=20), label="value")
    front_matter = with_value(document.front_matter, "summary", value)
    reparsed = parse(render(replace(document, front_matter=front_matter)))
    assert reparsed.front_matter.values["summary"] == value
    assert reparsed.blocks == document.blocks


@SETTINGS
@given(documents(), yaml_values, st.sampled_from(["people", "title", "draft", "zz"]))
def test_setting_a_key_to_any_yaml_value_reads_it_back(text, value, key):
    """Null items, numbers, booleans, nested lists and mappings are written as YAML reads them."""
    document = parse(text)
    front_matter = with_value(document.front_matter, key, value)
    output = render(replace(document, front_matter=front_matter))
    reparsed = parse(output)
    assert render(reparsed) == output
    assert reparsed.front_matter.values[key] == value
    assert reparsed.blocks == document.blocks


@settings(SETTINGS, max_examples=500,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(("<details>", "<details open>")), st.sampled_from(("\n", " ", "")),
       st.sampled_from(SOUP_TEXT + ("",)),
       st.sampled_from(("</summary>", "</p>", "</summary_", "</summary", "</b>", "")), soup)
def test_a_frame_read_by_fields_renders_from_its_fields_alone(opener, gap, summary, close, inside):
    """The fields of a ``<details>`` frame are consecutive slices of it: no byte is owned
    twice (the ``</details>`` that ends it once read as the summary's close) or lost."""
    frame = opener + gap + "<summary>" + summary + close + inside
    frame = frame.split("</details>")[0].replace("\n<details", "\n") + "</details>"
    english = parse_english(frame)
    assume(english.verbatim is None)
    assert render_english(english) == frame
