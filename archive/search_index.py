"""The search index's former address: see ``archive.search``."""
from .search.index import deferred, follow, index_episodes, rebuild_index, repair  # noqa: F401
