"""Text -> document tree.

The body is cut into blocks by a single forward scan; every block is a slice of the
source and owns the blank lines after it, so the slices concatenate back to the
text. Fields are then read from each slice; where a frame cannot be described by
fields (a malformed ``<details>`` block) the slice is kept verbatim.
"""
from __future__ import annotations

import re

from .errors import ParseError
from .frontmatter import parse_front_matter
from .nodes import Block, Comment, Document, English, Heading, Raw, Turn

BOM = "\ufeff"

_TRAILING = re.compile(r"(?:[ \t\r]*\n)+(?:[ \t\r]+\Z)?|[ \t\r]+\Z")
_HEADING = re.compile(r"(#{1,6})(?!#)([ \t]*)([^\n]*)")
_INTERRUPTING_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_DETAILS = re.compile(r"<details\b[^>\n]*>[ \t\n]*<summary")
_ENGLISH = re.compile(
    r"(?P<opener><details\b[^>\n]*>)(?P<gap_open>[ \t\n]*)<summary>"
    r"(?P<summary>[^\n]*?)(?P<summary_close></\w+[^\s<>]*>?)"
    r"(?P<gap_before>[ \t\n]*)(?P<p_open><p(?: class=\"[^\"\n]*\")?>)?"
    r"(?P<text>.*?)(?(p_open)(?P<p_close></p>)?)(?P<gap_after>[ \t\n]*)</details>\Z",
    re.DOTALL,
)
_THEMATIC_BREAK = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_MARKER = re.compile(r"\[BODY_(?:START|END)\]")

_NAME = r"[^*\n]{1,80}?"
_LABELS = (
    # **Name**: text, **Name**：text, **[Name]**: text, **Name**:⏎text
    re.compile(rf"(?P<open>\*\*)(?P<label>{_NAME})(?P<close>\*\*[:：][ \t]*\n?)"),
    # **Name:** text, **Name：** text, **[Name]:** text
    re.compile(rf"(?P<open>\*\*)(?P<label>{_NAME})(?P<close>[:：]\*\*[ \t]*\n?)"),
    # Name: text (plain, as ASR tools write it): a short name, an ASCII colon, a space
    re.compile(
        r"(?P<open>)(?P<label>[A-Za-z\u4e00-\u9fff][\w.'·\-\u4e00-\u9fff]*"
        r"(?: [\w.'·\-\u4e00-\u9fff]+){0,4}?)(?P<close>: +)"
    ),
)


def parse(text: str) -> Document:
    """Parse an episode file into a :class:`Document`.

    The law: ``render(parse(text)) == text`` for every text that starts with a
    YAML front-matter block holding a mapping; anything else raises
    :class:`ParseError` carrying the line number.
    """
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    newline = "\r\n" if "\r\n" in text and text.count("\r\n") == text.count("\n") else "\n"
    if newline == "\r\n":
        text = text.replace("\r\n", "\n")
    front_matter, body_start = parse_front_matter(text)
    return Document(
        front_matter=front_matter,
        blocks=parse_body(text, body_start),
        newline=newline,
        bom=bom,
    )


def parse_body(text: str, start: int = 0) -> tuple[Block, ...]:
    """Cut ``text[start:]`` into blocks and pair each paragraph with its original."""
    blocks: list[Block] = []
    position = start
    while position < len(text):
        block, end = _scan_block(text, position)
        trailing = _TRAILING.match(text, end)
        position = trailing.end() if trailing else end
        block = _with_trailing(block, trailing.group() if trailing else "")
        if isinstance(block, Turn) and block.text is None and _can_take_english(blocks):
            paragraph = blocks.pop()
            block = Turn(
                text=paragraph.text, label=paragraph.label, label_open=paragraph.label_open,
                label_close=paragraph.label_close, english=block.english,
                english_gap=paragraph.trailing, trailing=block.trailing,
            )
        blocks.append(block)
    return tuple(blocks)


def _can_take_english(blocks: list[Block]) -> bool:
    last = blocks[-1] if blocks else None
    return isinstance(last, Turn) and last.text is not None and last.english is None


def _with_trailing(block: Block, trailing: str) -> Block:
    return type(block)(**{**block.__dict__, "trailing": trailing})


def _scan_block(text: str, start: int) -> tuple[Block, int]:
    """Recognise the block that starts at ``start``; return it and where it ends."""
    if text.startswith("<!--", start):
        close = text.find("-->", start + 4)
        end = len(text) if close < 0 else close + 3
        return Comment(text[start:end]), end
    if _DETAILS.match(text, start):
        end = _details_end(text, start)
        if end is not None:
            return Turn(text=None, english=parse_english(text[start:end])), end
    heading = _HEADING.match(text, start)
    if heading:
        level, gap, title = heading.groups()
        return Heading(level=len(level), gap=gap, text=title), heading.end()
    fence = _FENCE.match(text, start)
    if fence:
        end = _fence_end(text, start, fence.group())
        return Raw(text[start:end]), end
    end = _paragraph_end(text, start)
    return paragraph_block(text[start:end]), end


def _details_end(text: str, start: int) -> int | None:
    close = text.find("</details>", start)
    following = text.find("\n<details", start)
    if close < 0 or (0 <= following < close):
        return None
    return close + len("</details>")


def _fence_end(text: str, start: int, fence: str) -> int:
    line_end = _line_end(text, start)
    while line_end < len(text):
        line_start = line_end + 1
        line_end = _line_end(text, line_start)
        if text.startswith(fence, line_start):
            return line_end
    return len(text)


def _paragraph_end(text: str, start: int) -> int:
    """A paragraph runs to a blank line or a line that opens another kind of block.

    An HTML comment opened inside the paragraph is followed to its end, blank
    lines and all: a comment is never cut into turns.
    """
    end = _line_end(text, start)
    while True:
        opened = text.rfind("<!--", start, end)
        if opened >= 0 and text.find("-->", opened, end) < 0:
            close = text.find("-->", end)
            end = len(text) if close < 0 else _line_end(text, close)
        if end >= len(text):
            return end
        next_start = end + 1
        next_end = _line_end(text, next_start)
        line = text[next_start:next_end]
        if not line.strip(" \t\r") or _opens_block(line):
            return end
        end = next_end


def _opens_block(line: str) -> bool:
    return (
        line.startswith(("<details", "<!--"))
        or bool(_INTERRUPTING_HEADING.match(line))
        or bool(_FENCE.match(line))
    )


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def paragraph_block(paragraph: str) -> Turn | Raw:
    """A paragraph is a turn (speaker or narration) unless it is markup or a marker."""
    if (
        paragraph[:1] in {"<", "|", " ", "\t"}
        or _THEMATIC_BREAK.fullmatch(paragraph)
        or _MARKER.match(paragraph)
    ):
        return Raw(paragraph)
    for pattern in _LABELS:
        match = pattern.match(paragraph)
        if match and match.group("label").strip() == match.group("label"):
            return Turn(
                text=paragraph[match.end():],
                label=match.group("label"),
                label_open=match.group("open"),
                label_close=match.group("close"),
            )
    return Turn(text=paragraph)


def parse_english(source: str) -> English:
    """Read a ``<details>…</details>`` slice; keep it verbatim if its frame is odd."""
    match = _ENGLISH.match(source)
    if not match:
        inner = source[source.find(">") + 1 : source.rfind("</details>")]
        return English(text=inner.strip("\n"), verbatim=source)
    fields = {key: value or "" for key, value in match.groupdict().items()}
    return English(**fields)


def speaker_name(label: str) -> str:
    """The person a label names: ``[Matt]`` -> ``Matt``."""
    return label.strip().removeprefix("[").removesuffix("]").strip()
