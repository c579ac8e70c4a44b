"""Signals other parts of the site listen to (the page cache, the search index,
the editors' revisions)."""
from django.dispatch import Signal

# Sent after the content of episodes changed in bulk (an import, a transcript save
# that used bulk_update): ``episode_ids`` lists them. Listeners refresh what they
# derive from those episodes; per-row saves are also seen through post_save.
episodes_changed = Signal()

# Sent inside the import's transaction when an import replaced an existing
# episode's content with a file's: ``episode`` (rows already rewritten, version
# raised), ``previous_text`` (the file the CMS held before, as export would have
# written it), ``text`` (the file imported) and ``path`` (relative to the content
# folder). A receiver that raises rolls the import of that file back.
file_reimported = Signal()
