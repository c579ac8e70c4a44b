"""The name checks of an import's episodes brought up to date with the names it added.

An import checks its files in its workers with the archive's names as they were when
it started; the first import into an empty database knows none. When it is done,
:func:`bring_names_up_to_date` runs the two checks that read those names again over
the episodes it wrote, and only when the names differ.

Which entities are ones to tag is calibrated by how often the archive bolds each
untagged (``KnownNames``), which every episode's ``bolded_untagged`` says, written
with its rows: the import's own episodes count as soon as they are written.
"""
from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from archive.content.store import load_documents
from archive.models import Episode

from .names import KnownNames
from .stored import load_known_names, new_flag_rows, replace_flags
from .turns import NAME_CHECKS

_BATCH = 500  # episodes whose documents are loaded at once


def bring_names_up_to_date(episode_ids: list[int], used: KnownNames | None) -> int:
    """Run the checks that read the archive's names (``NAME_CHECKS``) again over
    ``episode_ids`` when the names are no longer ``used``, the ones their flags were
    computed with (an import's, loaded when it started: the first import into an
    empty database knows no name), with the names as they are now, their documents
    loaded a batch at a time. Each batch's flags are written
    in one transaction under the episodes' row locks, but for an episode edited
    since it was loaded (that edit flagged it with the names of its time). Other
    checks' flags and every dismissal of a turn that says the same are kept.
    Returns how many episodes were rechecked."""
    if used is None or not episode_ids:
        return 0
    known = load_known_names()
    if (known.people, known.entities, known.usually_untagged) == (
        used.people, used.entities, used.usually_untagged,
    ):
        return 0
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


def _batches(episode_ids: list[int]) -> Iterator[tuple[dict[int, int], dict]]:
    """``({id: version}, {id: document})`` of the episodes, a batch at a time."""
    for start in range(0, len(episode_ids), _BATCH):
        batch = list(Episode.objects.filter(pk__in=episode_ids[start:start + _BATCH]))
        yield {episode.pk: episode.version for episode in batch}, load_documents(batch)
