"""The drafts' review queue: what readers read first, then the newest, with each
episode's progress, flags, an estimate of the minutes it needs and who has claimed it.

Readers' interest is the episode's page views over the last :data:`INTEREST_DAYS`
days (``archive.site.readership``), views that came from a search counted
:data:`SEARCH_WEIGHT` times (a reader looked for it); freshness is the episode's date.
"""
from __future__ import annotations

import dataclasses
import datetime
import math

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from archive.models import DailyReads, Episode

from editorial.review import claims
from editorial.review import turns as turn_states

INTEREST_DAYS = 30
SEARCH_WEIGHT = 3
# A flagged turn is read in both languages and often edited; any other is read and
# approved with one key.
SECONDS_PER_FLAGGED_TURN = 40
SECONDS_PER_TURN = 2


def with_interest(episodes):
    """``episodes`` annotated with ``interest`` (recent views, searches weighted)."""
    since = timezone.localdate() - datetime.timedelta(days=INTEREST_DAYS - 1)
    reads = (
        DailyReads.objects.filter(episode=OuterRef("pk"), day__gte=since)
        .values("episode").annotate(score=Sum(F("views") + F("searches") * (SEARCH_WEIGHT - 1)))
        .values("score")
    )
    return episodes.annotate(
        interest=Coalesce(Subquery(reads, output_field=IntegerField()), Value(0))
    )


def drafts_by_interest(episodes=None):
    """Drafts, most read first, then newest."""
    episodes = Episode.objects.all() if episodes is None else episodes
    return with_interest(episodes.filter(draft=True)).order_by(
        "-interest", F("date").desc(nulls_last=True), "pk"
    )


def estimated_minutes(progress: turn_states.Progress) -> int:
    """Minutes a person needs for the turns not yet done."""
    left = progress.total - progress.done
    flagged = min(progress.flagged, left)
    seconds = flagged * SECONDS_PER_FLAGGED_TURN + (left - flagged) * SECONDS_PER_TURN
    return math.ceil(seconds / 60)


@dataclasses.dataclass
class QueueEntry:
    episode: Episode
    progress: turn_states.Progress
    minutes: int
    claim: object | None


def queue_entries(episodes) -> list[QueueEntry]:
    """Progress, estimate and live claim of each of ``episodes`` (in a few queries)."""
    episodes = list(episodes)
    progress = turn_states.progress_of(episodes)
    live = claims.live_claims(episode.pk for episode in episodes)
    return [
        QueueEntry(episode, progress[episode.pk], estimated_minutes(progress[episode.pk]),
                   live.get(episode.pk))
        for episode in episodes
    ]


QUEUE_PARAMETER = "queue"
