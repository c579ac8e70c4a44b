"""Template tags of the editors' admin pages."""
from django import template
from django.utils.translation import gettext as _

from archive.models import Episode
from editorial.models import ReviewState
from editorial.review import state as reviewstate
from editorial.review import workflow

register = template.Library()


@register.simple_tag
def review_queue_count() -> int:
    """How many episodes wait for a publisher (submitted, or changed since review)."""
    return Episode.objects.filter(reviewstate.review_state_q(*reviewstate.WAITING)).count()


@register.filter
def state_label(value: str) -> str:
    """A value of the workflow's history (a review state, a maturity, a listing
    flag) in the admin's language; anything else as it is."""
    if value in ReviewState.values:
        return ReviewState(value).label
    if value in workflow.MATURITY_LABELS:
        return workflow.MATURITY_LABELS[value]
    return {"true": _("yes"), "false": _("no")}.get(value, value)
