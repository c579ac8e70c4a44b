"""Who is reviewing an episode now: a claim, so two editors do not review the same
draft. Opening the review view (and every action in it) claims or renews; a claim
not renewed ends by itself after :data:`CLAIM_MINUTES`."""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from editorial.models import ReviewClaim

CLAIM_MINUTES = 30


def holder(episode):
    """The user holding a live claim on ``episode``, or None."""
    claim = ReviewClaim.objects.filter(episode=episode, until__gt=timezone.now()).select_related("by").first()
    return claim.by if claim else None


def claim(episode, user) -> bool:
    """Claim (or renew) ``episode`` for ``user``; False when someone else holds it."""
    now = timezone.now()
    with transaction.atomic():
        current = ReviewClaim.objects.select_for_update().filter(episode=episode).first()
        if current is not None and current.by_id != user.pk and current.until > now:
            return False
        ReviewClaim.objects.update_or_create(
            episode=episode,
            defaults={"by": user, "until": now + datetime.timedelta(minutes=CLAIM_MINUTES)},
        )
    return True


def release(episode, user) -> None:
    ReviewClaim.objects.filter(episode=episode, by=user).delete()


def live_claims(episode_ids) -> dict[int, ReviewClaim]:
    return {
        claim.episode_id: claim for claim in ReviewClaim.objects.filter(
            episode_id__in=list(episode_ids), until__gt=timezone.now()
        ).select_related("by")
    }
