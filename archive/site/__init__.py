"""The public, read-only site that can replace the static one, at its addresses.

- ``urls`` and ``views``: the pages, each starting from ``Episode.objects.public()``;
- ``taxonomy``: speakers, tags and the entity kinds, their pages and counts;
- ``feeds`` and ``sitemaps``;
- ``rendering`` and ``transcript_html``: markdown as readers get it, sanitised;
- ``cache``: pages kept until the content changes;
- ``middleware`` and ``context_processors``: the headers a careful site sends, and
  what every template knows of the site.

Search has its own package, ``archive.search``.
"""
