"""Signals other parts of the site listen to (the page cache, the search index)."""
from django.dispatch import Signal

# Sent after the content of episodes changed in bulk (an import, a transcript save
# that used bulk_update): ``episode_ids`` lists them. Listeners refresh what they
# derive from those episodes; per-row saves are also seen through post_save.
episodes_changed = Signal()
