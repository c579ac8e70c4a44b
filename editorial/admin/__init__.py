"""The editors' admin: what is registered, and the pages the episode admin adds.

- ``episodes``: the episode list and change form, with workflow actions and the links to
  the transcript editor, revisions and preview (``views``);
- ``names``: speakers and entity tags, with the names tools (merge, rename, duplicates);
- ``records``: read-only lists of turns, headings, transitions, revisions and reviews.

Nothing in ``editorial`` imports this package: it sits on top of the other rooms.
"""
from . import episodes, names, records  # noqa: F401  (each registers its models)
