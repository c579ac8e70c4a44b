"""Search: the index of every episode's text and the queries over it.

The faces other modules use:

- ``search(query, episodes, page)``: a page of ranked results (``query``);
- ``repair()``: re-index every episode whose indexed version lags (``index``);
- ``follow(episode_ids)``: bring the index up to date after a change of these
  episodes (what the ``episodes_changed`` listener runs once after the commit);
- ``index_episodes(ids)`` and ``rebuild_index()``: the two passes ``follow`` chooses
  between (``plan_pass``);
- ``write_index_if_used()``: write the postings backend's index file from the rows,
  when that backend is the one in use (after an import).
"""
from .index import follow, index_episodes, plan_pass, rebuild_index, repair
from .postings.writer import write_index_if_used
from .query import parse, search

__all__ = [
    "follow", "index_episodes", "parse", "plan_pass", "rebuild_index", "repair", "search",
    "write_index_if_used",
]
