"""Flags in the database: computed where the text is parsed, read with one query.

Written at import (:func:`new_flag_rows` in the parsing workers, :func:`insert_flags`
by the writer) and after an edit or re-import (:func:`recheck`, inside the caller's
transaction). A dismissal is kept while the turn's texts keep their fingerprint.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from archive.codec import Document, Turn
from archive.models import Episode, Media, Organization, Person, Product, Speaker, TurnFlag
from archive.models import Turn as TurnRow

from archive.content.bulk import insert_rows

from .catalogue import BY_ID
from .documents import DocumentTurns, body_lines, bolded_untagged, check_document
from .names import KnownNames
from .turns import NAME_CHECKS

_FLAG_COLUMNS = (
    "episode_id", "turn_id", "check_id", "severity", "params", "spans", "fingerprint", "body_line",
)
_KNOWN_FOR = 600  # seconds an edit's process reuses the archive's names
_DELETE_BATCH = 500  # flags deleted per query


def fingerprint(label: str, translation: str | None, english: str | None) -> str:
    """Of what a turn says: its dismissed flags last as long as this does."""
    text = "\0".join((label or "", translation or "", "\1" if english is None else english))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def load_known_names() -> KnownNames:
    """The archive's names, in a few queries: speakers and people and organisation
    tags with the number of episodes using each; every entity tag; how many
    episodes bold a name without tagging it (``Episode.bolded_untagged``): the same
    calibration wherever the checks run, an import, a recheck or an edit."""
    return KnownNames.of(*name_counts())


def name_counts() -> tuple[list, list, Counter]:
    """What :class:`KnownNames` is made of: ``(name, episodes)`` of speakers, people
    and organisations; ``(name, episodes)`` of every entity tag; and per name key
    the number of episodes that set it in bold untagged."""
    people = list(Speaker.objects.annotate(uses=Count("appearance")).values_list("name", "uses"))
    entities = []
    for model in (Person, Organization, Product, Media):
        counted = list(model.objects.annotate(uses=Count("links")).values_list("name", "uses"))
        entities.extend(counted)
        if model in (Person, Organization):
            people.extend(counted)
    untagged = Counter(
        key for keys in Episode.objects.values_list("bolded_untagged", flat=True)
        for key in (json.loads(keys) if isinstance(keys, str) else keys or ())
    )
    return people, entities, untagged


_cached: tuple[float, KnownNames] | None = None
_for_import: dict | None = None  # during an import: {"names": KnownNames} once loaded


def known_names() -> KnownNames:
    """The archive's names as the checks use them: an import's, loaded once when it
    first needs them (:func:`names_loaded_once`; loaded before its worker processes
    start, which inherit them), else loaded at most every ten minutes per process (a
    name added meanwhile is seen by the next import)."""
    global _cached
    if _for_import is not None:
        if "names" not in _for_import:
            _for_import["names"] = load_known_names()
        return _for_import["names"]
    if _cached is None or time.monotonic() - _cached[0] > _KNOWN_FOR:
        _cached = (time.monotonic(), load_known_names())
    return _cached[1]


def forget_known_names() -> None:
    global _cached
    _cached = None


@contextlib.contextmanager
def names_loaded_once() -> Iterator[dict]:
    """Within the block, the checks use the archive's names as they are when first
    needed, loaded once (the document-level data of a whole import). It gives a dict
    that holds them under ``"names"`` once loaded (``latest_names``)."""
    global _for_import
    was, _for_import = _for_import, {}
    try:
        yield _for_import
    finally:
        _for_import = was


def new_flag_rows(
    document: Document, known: KnownNames | None = None, *, names_only: bool = False,
    turns: DocumentTurns | None = None,
) -> list[tuple]:
    """``(position, check id, severity, params JSON, spans JSON, fingerprint, body
    line)`` of every finding of a parsed document (of ``NAME_CHECKS`` alone with
    ``names_only``; its ``turns`` if the caller read them): plain data, made in the
    import's workers. ``known`` defaults to :func:`known_names`, loaded only for a
    body with turns."""
    if not any(isinstance(block, Turn) for block in document.blocks):
        return []
    found = check_document(document, known or known_names(), names_only=names_only, turns=turns)
    if not found:
        return []
    lines = body_lines(document.blocks, max(found))
    rows = []
    for position, findings in found.items():
        block = document.blocks[position]
        mark = block_fingerprint(block)
        for finding in findings:
            rows.append((
                position, finding.check, BY_ID[finding.check].severity,
                flag_json(finding.params), flag_json(finding.spans()), mark, lines[position],
            ))
    return rows


def insert_flags(flags_by_episode: dict[int, list[tuple]], dismissed: dict | None = None) -> None:
    """Store the flags of episodes whose turns were just written (one query for the
    turns' ids, one insert). ``dismissed`` maps ``(fingerprint, check id)`` to
    ``(user id, when)``: dismissals that outlive a re-import of unchanged turns."""
    flags_by_episode = {pk: rows for pk, rows in flags_by_episode.items() if rows}
    if not flags_by_episode:
        return
    positions = {position for rows in flags_by_episode.values() for position, *_ in rows}
    ids = {
        (episode_id, position): pk
        for episode_id, position, pk in TurnRow.objects.filter(
            episode_id__in=list(flags_by_episode), position__in=positions,
        ).values_list("episode_id", "position", "pk")
    }
    dismissed = dismissed or {}
    stamp = connection.ops.adapt_datetimefield_value
    insert_rows(TurnFlag, (*_FLAG_COLUMNS, "dismissed_by_id", "dismissed_at"), (
        (episode_id, ids[episode_id, position], check, severity, params, spans, mark, line,
         *_dismissal(dismissed.get((mark, check)), stamp))
        for episode_id, rows in flags_by_episode.items()
        for position, check, severity, params, spans, mark, line in rows
    ))


def _dismissal(kept, stamp) -> tuple:
    return (kept[0], stamp(kept[1])) if kept else (None, None)


def dismissals(episode_id: int) -> dict:
    """The dismissed flags of an episode by ``(fingerprint, check id)``, to carry
    over a re-import that rewrites its turns."""
    return {
        (mark, check): (by, at)
        for mark, check, by, at in TurnFlag.objects.filter(
            episode_id=episode_id, dismissed_at__isnull=False,
        ).values_list("fingerprint", "check_id", "dismissed_by_id", "dismissed_at")
    }


def recheck(
    episode_id: int, document: Document, known: KnownNames | None = None, *,
    names_only: bool = False,
) -> None:
    """Bring the stored flags of an episode (of ``NAME_CHECKS`` alone with
    ``names_only``) and the names it bolds untagged in line with ``document``, its
    rows as just written (the caller's transaction): :func:`replace_flags`."""
    Episode.objects.filter(pk=episode_id).update(bolded_untagged=bolded_untagged(document))
    rows = new_flag_rows(document, known, names_only=names_only)
    replace_flags({episode_id: rows}, NAME_CHECKS if names_only else None)


def replace_flags(rows_by_episode: dict[int, list[tuple]], checks: tuple[str, ...] | None = None) -> None:
    """Bring the stored flags of episodes (of ``checks`` alone if given) in line with
    their :func:`new_flag_rows` as their rows are written now, in the caller's
    transaction and a few queries for all. Only flags that differ are written: an
    unchanged document writes nothing, and a flag whose turn still says the same
    keeps its dismissal."""
    if not rows_by_episode:
        return
    ids = list(rows_by_episode)
    flags = TurnFlag.objects.filter(episode_id__in=ids)
    if checks is not None:
        flags = flags.filter(check_id__in=checks)
    stored = defaultdict(dict)
    for episode_id, pk, turn_id, check, severity, params, spans, mark, line, by, at in flags.values_list(
        "episode_id", "pk", "turn_id", "check_id", "severity", "params", "spans", "fingerprint",
        "body_line", "dismissed_by_id", "dismissed_at",
    ):
        stored[episode_id][turn_id, check] = (pk, (severity, params, spans, mark, line), (by, at))
    positions = {row[0] for rows in rows_by_episode.values() for row in rows}
    turn_ids = {
        (episode_id, position): pk for episode_id, position, pk in TurnRow.objects.filter(
            episode_id__in=ids, position__in=positions,
        ).values_list("episode_id", "position", "pk")
    } if positions else {}
    stale, fresh_by_episode, kept_by_episode = [], {}, {}
    for episode_id, rows in rows_by_episode.items():
        had = stored.get(episode_id, {})
        wanted, fresh = set(), []
        for position, check, severity, params, spans, mark, line in rows:
            key = (turn_ids[episode_id, position], check)
            wanted.add(key)
            was = had.get(key)
            if was is None or was[1] != (severity, json.loads(params), json.loads(spans), mark, line):
                fresh.append((position, check, severity, params, spans, mark, line))
        rewritten = {(turn_ids[episode_id, row[0]], row[1]) for row in fresh}
        stale.extend(pk for key, (pk, _, _) in had.items() if key not in wanted or key in rewritten)
        fresh_by_episode[episode_id] = fresh
        kept = {(values[3], key[1]): dismissal for key, (_, values, dismissal) in had.items() if dismissal[1]}
        if kept:
            kept_by_episode[episode_id] = kept
    for start in range(0, len(stale), _DELETE_BATCH):
        TurnFlag.objects.filter(pk__in=stale[start:start + _DELETE_BATCH]).delete()
    # A dismissal is kept by fingerprint within its own episode: those are written alone.
    for episode_id, kept in kept_by_episode.items():
        insert_flags({episode_id: fresh_by_episode.pop(episode_id)}, kept)
    insert_flags(fresh_by_episode)


def block_fingerprint(block) -> str:
    if not isinstance(block, Turn):
        return fingerprint("", None, None)
    return fingerprint(block.label, block.text, block.english.text if block.english else None)


def flag_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# The API the review pages use ------------------------------------------------------------

def flags_by_turn(episode_id: int, *, dismissed: bool = True) -> dict[int, list[TurnFlag]]:
    """Every flag of an episode, by turn id, in one query (dismissed ones too unless
    ``dismissed=False``), ordered by check id."""
    flags = TurnFlag.objects.filter(episode_id=episode_id).order_by("turn_id", "check_id")
    if not dismissed:
        flags = flags.filter(dismissed_at__isnull=True)
    found = defaultdict(list)
    for flag in flags:
        found[flag.turn_id].append(flag)
    return dict(found)


def dismiss(flag: TurnFlag, by) -> TurnFlag:
    """Dismiss a false positive: kept until its turn's text changes."""
    flag.dismissed_by, flag.dismissed_at = by, timezone.now()
    flag.save(update_fields=["dismissed_by", "dismissed_at"])
    return flag


def undismiss(flag: TurnFlag) -> TurnFlag:
    flag.dismissed_by, flag.dismissed_at = None, None
    flag.save(update_fields=["dismissed_by", "dismissed_at"])
    return flag


def message(flag: TurnFlag) -> str:
    """The flag's message in the active language, its params filled in."""
    from django.utils.translation import gettext

    return format_message(flag.check_id, flag.params, gettext)


def format_message(check_id: str, params: dict, translate=lambda text: text) -> str:
    template = translate(BY_ID[check_id].message)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
