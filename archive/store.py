"""Document tree <-> model rows, in bulk, in one transaction per episode.

``save_document`` writes a parsed file as rows; ``load_document`` rebuilds the tree
from rows so that ``render(load_document(save_document(doc)))`` is the imported
text, and an edited column, tag list or turn changes only its own lines.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from django.db import transaction

from . import fields
from .codec import Comment, Document, English, Entry, FrontMatter, Heading, Raw, Turn
from .codec import edited, with_value, without_key
from .codec.frontmatter import load_values
from .codec.parser import parse_english, speaker_name
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
    episode: Episode | None = None,
) -> Episode:
    """Write ``document`` as the rows of one episode, replacing any it had."""
    values = document.front_matter.values
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
        episode.file_style = _file_style(document)
        episode.source_hash = source_hash
        episode.save()
        _save_blocks(episode, document.blocks)
        _save_entities(episode, fields.entity_names(values))
        _save_appearances(episode)
    return episode


def _delete_content(episode: Episode) -> None:
    TurnRow.objects.filter(episode=episode).delete()
    HeadingRow.objects.filter(episode=episode).delete()
    Appearance.objects.filter(episode=episode).delete()
    for _, link_model in fields.ENTITY_KEYS.values():
        link_model.objects.filter(content_object=episode).delete()


def _file_style(document: Document) -> dict:
    front_matter = document.front_matter
    return {
        "opening": front_matter.opening,
        "closing": front_matter.closing,
        "trailing": front_matter.trailing,
        "newline": document.newline,
        "bom": document.bom,
    }


def _save_blocks(episode: Episode, blocks: Iterable) -> None:
    headings, turns = [], []
    for position, block in enumerate(blocks):
        if isinstance(block, Heading):
            headings.append(HeadingRow(
                episode=episode, position=position, level=block.level, title=block.text,
                style={"gap": block.gap, "trailing": block.trailing},
            ))
        else:
            turns.append(_turn_row(episode, position, block))
    HeadingRow.objects.bulk_create(headings, batch_size=500)
    _assign_sections(headings, turns)
    _link_speakers(turns)
    TurnRow.objects.bulk_create(turns, batch_size=500)


def _turn_row(episode: Episode, position: int, block) -> TurnRow:
    if isinstance(block, (Comment, Raw)):
        kind = TurnRow.Kind.COMMENT if isinstance(block, Comment) else TurnRow.Kind.RAW
        return TurnRow(
            episode=episode, position=position, kind=kind, verbatim=block.text,
            style=_changed({"trailing": block.trailing}, _TURN_DEFAULTS),
        )
    style = _changed({name: getattr(block, name) for name in _TURN_STYLE}, _TURN_DEFAULTS)
    english = block.english
    if english is not None:
        style.update(_changed(
            {name: getattr(english, name) for name in _ENGLISH_STYLE}, _ENGLISH_DEFAULTS
        ))
    return TurnRow(
        episode=episode, position=position, kind=TurnRow.Kind.TURN,
        speaker_label=block.label, translation=block.text,
        english=english.text if english else None,
        verbatim=english.verbatim if english else None, style=style,
    )


def _changed(style: dict, defaults: dict) -> dict:
    return {name: value for name, value in style.items() if value != defaults[name]}


def _assign_sections(headings: list[HeadingRow], turns: list[TurnRow]) -> None:
    by_position = iter(sorted(headings, key=lambda heading: heading.position))
    upcoming, current = next(by_position, None), None
    for turn in turns:
        while upcoming is not None and upcoming.position < turn.position:
            current, upcoming = upcoming, next(by_position, None)
        turn.heading = current


def _link_speakers(turns: list[TurnRow]) -> None:
    named = [turn for turn in turns if turn.speaker_label]
    names = [speaker_name(turn.speaker_label) for turn in named]
    speakers = ensure_speakers(
        name for name in names if name and not GENERIC_LABEL.fullmatch(name)
    )
    for turn, name in zip(named, names):
        turn.speaker = speakers.get(name)


def ensure_speakers(names: Iterable[str]) -> dict[str, Speaker]:
    """The Speaker of each name, creating the missing ones with unique slugs."""
    return _ensure_named(Speaker, names)


def _ensure_named(model, names: Iterable[str]) -> dict:
    wanted = list(dict.fromkeys(name for name in names if name))
    found = {obj.name: obj for obj in model.objects.filter(name__in=wanted)}
    missing = [name for name in wanted if name not in found]
    if missing:
        bases = {name: slug_for(name) for name in missing}
        taken = set(model.objects.filter(slug__in=set(bases.values())).values_list("slug", flat=True))
        created = []
        for name in missing:
            slug = unique_slug(
                bases[name],
                lambda s: s in taken or (s != bases[name] and model.objects.filter(slug=s).exists()),
            )
            taken.add(slug)
            created.append(model(name=name, slug=slug))
        model.objects.bulk_create(created)
        found.update({obj.name: obj for obj in model.objects.filter(name__in=missing)})
    return found


def _save_entities(episode: Episode, names_by_key: dict[str, list[str]]) -> None:
    for key, names in names_by_key.items():
        if not names:
            continue
        tag_model, link_model = fields.ENTITY_KEYS[key]
        tags = _ensure_named(tag_model, names)
        link_model.objects.bulk_create(
            link_model(content_object=episode, tag=tags[name], position=position)
            for position, name in enumerate(names)
        )


def _save_appearances(episode: Episode) -> None:
    roles = {
        Appearance.Role.HOST: _split_names(episode.speaker),
        Appearance.Role.GUEST: _split_names(episode.guest),
    }
    speakers = ensure_speakers(name for names in roles.values() for name in names)
    Appearance.objects.bulk_create(
        Appearance(episode=episode, speaker=speakers[name], role=role)
        for role, names in roles.items() for name in dict.fromkeys(names)
    )


def _split_names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,，]", text) if name.strip()]


# Loading -----------------------------------------------------------------------------

def load_document(episode: Episode) -> Document:
    """Rebuild the document tree of ``episode`` from its rows.

    Prefetch ``headings``, ``turns`` and the six ``*link_set__tag`` relations to load
    many episodes without a query per episode.
    """
    style = episode.file_style
    return Document(
        front_matter=_front_matter(episode),
        blocks=tuple(_blocks(episode)),
        newline=style.get("newline", "\n"),
        bom=style.get("bom", False),
    )


def _front_matter(episode: Episode) -> FrontMatter:
    style = episode.file_style
    entries = tuple(Entry(key, raw, gap) for key, raw, gap in episode.front_matter_entries)
    values = load_values("".join(entry.raw for entry in entries)) if entries else {}
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
    for key, names in entity_names_of(episode).items():
        if names != listed[key]:
            front_matter = with_value(front_matter, key, names)
    return front_matter


def entity_names_of(episode: Episode) -> dict[str, list[str]]:
    """Each entity list of ``episode`` in its kept order."""
    names = {}
    for key, (_, link_model) in fields.ENTITY_KEYS.items():
        links = getattr(episode, f"{link_model._meta.model_name}_set").all()
        ordered = sorted(links, key=lambda link: (link.position, link.pk))
        names[key] = [link.tag.name for link in ordered]
    return names


def _blocks(episode: Episode):
    headings = list(episode.headings.all())
    turns = list(episode.turns.all())
    merged = sorted(headings + turns, key=lambda row: row.position)
    for row in merged:
        if isinstance(row, HeadingRow):
            yield Heading(
                level=row.level, text=row.title, gap=row.style.get("gap", " "),
                trailing=row.style.get("trailing", _TURN_DEFAULTS["trailing"]),
            )
        else:
            yield _turn_block(row)


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
