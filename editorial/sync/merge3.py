"""A three-way merge of one file, turn by turn.

A file is cut into units where its nodes meet (``units``): the front matter, then each
block (turn, heading, paragraph, comment). Every byte belongs to one unit, so joining
them gives the file back. :func:`merge` compares the CMS's version ("ours") and the
repository's ("theirs") with the version both started from ("base"), as diff3 does
with lines: a stretch changed on one side only takes that side; one changed alike on
both sides takes it once; stretches changed differently on both sides, when they hold
as many units each, are merged unit by unit (different turns edited on each side
merge cleanly), and what is left is a conflict for an editor (:class:`Hunk`).
"""
from __future__ import annotations

import dataclasses
import difflib

from archive.codec import parse, render_block, render_front_matter

OURS, THEIRS = "ours", "theirs"


def units(text: str) -> list[str]:
    """The file cut into its front matter and blocks; ``"".join(units(t)) == t``."""
    document = parse(text)
    return [render_front_matter(document.front_matter), *map(render_block, document.blocks)]


@dataclasses.dataclass(frozen=True)
class Hunk:
    """A stretch of the merged file: settled (``conflict`` false: ``ours`` is what is
    kept, the same as ``theirs``), or a conflict to choose a side of."""

    base: tuple[str, ...]
    ours: tuple[str, ...]
    theirs: tuple[str, ...]
    conflict: bool

    def text(self, side: str = OURS) -> str:
        return "".join(self.theirs if side == THEIRS else self.ours)


@dataclasses.dataclass(frozen=True)
class Merged:
    hunks: tuple[Hunk, ...]

    @property
    def conflicts(self) -> list[int]:
        """The indexes of the hunks an editor must choose a side of."""
        return [index for index, hunk in enumerate(self.hunks) if hunk.conflict]

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def text(self, choices: dict[int, str] | None = None) -> str:
        """The merged file, taking for each conflict the side ``choices`` names."""
        choices = choices or {}
        missing = [index for index in self.conflicts if choices.get(index) not in (OURS, THEIRS)]
        if missing:
            raise ValueError(f"no side chosen for conflicts {missing}")
        return "".join(hunk.text(choices.get(index, OURS)) for index, hunk in enumerate(self.hunks))


def merge_texts(base: str, ours: str, theirs: str) -> Merged:
    return merge(units(base), units(ours), units(theirs))


def merge(base: list[str], ours: list[str], theirs: list[str]) -> Merged:
    """Merge two edits of ``base`` unit by unit (see the module's docstring)."""
    in_ours, in_theirs = _matches(base, ours), _matches(base, theirs)
    hunks: list[Hunk] = []
    b = o = t = 0
    while True:
        # The next base unit both sides kept, past where each side has got to.
        stable = b
        while stable < len(base) and not (
            in_ours.get(stable, -1) >= o and in_theirs.get(stable, -1) >= t
        ):
            stable += 1
        o_end = in_ours[stable] if stable < len(base) else len(ours)
        t_end = in_theirs[stable] if stable < len(base) else len(theirs)
        hunks.extend(_settle(base[b:stable], ours[o:o_end], theirs[t:t_end]))
        if stable == len(base):
            break
        hunks.append(Hunk((base[stable],), (ours[o_end],), (theirs[t_end],), False))
        b, o, t = stable + 1, o_end + 1, t_end + 1
    return Merged(tuple(_joined(hunks)))


def _matches(base: list[str], other: list[str]) -> dict[int, int]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return {
        a + offset: b + offset
        for a, b, size in matcher.get_matching_blocks() for offset in range(size)
    }


def _settle(base: list[str], ours: list[str], theirs: list[str]) -> list[Hunk]:
    if not (base or ours or theirs):
        return []
    if ours == base or ours == theirs:
        return [Hunk(tuple(base), tuple(theirs), tuple(theirs), False)]
    if theirs == base:
        return [Hunk(tuple(base), tuple(ours), tuple(ours), False)]
    if len(base) == len(ours) == len(theirs) > 1:
        return [hunk for unit in zip(base, ours, theirs) for hunk in _settle(*map(list, zip(unit)))]
    return [Hunk(tuple(base), tuple(ours), tuple(theirs), True)]


def _joined(hunks: list[Hunk]) -> list[Hunk]:
    """Runs of settled hunks as one, so conflicts stand between unchanged stretches."""
    joined: list[Hunk] = []
    for hunk in hunks:
        if joined and not hunk.conflict and not joined[-1].conflict:
            last = joined[-1]
            joined[-1] = Hunk(last.base + hunk.base, last.ours + hunk.ours, last.theirs + hunk.theirs, False)
        else:
            joined.append(hunk)
    return joined
