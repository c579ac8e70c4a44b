"""Signals other parts of the site listen to (the page cache, the search index)."""
from django.dispatch import Signal

# Sent after episodes were created, changed or deleted in bulk (an import).
episodes_changed = Signal()
