"""What the editors' side does when something happens elsewhere.

- A re-import replaced an episode's content (``archive.signals.file_reimported``):
  the file it replaced and the file it brought are both kept as revisions, so the
  import shows in the episode's history and can be reverted in the admin.
- An import asks whether work on an episode waits (``archive.signals.work_waiting``):
  changes held for review do.
- A user joined or left the Editor or Publisher group: staff status (the admin's
  door) follows the roles, so nobody has to tick it by hand.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.signals import file_reimported, work_waiting
from editorial.edits.editing import file_dated, new_revision
from editorial.models import Revision

from . import held
from . import state as reviewstate

ROLE_GROUPS = ("Editor", "Publisher")


@receiver(file_reimported, dispatch_uid="editorial.keep_reimport")
def keep_reimport(sender, *, episode, previous_text: str, text: str, path: str, **kwargs):
    """Keep the file the import replaced and the file it brought, so the import shows
    in the episode's history and can be reverted. Runs inside the import's
    transaction (``episode`` already holds the new rows at its raised version).

    ``previous_text`` becomes a revision at the version before, unless the latest
    revision holds it already (the usual case once an episode has been edited):
    "As imported" if the episode had none, dated when that file came in. Then
    ``text`` is kept at the new version as "outside", "Imported from <path>"; the
    next edit finds it there and keeps nothing more (``editing.keep_earlier_state``).
    A reviewed episode's approved version moves to the imported file, and changes
    held for review (only an import with ``--force`` replaces them) are dropped:
    they stay readable, and revertible, as the revision before.
    """
    held.drop(episode)
    latest = Revision.objects.filter(episode=episode).order_by("-version").first()
    before = episode.version - 1
    holds_previous = latest is not None and latest.text == previous_text
    # A latest revision at ``before`` that differs (rows changed with no revision,
    # before re-imports were recorded) leaves no version free for the old text.
    if not holds_previous and (latest is None or latest.version < before):
        original = latest is None
        new_revision(
            episode, before, previous_text,
            kind=Revision.Kind.ORIGINAL if original else Revision.Kind.OUTSIDE,
            summary=_("As imported") if original else _("As held before the import"),
            created_at=(file_dated(episode, previous_text) if original else None) or timezone.now(),
        )
    new_revision(
        episode, episode.version, text, kind=Revision.Kind.OUTSIDE,
        summary=(_("Imported from %(path)s") % {"path": path})[:255],
        episode_updated_at=episode.updated_at,
    )
    reviewstate.note_import(episode)


@receiver(work_waiting, dispatch_uid="editorial.held_work_waiting")
def held_changes_wait(sender, *, episode, **kwargs) -> bool:
    """An import asks before replacing an episode: changes held for review wait."""
    return held.pending_of(episode) is not None


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="editorial.roles_staff")
def staff_follows_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """A user is staff while in the Editor or Publisher group (or a superuser):
    applied whenever a user's role groups change, from either side."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    User = get_user_model()
    if reverse:  # group.user_set changed: ``instance`` is the group
        if instance.name not in ROLE_GROUPS or pk_set is None:
            return  # a cleared group does not say whom it had
        users = list(User.objects.filter(pk__in=pk_set))
    else:
        touched = pk_set is None or Group.objects.filter(pk__in=pk_set, name__in=ROLE_GROUPS).exists()
        if not touched:
            return
        users = [instance]
    for user in users:
        wanted = user.is_superuser or user.groups.filter(name__in=ROLE_GROUPS).exists()
        if user.is_staff != wanted:
            User.objects.filter(pk=user.pk).update(is_staff=wanted)
            user.is_staff = wanted
