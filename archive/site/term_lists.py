"""The episodes listed on a term's page (a tag, a speaker, a person…), newest first.

A term backed by links is counted from its links, never from the episode table: its
links' episodes, less the unlisted ones (``Episode.objects.unlisted_for``), which are
few and have an index of their own.

Which way a page of them is found depends on that count. A large term's newest
episodes are found by walking the episodes' date index until enough of them are the
term's: quick while a term's episodes are spread over the dates, as a channel's or a
much-named person's are. A term of at most ``FOUND_FIRST_AT_MOST`` episodes is found
first, through its links, and its episodes sorted: a cost that does not grow with the
archive, whereas the walk would read every episode newer than the term's, a year of
them for a tag the archive stopped using. Either way the page holds the same
episodes in the same order.
"""
from __future__ import annotations

from django.db.models.functions import Greatest

from archive.models import Episode

# Sorting this many episodes found through their links takes a few milliseconds, and
# at ten times the archive PostgreSQL still finds them one by one through the primary
# key rather than reading the whole episode table.
FOUND_FIRST_AT_MOST = 2000

NEWEST_FIRST = ("-date", "slug")
# The same order through an expression no index holds, so that the database cannot
# walk the date index and must find the term's episodes first. GREATEST of a date and
# itself is that date, and null where it is null on both databases.
NEWEST_FIRST_FOUND_FIRST = (Greatest("date", "date").desc(), "slug")


class TermEpisodes:
    """The listed episodes of ``term`` (of ``kind``) that ``user`` may see, newest
    first, as ``Paginator`` reads them: ``count()`` and a slice, the episodes having
    only ``fields`` loaded."""

    def __init__(self, kind, term, user, *, fields):
        self.kind, self.term, self.user = kind, term, user
        self.episodes = Episode.objects.public(user).only(*fields)
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def _counted(self) -> int:
        if self.kind.column:
            return self.kind.episodes_of(self.term, self.episodes).count()
        return self.kind.count_episodes(self.term, leaving_out=Episode.objects.unlisted_for(self.user))

    def __getitem__(self, window: slice):
        if self.kind.column or self.count() > FOUND_FIRST_AT_MOST:
            listed = self.kind.episodes_of(self.term, self.episodes)
            return listed.order_by(*NEWEST_FIRST)[window]
        # One set of ids (a speaker's appearances and turns as a union): PostgreSQL can
        # only look up the episodes of one set, and tests an OR of two on every episode.
        found = self.episodes.filter(pk__in=self.kind.episode_ids(self.term))
        return found.order_by(*NEWEST_FIRST_FOUND_FIRST)[window]
