"""Revisions of an episode's file: turn-by-turn differences and reverting.

A revision is the whole file as ``export_markdown`` would have written it after one
save (see ``editorial.editing``); storing the text rather than rows keeps every old
revision readable whatever the schema becomes, and the codec turns two texts back
into blocks to compare them block by block.
"""
from __future__ import annotations

import dataclasses
import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from archive.codec import Comment, Heading, Raw, Turn, parse
from archive.codec.printer import render_block
from archive.models import Episode
from archive.store import save_document

from . import editing
from .models import Revision

# Blocks longer than this are compared line by line, not character by character.
_CHAR_DIFF_LIMIT = 4000


@dataclasses.dataclass(frozen=True)
class Part:
    """One front-matter key or body block as the diff shows it."""

    where: str  # "front matter: title", "turn 12 · Speaker A", "heading 3"
    text: str


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
        Part(f"front matter: {entry.key or '(comment)'}", entry.raw.rstrip("\n"))
        for entry in document.front_matter.entries
    ]
    for number, block in enumerate(document.blocks, start=1):
        parts.append(Part(_where(number, block), render_block(block).rstrip("\n")))
    return parts


def _where(number: int, block) -> str:
    if isinstance(block, Heading):
        return f"block {number} · heading"
    if isinstance(block, Turn):
        return f"block {number} · {block.label or 'narration'}"
    if isinstance(block, Comment):
        return f"block {number} · comment"
    if isinstance(block, Raw):
        return f"block {number} · markup"
    return f"block {number}"


def diff_texts(before: str, after: str) -> list[Change]:
    """What changed from ``before`` to ``after``, block by block."""
    old, new = parts_of(before), parts_of(after)
    matcher = difflib.SequenceMatcher(
        None, [p.text for p in old], [p.text for p in new], autojunk=False
    )
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace":
            for a, b in zip(old[i1:i2], new[j1:j2]):
                marked_a, marked_b = _inline(a.text, b.text)
                changes.append(Change("changed", b.where, marked_a, marked_b))
            for a in old[i1 + (j2 - j1):i2]:
                changes.append(Change("removed", a.where, _whole(a.text, "del"), mark_safe("")))
            for b in new[j1 + (i2 - i1):j2]:
                changes.append(Change("added", b.where, mark_safe(""), _whole(b.text, "ins")))
        elif tag == "delete":
            changes += [Change("removed", a.where, _whole(a.text, "del"), mark_safe("")) for a in old[i1:i2]]
        elif tag == "insert":
            changes += [Change("added", b.where, mark_safe(""), _whole(b.text, "ins")) for b in new[j1:j2]]
    return changes


def _whole(text: str, tag: str) -> SafeString:
    return mark_safe(f"<{tag}>{escape(text)}</{tag}>")


def _inline(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Mark what differs inside one block: characters (Chinese has no spaces), or
    lines for very long blocks."""
    if len(before) + len(after) > _CHAR_DIFF_LIMIT:
        a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    else:
        a, b = list(before), list(after)
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
    return mark_safe("".join(left)), mark_safe("".join(right))


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
    revision = Revision.objects.filter(episode=episode, version=version).only("compressed").first()
    return revision.text if revision else None


def revert(*, episode: Episode, by, revision: Revision, version: int | None = None) -> Revision:
    """Make the episode's content what it was in ``revision``, as a new revision.

    The workflow fields (``draft``, ``status``, ``exclude``) stay as they are now:
    reverting restores text, speakers, headings and tags, never a review decision.
    """
    if revision.episode_id != episode.pk:
        raise ValueError("the revision belongs to another episode")
    with editing.edit(
        episode.pk, by=by, expected_version=version, kind=Revision.Kind.REVERT,
        summary=f"Reverted to version {revision.version}",
    ) as session:
        locked = session.episode
        state = {name: getattr(locked, name) for name in ("draft", "status", "exclude")}
        saved = save_document(
            parse(revision.text), source_path=locked.source_path, slug=locked.slug,
            source_hash=locked.source_hash, episode=locked,
        )
        for name, value in state.items():
            setattr(saved, name, value)
        session.episode = saved
        session.update_fields |= set(state)
    return session.revision
