"""Settling a file changed on both sides: a merged text saved in the CMS as an edit.

The saved episode takes the repository's file as the one it is in step with
(``source_hash``), so the next sync, or ``export_markdown``, writes the merged file
over it: the file's diff is then exactly what the CMS side adds to the repository's.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.codec import ParseError, parse, render
from archive.content import fields
from archive.content.store import load_document
from archive.content.syncstate import sha256
from archive.models import Episode

from editorial.edits import editing

from .merge3 import OURS, THEIRS, merge_texts
from .models import SyncConflict


class ResolutionRefused(ValueError):
    """The choices do not make a file the archive can hold; the message says why."""


def take_text(episode: Episode, text: str, *, theirs_hash: str, by, summary: str) -> None:
    """Save ``text`` as the episode's content, one edit with a revision, in step with
    the repository's file. Readers' version takes it, and held changes that were
    the same text (held changes that differ keep theirs)."""
    try:
        merged = parse(text)
        fields.check_values(merged.front_matter)
    except (ParseError, fields.ValueProblem) as problem:
        raise ResolutionRefused(f"{episode.source_path}:{problem.line}: {problem.message}") from None
    readers = render(load_document(Episode.objects.get(pk=episode.pk)))

    def change(document):
        return merged if render(document) == readers else document

    edited = editing.edit(episode.pk, change, by=by, summary=summary, everywhere=True)
    if edited.readers_text is not None and edited.readers_text != text:
        raise ResolutionRefused(
            _("%(path)s: the merged file would not read back as merged; nothing was changed.")
            % {"path": episode.source_path}
        )
    Episode.objects.filter(pk=episode.pk).update(source_hash=theirs_hash)


def conflict_hunks(conflict: SyncConflict):
    """The conflict's file as hunks (``merge3.Merged``); ``None`` when a version cannot
    be cut into turns (then an editor takes one whole side)."""
    try:
        return merge_texts(conflict.base_text, conflict.ours_text, conflict.theirs_text)
    except (ParseError, ValueError):
        return None


def resolve(conflict: SyncConflict, *, choices: dict[int, str], by, whole: str | None = None) -> None:
    """Settle ``conflict`` with a side per conflicting hunk (``choices``), or one whole
    side (``whole``); raises :class:`ResolutionRefused`."""
    with transaction.atomic():
        conflict = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
        if conflict.status != SyncConflict.Status.OPEN:
            raise ResolutionRefused(_("This conflict was already resolved."))
        if whole in (OURS, THEIRS):
            text = conflict.ours_text if whole == OURS else conflict.theirs_text
        else:
            merged = conflict_hunks(conflict)
            if merged is None:
                raise ResolutionRefused(_("Choose one whole version of this file."))
            try:
                text = merged.text(choices)
            except ValueError:
                raise ResolutionRefused(_("Choose a side for every conflicting passage.")) from None
        take_text(conflict.episode, text, theirs_hash=sha256(conflict.theirs_text.encode("utf-8")),
                  by=by, summary="Resolved a sync conflict with the repository")
        conflict.status, conflict.resolved_at, conflict.resolved_by = (
            SyncConflict.Status.RESOLVED, timezone.now(), by if getattr(by, "pk", None) else None
        )
        conflict.save(update_fields=["status", "resolved_at", "resolved_by"])
