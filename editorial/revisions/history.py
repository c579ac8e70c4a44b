"""Revisions of an episode's file: turn-by-turn differences and reverting.

A revision is the whole file as ``export_markdown`` would have written it after one
save (see ``editorial.edits.editing``); storing the text rather than rows keeps every old
revision readable whatever the schema becomes, and the codec turns two texts back
into blocks to compare them block by block.
"""
from __future__ import annotations

import dataclasses
import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from archive.codec import Comment, Document, Heading, Raw, Turn, parse, render_block
from archive.content.store import column_of, with_column, with_rows_of
from archive.models import Episode
from archive.text import plain
from editorial.edits import editing
from editorial.models import Revision

# Texts longer than this are compared line by line, not word by word.
_TOKEN_DIFF_LIMIT = 20000


@dataclasses.dataclass(frozen=True)
class Part:
    """One front-matter key or body block as the diff shows it.

    ``key`` is the block as the file holds it (what decides whether it changed);
    ``fields`` is what a reader reads of it: (language, text) pairs, markup dropped.
    """

    where: str  # "front matter: title", "block 12 · Speaker A", "block 3 · heading"
    key: str
    fields: tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class Change:
    """A changed, added or removed part; ``before``/``after`` are marked-up HTML."""

    kind: str  # "changed", "added" or "removed"
    where: str
    before: SafeString
    after: SafeString


def parts_of(text: str) -> list[Part]:
    """The front-matter keys and blocks of a file, each with a readable place name."""
    document = parse(text)
    parts = [
        Part(
            _("front matter: %(key)s") % {"key": entry.key or _("(comment)")},
            entry.raw, (("", entry.raw.rstrip("\n")),),
        )
        for entry in document.front_matter.entries
    ]
    for number, block in enumerate(document.blocks, start=1):
        parts.append(Part(_where(number, block), render_block(block), _fields(block)))
    return parts


def _fields(block) -> tuple[tuple[str, str], ...]:
    if isinstance(block, Heading):
        return (("zh", plain(block.text)),)
    if isinstance(block, Turn):
        fields = [("label", block.label or "")] if block.label else []
        fields.append(("zh", plain(block.text or "")))
        if block.english is not None:
            fields.append(("en", plain(block.english.text)))
        return tuple(fields)
    return (("", block.text.rstrip("\n")),)


def _where(number: int, block) -> str:
    if isinstance(block, Heading):
        what = _("heading")
    elif isinstance(block, Turn):
        what = block.label or _("narration")
    elif isinstance(block, Comment):
        what = _("comment")
    elif isinstance(block, Raw):
        what = _("markup")
    else:
        return _("block %(number)s") % {"number": number}
    return _("block %(number)s · %(what)s") % {"number": number, "what": what}


def diff_texts(before: str, after: str) -> list[Change]:
    """What changed from ``before`` to ``after``, block by block, in rendered text
    with word-level marks (character runs in Chinese, which has no spaces)."""
    old, new = parts_of(before), parts_of(after)
    matcher = difflib.SequenceMatcher(
        None, [p.key for p in old], [p.key for p in new], autojunk=False
    )
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = list(zip(old[i1:i2], new[j1:j2])) if tag == "replace" else []
        for a, b in pairs:
            marked_a, marked_b = _marked_fields(a.fields, b.fields)
            changes.append(Change("changed", b.where, marked_a, marked_b))
        for a in old[i1 + len(pairs):i2]:
            changes.append(Change("removed", a.where, _whole(a.fields, "del"), mark_safe("")))
        for b in new[j1 + len(pairs):j2]:
            changes.append(Change("added", b.where, mark_safe(""), _whole(b.fields, "ins")))
    return changes


def _line(language: str, html: str) -> str:
    if language == "label":
        return f'<b class="label">{html}</b>'
    lang = f' lang="{language}"' if language in {"zh", "en"} else ""
    return f'<span class="text"{lang}>{html}</span>'


def _whole(fields, tag: str) -> SafeString:
    return mark_safe("".join(
        _line(language, f"<{tag}>{escape(text)}</{tag}>" if text else "")
        for language, text in fields
    ))


def _marked_fields(before, after) -> tuple[SafeString, SafeString]:
    """Each field of a block marked against the same field of the other version."""
    old, new = dict(before), dict(after)
    left, right = [], []
    for language in dict.fromkeys([*old, *new]):
        a, b = _marked(old.get(language, ""), new.get(language, ""))
        if language in old:
            left.append(_line(language, a))
        if language in new:
            right.append(_line(language, b))
    return mark_safe("".join(left)), mark_safe("".join(right))


# One CJK character, a word (letters, digits and joiners), a run of white space or
# any other single character: Chinese is compared by character runs, English by words.
_TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
    r"|[^\W_]+(?:['’.-][^\W_]+)*|\s+|.",
    re.DOTALL,
)


def tokens(text: str) -> list[str]:
    """``text`` cut into the units a diff marks; ``"".join(tokens(t)) == t``."""
    return _TOKEN.findall(text)


def _marked(before: str, after: str) -> tuple[str, str]:
    """HTML of both texts with what differs in ``<del>`` / ``<ins>``."""
    if before == after:
        return escape(before), escape(after)
    if len(before) + len(after) > _TOKEN_DIFF_LIMIT:
        a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    else:
        a, b = tokens(before), tokens(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(old)
            right.append(new)
        else:
            if old:
                left.append(f"<del>{old}</del>")
            if new:
                right.append(f"<ins>{new}</ins>")
    return "".join(left), "".join(right)


def changed_since(episode: Episode, version: int) -> list[Change]:
    """What was saved after ``version``, for the message of a refused save."""
    revisions = {
        r.version: r for r in Revision.objects.filter(episode=episode, version__gte=version)
        .order_by("version")
    }
    base = revisions.get(version)
    latest = revisions[max(revisions)] if revisions else None
    if base is None or latest is None or latest.version == version:
        return []
    return diff_texts(base.text, latest.text)


def text_at(episode: Episode, version: int) -> str | None:
    revision = Revision.objects.filter(episode=episode, version=version).only("episode_id", "compressed", "base_version").first()
    return revision.text if revision else None


def revert(
    *, episode: Episode, by, revision: Revision, version: int | None = None,
) -> Revision | None:
    """Make the episode's content what it was in ``revision``, as a new revision
    (None when it already is).

    The workflow fields (``draft``, ``status``, ``exclude``) stay as they are now:
    reverting restores text, speakers, headings and tags, never a review decision.
    """
    if revision.episode_id != episode.pk:
        raise ValueError("the revision belongs to another episode")
    wanted = parse(revision.text)

    def change(document: Document) -> Document:
        front_matter = wanted.front_matter
        for name in WORKFLOW_KEYS:
            front_matter = with_column(front_matter, name, column_of(document, name))
        return dataclasses.replace(with_rows_of(document, wanted), front_matter=front_matter)

    edited = editing.edit(
        episode.pk, change, by=by, expected_version=version, kind=Revision.Kind.REVERT,
        summary=_("Reverted to version %(version)s") % {"version": revision.version},
    )
    return edited.revision


WORKFLOW_KEYS = ("draft", "status", "exclude")
