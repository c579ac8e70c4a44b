"""Likely duplicate names, for a Publisher to confirm and merge (``editorial.names.merging``).

Names are grouped, never compared pair by pair, so the report stays linear in the
number of names (plus a sort):

- by a *fold* key: one group per key shared by several names, the reason being each
  folding step that brought them together: case and width, spacing, punctuation,
  traditional / simplified Chinese (OpenCC, ``archive.search.textfold``);
- by prefix: ``Dwarkesh`` and ``Dwarkesh Patel``, one name the start of another up
  to a word boundary, found among sorted neighbours;
- speakers that are no one: sound cues such as ``音乐`` or ``[Laughter]``.
"""
from __future__ import annotations

import dataclasses
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Count
from django.utils.translation import gettext_lazy

from archive.content import fields
from archive.content.named import looks_like_a_name
from archive.models import Appearance, Turn
from archive.search.textfold import to_simplified

from .merging import SPEAKER

# Compared after folding (so "[笑声]", "Laughter" and "LAUGHTER:" all match).
SOUND_CUES = (
    "音乐", "音乐声", "背景音乐", "片头音乐", "片尾音乐", "配乐", "歌声", "唱歌", "笑声", "笑",
    "大笑", "掌声", "鼓掌", "欢呼", "欢呼声", "音效", "静音", "沉默", "停顿", "噪音", "杂音",
    "听不清", "无法听清", "叹气", "咳嗽", "music", "background music", "intro music",
    "outro music", "laughter", "laughs", "laughing", "applause", "cheering", "cheers",
    "silence", "inaudible", "crosstalk", "noise", "sound", "sound effect", "sfx",
)
_PREFIX_MIN = 2


@dataclasses.dataclass(frozen=True)
class NameUse:
    name: str
    episodes: int  # how many episodes name it


@dataclasses.dataclass(frozen=True)
class DuplicateGroup:
    reason: str
    names: tuple[NameUse, ...]  # the suggested name to keep first; by prefix, the short one last

    @property
    def target(self) -> NameUse:
        return self.names[0]

    @property
    def others(self) -> tuple[NameUse, ...]:
        return self.names[1:]


@dataclasses.dataclass(frozen=True)
class Report:
    kind: str
    names: int
    groups: tuple[DuplicateGroup, ...]
    prefixes: tuple[DuplicateGroup, ...]
    sound_cues: tuple[NameUse, ...]
    not_names: tuple[NameUse, ...] = ()


def duplicates_report(kind: str) -> Report:
    uses = name_uses(kind)
    return Report(
        kind=kind, names=len(uses), groups=tuple(fold_groups(uses)),
        prefixes=tuple(prefix_groups(uses)),
        sound_cues=tuple(sound_cues(uses)) if kind == SPEAKER else (),
        not_names=tuple(labels_that_are_not_names(uses)) if kind == SPEAKER else (),
    )


def labels_that_are_not_names(uses: Iterable[NameUse]) -> list[NameUse]:
    """Speakers only turn labels carry that do not read as names (``1. 多喝水``,
    ``>>``): the public index of speakers leaves them out, so they wait here."""
    in_front_matter = set(Appearance.objects.values_list("speaker__name", flat=True).distinct())
    return [
        use for use in uses
        if use.name not in in_front_matter and not looks_like_a_name(use.name)
    ]


def name_uses(kind: str) -> list[NameUse]:
    """Every name of ``kind`` that some episode uses, with its number of episodes."""
    if kind == SPEAKER:
        pairs = set(Turn.objects.filter(speaker__isnull=False).values_list(
            "speaker__name", "episode_id"
        ).distinct())
        pairs |= set(Appearance.objects.values_list(
            "speaker__name", "episode_id"
        ).distinct())
        counts = defaultdict(int)
        for name, _ in pairs:
            counts[name] += 1
        return [NameUse(name, count) for name, count in counts.items()]
    _, link_model = fields.ENTITY_KEYS[kind]
    rows = link_model.objects.values("tag__name").annotate(
        episodes=Count("content_object_id", distinct=True)
    ).values_list("tag__name", "episodes")
    return [NameUse(name, count) for name, count in rows]


# Folding ------------------------------------------------------------------------------

def _width_and_case(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _without_spacing(name: str) -> str:
    return "".join(char for char in name if not char.isspace())


def _without_punctuation(name: str) -> str:
    return "".join(char for char in name if unicodedata.category(char)[0] not in "PS")


FOLD_STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    (gettext_lazy("case"), _width_and_case),
    (gettext_lazy("spacing"), _without_spacing),
    (gettext_lazy("punctuation"), _without_punctuation),
    (gettext_lazy("traditional/simplified"), to_simplified),
)


def fold(name: str) -> str:
    """The key under which names that differ only in case, width, spacing,
    punctuation or Chinese script meet."""
    for _, step in FOLD_STEPS:
        name = step(name)
    return name


def fold_groups(uses: Iterable[NameUse]) -> list[DuplicateGroup]:
    by_key: dict[str, list[NameUse]] = defaultdict(list)
    for use in uses:
        key = fold(use.name)
        if key:
            by_key[key].append(use)
    groups = []
    for members in by_key.values():
        if len(members) > 1:
            groups.append(DuplicateGroup(_fold_reason(members), _most_used_first(members)))
    return sorted(groups, key=lambda group: -sum(use.episodes for use in group.names))


def _fold_reason(members: list[NameUse]) -> str:
    """The folding steps that made distinct names equal, e.g. "case, spacing"."""
    names, reasons = [use.name for use in members], []
    for label, step in FOLD_STEPS:
        folded = [step(name) for name in names]
        if len(set(folded)) < len(set(names)):
            reasons.append(str(label))
        names = folded
    return ", ".join(reasons)


def _most_used_first(members: Iterable[NameUse]) -> tuple[NameUse, ...]:
    return tuple(sorted(members, key=lambda use: (-use.episodes, -len(use.name), use.name)))


# Prefixes -----------------------------------------------------------------------------

def _spaced(name: str) -> str:
    """Folded, with spacing and punctuation kept as single spaces (word boundaries)."""
    text = to_simplified(_width_and_case(name))
    words = "".join(" " if char.isspace() or unicodedata.category(char)[0] in "PS" else char
                    for char in text)
    return " ".join(words.split())


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def prefix_groups(uses: Iterable[NameUse]) -> list[DuplicateGroup]:
    """A name with the longer names it begins, up to a word boundary (a space, or a
    change between Chinese characters and other letters); sorted neighbours only."""
    by_spaced: dict[str, list[NameUse]] = defaultdict(list)
    for use in uses:
        spaced = _spaced(use.name)
        if spaced:
            by_spaced[spaced].append(use)
    keys = sorted(by_spaced)
    groups = []
    for index, short in enumerate(keys):
        if len(short) < _PREFIX_MIN:
            continue
        longer = []
        for candidate in _run_with_prefix(keys, index + 1, short):
            after = candidate[len(short)]
            if after == " " or _is_cjk(after) != _is_cjk(short[-1]):
                longer.extend(by_spaced[candidate])
        if longer:
            groups.extend(
                DuplicateGroup(str(gettext_lazy("prefix")), (*_most_used_first(longer), use))
                for use in by_spaced[short]
            )
    return sorted(groups, key=lambda group: (len(group.names), -group.names[-1].episodes))


def _run_with_prefix(keys: list[str], start: int, prefix: str):
    """The sorted keys from ``start`` on that begin with ``prefix`` (a contiguous run)."""
    for index in range(start, len(keys)):
        if not keys[index].startswith(prefix):
            return
        yield keys[index]


# Sound cues ---------------------------------------------------------------------------

_CUE_KEYS = frozenset(fold(cue) for cue in SOUND_CUES)


def sound_cues(uses: Iterable[NameUse]) -> list[NameUse]:
    """Speakers whose name is a sound cue, not a person."""
    return sorted(
        (use for use in uses if fold(use.name) in _CUE_KEYS), key=lambda use: -use.episodes
    )
