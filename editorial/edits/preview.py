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

from archive.models import Episode

from . import transcript


def public_page(request, episode: Episode) -> str:
    """The HTML of the episode's public page (or of its working copy, as it will be
    once approved), rendered for ``request.user`` now."""
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
    with transcript.unsaved(episode, rows) as text:
        return text, public_page(request, episode)

