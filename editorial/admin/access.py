"""Which episode an admin page may show or change: the one rule for the pages the
episode admin adds (transcript editor, revisions, review view)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from archive.models import Episode


def permitted_episode(model_admin, request, episode_id: int, *, change: bool = False) -> Episode:
    """The episode, if this user may view it (or change it, with ``change``); 404 for
    no such episode, 403 for one the user may not see or change."""
    episode = get_object_or_404(Episode.objects.select_related("review"), pk=episode_id)
    allowed = (
        model_admin.has_change_permission(request, episode) if change
        else model_admin.has_view_permission(request, episode)
    )
    if not allowed:
        raise PermissionDenied
    return episode
