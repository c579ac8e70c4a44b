"""The editors' answer when an export is committed (``archive.content.publishing``): the
revisions made since each written file was last in step with the CMS, with their
authors, for the commit's message and authorship."""
from __future__ import annotations

import re

from django.dispatch import receiver

from archive.content.publishing import Author, Note, collect_notes, line_changes
from editorial.models import Revision

# Revisions that record an editor's work; the others record imports.
EDITOR_KINDS = (Revision.Kind.EDIT, Revision.Kind.WORKFLOW, Revision.Kind.REVERT)
_NOT_IN_IDENT = re.compile(r"[<>\n\r\0]")


@receiver(collect_notes, dispatch_uid="editorial.revision_notes")
def revision_notes(sender, *, files, **kwargs) -> list[Note]:
    """The editors' revisions since each file was last in step, each with the lines
    it changed: its text against the revision before it (any kind: an import too)."""
    since = {file.episode_id: file.since for file in files}
    revisions = (
        Revision.objects.filter(episode_id__in=list(since), kind__in=EDITOR_KINDS)
        .select_related("author").order_by("episode_id", "version")
    )
    recent = [
        revision for revision in revisions.iterator()
        if since[revision.episode_id] is None or revision.created_at > since[revision.episode_id]
    ]
    notes = []
    for revision in recent:
        before = (
            Revision.objects.filter(episode_id=revision.episode_id, version__lt=revision.version)
            .order_by("-version").first()
        )
        notes.append(Note(
            revision.episode_id, revision.summary, author_of(revision.author), revision.created_at,
            line_changes(before.text if before else "", revision.text),
        ))
    return notes


def author_of(user) -> Author | None:
    """The git identity of an editor: full name (else user name) and e-mail; a user
    with no e-mail gets an address under the reserved ``.invalid`` domain."""
    if user is None:
        return None
    name = _NOT_IN_IDENT.sub("", user.get_full_name() or user.get_username()).strip()
    email = _NOT_IN_IDENT.sub("", user.email).strip()
    return Author(name or f"user {user.pk}", email or f"{user.get_username()}@users.archive-cms.invalid")
