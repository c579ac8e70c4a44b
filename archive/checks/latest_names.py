"""The name checks of an import's episodes brought up to date with the names it added.

An import checks its files in its workers with the archive's names as they were when
it started; the first import into an empty database knows none. When it is done,
:func:`bring_names_up_to_date` runs the two checks that read those names again over
the episodes it wrote, and only when the names differ. It reads no file and no row
again: the workers kept, of every episode, what those checks read
(:class:`EpisodeSights`), a few bytes a turn that those checks can flag.

Which entities are ones to tag is calibrated by how often the archive bolds each
untagged (``KnownNames``), which every episode's ``bolded_untagged`` says, written
with its rows: the import's own episodes count as soon as they are written.
"""
from __future__ import annotations

import dataclasses
import os
from array import array
from collections import defaultdict
from collections.abc import Iterator, Mapping

from django.db import transaction

from archive.codec import Document
from archive.models import Episode
from archive.workers import close_connections_before_forking, forked_pool

from .catalogue import BY_ID
from .documents import DocumentTurns, body_lines
from .names import KnownNames
from .stored import block_fingerprint, flag_json, load_known_names, replace_flags
from .turns import NAME_CHECKS, NameSight, check_sighted_names

_BATCH = 500  # episodes whose flags are written per transaction
_MARK = 16  # characters of a fingerprint
_PARALLEL_FROM = 64  # episodes, below which forking workers costs more than it saves


@dataclasses.dataclass(frozen=True)
class EpisodeSights:
    """What the name checks read of one episode, of the turns they can flag: a turn
    with a bold run, or the first of its label (a later turn of the same label and
    no bold run finds nothing: its label's finding, if any, is the first turn's).
    Its tags; per turn kept, its label (an index into ``labels``), block position,
    the body lines before it (``label_of``, ``positions``, ``lines``) and its
    fingerprint (``marks``, 16 characters a turn); its bold runs as written, one a
    line (``bold_texts``: a bold run holds no line break), each with its turn's
    number among those kept and its span (``bold_spans``, three numbers a run)."""

    tagged: tuple[str, ...]
    labels: tuple[str, ...]
    label_of: array
    positions: array
    lines: array
    marks: str
    bold_texts: str
    bold_spans: array

    @classmethod
    def of(cls, document: Document, turns: DocumentTurns | None = None) -> EpisodeSights:
        """The sights of ``document``, whose ``turns`` the caller may have read."""
        turns = turns or DocumentTurns.of(document)
        lines = body_lines(document.blocks)
        labels: dict[str, int] = {}
        label_of, kept, marks, bold_texts, bold_spans = array("I"), array("I"), [], [], array("I")
        for position, sight in zip(turns.positions, turns.sights):
            if not sight.bolds and sight.label in labels:
                continue
            for bold, start, end in sight.bolds:
                bold_texts.append(bold)
                bold_spans.extend((len(kept), start, end))
            label_of.append(labels.setdefault(sight.label, len(labels)))
            kept.append(position)
            marks.append(block_fingerprint(document.blocks[position]))
        return cls(
            tagged=tuple(turns.tagged), labels=tuple(labels), label_of=label_of,
            positions=kept, lines=array("I", (lines[position] for position in kept)),
            marks="".join(marks), bold_texts="\n".join(bold_texts), bold_spans=bold_spans,
        )

    def flag_rows(self, known: KnownNames) -> list[tuple]:
        """The rows of ``stored.new_flag_rows(document, known, names_only=True)``."""
        rows = []
        for index, findings in enumerate(check_sighted_names(self._sights(), tagged=self.tagged, known=known)):
            mark = self.marks[index * _MARK:(index + 1) * _MARK]
            for finding in findings:
                rows.append((
                    self.positions[index], finding.check, BY_ID[finding.check].severity,
                    flag_json(finding.params), flag_json(finding.spans()), mark, self.lines[index],
                ))
        return rows

    def _sights(self) -> list[NameSight]:
        bolds = defaultdict(list)
        if self.bold_spans:
            for number, bold in enumerate(self.bold_texts.split("\n")):
                turn, start, end = self.bold_spans[number * 3:number * 3 + 3]
                bolds[turn].append((bold, start, end))
        return [
            NameSight(self.labels[label], tuple(bolds.get(index, ())))
            for index, label in enumerate(self.label_of)
        ]


def bring_names_up_to_date(
    written: Mapping[int, tuple[int, EpisodeSights]], used: KnownNames | None, *, jobs: int | None = None,
) -> int:
    """Run the checks that read the archive's names (``NAME_CHECKS``) again over the
    episodes ``written`` (``{id: (version written, sights)}``) when the names are no
    longer ``used``, the ones their flags were computed with (an import's, loaded
    when it started: the first import into an empty database knows no name), with
    the names as they are now, on ``jobs`` processes (all cores by default). Each
    batch's flags are written in one transaction
    under the episodes' row locks, but for an episode edited since it was written
    (that edit flagged it with the names of its time). Other checks' flags and every
    dismissal of a turn that says the same are kept. Returns how many episodes were
    rechecked."""
    if used is None or not written:
        return 0
    known = load_known_names()
    if (known.people, known.entities, known.usually_untagged) == (
        used.people, used.entities, used.usually_untagged,
    ):
        return 0
    rechecked = 0
    ids = list(written)
    rows_of = _flag_rows(known, [written[pk][1] for pk in ids], jobs or os.cpu_count() or 1)
    for start in range(0, len(ids), _BATCH):
        rows = {pk: next(rows_of) for pk in ids[start:start + _BATCH]}
        with transaction.atomic():
            unedited = {
                pk for pk, version in Episode.objects.select_for_update().filter(
                    pk__in=list(rows),
                ).order_by("pk").values_list("pk", "version")
                if version == written[pk][0]
            }
            replace_flags({pk: found for pk, found in rows.items() if pk in unedited}, NAME_CHECKS)
        rechecked += len(unedited)
    return rechecked


def _flag_rows(known: KnownNames, sights: list[EpisodeSights], jobs: int) -> Iterator[list[tuple]]:
    """Each episode's :meth:`EpisodeSights.flag_rows`, in order: in forked workers
    for many episodes, while this process writes those found before."""
    if jobs < 2 or len(sights) < _PARALLEL_FROM:
        yield from (episode.flag_rows(known) for episode in sights)
        return
    close_connections_before_forking()
    with forked_pool(jobs, _know, (known,)) as pool:
        yield from pool.imap(_flag_rows_with_known, sights, chunksize=16)


_known: KnownNames | None = None  # the names a worker of _flag_rows checks with


def _know(known: KnownNames) -> None:
    global _known
    _known = known


def _flag_rows_with_known(sights: EpisodeSights) -> list[tuple]:
    return sights.flag_rows(_known)
