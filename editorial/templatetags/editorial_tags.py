"""Template tags of the editors' admin pages."""
from django import template

from archive.models import Episode
from editorial.review import state as reviewstate
from editorial.review import workflow

register = template.Library()


@register.simple_tag
def review_queue_count() -> int:
    """How many episodes wait for a publisher (submitted, or changed since review)."""
    return Episode.objects.filter(reviewstate.review_state_q(*reviewstate.WAITING)).count()


@register.filter
def state_label(value: str) -> str:
    """A value of the workflow's history in the admin's language."""
    return workflow.value_label(value)
