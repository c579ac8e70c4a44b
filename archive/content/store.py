"""Document tree <-> model rows, in bulk, in one transaction per episode.

``save_document`` writes a parsed file as rows; ``load_document`` rebuilds the tree
from rows so that ``render(load_document(save_document(doc)))`` is the imported
text, and an edited column, tag list or turn changes only its own lines. Loaded
blocks carry their row's id, so ``write_changes`` writes an edited document's changed
blocks only. ``load_texts`` gives the rendered text itself, written from the rows
without building the tree: what an export writes.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import operator
import re
from collections import defaultdict, deque
from collections.abc import Iterator
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from archive.codec import (
    Comment,
    Document,
    English,
    Entry,
    FrontMatter,
    Heading,
    Raw,
    Turn,
    edited,
    parse_english,
    render_block,
    render_file,
    speaker_name,
    style_fields,
    with_value,
    without_key,
)
from archive.checks.documents import DocumentTurns, bolded_untagged
from archive.checks.stored import insert_flags, new_flag_rows, recheck
from archive.models import Appearance, Episode, Speaker, TurnFlag
from archive.models import Heading as HeadingRow
from archive.models import Turn as TurnRow

from . import fields
from .bulk import delete_rows, insert_rows
from .entity_lists import lists_of
from .episode_filter import of_episodes
from .named import ensure_ids, ensure_speakers
from .turn_styles import style_ids, style_text, style_texts

# Labels that name a role, not a person: they stay labels and link to no Speaker.
GENERIC_LABEL = re.compile(
    r"(?i)(speaker|host|guest|interviewer|narrator|audience)( \w{1,2})?|"
    r"主持人|嘉宾|观众|旁白|广告|记者|.{1,6} [A-F]"
)
_TURN_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Turn)}
_ENGLISH_DEFAULTS = {f.name: f.default for f in dataclasses.fields(English)}
_TURN_STYLE = style_fields(Turn)
_ENGLISH_STYLE = style_fields(English)


# Saving ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class EpisodeRows:
    """What a document becomes in the database, built without it: plain data, cheap to
    send between processes, written by :func:`insert_episodes` once ids are known.

    ``headings`` are ``(position, level, title, style)``; ``turns`` are ``(position,
    heading position or None, kind, label, person speaking or None, translation,
    english, style, verbatim)``, styles as their stored text; ``flags`` the translation
    checks' findings (``archive.checks.stored.new_flag_rows``).
    """

    columns: dict
    headings: list[tuple]
    turns: list[tuple]
    hosts: list[str]
    guests: list[str]
    entities: dict[str, list[str]]
    flags: list[tuple] = ()

    def speaker_names(self) -> list[str]:
        return [*self.hosts, *self.guests, *(turn[4] for turn in self.turns if turn[4])]

    def heading_texts(self) -> Iterator[HeadingText]:
        """Each heading's position and title, for readers of these rows (search)."""
        for position, _level, title, _style in self.headings:
            yield HeadingText(position, title)

    def turn_texts(self) -> Iterator[TurnText]:
        """Each turn, comment or raw block with what a reader of it needs, by name:
        the tuples' layout is the store's own."""
        for position, _section, kind, label, _person, translation, english, _style, verbatim in self.turns:
            yield TurnText(position, kind, label, translation, english, verbatim)

    def turn_styles(self) -> Iterator[str]:
        """Each turn's stored style text, in order."""
        for *_, style, _verbatim in self.turns:
            yield style


class HeadingText(NamedTuple):
    position: int
    title: str


class TurnText(NamedTuple):
    position: int
    kind: str
    label: str
    translation: str | None
    english: str | None
    verbatim: str | None


def episode_rows(document: Document, checked: DocumentTurns | None = None) -> EpisodeRows:
    """The rows of ``document`` (whose turns the caller may have read for the checks,
    ``checked``): needs no database, so it runs in parsing workers."""
    checked = checked or DocumentTurns.of(document)
    values = document.front_matter.values
    columns = fields.column_values(values)
    columns["front_matter_entries"] = [
        [entry.key, entry.raw, entry.key_gap] for entry in document.front_matter.entries
    ]
    columns["front_matter_values"] = values
    columns["file_style"] = _file_style(document)
    columns["bolded_untagged"] = bolded_untagged(document, checked)
    headings, turns, section = [], [], None
    for position, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            section = position
            headings.append((
                position, block.level, block.text,
                _heading_style(block),
            ))
        else:
            turns.append((position, section, *_turn_values(block)))
    return EpisodeRows(
        columns=columns, headings=headings, turns=turns,
        hosts=_split_names(columns["speaker"]), guests=_split_names(columns["guest"]),
        entities=fields.entity_names(values), flags=new_flag_rows(document, turns=checked),
    )


def save_document(
    document: Document, *, source_path: str, slug: str, source_hash: str,
    episode: Episode | None = None, known_ids: dict | None = None,
) -> Episode:
    """Write ``document`` as the rows of a new episode, or over ``episode``'s (as
    :func:`write_changes` writes an edit: what did not change keeps its rows)."""
    with transaction.atomic():
        if episode is None:
            [pk] = insert_episodes(
                [NewEpisode(source_path, slug, source_hash, episode_rows(document))],
                known_ids={} if known_ids is None else known_ids,
            )
            return Episode.objects.get(pk=pk)
        before = load_document(episode)
        write_changes(episode, before, with_rows_of(before, document))
        Episode.objects.filter(pk=episode.pk).update(
            slug=slug, source_hash=source_hash, updated_at=timezone.now()
        )
        episode.refresh_from_db()
        return episode


def delete_episode(episode: Episode) -> None:
    """Delete an episode and its rows in a few statements (a long transcript has
    thousands of turns the ORM would collect one by one)."""
    _delete_content(episode)
    Episode.objects.filter(pk=episode.pk).delete()


@dataclasses.dataclass(frozen=True)
class NewEpisode:
    source_path: str
    slug: str
    source_hash: str
    rows: EpisodeRows


def insert_episodes(episodes: list[NewEpisode], *, known_ids: dict) -> list[int]:
    """Insert new episodes with all their rows in a few statements for all of them.

    ``known_ids`` maps ``(model, name)`` to the id of a speaker or tag known to exist;
    a caller saving many batches passes one dict to spare the look-ups, and must drop
    it if the transaction fails (it may then hold ids rolled back). Returns the new
    episodes' ids in order.
    """
    now = timezone.now()
    insert_rows(Episode, _EPISODE_COLUMNS, (
        _episode_values(new.rows.columns, slug=new.slug, source_path=new.source_path,
                        source_hash=new.source_hash, version=1, synced_version=1, now=now,
                        created=now)
        for new in episodes
    ))
    by_path = dict(Episode.objects.filter(
        source_path__in=[new.source_path for new in episodes]
    ).values_list("source_path", "pk"))
    ids = [by_path[new.source_path] for new in episodes]
    _insert_content(list(zip(ids, (new.rows for new in episodes))), known_ids)
    return ids


_EPISODE_COLUMNS = (
    "slug", "source_path", *fields.TEXT_KEYS, *fields.BOOLEAN_KEYS, *fields.DATE_KEYS,
    "front_matter_entries", "front_matter_values", "file_style", "bolded_untagged", "source_hash",
    "version", "synced_version", "created_at", "updated_at", "synced_at",
)
_JSON_COLUMNS = {"front_matter_entries", "front_matter_values", "file_style"}
_BODY_COLUMNS = {"bolded_untagged"}  # of the turns: written with their flags (``recheck``)


def _episode_values(
    columns: dict, *, slug, source_path, source_hash, version, synced_version, now, created,
    synced=None,
):
    stamp = connection.ops.adapt_datetimefield_value
    row = {
        **columns, "slug": slug, "source_path": source_path, "source_hash": source_hash,
        "version": version, "synced_version": synced_version, "created_at": stamp(created),
        "updated_at": stamp(now), "synced_at": stamp(synced or now),
    }
    for name in _JSON_COLUMNS | _BODY_COLUMNS:
        row[name] = _json(row[name])
    for name in fields.DATE_KEYS:
        row[name] = row[name].isoformat() if row[name] else None
    return tuple(row[name] for name in _EPISODE_COLUMNS)


def _insert_content(
    episodes: list[tuple[int, EpisodeRows]], known_ids: dict,
) -> None:
    """Headings, turns, appearances, entity links and flags of episodes already inserted."""
    speakers = ensure_ids(Speaker, [
        name for _, rows in episodes for name in rows.speaker_names()
    ], known_ids)
    insert_rows(HeadingRow, _HEADING_COLUMNS, (
        (pk, *heading) for pk, rows in episodes for heading in rows.headings
    ))
    heading_ids = {
        (episode_id, position): pk
        for episode_id, position, pk in HeadingRow.objects.filter(
            episode_id__in=[pk for pk, rows in episodes if rows.headings]
        ).values_list("episode_id", "position", "pk")
    }
    styles = style_ids((style for _, rows in episodes for style in rows.turn_styles()), known_ids)
    insert_rows(TurnRow, _TURN_COLUMNS, (
        (pk, position, heading_ids[pk, section] if section is not None else None,
         kind, label, speakers.get(person) if person else None, translation, english,
         styles[style], verbatim)
        for pk, rows in episodes
        for position, section, kind, label, person, translation, english, style, verbatim in rows.turns
    ))
    _insert_appearances(episodes, speakers)
    for key, (tag_model, link_model) in fields.ENTITY_KEYS.items():
        tags = ensure_ids(tag_model, [
            name for _, rows in episodes for name in rows.entities[key]
        ], known_ids)
        insert_rows(link_model, ("content_object_id", "tag_id", "position"), (
            (pk, tags[name], position)
            for pk, rows in episodes for position, name in enumerate(rows.entities[key])
        ))
    insert_flags({pk: rows.flags for pk, rows in episodes})


def _insert_appearances(episodes: list[tuple[int, EpisodeRows]], speakers: dict[str, int]) -> None:
    insert_rows(Appearance, ("episode_id", "speaker_id", "role"), (
        (pk, speakers[name], role)
        for pk, rows in episodes
        for role, names in ((Appearance.Role.HOST, rows.hosts), (Appearance.Role.GUEST, rows.guests))
        for name in dict.fromkeys(names)
    ))


def _delete_content(episode: Episode) -> None:
    # Flags, then turns: headings' deletion would otherwise update them (SET_NULL).
    delete_rows(TurnFlag, "episode", episode.pk)
    delete_rows(TurnRow, "episode", episode.pk)
    delete_rows(HeadingRow, "episode", episode.pk)
    delete_rows(Appearance, "episode", episode.pk)
    for _, link_model in fields.ENTITY_KEYS.values():
        delete_rows(link_model, "content_object", episode.pk)


def _file_style(document: Document) -> dict:
    front_matter = document.front_matter
    return {
        "opening": front_matter.opening,
        "closing": front_matter.closing,
        "trailing": front_matter.trailing,
        "newline": document.newline,
        "bom": document.bom,
    }


@functools.lru_cache(maxsize=4096)
def person_speaking(label: str) -> str | None:
    """The person a turn label names, or None for a role such as ``Speaker A``."""
    name = speaker_name(label)
    return name if name and not GENERIC_LABEL.fullmatch(name) else None


_HEADING_COLUMNS = ("episode_id", "position", "level", "title", "style")
_TURN_COLUMNS = (
    "episode_id", "position", "heading_id", "kind", "speaker_label", "speaker_id",
    "translation", "english", "style", "verbatim",
)


def _turn_values(block) -> tuple:
    """kind, speaker_label, person speaking, translation, english, style, verbatim."""
    if isinstance(block, (Comment, Raw)):
        kind = TurnRow.Kind.COMMENT if isinstance(block, Comment) else TurnRow.Kind.RAW
        return kind, "", None, None, None, _turn_style((block.trailing,), None), block.text
    english = block.english
    style = _turn_style(
        tuple(getattr(block, name) for name in _TURN_STYLE),
        tuple(getattr(english, name) for name in _ENGLISH_STYLE) if english else None,
    )
    return (
        TurnRow.Kind.TURN, block.label, person_speaking(block.label) if block.label else None,
        block.text, english.text if english else None, style,
        english.verbatim if english else None,
    )


@functools.lru_cache(maxsize=4096)
def _turn_style(turn_style: tuple, english_style: tuple | None) -> str:
    """The stored text of the style fields that differ from the defaults. Styles
    repeat from turn to turn, so each distinct one is worked out once."""
    names = _TURN_STYLE if len(turn_style) == len(_TURN_STYLE) else ("trailing",)
    style = _changed(dict(zip(names, turn_style)), _TURN_DEFAULTS)
    if english_style is not None:
        style.update(_changed(dict(zip(_ENGLISH_STYLE, english_style)), _ENGLISH_DEFAULTS))
    return style_text(style)


def _heading_style(block: Heading) -> str:
    return _json_of_items((("gap", block.gap), ("trailing", block.trailing)))


@functools.lru_cache(maxsize=1024)
def _json_of_items(items: tuple) -> str:
    return _json(dict(items))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _changed(style: dict, defaults: dict) -> dict:
    return {name: value for name, value in style.items() if value != defaults[name]}


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,，]", text) if name.strip()]


# Loading -----------------------------------------------------------------------------

_HEADING_FIELDS = (*_HEADING_COLUMNS, "id")
_TURN_FIELDS = (
    "episode_id", "position", "kind", "speaker_label", "translation", "english", "style",
    "verbatim", "id",
)
_STYLE_FIELD = _TURN_FIELDS.index("style")


def load_document(episode: Episode) -> Document:
    """Rebuild the document tree of ``episode`` from its rows (eight queries)."""
    return load_documents([episode])[episode.pk]


def load_documents(episodes: list[Episode]) -> dict[int, Document]:
    """The document of each episode, by id, in a fixed number of queries for all.

    Rows are read as plain tuples, each distinct style decoded once.
    """
    return {
        episode.pk: Document(
            front_matter=front_matter, blocks=tuple(blocks),
            newline=episode.file_style.get("newline", "\n"), bom=episode.file_style.get("bom", False),
        )
        for episode, front_matter, blocks in _read(episodes, _heading_of_values, _block_of_values)
    }


def load_texts(episodes: list[Episode]) -> dict[int, str]:
    """The file of each episode, by id: ``render`` of its ``load_documents`` document,
    in the same queries, but rendered from the rows without building the blocks: a
    turn (most rows are) is written into its style's template. What an export writes.
    """
    return {
        episode.pk: render_file(
            front_matter, blocks,
            newline=episode.file_style.get("newline", "\n"), bom=episode.file_style.get("bom", False),
        )
        for episode, front_matter, blocks in _read(episodes, _text_of_heading, _text_of_turn)
    }


def _read(episodes: list[Episode], heading, turn) -> Iterator[tuple[Episode, FrontMatter, list]]:
    """Each episode with its front matter and its body in order, ``heading`` and
    ``turn`` making the body's parts of a heading's and a turn's values (as those of
    :func:`_heading_of_values` and :func:`_block_of_values`)."""
    ids = [episode.pk for episode in episodes]
    if not ids:
        return
    bodies = defaultdict(list)
    for row in _rows(HeadingRow, _HEADING_FIELDS, ids):  # episode id, position, then the values
        bodies[row[0]].append((row[1], heading(*row[2:])))
    turn_rows = _rows(TurnRow, _TURN_FIELDS, ids)
    styles = style_texts(row[_STYLE_FIELD] for row in turn_rows)
    for episode_id, position, kind, label, translation, english, style, verbatim, row in turn_rows:
        made = turn(kind, label, translation, english, styles[style], verbatim, row)
        bodies[episode_id].append((position, made))
    names = lists_of(ids)
    for episode in episodes:
        body = sorted(bodies[episode.pk], key=_position)
        yield episode, _front_matter(episode, names[episode.pk]), [part for _, part in body]


_position = operator.itemgetter(0)


def _rows(model, names: tuple[str, ...], episode_ids: list[int]) -> list[tuple]:
    """The rows of ``model`` for these episodes as tuples, JSON columns as text and a
    foreign key as the id it holds."""
    quote = connection.ops.quote_name
    columns = []
    for name in names:
        field = model._meta.get_field(name)
        column = quote(field.column)
        cast = connection.vendor == "postgresql" and field.get_internal_type() == "JSONField"
        columns.append(f"{column}::text" if cast else column)
    condition, parameters = of_episodes(quote("episode_id"), episode_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} WHERE {condition}",
            parameters,
        )
        return cursor.fetchall()


@functools.lru_cache(maxsize=4096)
def _decoded_style(text: str) -> dict:
    return json.loads(text)


def _style(value) -> dict:
    return _decoded_style(value) if isinstance(value, str) else value


def _front_matter(episode: Episode, entity_names: dict[str, list[str]]) -> FrontMatter:
    style = episode.file_style
    entries = tuple(Entry(key, raw, gap) for key, raw, gap in episode.front_matter_entries)
    values = episode.front_matter_values
    front_matter = FrontMatter(
        entries=entries, values=values, opening=style.get("opening", "---\n"),
        closing=style.get("closing", "---\n"), trailing=style.get("trailing", ""),
    )
    read = fields.column_values(values)
    for key, was in read.items():
        now = getattr(episode, key)
        if now != was:
            front_matter = with_column(front_matter, key, now)
    listed = fields.entity_names(values)
    for key, names in entity_names.items():
        if names != listed[key]:
            front_matter = with_value(front_matter, key, names)
    return front_matter


def original_summary(turn: TurnRow) -> str:
    """What the ``<summary>`` of a turn row's folded original says (``Original
    English`` unless the file says otherwise): readers of rows need not know how the
    store keeps a block's style. Read with its ``style`` (``select_related``)."""
    return _block_style(turn.style.text)[1]["summary"]


def with_column(front_matter: FrontMatter, key: str, value) -> FrontMatter:
    """``front_matter`` with the key of an Episode column (``title``, ``date``,
    ``draft``…) holding the column value ``value``: its lines rewritten in the file's
    dialect, or dropped for a date cleared; unchanged when it already reads so."""
    if fields.column_values(front_matter.values)[key] == value:
        return front_matter
    written = fields.front_matter_value(key, value)
    if written is None:
        return without_key(front_matter, key)
    return with_value(front_matter, key, written)


def column_of(document: Document, key: str):
    """The Episode column value that ``document``'s front matter gives ``key``."""
    return fields.column_values(document.front_matter.values)[key]


def entity_list(document: Document, key: str) -> list[str]:
    """One entity list (``tags``, ``people``…) of ``document``, in its order."""
    return fields.entity_names(document.front_matter.values)[key]


def _heading_of_values(level, title, style, row) -> Heading:
    style = _style(style)
    return Heading(
        level=level, text=title, gap=style.get("gap", " "),
        trailing=style.get("trailing", _TURN_DEFAULTS["trailing"]), row=row,
    )


def _text_of_heading(level, title, style, row) -> str:
    """``render_block`` of the heading of these values (read by :func:`_rows`, the style
    JSON text), written into its template."""
    if "\n" not in title:
        template = _heading_template(level, style)
        if template is not None:
            before, after = template
            return before + title + after
    return render_block(_heading_of_values(level, title, style, row))


def _text_of_turn(kind, label, translation, english, style, verbatim, row) -> str:
    """``render_block`` of the block of these values (read by :func:`_rows`, the style
    JSON text). A turn with a paragraph, and an original kept by its fields if any, is
    written into its style's template; other blocks, rare, are built and rendered."""
    if kind == _TURN and translation is not None and verbatim is None and "\n" not in label:
        template = _turn_template(style, english is not None)
        if template is not None:
            if english is None:
                before_label, before_text, after = template
                return "".join((before_label, label, before_text, translation, after))
            before_label, before_text, before_english, after = template
            return "".join((before_label, label, before_text, translation, before_english, english, after))
    return render_block(_block_of_values(kind, label, translation, english, style, verbatim, row))


_TURN = TurnRow.Kind.TURN
_MARK = "\x00"  # stands for the text of a block, of each part of a turn, in its template


@functools.lru_cache(maxsize=4096)
def _turn_template(style: str, with_english: bool) -> tuple[str, ...] | None:
    """The text of a turn of this stored style around its label, its paragraph and
    (``with_english``) its original, in that order: such a turn rendered once with
    marks in their place, split at the marks. None if the style itself holds a mark.
    """
    turn_style, english_style = _block_style(style)
    english = English(text=_MARK, **english_style) if with_english else None
    parts = tuple(render_block(Turn(text=_MARK, label=_MARK, english=english, **turn_style)).split(_MARK))
    return parts if len(parts) == (4 if with_english else 3) else None


@functools.lru_cache(maxsize=1024)
def _heading_template(level: int, style: str) -> tuple[str, str] | None:
    """The text of a heading of this level and stored style around its title (as
    :func:`_turn_template` makes a turn's); None if the style holds the mark."""
    parts = tuple(render_block(_heading_of_values(level, _MARK, style, None)).split(_MARK))
    return parts if len(parts) == 2 else None


def _block_of_values(kind, label, translation, english, style, verbatim, row):
    turn_style, english_style = _block_style(style)
    if kind == TurnRow.Kind.COMMENT:
        return Comment(verbatim or "", turn_style["trailing"], row=row)
    if kind == TurnRow.Kind.RAW:
        return Raw(verbatim or "", turn_style["trailing"], row=row)
    return Turn(
        text=translation, label=label,
        english=None if english is None else _english(english, english_style, verbatim),
        row=row, **turn_style,
    )


@functools.lru_cache(maxsize=4096)
def _block_style(style: str) -> tuple[dict, dict]:
    """A stored style as the keyword arguments of a Turn and of its English, each
    distinct style worked out once (rows share a few dozen between them)."""
    values = json.loads(style)
    return (
        {name: values.get(name, _TURN_DEFAULTS[name]) for name in _TURN_STYLE},
        {name: values.get(name, _ENGLISH_DEFAULTS[name]) for name in _ENGLISH_STYLE},
    )


def _english(text: str, style: dict, verbatim: str | None) -> English:
    if verbatim is not None:
        kept = parse_english(verbatim)
        return kept if kept.text == text else edited(kept, text=text)
    return English(text=text, **style)


# Writing an edited document ----------------------------------------------------------

_SHIFT = 1_000_000_000  # added to moving rows' positions, so no two ever share one
_BATCH = 250
_HEADING_VALUES = ("level", "title", "style")
_TURN_VALUES = ("kind", "speaker_label", "speaker", "translation", "english", "style", "verbatim")


@dataclasses.dataclass
class Written:
    """What one write of an edited document changed: the front-matter keys whose
    values changed (in the file's order) and how many rows of each kind it touched."""

    keys_changed: tuple[str, ...] = ()
    front_matter_changed: bool = False
    turns_changed: int = 0
    turns_added: int = 0
    turns_deleted: int = 0
    headings_changed: int = 0
    headings_added: int = 0
    headings_deleted: int = 0


def write_changes(episode: Episode, before: Document, after: Document) -> Written:
    """Write the document ``after`` over ``before``, both documents of ``episode`` (the
    caller holds its row lock; ``before`` as loaded, its blocks carrying their rows).

    The one way an edit reaches the rows: afterwards ``load_document(episode)`` gives
    ``after`` back (block rows aside), and every row derived from it says what it
    says. A changed front matter writes the episode's columns, its kept lines and
    values, the entity lists whose names changed and, when ``speaker`` or ``guest``
    changed, the appearances derived from them; ``episode`` is updated in place.
    Of the body, only rows whose text, style, speaker, section or position changed
    are written, grouped by the columns that changed: a one-turn edit is one
    UPDATE. Blocks without a row are inserted; rows ``after`` no longer has are
    deleted.
    """
    written = Written()
    if (before.front_matter, before.newline, before.bom) != (
        after.front_matter, after.newline, after.bom
    ):
        written.keys_changed = _write_front_matter(episode, before, after)
        written.front_matter_changed = True
    _write_body(episode, before, after, written)
    if written != Written():  # a write that changed nothing leaves the flags too
        recheck(episode.pk, after)
    return written


def with_rows_of(before: Document, after: Document) -> Document:
    """``after`` (a document parsed, or another episode's) taking the rows of
    ``before``'s blocks, its own dropped: a block equal to one of ``before``'s takes that
    block's row (the first unclaimed, in order), then a block of the same kind at the
    same place as an unclaimed one takes its row (an edit in place). Written over
    ``before``, only what differs is written (a re-import, a revert)."""
    free = defaultdict(deque)
    for block in before.blocks:
        free[block].append(block.row)
    rows = [free[block].popleft() if free.get(block) else None for block in after.blocks]
    # Headings and the other blocks are rows of two tables: their ids may coincide.
    unclaimed = {(type(block), row) for block, queue in free.items() for row in queue}
    for index, block in enumerate(after.blocks):
        if rows[index] is None and index < len(before.blocks):
            was = before.blocks[index]
            if (type(block), was.row) in unclaimed and type(was) is type(block):
                rows[index] = was.row
                unclaimed.discard((type(block), was.row))
    return dataclasses.replace(after, blocks=tuple(
        dataclasses.replace(block, row=row) for block, row in zip(after.blocks, rows)
    ))


def changes_between(before: Document, after: Document) -> Written:
    """What :func:`write_changes` would write for ``after`` over ``before``, counted
    without writing: blocks keyed by ``row`` as there (a block without one is new,
    a row ``after`` lacks is deleted, one whose block, place or section differs is
    changed). For documents kept as text, such as changes held for review."""
    written = Written()
    if (before.front_matter, before.newline, before.bom) != (
        after.front_matter, after.newline, after.bom
    ):
        written.keys_changed = _keys_changed(before, after)
        written.front_matter_changed = True
    old, new = _placed(before.blocks), _placed(after.blocks)
    for model, prefix in ((HeadingRow, "headings"), (TurnRow, "turns")):
        kept = {key: place for key, place in new.items() if key[0] is model}
        setattr(written, f"{prefix}_changed", sum(
            1 for key, (position, block, section) in kept.items()
            if key not in old or old[key] != (position, block, section if model is TurnRow else old[key][2])
        ))
        setattr(written, f"{prefix}_added", sum(
            1 for block in after.blocks
            if block.row is None and (model is HeadingRow) == isinstance(block, Heading)
        ))
        setattr(written, f"{prefix}_deleted", sum(
            1 for key in old if key[0] is model and key not in new
        ))
    return written


def _write_front_matter(episode: Episode, before: Document, after: Document) -> tuple[str, ...]:
    """Columns, kept lines, entity lists and appearances of ``after``'s front matter;
    the keys whose values changed."""
    was, now = episode_rows_of_front_matter(before), episode_rows_of_front_matter(after)
    columns = {
        name: value for name, value in now.columns.items()
        if name not in _BODY_COLUMNS and (name in _JSON_COLUMNS or value != was.columns[name])
    }
    Episode.objects.filter(pk=episode.pk).update(**columns)
    for name, value in columns.items():
        setattr(episode, name, value)
    for key, (tag_model, link_model) in fields.ENTITY_KEYS.items():
        if now.entities[key] != was.entities[key]:
            link_model.objects.filter(content_object_id=episode.pk).delete()
            tags = ensure_ids(tag_model, now.entities[key], {})
            insert_rows(link_model, ("content_object_id", "tag_id", "position"), (
                (episode.pk, tags[name], position)
                for position, name in enumerate(now.entities[key])
            ))
    if (now.hosts, now.guests) != (was.hosts, was.guests):
        delete_rows(Appearance, "episode", episode.pk)
        _insert_appearances([(episode.pk, now)], ensure_ids(Speaker, now.speaker_names(), {}))
    return _keys_changed(before, after)


def _keys_changed(before: Document, after: Document) -> tuple[str, ...]:
    """The front-matter keys whose values differ, in the file's order."""
    old_values, new_values = before.front_matter.values, after.front_matter.values
    changed = {
        key for key in {*old_values, *new_values}
        if old_values.get(key, _MISSING) != new_values.get(key, _MISSING)
    }
    order = [*after.front_matter.keys(), *before.front_matter.keys()]
    return tuple(key for key in dict.fromkeys(order) if key in changed)


_MISSING = object()


def episode_rows_of_front_matter(document: Document) -> EpisodeRows:
    """The rows of ``document``'s front matter alone (no headings nor turns)."""
    return episode_rows(dataclasses.replace(document, blocks=()))


def _write_body(episode: Episode, before: Document, after: Document, written: Written) -> None:
    old = _placed(before.blocks)
    new = _placed(after.blocks)
    stray = set(new) - set(old)
    if stray:
        raise ValueError(f"blocks of rows this episode does not have: {sorted(r for _, r in stray)}")
    gone = {model: [row for kind, row in old if kind is model and (kind, row) not in new]
            for model in (TurnRow, HeadingRow)}  # turns first: see _delete_content
    for model, rows in gone.items():
        model.objects.filter(pk__in=rows).delete()
    moved = defaultdict(list)
    for key, (position, _block, _section) in new.items():
        if key[1] is not None and old[key][0] != position:
            moved[key[0]].append(key[1])
    for model, rows in moved.items():
        model.objects.filter(pk__in=rows).update(position=F("position") + _SHIFT)

    section_ids = _write_headings(episode, after.blocks, old, written)
    written.headings_deleted = len(gone[HeadingRow])
    _write_turns(episode, after.blocks, old, section_ids, written)
    written.turns_deleted = len(gone[TurnRow])


def _placed(blocks) -> dict:
    """``(model, row) -> (position, block, row of the heading above)`` of a body's
    blocks that have rows."""
    placed, section = {}, None
    for position, block in enumerate(blocks):
        model = HeadingRow if isinstance(block, Heading) else TurnRow
        if model is HeadingRow:
            section = block.row
        if block.row is not None:
            placed[model, block.row] = (position, block, section)
    return placed


def _write_headings(episode, blocks, old, written) -> dict[int, int]:
    """Insert and update headings; the row id of each heading by position."""
    added, changed = [], []
    for position, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        style = _heading_style(block)
        values = dict(zip(_HEADING_VALUES, (block.level, block.text, _style(style))))
        if block.row is None:
            added.append(HeadingRow(episode=episode, position=position, **values))
            continue
        was_position, was, _section = old[HeadingRow, block.row]
        columns = set() if was == block else _changed_columns(
            _HEADING_VALUES, (was.level, was.text, _heading_style(was)),
            (block.level, block.text, style),
        )
        if was_position != position:
            columns.add("position")
        if columns:
            changed.append((HeadingRow(pk=block.row, position=position, **values), columns))
    HeadingRow.objects.bulk_create(added, batch_size=_BATCH)
    _bulk_update(HeadingRow, changed)
    written.headings_added, written.headings_changed = len(added), len(changed)
    ids = {h.position: h.pk for h in added}
    ids.update({position: block.row for position, block in enumerate(blocks)
                if isinstance(block, Heading) and block.row is not None})
    return ids


def _write_turns(episode, blocks, old, section_ids, written) -> None:
    plans, section = [], None
    for position, block in enumerate(blocks):
        if isinstance(block, Heading):
            section = section_ids[position]
            continue
        values = _turn_values(block)
        if block.row is None:
            plans.append((position, block, values, section, set(_TURN_VALUES) | {"heading"}))
            continue
        was_position, was, was_section = old[TurnRow, block.row]
        columns = set() if was == block else _changed_columns(_TURN_VALUES, _turn_values(was), values)
        if was_position != position:
            columns.add("position")
        if was_section != section:
            columns.add("heading")
        if columns:
            plans.append((position, block, values, section, columns))
    speakers = ensure_speakers(
        values[2] for _p, _b, values, _s, columns in plans if "speaker" in columns and values[2]
    )
    styles = style_ids((values[5] for _p, _b, values, _s, _c in plans), {})
    added, changed = [], []
    for position, block, values, section, columns in plans:
        kind, label, person, translation, english, style, verbatim = values
        turn = TurnRow(
            pk=block.row, episode=episode, position=position, heading_id=section, kind=kind,
            speaker_label=label, speaker=speakers.get(person) if person else None,
            translation=translation, english=english, style_id=styles[style], verbatim=verbatim,
        )
        if block.row is None:
            added.append(turn)
        else:
            changed.append((turn, columns))
    TurnRow.objects.bulk_create(added, batch_size=_BATCH)
    _bulk_update(TurnRow, changed)
    written.turns_added, written.turns_changed = len(added), len(changed)


def _changed_columns(names, was, now) -> set[str]:
    return {name for name, a, b in zip(names, was, now) if a != b}


def _bulk_update(model, changed: list[tuple]) -> None:
    """One UPDATE per group of rows that changed the same columns."""
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for obj, columns in changed:
        groups[tuple(sorted(columns))].append(obj)
    for columns, members in groups.items():
        model.objects.bulk_update(members, list(columns), batch_size=_BATCH)


@contextlib.contextmanager
def written_unsaved(episode: Episode, before: Document, after: Document) -> Iterator[None]:
    """Inside the block, ``episode``'s rows hold ``after``; on leaving everything is
    rolled back, whatever happens: what a preview of unsaved edits reads."""
    with transaction.atomic():
        Episode.objects.select_for_update().get(pk=episode.pk)
        write_changes(episode, before, after)
        try:
            yield
        finally:
            transaction.set_rollback(True)
