"""Template helpers of the public pages."""
from django import template
from django.urls import reverse
from django.utils.http import urlencode

from archive.site.headings import heading_html as _heading_html
from archive.site.rendering import render_inline, render_markdown, sanitise
from archive.text import plain
from archive.site.taxonomy import KINDS

register = template.Library()


@register.simple_tag
def term_url(kind_key, term):
    """The page of ``term`` of the kind ``kind_key``: a Speaker or tag row, a
    ``Term``, or an area's or category's name."""
    return reverse(f"archive:{kind_key}", args=[KINDS[kind_key].slug(term)])


@register.simple_tag
def kind_index_url(kind_key):
    return reverse(f"archive:{KINDS[kind_key].key}-index")


@register.simple_tag
def page_url(query_string, number, url_name=None, *args):
    """A link to page ``number``: ``?<query_string>&page=<number>`` (keeping the
    filters), or with ``url_name`` the static site's addresses, ``<first>/`` for the
    first page and ``<first>/page/<n>/`` (``url_name + '-page'``) for the others."""
    if url_name:
        if number == 1:
            address = reverse(url_name, args=args)
        else:
            address = reverse(f"{url_name}-page", kwargs={"number": number})
        return f"{address}?{query_string}" if query_string else address
    prefix = f"{query_string}&" if query_string else ""
    return f"?{prefix}{urlencode({'page': number})}"


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def inline_markdown(text):
    return render_inline(text)


@register.filter
def heading_html(title):
    """A heading's text with its Chinese and English marked when the file gives both."""
    return _heading_html(title)


@register.filter
def plaintext(text):
    return plain(text)


@register.simple_tag(takes_context=True)
def filter_url(context, key, value):
    """The episode index with the page's filters (those its cache key holds) and
    ``key`` set to ``value``."""
    params = context["request"].page_params.copy()
    params.pop("page", None)
    params[key] = value
    return f"{reverse('archive:episodes')}?{params.urlencode()}"


@register.filter
def safe_url(url):
    """``url`` if it is an http(s) address, else empty: a front-matter ``source`` of
    ``javascript:…`` never becomes a link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and " " not in url else ""


@register.filter
def sanitised(html):
    """HTML written in the admin (a flat page), reduced to the allow-list."""
    return sanitise(html or "")
