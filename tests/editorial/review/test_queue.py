"""The drafts' queue: most read first, then newest; progress, flags and minutes per
episode; a claim keeps a second editor away until it ends."""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archive.models import DailyReads
from editorial.models import ReviewClaim
from editorial.review import claims, queue
from editorial.review.turns import Progress
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db
# The last turn's numbers differ: a number-mismatch flag from the translation checks.
FLAGGED = BILINGUAL.replace("第四句话。", "第四句话，收入增长了30%，达到50亿美元。").replace(
    "The fourth sentence.", "The fourth sentence, revenue grew 40% to $7 billion."
)


def dated(date: str, path: str, draft: bool = True):
    text = BILINGUAL.replace("date: '2026-03-01'", f"date: '{date}'")
    if not draft:
        text = text.replace("draft: true", "draft: false")
    return episode_from_text(text, path)


def read(episode, views, searches=0, age=0):
    DailyReads.objects.create(
        episode=episode, day=timezone.localdate() - datetime.timedelta(days=age),
        views=views, searches=searches,
    )


def test_drafts_come_most_read_first_then_newest():
    old, new, popular, searched, reviewed = (
        dated("2024-01-01", "old.md"), dated("2026-01-01", "new.md"),
        dated("2020-01-01", "popular.md"), dated("2021-01-01", "searched.md"),
        dated("2026-02-01", "reviewed.md", draft=False),
    )
    read(popular, 10)
    read(searched, 4, searches=4)          # 4 + 4 × 2 more: 12
    read(old, 1000, age=queue.INTEREST_DAYS)  # too long ago to count
    read(reviewed, 500)
    assert list(queue.drafts_by_interest()) == [searched, popular, new, old]


def test_the_estimate_counts_flagged_turns_left_most():
    assert queue.estimated_minutes(Progress(total=200, approved=0, flagged=20, done=0)) == 20
    assert queue.estimated_minutes(Progress(total=200, approved=200, flagged=0, done=200)) == 0
    assert queue.estimated_minutes(Progress(total=10, approved=0, flagged=0, done=0)) == 1


def test_a_claim_keeps_others_away_until_it_ends(editor, publisher, episode):
    assert claims.claim(episode, editor)
    assert not claims.claim(episode, publisher)
    assert claims.holder(episode) == editor
    ReviewClaim.objects.update(until=timezone.now() - datetime.timedelta(seconds=1))
    assert claims.holder(episode) is None
    assert claims.claim(episode, publisher)
    assert claims.holder(episode) == publisher


def test_the_queue_page_shows_reads_progress_minutes_and_claims(client, editor, publisher):
    flagged = episode_from_text(FLAGGED, "flagged.md")
    read(flagged, 7, searches=2)
    claims.claim(flagged, publisher)
    client.force_login(editor)
    page = client.get(reverse("admin:editorial_draft_queue")).content.decode()
    row = page[page.index("编辑测试"):]
    row = row[:row.index("</tr>")]
    cells = [cell.rsplit(">", 1)[-1].strip() for cell in row.split("</td>")[1:6]]
    assert cells[1:] == ["7", "2", "0 / 1 / 4", "1"]     # views, from search, turns, minutes
    assert "pat" in row
    assert reverse("admin:editorial_review_claim", args=[flagged.pk]) not in row


def test_claiming_from_the_queue_opens_the_review_view_or_says_who_holds_it(editor, publisher, episode):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(publisher)
    url = reverse("admin:editorial_review_claim", args=[episode.pk])
    assert first.post(url)["Location"] == reverse("admin:editorial_review", args=[episode.pk])
    refused = second.post(url, follow=True).content.decode()
    assert "eddie is reviewing this episode now" in refused.lower()
    first.post(url, {"release": "1"})
    assert not ReviewClaim.objects.exists()


def test_the_episode_list_filters_the_queue_and_shows_progress(client, editor, publisher):
    mine = dated("2020-01-01", "mine.md")
    taken = dated("2026-01-01", "taken.md")
    read(mine, 3)
    claims.claim(taken, publisher)
    client.force_login(editor)
    page = client.get(reverse("admin:archive_episode_changelist") + "?queue=drafts").content.decode()
    assert f"/admin/archive/episode/{mine.pk}/review/" in page
    assert f"/admin/archive/episode/{taken.pk}/change/" not in page
    assert "0 / 0 / 4" in page
