"""The search page's cache key holds the query as the search uses it."""
from hypothesis import given, strategies as st

from archive.search.query import parse
from archive.site.search_views import _query_used

QUERY_TEXT = st.text(alphabet=st.sampled_from('ab 向量"“”「」『』＂\t\x00AI'), max_size=60) | st.text(max_size=60)


@given(QUERY_TEXT)
def test_the_key_s_query_finds_what_the_request_s_query_finds(text):
    assert parse(_query_used(text)) == parse(text)


def test_what_the_term_limit_drops_is_not_in_the_key():
    eight = "a1 a2 a3 a4 a5 a6 a7 a8"
    assert _query_used(f"{eight} ninth") == _query_used(f"{eight}  other") == eight
