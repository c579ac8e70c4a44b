"""The search page and the small JSON answer behind search-as-you-type."""
from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import strip_tags
from django.views.decorators.http import require_safe

from archive.models import Episode
from archive.search.documents import Field
from archive.search.query import clean, loosened, parse, unparse
from archive.search.query import search as run_search

from .cache import cached_page, not_stored, settle
from .params import later_page

SUGGESTIONS = 5


def _query_used(value: str) -> str | None:
    """``q`` as the search uses it: its terms (at most MAX_TERMS, each once) written
    back, or the cleaned text in the rare case that writing them back reads otherwise."""
    terms = parse(value)
    written = unparse(terms)
    return (written if parse(written) == terms else clean(value)) or None


@require_safe
@cached_page(params={"q": _query_used, "page": later_page})
def search(request):
    query = request.page_params.get("q", "")
    terms = parse(query)
    page = None
    if terms:
        page = run_search(
            query, Episode.objects.public(request.user), int(request.page_params.get("page", 1))
        )
        settle(request, "page", page.number if page.number > 1 else None)
    params = request.page_params.copy()
    params.pop("page", None)
    response = render(request, "archive/search.html", {
        "query": query, "terms": terms, "page": page,
        "query_string": params.urlencode() if terms else "",
        "loosened": loosened(terms) if page is not None and not page.paginator.count else [],
    })
    return response if page is not None and page.paginator.count else not_stored(response)


@require_safe
def suggest(request):
    """``{"query", "count", "results": [{"title", "url", "snippet"}]}``: the first few
    results, snippets as plain text."""
    terms = parse(request.GET.get("q"))
    if not terms:
        return JsonResponse({"query": "", "count": 0, "results": []})
    page = run_search(unparse(terms), Episode.objects.public(request.user), 1, per_page=SUGGESTIONS)
    results = []
    for result in page.object_list:
        # The title is shown already: the snippet is the first hit elsewhere.
        hit = next((hit for hit in result.hits if hit.field != Field.TITLE), None)
        results.append({
            "title": result.title,
            "url": hit.url if hit else result.url,
            "snippet": strip_tags(str(hit.snippet)) if hit else "",
        })
    response = JsonResponse({"query": unparse(terms), "count": page.paginator.count, "results": results})
    response["Cache-Control"] = "private, no-cache"
    return response
