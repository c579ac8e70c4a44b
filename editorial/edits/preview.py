"""The staff preview of an episode: the public site's own episode page, as this user
would get it, also of unsaved transcript edits.

The page is made by the public view itself (``archive.site.views.episode_page``), so
the preview renders markdown and sanitises exactly as readers get it. The admin
shows it in a sandboxed frame (``sandbox`` without ``allow-scripts``): nothing in
it runs, and it cannot reach the admin's page or cookies.
"""
from __future__ import annotations

import copy

from django.http import QueryDict

from archive.codec import render
from archive.models import Episode
from editorial.review import held

from . import transcript


def editors_page(request, episode: Episode) -> str:
    """The episode's public page as editors see the episode: of its changes held for
    review, as it will be once they are approved, else as readers get it."""
    pending = held.pending_of(episode)
    if pending is None:
        return public_page(request, episode)
    with held.shown(episode, held.pending_document(pending)) as shown:
        return public_page(request, shown)


def public_page(request, episode: Episode) -> str:
    """The HTML of the episode's public page as its rows say now, rendered for
    ``request.user``."""
    from archive.site import views as public_views  # the public site, loaded when used

    # As if the user had asked for the public address (the page names its own URL).
    reader = copy.copy(request)
    reader.method = "GET"  # the unsaved preview arrives as a POST
    reader.path = reader.path_info = episode.get_absolute_url()
    reader.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    reader.GET = QueryDict()
    response = public_views.episode_page(reader, episode)
    if hasattr(response, "render"):
        response.render()
    return response.content.decode(response.charset or "utf-8")


def unsaved_page(request, episode: Episode, rows) -> tuple[str, str]:
    """The file and the public page the posted rows would give; nothing is saved."""
    after = transcript.edited_document(held.working_document(episode), rows)
    with held.shown(episode, after) as shown:
        return render(after), public_page(request, shown)

