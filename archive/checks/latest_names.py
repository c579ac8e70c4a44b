"""The name checks of an import's episodes brought up to date with the names it added.

An import checks its files in its workers with the archive's names as they were when
it started; the first import into an empty database knows none. When it is done,
:func:`bring_names_up_to_date` runs the two checks that read those names again over
the episodes it wrote, and only when the names differ.

Which entities are ones to tag is calibrated by how often the archive bolds each
untagged (``KnownNames``), which the stored ``untagged-mention`` flags say of other
episodes; the run's own flags were computed with the names of its start (none, on a
first import), so its episodes' mentions are counted afresh, in a first pass over
their documents, before the second pass flags them.
"""
from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from archive.content.store import load_documents
from archive.models import Episode

from .documents import untagged_mentions
from .names import KnownNames
from .stored import load_known_names, name_counts, new_flag_rows, replace_flags
from .turns import NAME_CHECKS

_BATCH = 500  # episodes whose documents are loaded at once


def bring_names_up_to_date(episode_ids: list[int], used: KnownNames | None) -> int:
    """Run the checks that read the archive's names (``NAME_CHECKS``) again over
    ``episode_ids`` when the names are no longer ``used``, the ones their flags were
    computed with (an import's, loaded when it started: the first import into an
    empty database knows no name). The entities to tag are calibrated with the
    untagged mentions of these episodes counted from their documents (loaded twice,
    a batch at a time: once to count, once to flag). Each batch's flags are written
    in one transaction under the episodes' row locks, but for an episode edited
    since it was loaded (that edit flagged it with the names of its time). Other
    checks' flags and every dismissal of a turn that says the same are kept.
    Returns how many episodes were rechecked."""
    if used is None or not episode_ids:
        return 0
    now = load_known_names()
    if (now.people, now.entities) == (used.people, used.entities):
        return 0
    known = calibrated_names(episode_ids)
    rechecked = 0
    for versions, documents in _batches(episode_ids):
        rows = {pk: new_flag_rows(document, known, names_only=True) for pk, document in documents.items()}
        with transaction.atomic():
            unedited = {
                pk for pk, version in Episode.objects.select_for_update().filter(
                    pk__in=list(rows),
                ).order_by("pk").values_list("pk", "version")
                if version == versions[pk]
            }
            replace_flags({pk: found for pk, found in rows.items() if pk in unedited}, NAME_CHECKS)
        rechecked += len(unedited)
    return rechecked


def calibrated_names(episode_ids: list[int]) -> KnownNames:
    """The archive's names with the untagged mentions of ``episode_ids`` counted from
    their documents (a first pass over them, a batch at a time) and those of the
    other episodes from their stored flags: what the episodes are to be flagged with."""
    people, entities, untagged = name_counts(excluding=episode_ids)
    every_entity = KnownNames.of((), entities)  # uncalibrated, and no spelling to compare
    for _, documents in _batches(episode_ids):
        for document in documents.values():
            untagged.update(untagged_mentions(document, every_entity))
    return KnownNames.of(people, entities, untagged)


def _batches(episode_ids: list[int]) -> Iterator[tuple[dict[int, int], dict]]:
    """``({id: version}, {id: document})`` of the episodes, a batch at a time."""
    for start in range(0, len(episode_ids), _BATCH):
        batch = list(Episode.objects.filter(pk__in=episode_ids[start:start + _BATCH]))
        yield {episode.pk: episode.version for episode in batch}, load_documents(batch)
