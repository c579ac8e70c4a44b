"""What search reads of an episode: its texts as a reader sees them, folded.

An episode's searchable text is a list of *lines*, one per text a reader sees: the
title, each name (tags, entities, host, guests, series), the summary and the insight,
each heading, and each part of each turn (speaker label, Chinese, English; raw
blocks as they read; comments are never shown, so never searched). Lines come in
the order of ``Field`` (title first, turns last), which is also the rank of a match.

``fold`` is the one folding of text and queries: lower case, then traditional Chinese
to simplified (OpenCC t2s). A query term matches a line when the folded term occurs
in the folded line, on a word boundary where the term ends in a Latin letter or digit
(``archive.search.query.Term``).
"""
from __future__ import annotations

import enum
from collections import defaultdict

from archive.codec import speaker_name
from archive.content import fields
from archive.models import Appearance, Episode, Heading, Turn
from archive.text import fold as lower
from archive.text import plain

from .textfold import to_simplified


class Field(enum.IntEnum):
    """Where a line comes from; a lower value ranks a match higher."""

    TITLE = 0
    NAMES = 1
    SUMMARY = 2
    HEADING = 3
    TURN = 4


NO_POSITION = -1      # the position of a line that is not a heading or a turn
TURN_COLUMNS = ("episode_id", "position", "kind", "speaker_label", "translation", "english", "verbatim")


def fold(text: str) -> str:
    """Text as matched: lower case, simplified Chinese, no line breaks (a line break
    separates lines; a query never holds one)."""
    return fold_lines(text.replace("\n", " "))


def fold_lines(text: str) -> str:
    """``fold`` of each line of ``text``, in one pass (OpenCC's phrases never span a
    line break)."""
    return to_simplified(lower(text))


def shown(text: str | None) -> str:
    """``rendering.plain(text)``, sooner for the usual text that holds none of the
    characters its rules start with (then only white space runs change)."""
    if not text:
        return ""
    if "<" in text or "[" in text or "_" in text or "&" in text:
        return plain(text)
    # Only bold markers (if any) and white space to drop: what plain's rules do here.
    return " ".join(text.replace("**", "").split())


def turn_parts(turn) -> list[str]:
    """The texts a reader sees of a turn or raw block (a row of TURN_COLUMNS)."""
    _, _, kind, label, translation, english, verbatim = turn
    if kind == Turn.Kind.RAW:
        parts = [shown(verbatim)]
    else:
        parts = [speaker_name(label), shown(translation), shown(english)]
    return [part for part in parts if part]


def names_of(episode_ids):
    """(episode id, name) of every tag, entity, host, guest and series of these
    episodes: one query, a union over the link tables."""
    parts = [
        link.objects.filter(content_object_id__in=episode_ids).order_by()
        .values_list("content_object_id", "tag__name")
        for _, link in fields.ENTITY_KEYS.values()
    ]
    parts.append(
        Appearance.objects.filter(episode_id__in=episode_ids).order_by()
        .values_list("episode_id", "speaker__name")
    )
    parts.append(
        Episode.objects.filter(pk__in=episode_ids).exclude(series="").order_by()
        .values_list("pk", "series")
    )
    return parts[0].union(*parts[1:], all=True)


def _names_line(names) -> list[tuple]:
    cleaned = {" ".join(name.split()) for name in names if name and name.strip()}
    return [(Field.NAMES, NO_POSITION, name) for name in sorted(cleaned)]


def lines_of_rows(rows) -> list[tuple]:
    """The lines of an episode not yet written, from its ``archive.content.store.EpisodeRows``:
    the same lines ``shown_lines`` reads back once it is (an import's workers index
    the episodes they parse with it)."""
    columns = rows.columns
    names = [*rows.hosts, *rows.guests, *(name for names in rows.entities.values() for name in names)]
    if columns["series"]:
        names.append(columns["series"])
    lines = [(Field.TITLE, NO_POSITION, shown(columns["title"])), *_names_line(names),
             (Field.SUMMARY, NO_POSITION, shown(columns["summary"])),
             (Field.SUMMARY, NO_POSITION, shown(columns["insight"]))]
    lines += [(Field.HEADING, position, shown(title)) for position, _, title, _ in rows.headings]
    for position, _, kind, label, _, translation, english, _, verbatim in rows.turns:
        if kind != Turn.Kind.COMMENT:
            turn = (None, position, kind, label, translation, english, verbatim)
            lines += [(Field.TURN, position, part) for part in turn_parts(turn)]
    return [line for line in lines if line[2]]


def shown_lines(episode_ids) -> dict[int, dict]:
    """Episode id -> {"version", "date", "lines": [(field, position, shown text)]},
    the lines in rank order, read in five queries whatever the number of episodes."""
    ids = list(episode_ids)
    names: dict[int, list[str]] = defaultdict(list)
    for episode_id, name in names_of(ids):
        names[episode_id].append(name)
    episodes = {}
    for pk, version, date, title, summary, insight in Episode.objects.filter(pk__in=ids).values_list(
        "pk", "version", "date", "title", "summary", "insight"
    ):
        lines = [(Field.TITLE, NO_POSITION, shown(title)), *_names_line(names[pk])]
        lines += [(Field.SUMMARY, NO_POSITION, shown(summary)), (Field.SUMMARY, NO_POSITION, shown(insight))]
        episodes[pk] = {"version": version, "date": date, "lines": lines, "headings": [], "turns": []}
    ids = list(episodes)    # the episodes found: an id with no row is dropped
    for episode_id, position, title in Heading.objects.filter(episode_id__in=ids).order_by(
        "episode_id", "position"
    ).values_list("episode_id", "position", "title"):
        episodes[episode_id]["headings"].append((Field.HEADING, position, shown(title)))
    turns = Turn.objects.filter(episode_id__in=ids).exclude(kind=Turn.Kind.COMMENT).order_by(
        "episode_id", "position"
    )
    for turn in turns.values_list(*TURN_COLUMNS):
        episodes[turn[0]]["turns"].extend((Field.TURN, turn[1], part) for part in turn_parts(turn))
    for episode in episodes.values():
        lines = episode["lines"] + episode.pop("headings") + episode.pop("turns")
        episode["lines"] = [line for line in lines if line[2]]
    return episodes
