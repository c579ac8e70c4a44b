"""Template helpers of the public pages."""
from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..rendering import plain, render_inline, render_markdown
from ..slugs import slug_for
from ..taxonomy import KINDS

register = template.Library()


@register.simple_tag
def term_url(kind_key, term):
    """The page of ``term`` (a Speaker, a tag, an area…) of the kind ``kind_key``."""
    return reverse(f"archive:{kind_key}", args=[term.slug])


@register.simple_tag
def kind_index_url(kind_key):
    return reverse(f"archive:{KINDS[kind_key].key}-index")


@register.simple_tag
def page_url(query_string, number):
    """``?<query_string>&page=<number>``: a page link that keeps the filters."""
    prefix = f"{query_string}&" if query_string else ""
    return f"?{prefix}{urlencode({'page': number})}"


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def inline_markdown(text):
    return render_inline(text)


@register.filter
def plaintext(text):
    return plain(text)


@register.simple_tag(takes_context=True)
def filter_url(context, key, value):
    """The episode index with the current filters and ``key`` set to ``value``."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params[key] = value
    return f"{reverse('archive:episodes')}?{params.urlencode()}"


@register.filter
def slugify_name(name):
    """The slug of an area or category value, as its page has it."""
    return slug_for(name)


@register.filter
def safe_url(url):
    """``url`` if it is an http(s) address, else empty: a front-matter ``source`` of
    ``javascript:…`` never becomes a link."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) and " " not in url else ""
