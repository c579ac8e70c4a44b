"""Text -> document tree.

The body is cut into blocks by a single forward scan; every block is a slice of the
source and owns the blank lines after it, so the slices concatenate back to the
text. Fields are then read from each slice; where a frame cannot be described by
fields (a malformed ``<details>`` block) the slice is kept verbatim.
"""
from __future__ import annotations

import re

from .frontmatter import parse_front_matter
from .nodes import Block, Comment, Document, English, Heading, Raw, Turn

BOM = "\ufeff"

_TRAILING = re.compile(r"(?:[ \t\r]*\n)+(?:[ \t\r]+\Z)?|[ \t\r]+\Z")
_HEADING = re.compile(r"(#{1,6})(?!#)([ \t]*)([^\n]*)")
_INTERRUPTING_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_DETAILS = re.compile(r"<details\b[^>\n]*>[ \t\n]*<summary")
_SUMMARY_CLOSE = re.compile(r"</\w+[^\s<>]*>?")
# Closing tags left over before </details> (`…</p>\n</p>`, `…\n</summary>`).
_STRAY_CLOSE = re.compile(r"(?:[ \t\n]*</(?:p|summary)>)+[ \t\n]*\Z")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_P_OPEN = re.compile(r"<p(?: class=\"[^\"\n]*\")?>")
_THEMATIC_BREAK = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_MARKER = re.compile(r"\[BODY_(?:START|END)\]")

_NAME = r"[^*\n]{1,80}?"
_BOLD_LABELS = (
    # **Name**: text, **Name**：text, **[Name]**: text, **Name**:⏎text
    re.compile(rf"(?P<open>\*\*)(?P<label>{_NAME})(?P<close>\*\*[:：][ \t]*\n?)"),
    # **Name:** text, **Name：** text, **[Name]:** text
    re.compile(rf"(?P<open>\*\*)(?P<label>{_NAME})(?P<close>[:：]\*\*[ \t]*\n?)"),
)
_PLAIN_LABELS = (
    # Name: text (plain, as ASR tools write it): a short name, an ASCII colon, a space
    re.compile(
        r"(?P<open>)(?P<label>[A-Za-z\u4e00-\u9fff][\w.'·\-\u4e00-\u9fff]*"
        r"(?: [\w.'·\-\u4e00-\u9fff]+){0,4}?)(?P<close>: +)"
    ),
)


def parse(text: str) -> Document:
    """Parse an episode file into a :class:`Document`.

    The law: ``render(parse(text)) == text`` for every text that starts with a
    YAML front-matter block holding a mapping, and for every text whose first line
    is not a ``---`` fence (a document without front matter, whose
    ``front_matter.opening`` is empty); a fenced header that is not closed or not
    a mapping raises :class:`ParseError` carrying the line number.
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
    """Cut ``text[start:]`` into blocks; a paragraph takes the original that follows it."""
    blocks: list[Block] = []
    position, length = start, len(text)
    while position < length:
        first = text[position]
        english_end = _details_end(text, position) if first == "<" else None
        if english_end is not None:
            english = parse_english(text[position:english_end])
            position, trailing = _skip_blank_lines(text, english_end)
            blocks.append(Turn(text=None, english=english, trailing=trailing))
            continue
        if first == "<" and text.startswith("<!--", position):
            close = text.find("-->", position + 4)
            end = length if close < 0 else close + 3
            block_text = text[position:end]
            position, trailing = _skip_blank_lines(text, end)
            blocks.append(Comment(block_text, trailing))
            continue
        heading = _HEADING.match(text, position) if first == "#" else None
        if heading:
            level, gap, title = heading.groups()
            position, trailing = _skip_blank_lines(text, heading.end())
            blocks.append(Heading(len(level), title, gap, trailing))
            continue
        fence = _FENCE.match(text, position) if first in "`~" else None
        end = _fence_end(text, position, fence.group()) if fence else _paragraph_end(text, position)
        block_text = text[position:end]
        position, trailing = _skip_blank_lines(text, end)
        if fence:
            blocks.append(Raw(block_text, trailing))
            continue
        turn = paragraph_block(block_text, trailing)
        english_end = _details_end(text, position) if isinstance(turn, Turn) else None
        if english_end is not None:
            english = parse_english(text[position:english_end])
            position, after = _skip_blank_lines(text, english_end)
            turn = Turn(
                turn.text, turn.label, turn.label_open, turn.label_close, english,
                english_gap=trailing, trailing=after,
            )
        blocks.append(turn)
    return tuple(blocks)


def _skip_blank_lines(text: str, end: int) -> tuple[int, str]:
    """Where the next block starts after ``end``, and the blank lines in between."""
    blank = _TRAILING.match(text, end)
    return (blank.end(), blank.group()) if blank else (end, "")


def _details_end(text: str, start: int) -> int | None:
    """The end of the ``<details>`` block that starts at ``start``, if one does."""
    if not text.startswith("<details", start) or not _DETAILS.match(text, start):
        return None
    close = text.find("</details>", start)
    following = text.find("\n<details", start)
    if close < 0 or (0 <= following < close):
        return None
    return _end_after_misclosed_summary(text, close) or close + len("</details>")


def _end_after_misclosed_summary(text: str, close: int) -> int | None:
    """Where a frame ends whose summary line a ``</details>`` closes by mistake.

    ``<summary>Original English</details>``, then one paragraph, then its own
    ``</details>``: the original is that paragraph, and the frame runs to the second
    tag. Anything else (no second tag before the next frame or blank-separated
    paragraph, or another tag on the summary line) leaves the frame at the first.
    """
    if text[close - 1] == "\n":  # the usual frame, its tag on a line of its own
        return None
    line_start = text.rfind("\n", 0, close) + 1
    line_end = _line_end(text, close)
    if (
        not text.startswith("<summary>", line_start)
        or "</" in text[line_start:close]
        or text[close + len("</details>"):line_end].strip(" \t")
    ):
        return None
    second = text.find("</details>", line_end)
    if second < 0:
        return None
    between = text[line_end:second].strip(" \t\n")
    if not between or "<details" in between or _BLANK_LINE.search(between):
        return None
    return second + len("</details>")


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
        line.startswith(("<details", "<!--", "<summary"))
        or bool(_INTERRUPTING_HEADING.match(line))
        or bool(_FENCE.match(line))
    )


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def paragraph_block(paragraph: str, trailing: str = "\n\n") -> Turn | Raw:
    """A paragraph is a turn (speaker or narration) unless it is markup or a marker."""
    first = paragraph[:1]
    if (
        first in {"<", "|", " ", "\t"}
        or (first in "*-_" and _THEMATIC_BREAK.fullmatch(paragraph))
        or (first == "[" and _MARKER.match(paragraph))
    ):
        return Raw(paragraph, trailing)
    for pattern in _BOLD_LABELS if first == "*" else _PLAIN_LABELS:
        match = pattern.match(paragraph)
        if match and match.group("label").strip() == match.group("label"):
            return Turn(
                text=paragraph[match.end():],
                label=match.group("label"),
                label_open=match.group("open"),
                label_close=match.group("close"),
                trailing=trailing,
            )
    return Turn(text=paragraph, trailing=trailing)


def parse_english(source: str) -> English:
    """Read a ``<details>…</details>`` slice; keep it verbatim if its frame is odd.

    Every field is the slice of ``source`` that follows the previous one, and all of
    them lie before the final ``</details>``, which the printer writes itself: so the
    fields concatenate back to ``source`` whatever tags stand inside the frame.
    """
    frame_end = len(source) - len("</details>")
    opener_end = source.find(">") + 1
    inside = source[opener_end:frame_end]
    summary_start = opener_end + len(inside) - len(inside.lstrip(" \t\n"))
    line_end = source.find("\n", summary_start, frame_end)
    close = _SUMMARY_CLOSE.search(
        source, summary_start + len("<summary>"), frame_end if line_end < 0 else line_end
    )
    if not source.startswith("<summary>", summary_start, frame_end) or not close:
        return English(text=source[opener_end:frame_end].strip("\n"), verbatim=source)
    body = source[close.end() : frame_end]
    content = body.lstrip(" \t\n")
    gap_before = body[: len(body) - len(content)]
    p_open = _P_OPEN.match(content)
    p_open = p_open.group() if p_open else ""
    text = content[len(p_open):].rstrip(" \t\n")
    gap_after = content[len(p_open) + len(text):]
    p_close = "</p>" if p_open and text.endswith("</p>") else ""
    text = text[: len(text) - len(p_close)]
    stray = text.rstrip(" \t\n").endswith(("</p>", "</summary>")) and _STRAY_CLOSE.search(text)
    stray_close = stray.group() if stray else ""
    return English(
        text=text[: len(text) - len(stray_close)],
        stray_close=stray_close,
        summary=source[summary_start + len("<summary>") : close.start()],
        opener=source[:opener_end],
        gap_open=source[opener_end:summary_start],
        summary_close=close.group(),
        gap_before=gap_before,
        p_open=p_open,
        p_close=p_close,
        gap_after=gap_after,
    )


def speaker_name(label: str) -> str:
    """The person a label names: ``[Matt]`` -> ``Matt``."""
    return label.strip().removeprefix("[").removesuffix("]").strip()
