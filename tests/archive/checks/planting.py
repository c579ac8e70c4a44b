"""Plant known defects into real episodes, to measure what the checks find.

``plant(document, kind, rng, entities)`` returns the document with one defect of
``kind`` planted in one randomly chosen turn, and that turn's block index, or None
when the episode offers no turn for it. Each kind mimics what the pipeline or an
editor gets wrong, in the way the file would hold it.
"""
from __future__ import annotations

import dataclasses
import random
import re

from archive.checks import numbers
from archive.checks.documents import tagged_names
from archive.checks.names import LATIN_WORD, is_sentence, name_key
from archive.codec import Document, Turn, edited

_PERSON = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")


def _bilingual(document: Document) -> list[int]:
    return [
        index for index, block in enumerate(document.blocks)
        if isinstance(block, Turn) and block.text and block.english and block.english.text.strip()
    ]


def _with(document: Document, **blocks) -> Document:
    changed = list(document.blocks)
    for index, block in blocks.items():
        changed[int(index.lstrip("_"))] = block
    return dataclasses.replace(document, blocks=tuple(changed))


def drop_english(document, rng, entities):
    index = rng.choice(_bilingual(document) or [None])
    if index is None:
        return None
    turn = document.blocks[index]
    return _with(document, **{f"_{index}": dataclasses.replace(turn, english=None)}), index


def merge_next_english(document, rng, entities):
    bilingual = set(_bilingual(document))
    choices = [index for index in bilingual if index + 1 in bilingual]
    if not choices:
        return None
    index = rng.choice(choices)
    turn, following = document.blocks[index], document.blocks[index + 1]
    merged = edited(turn.english, text=turn.english.text.rstrip() + " " + following.english.text.strip())
    return _with(document, **{
        f"_{index}": dataclasses.replace(turn, english=merged),
        f"_{index + 1}": dataclasses.replace(following, english=None),
    }), index


def english_for_chinese(document, rng, entities):
    choices = [i for i in _bilingual(document) if len(document.blocks[i].english.text) >= 20]
    if not choices:
        return None
    index = rng.choice(choices)
    turn = document.blocks[index]
    english = " ".join(re.sub(r"<[^>]+>", " ", turn.english.text).split())
    return _with(document, **{f"_{index}": dataclasses.replace(turn, text=english)}), index


_ZH_NUMERALS = "一二三四五六七八九"
_ZH_UNIT_AFTER = re.compile(r"\s?(?:美元|欧元|英镑|元|年|个|%|％|岁|倍|人|家|次)")
_EN_UNIT_AROUND = re.compile(r"\s?(?:%|percent|per cent|dollars|years?|people|times)\b|\s?%")


def change_number(document, rng, entities):
    """A number both texts share changed or dropped in one of them: a digit changed
    (``2019`` to ``2018``), a Chinese numeral changed (``三十`` to ``五十``), a scale
    swapped (``50亿`` to ``50万``, ``million`` to ``billion``), or the number dropped
    with its unit (``50亿美元`` gone from the Chinese)."""
    choices = []
    for index in _bilingual(document):
        turn = document.blocks[index]
        ours, theirs = numbers.mentions(turn.text), numbers.mentions(turn.english.text)
        for side, mine, other in (("text", ours, theirs), ("english", theirs, ours)):
            for mention in mine:
                written = (turn.text if side == "text" else turn.english.text)[mention.start:mention.end]
                if not any(char.isdigit() or char in _ZH_NUMERALS for char in written):
                    continue  # a month's name, 百: no digit to change
                if (mention.firm or (side == "text" and mention.value >= 10)) and any(
                    numbers.same(mention.value, m.value) for m in other if m.firm or mention.firm
                ):
                    choices.append((index, mention, side))
    if not choices:
        return None
    index, mention, side = rng.choice(choices)
    turn = document.blocks[index]
    text = turn.text if side == "text" else turn.english.text
    written = text[mention.start:mention.end]
    how = rng.choice(("change", "change", "scale", "drop"))
    if how == "drop":
        end = mention.end
        unit = (_ZH_UNIT_AFTER if side == "text" else _EN_UNIT_AROUND).match(text, end)
        if unit and rng.random() < 0.7:
            end = unit.end()
        start = mention.start - (side == "english" and text[mention.start - 1:mention.start] == "$")
        text = text[:start] + text[end:]
    elif how == "scale" and (swapped := _swap_scale(written)) is not None:
        text = text[:mention.start] + swapped + text[mention.end:]
    else:
        text = text[:mention.start] + _changed_digit(written, rng) + text[mention.end:]
    changed = (dataclasses.replace(turn, text=text) if side == "text"
               else dataclasses.replace(turn, english=edited(turn.english, text=text)))
    return _with(document, **{f"_{index}": changed}), index


def _swap_scale(written: str) -> str | None:
    for one, other in (("万", "亿"), ("亿", "万"), ("million", "billion"), ("billion", "million"),
                       ("千", "百"), ("thousand", "million")):
        if one in written:
            return written.replace(one, other, 1)
    return None


def _changed_digit(written: str, rng) -> str:
    """One digit or Chinese numeral of ``written`` changed."""
    places = [i for i, char in enumerate(written) if char.isdigit() or char in _ZH_NUMERALS]
    at = places[-1] if len(places) == 1 or rng.random() < 0.5 else rng.choice(places[1:])
    pool = "0123456789" if written[at].isdigit() else _ZH_NUMERALS
    return written[:at] + rng.choice([c for c in pool if c != written[at]]) + written[at + 1:]


def truncate_chinese(document, rng, entities):
    choices = [i for i in _bilingual(document) if len(document.blocks[i].text) >= 20]
    if not choices:
        return None
    index = rng.choice(choices)
    turn = document.blocks[index]
    cut = int(len(turn.text) * rng.uniform(0.25, 0.7))
    return _with(document, **{f"_{index}": dataclasses.replace(turn, text=turn.text[:cut].rstrip())}), index


def respell_name(document, rng, entities):
    choices = []
    for index in _bilingual(document):
        turn = document.blocks[index]
        english_words = set(LATIN_WORD.findall(turn.english.text))
        for word in set(LATIN_WORD.findall(turn.text)):
            if len(word) >= 5 and word.isalpha() and word[0].isupper() and word[1:].islower() and word in english_words:
                choices.append((index, word))
    if not choices:
        return None
    index, word = rng.choice(sorted(choices))
    turn = document.blocks[index]
    at = rng.randrange(1, len(word))
    how = rng.choice(("swap", "double", "drop", "replace"))
    if how == "swap" and at < len(word) - 1 and word[at] != word[at + 1]:
        respelt = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif how == "double":
        respelt = word[:at] + word[at] + word[at:]
    elif how == "drop" and len(word) > 5:
        respelt = word[:at] + word[at + 1:]
    else:
        respelt = word[:at] + rng.choice([c for c in "aeioudtrnl" if c != word[at]]) + word[at + 1:]
    pattern = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])")  # beside Chinese too
    if rng.random() < 0.5:
        changed = dataclasses.replace(turn, text=pattern.sub(respelt, turn.text))
    else:
        changed = dataclasses.replace(turn, english=edited(turn.english, text=pattern.sub(respelt, turn.english.text)))
    return _with(document, **{f"_{index}": changed}), index


def placeholder_label(document, rng, entities):
    """Only where the episode names its speakers (more turns by name than by
    placeholder), which is when the check applies."""
    labels = [block.label.strip("[] ") for block in document.blocks if isinstance(block, Turn) and block.label]
    if sum(bool(_PERSON.fullmatch(label)) for label in labels) <= sum(label.startswith("Speaker") for label in labels):
        return None
    labelled = [
        index for index, block in enumerate(document.blocks)
        if isinstance(block, Turn) and block.label and _PERSON.fullmatch(block.label.strip("[] "))
        and block.text
    ]
    if not labelled:
        return None
    index = rng.choice(labelled)
    return _with(document, **{f"_{index}": dataclasses.replace(document.blocks[index], label="Speaker A")}), index


def bold_untagged(document, rng, entities):
    """A known entity the episode's tags lack set in bold in one turn: a mention the
    turn already has made bold, or the name put in at a clause's start. Not a name
    the episode already has in bold, nor a part of one it names (``Matt`` of its
    speaker ``Matt Hager``)."""
    names = tagged_names(document) + [
        block.label.strip("[]") for block in document.blocks if isinstance(block, Turn) and block.label
    ]
    own = {name_key(name) for name in names}
    own |= {name_key(word) for name in names for word in LATIN_WORD.findall(name)}
    bold = {name_key(name) for block in document.blocks if isinstance(block, Turn) and block.text
            for name in _BOLD_RUN.findall(block.text)}
    candidates = [name for name in entities if name_key(name) not in own | bold and not is_sentence(name)]
    turns = [index for index, block in enumerate(document.blocks)
             if isinstance(block, Turn) and block.text and len(block.text) >= 10]
    if not candidates or not turns:
        return None
    for index in rng.sample(turns, len(turns)):
        text = document.blocks[index].text
        outside = _BOLD_RUN.sub(lambda bold: " " * len(bold[0]), text)  # not inside a bold run
        mentioned = [name for name in candidates if len(name) >= 4 and name in outside and re.search(
            rf"(?<![\w*]){re.escape(name)}(?![\w*])", outside)]
        if mentioned and rng.random() < 0.5:
            name = rng.choice(mentioned)
            at = re.search(rf"(?<![\w*]){re.escape(name)}(?![\w*])", outside).start()
            text = text[:at] + f"**{name}**" + text[at + len(name):]
            break
    else:
        index, name = rng.choice(turns), rng.choice(candidates)
        text = document.blocks[index].text
        clauses = [0] + [match.end() for match in re.finditer(r"[，。！？]", text[:-1])]
        at = rng.choice(clauses)
        text = text[:at] + f"**{name}**" + text[at:]
    return _with(document, **{f"_{index}": dataclasses.replace(document.blocks[index], text=text)}), index


_BOLD_RUN = re.compile(r"\*\*([^*\n]{1,60}?)\*\*")


PLANTERS = {
    "missing-original": drop_english,
    "merged-original": merge_next_english,
    "untranslated": english_for_chinese,
    "number-mismatch": change_number,
    "truncated": truncate_chinese,
    "name-mismatch": respell_name,
    "placeholder-speaker": placeholder_label,
    "untagged-mention": bold_untagged,
}


def plant(document: Document, kind: str, rng: random.Random, entities: list[str]):
    """``(planted document, block index of the planted turn)``, or None."""
    return PLANTERS[kind](document, rng, entities)
