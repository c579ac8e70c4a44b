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
from archive.checks.names import LATIN_WORD, name_key
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


def change_number(document, rng, entities):
    choices = []
    for index in _bilingual(document):
        turn = document.blocks[index]
        ours = [m for m in numbers.mentions(turn.text) if m.firm]
        theirs = [m for m in numbers.mentions(turn.english.text) if m.firm]
        shared = [(m, "text") for m in ours if any(numbers.same(m.value, t.value) for t in theirs)]
        shared += [(t, "english") for t in theirs if any(numbers.same(t.value, m.value) for m in ours)]
        choices.extend((index, mention, side) for mention, side in shared)
    if not choices:
        return None
    index, mention, side = rng.choice(choices)
    turn = document.blocks[index]
    text = turn.text if side == "text" else turn.english.text
    digits = [i for i in range(mention.start, mention.end) if text[i].isdigit()]
    at = digits[-1] if len(digits) == 1 or rng.random() < 0.5 else rng.choice(digits[1:])
    new_digit = rng.choice([d for d in "0123456789" if d != text[at]])
    text = text[:at] + new_digit + text[at + 1:]
    changed = (dataclasses.replace(turn, text=text) if side == "text"
               else dataclasses.replace(turn, english=edited(turn.english, text=text)))
    return _with(document, **{f"_{index}": changed}), index


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
            if len(word) >= 5 and word[0].isupper() and word[1:].islower() and word in english_words:
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
    pattern = re.compile(rf"\b{re.escape(word)}\b")
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
    tagged = {name_key(name) for name in tagged_names(document)}
    labels = {name_key(block.label.strip("[]")) for block in document.blocks if isinstance(block, Turn)}
    candidates = [name for name in entities if name_key(name) not in tagged and name_key(name) not in labels]
    turns = [index for index, block in enumerate(document.blocks)
             if isinstance(block, Turn) and block.text and len(block.text) >= 10 and "**" not in block.text]
    if not candidates or not turns:
        return None
    for index in rng.sample(turns, len(turns)):
        text = document.blocks[index].text
        mentioned = [name for name in candidates if len(name) >= 4 and f" {name} " in f" {text} "]
        if mentioned:
            name = rng.choice(mentioned)
            text = text.replace(name, f"**{name}**", 1)
            break
    else:
        index, name = rng.choice(turns), rng.choice(candidates)
        text = document.blocks[index].text
        at = text.find("，") + 1
        text = text[:at] + f"**{name}**" + text[at:]
    return _with(document, **{f"_{index}": dataclasses.replace(document.blocks[index], text=text)}), index


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
