"""The editors' admin: what is registered, and the pages the episode admin adds.

- ``episodes``: the episode list and change form, with workflow actions and the links to
  the transcript editor, revisions and preview (``views``);
- ``names``: speakers and entity tags, with the names tools (merge, rename, duplicates);
- ``records``: read-only lists of turns, headings, transitions, revisions and reviews.

Nothing in ``editorial`` imports this package: it sits on top of the other rooms.
"""
from django.contrib import admin
from django.contrib.sites.models import Site
from taggit.models import Tag

from . import episodes, names, records  # noqa: F401  (each registers its models)

# Neither is the editors' concern: the archive's tags are the typed entity models
# (``names``), and the one site is fixed by SITE_ID.
for model in (Tag, Site):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
