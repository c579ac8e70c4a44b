"""Document tree <-> model rows, in bulk, in one transaction per episode.

``save_document`` writes a parsed file as rows; ``load_document`` rebuilds the tree
from rows so that ``render(load_document(save_document(doc)))`` is the imported
text, and an edited column, tag list or turn changes only its own lines.
"""
from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from . import fields
from .codec import Comment, Document, English, Entry, FrontMatter, Heading, Raw, Turn
from .codec import edited, with_value, without_key
from .codec.parser import parse_english, speaker_name
from .bulk import delete_rows, insert_rows
from .models import Appearance, Episode, Speaker
from .models import Heading as HeadingRow
from .models import Turn as TurnRow
from .slugs import slug_for, unique_slug

# Labels that name a role, not a person: they stay labels and link to no Speaker.
GENERIC_LABEL = re.compile(
    r"(?i)(speaker|host|guest|interviewer|narrator|audience)( \w{1,2})?|"
    r"主持人|嘉宾|观众|旁白|广告|记者|.{1,6} [A-F]"
)
_TURN_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Turn)}
_ENGLISH_DEFAULTS = {f.name: f.default for f in dataclasses.fields(English)}
_TURN_STYLE = ("label_open", "label_close", "english_gap", "trailing")
_ENGLISH_STYLE = tuple(name for name in _ENGLISH_DEFAULTS if name not in {"text", "verbatim"})


# Saving ------------------------------------------------------------------------------

def save_document(
    document: Document, *, source_path: str, slug: str, source_hash: str,
    episode: Episode | None = None, known_ids: dict | None = None,
) -> Episode:
    """Write ``document`` as the rows of one episode, replacing any it had.

    ``known_ids`` maps ``(model, name)`` to the id of a speaker or tag known to
    exist; a caller saving many episodes passes one dict to spare the look-ups, and
    must drop it if the transaction fails (it may then hold ids rolled back).
    """
    values = document.front_matter.values
    known_ids = {} if known_ids is None else known_ids
    with transaction.atomic():
        if episode is None:
            episode = Episode(source_path=source_path)
        else:
            _delete_content(episode)
        for name, value in fields.column_values(values).items():
            setattr(episode, name, value)
        episode.slug = slug
        episode.front_matter_entries = [
            [entry.key, entry.raw, entry.key_gap] for entry in document.front_matter.entries
        ]
        episode.front_matter_values = values
        episode.file_style = _file_style(document)
        episode.source_hash = source_hash
        episode.synced_at = timezone.now()
        episode.save()
        roles = {
            Appearance.Role.HOST: _split_names(episode.speaker),
            Appearance.Role.GUEST: _split_names(episode.guest),
        }
        speakers = _ensure_ids(Speaker, [
            *(name for names in roles.values() for name in names),
            *_people_speaking(document.blocks),
        ], known_ids)
        _save_blocks(episode, document.blocks, speakers)
        _save_entities(episode, fields.entity_names(values), known_ids)
        insert_rows(Appearance, ("episode_id", "speaker_id", "role"), (
            (episode.pk, speakers[name], role)
            for role, names in roles.items() for name in dict.fromkeys(names)
        ))
    return episode


def _delete_content(episode: Episode) -> None:
    # Turns first: headings' deletion would otherwise update them (SET_NULL).
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


def person_speaking(label: str) -> str | None:
    """The person a turn label names, or None for a role such as ``Speaker A``."""
    name = speaker_name(label)
    return name if name and not GENERIC_LABEL.fullmatch(name) else None


def _people_speaking(blocks) -> set[str]:
    labels = {block.label for block in blocks if isinstance(block, Turn) and block.label}
    return {name for name in map(person_speaking, labels) if name}


_TURN_COLUMNS = (
    "episode_id", "position", "heading_id", "kind", "speaker_label", "speaker_id",
    "translation", "english", "style", "verbatim",
)


def _save_blocks(episode: Episode, blocks, speakers: dict[str, int]) -> None:
    headings = [
        HeadingRow(
            episode=episode, position=position, level=block.level, title=block.text,
            style={"gap": block.gap, "trailing": block.trailing},
        )
        for position, block in enumerate(blocks) if isinstance(block, Heading)
    ]
    HeadingRow.objects.bulk_create(headings)
    heading_ids = {heading.position: heading.pk for heading in headings}
    rows, section = [], None
    for position, block in enumerate(blocks):
        if isinstance(block, Heading):
            section = heading_ids[position]
        else:
            rows.append((episode.pk, position, section, *_turn_values(block, speakers)))
    insert_rows(TurnRow, _TURN_COLUMNS, rows)


def _turn_values(block, speakers: dict[str, int]) -> tuple:
    """kind, speaker_label, speaker_id, translation, english, style, verbatim."""
    if isinstance(block, (Comment, Raw)):
        kind = TurnRow.Kind.COMMENT if isinstance(block, Comment) else TurnRow.Kind.RAW
        style = _changed({"trailing": block.trailing}, _TURN_DEFAULTS)
        return kind, "", None, None, None, _json(style), block.text
    style = _changed({name: getattr(block, name) for name in _TURN_STYLE}, _TURN_DEFAULTS)
    english = block.english
    if english is not None:
        style.update(_changed(
            {name: getattr(english, name) for name in _ENGLISH_STYLE}, _ENGLISH_DEFAULTS
        ))
    speaker = speakers.get(person_speaking(block.label)) if block.label else None
    return (
        TurnRow.Kind.TURN, block.label, speaker, block.text,
        english.text if english else None, _json(style),
        english.verbatim if english else None,
    )


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)


def _changed(style: dict, defaults: dict) -> dict:
    return {name: value for name, value in style.items() if value != defaults[name]}


def ensure_speakers(names: Iterable[str]) -> dict[str, Speaker]:
    """The Speaker of each name, creating the missing ones with unique slugs."""
    ids = _ensure_ids(Speaker, names, {})
    return {speaker.name: speaker for speaker in Speaker.objects.filter(pk__in=ids.values())}


def _ensure_ids(model, names: Iterable[str], known_ids: dict) -> dict[str, int]:
    """The id of each name's row of ``model``, creating missing rows with unique slugs."""
    wanted = list(dict.fromkeys(name for name in names if name))
    unknown = [name for name in wanted if (model, name) not in known_ids]
    if unknown:
        found = dict(model.objects.filter(name__in=unknown).values_list("name", "pk"))
        missing = [name for name in unknown if name not in found]
        if missing:
            found.update({row.name: row.pk for row in model.objects.bulk_create(
                _with_unique_slugs(model, missing)
            )})
        known_ids.update({(model, name): pk for name, pk in found.items()})
    return {name: known_ids[model, name] for name in wanted}


def _with_unique_slugs(model, names: list[str]) -> list:
    bases = {name: slug_for(name) for name in names}
    taken = set(model.objects.filter(slug__in=set(bases.values())).values_list("slug", flat=True))
    rows = []
    for name in names:
        slug = unique_slug(
            bases[name],
            lambda s: s in taken or (s != bases[name] and model.objects.filter(slug=s).exists()),
        )
        taken.add(slug)
        rows.append(model(name=name, slug=slug))
    return rows


def _save_entities(episode: Episode, names_by_key: dict[str, list[str]], known_ids: dict) -> None:
    for key, names in names_by_key.items():
        if not names:
            continue
        tag_model, link_model = fields.ENTITY_KEYS[key]
        tags = _ensure_ids(tag_model, names, known_ids)
        insert_rows(link_model, ("content_object_id", "tag_id", "position"), (
            (episode.pk, tags[name], position) for position, name in enumerate(names)
        ))


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,，]", text) if name.strip()]


# Loading -----------------------------------------------------------------------------

_HEADING_FIELDS = ("episode_id", "position", "level", "title", "style")
_TURN_FIELDS = (
    "episode_id", "position", "kind", "speaker_label", "translation", "english", "style",
    "verbatim",
)


def load_document(episode: Episode) -> Document:
    """Rebuild the document tree of ``episode`` from its rows (eight queries)."""
    return load_documents([episode])[episode.pk]


def load_documents(episodes: list[Episode]) -> dict[int, Document]:
    """The document of each episode, by id, in a fixed number of queries for all."""
    ids = [episode.pk for episode in episodes]
    blocks = defaultdict(list)
    for row in HeadingRow.objects.filter(episode_id__in=ids).values_list(*_HEADING_FIELDS, named=True):
        blocks[row.episode_id].append(row)
    for row in TurnRow.objects.filter(episode_id__in=ids).values_list(*_TURN_FIELDS, named=True):
        blocks[row.episode_id].append(row)
    names = _entity_names(ids)
    documents = {}
    for episode in episodes:
        style = episode.file_style
        rows = sorted(blocks[episode.pk], key=lambda row: row.position)
        documents[episode.pk] = Document(
            front_matter=_front_matter(episode, names[episode.pk]),
            blocks=tuple(map(block_of, rows)),
            newline=style.get("newline", "\n"),
            bom=style.get("bom", False),
        )
    return documents


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
            value = fields.front_matter_value(key, now)
            front_matter = (
                without_key(front_matter, key) if value is None
                else with_value(front_matter, key, value)
            )
    listed = fields.entity_names(values)
    for key, names in entity_names.items():
        if names != listed[key]:
            front_matter = with_value(front_matter, key, names)
    return front_matter


def entity_names_of(episode: Episode) -> dict[str, list[str]]:
    """Each entity list of ``episode`` in its kept order."""
    return _entity_names([episode.pk])[episode.pk]


def _entity_names(ids: list[int]) -> dict[int, dict[str, list[str]]]:
    names = defaultdict(lambda: {key: [] for key in fields.ENTITY_KEYS})
    for key, (_, link_model) in fields.ENTITY_KEYS.items():
        links = link_model.objects.filter(content_object_id__in=ids).order_by("position", "pk")
        for episode_id, name in links.values_list("content_object_id", "tag__name"):
            names[episode_id][key].append(name)
    return names


def block_of(row):
    """The codec block of a heading or turn row (a model instance or a named tuple)."""
    if hasattr(row, "level"):
        return Heading(
            level=row.level, text=row.title, gap=row.style.get("gap", " "),
            trailing=row.style.get("trailing", _TURN_DEFAULTS["trailing"]),
        )
    return _turn_block(row)


def _turn_block(row: TurnRow):
    trailing = row.style.get("trailing", _TURN_DEFAULTS["trailing"])
    if row.kind == TurnRow.Kind.COMMENT:
        return Comment(row.verbatim or "", trailing)
    if row.kind == TurnRow.Kind.RAW:
        return Raw(row.verbatim or "", trailing)
    return Turn(
        text=row.translation,
        label=row.speaker_label,
        english=_english(row),
        **{name: row.style.get(name, _TURN_DEFAULTS[name]) for name in _TURN_STYLE},
    )


def _english(row: TurnRow) -> English | None:
    if row.english is None:
        return None
    if row.verbatim is not None:
        kept = parse_english(row.verbatim)
        return kept if kept.text == row.english else edited(kept, text=row.english)
    return English(
        text=row.english,
        **{name: row.style.get(name, _ENGLISH_DEFAULTS[name]) for name in _ENGLISH_STYLE},
    )
