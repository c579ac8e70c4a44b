"""The review progress of the episode a staff member reads on the public site.

A context processor, so the public site's templates need nothing of the editors'
side: ``review_progress`` (approved / flagged / total turns, and the review view's
address) is in the context only for staff on an episode's page, which is never
cached for them.
"""
from __future__ import annotations

from django.urls import reverse


def review_progress(request) -> dict:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or match.view_name != "archive:episode" or not (user and user.is_staff):
        return {}
    from archive.models import Episode
    from editorial.review import turns

    episode = Episode.objects.filter(slug=match.kwargs.get("slug")).first()
    if episode is None:
        return {}
    return {"review_progress": {
        "progress": turns.progress_of([episode])[episode.pk],
        "url": reverse("admin:editorial_review", args=[episode.pk]),
    }}
