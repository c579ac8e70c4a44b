"""Names: Latin-script words of a text, near spellings, and the archive's known names.

Two spellings are *near* when one edit apart for a short word, two for a longer one
(``Fetterman`` / ``Federman``), after case, a possessive ``'s`` and a plural ``s``
are set aside, so ``Systems`` is not a misspelling of ``system``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'’][A-Za-z]+)*")
_POSSESSIVE = re.compile(r"['’]s$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TITLE_MARKS = str.maketrans("", "", "《》「」『』“”\"")
_SENTENCE = re.compile(r"[，。：；！？]")
# An entity is one to tag unless the archive bolds it untagged over three times as
# often as it tags it. On the shared half: at once (as often), 1 in 8 bold mentions
# planted of a known entity went unflagged; at three times, 1 in 22, for a tenth
# more flagged turns; at ten times 1 in 80, for a fifth more.
UNTAGGED_FACTOR = 3


def word_key(word: str) -> str:
    """The form two spellings of one word share: casefolded, no 's, no plural s."""
    key = _POSSESSIVE.sub("", word).casefold().replace("’", "'")
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        key = key[:-1]
    return key


def name_key(name: str) -> str:
    """The form two spellings of one name share: of a Latin name its words' keys; of
    a name with Chinese in it the whole name, spaces and title marks left out
    (``AI基础设施`` is not ``AI``, ``《达尔文陷阱》`` is ``达尔文陷阱``)."""
    name = name.translate(_TITLE_MARKS)
    if _CJK.search(name):
        return "".join(name.split()).casefold()
    return " ".join(word_key(word) for word in LATIN_WORD.findall(name)) or name.strip().casefold()


def is_sentence(name: str) -> bool:
    """A tag that is a clause, not a name (a bold run copied into a list by mistake)."""
    return bool(_SENTENCE.search(name))


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent transpositions, or ``limit + 1`` once over it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if (previous2 is not None and i > 1 and j > 1 and char_a == b[j - 2]
                    and a[i - 2] == char_b):
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


def near(a: str, b: str) -> bool:
    """Different spellings close enough to be one name mistyped or misheard."""
    if a[:1] != b[:1] or abs(len(a) - len(b)) > 2 or a == b or min(len(a), len(b)) < 4:
        return False
    if abs(len(a) - len(b)) > 1 and (a.startswith(b) or b.startswith(a)):
        return False  # a longer word, not a misspelling (Open / OpenAI)
    return edit_distance(a, b, 1 if min(len(a), len(b)) < 7 else 2) <= (1 if min(len(a), len(b)) < 7 else 2)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))} | {key}


@dataclass
class KnownNames:
    """The archive's names: people, organisations and speakers (``people``, with the
    number of episodes that use each spelling), and the entity tags the archive's
    practice is to tag (``entities``), both keyed by :func:`name_key`. Built once per
    import or command run.

    An entity counts as one to tag unless over ``UNTAGGED_FACTOR`` times as many
    episodes bold it untagged as tag it (``untagged``: per name key, the episodes
    whose ``bolded_untagged`` has it): the archive bolds ``美国`` in hundreds of
    episodes and tags it in a few, and an editor is not to be asked about it in
    every one of them. Those are ``usually_untagged``: an
    episode is asked about the first of them it bolds, once (a known entity all the
    same, and one of them bolded where the episode has none is worth a look).
    """

    people: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    entities: Mapping[str, str] = field(default_factory=dict)
    usually_untagged: frozenset[str] = frozenset()
    _index: dict[str, list[str]] | None = field(default=None, repr=False)
    _usual: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls, people: Iterable[tuple[str, int]], entities: Iterable[tuple[str, int]],
        untagged: Mapping[str, int] | None = None,
    ) -> KnownNames:
        counted: dict[str, tuple[str, int]] = {}
        for name, count in people:
            key = name_key(name)
            if len(key) >= 4:
                was = counted.get(key)
                if was is None or was[1] < count:
                    counted[key] = (name, count + (was[1] if was else 0))
                else:
                    counted[key] = (was[0], was[1] + count)
        untagged = {name_key(name): count for name, count in (untagged or {}).items()}
        tagged: dict[str, tuple[str, int]] = {}
        for name, count in entities:
            key = name_key(name)
            if name.strip() and not is_sentence(name):
                was = tagged.get(key, (name, 0))
                tagged[key] = (was[0], was[1] + count)
        return cls(counted, {
            key: name for key, (name, count) in tagged.items() if count * UNTAGGED_FACTOR >= untagged.get(key, 0)
        }, frozenset(key for key, (_, count) in tagged.items() if count * UNTAGGED_FACTOR < untagged.get(key, 0)))

    @property
    def is_empty(self) -> bool:
        """Whether it knows no name, as an import into an empty database does: then no
        name check can find anything."""
        return not (self.people or self.entities or self.usually_untagged)

    def usual_spelling(self, name: str) -> str | None:
        """The archive's usual spelling of ``name`` when it spells it differently:
        a near name used in at least three episodes, three times as often as this one."""
        if name not in self._usual:
            self._usual[name] = self._usual_spelling(name)
        return self._usual[name]

    def _usual_spelling(self, name: str) -> str | None:
        key = name_key(name)
        if len(key) < 6:
            return None
        own = self.people.get(key, ("", 0))[1]
        best = None
        for other in sorted(self._candidates(key)):  # of two as common, always the same
            spelling, count = self.people[other]
            if count >= max(3, 3 * own) and _near_name(key, other):
                if best is None or count > best[1]:
                    best = (spelling, count)
        return best[0] if best else None

    def _candidates(self, key: str) -> set[str]:
        if self._index is None:
            self._index = {}
            for known in self.people:
                for variant in _deletions(known):
                    self._index.setdefault(variant, []).append(known)
        return {known for variant in _deletions(key) for known in self._index.get(variant, ())}


def _near_name(a: str, b: str) -> bool:
    words_a, words_b = a.split(" "), b.split(" ")
    if len(words_a) != len(words_b):
        return False
    differing = [(x, y) for x, y in zip(words_a, words_b) if x != y]
    return len(differing) == 1 and near(*differing[0])
