"""RSS and Atom feeds of the newest public episodes.

Every text field passes ``xml_safe`` (a control character in one title must not break
the feed for everyone) and titles pass ``feed_text`` (readers show them as HTML).
"""
import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from archive.models import Episode

from .cache import cached_page
from .rendering import feed_text, render_markdown, xml_safe

FEED_LENGTH = 50


class RssFeed(Feed):
    def title(self):
        return settings.ARCHIVE_SITE_NAME

    def description(self):
        return settings.ARCHIVE_SITE_DESCRIPTION

    def __call__(self, request, *args, **kwargs):
        return cached_page(super().__call__)(request, *args, **kwargs)

    def link(self):
        return reverse("archive:home")

    def items(self):
        # Always the anonymous reader's view: a feed is read by programs.
        return Episode.objects.public(None).only(
            "slug", "title", "date", "summary", "speaker", "updated_at", "created_at"
        )[:FEED_LENGTH]

    def item_title(self, item):
        return feed_text(item.title) or item.slug

    def item_description(self, item):
        return xml_safe(render_markdown(item.summary))

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return xml_safe(item.speaker) or None

    def item_pubdate(self, item):
        if item.date:
            return datetime.datetime.combine(item.date, datetime.time(), tzinfo=datetime.UTC)
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class AtomFeed(RssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return settings.ARCHIVE_SITE_DESCRIPTION
