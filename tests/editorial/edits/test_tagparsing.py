from hypothesis import given
from hypothesis import strategies as st

from editorial.edits.tagparsing import comma_joiner, comma_splitter


def tags(*names):
    return list(names)


def test_spaces_do_not_split_a_name():
    assert comma_splitter("Sam Altman, OpenAI") == ["Sam Altman", "OpenAI"]


def test_order_is_kept():
    assert comma_splitter("zeta, alpha, mu") == ["zeta", "alpha", "mu"]


def test_whitespace_and_empties_are_dropped():
    assert comma_splitter("  a ,, ,b,  ") == ["a", "b"]


def test_only_exact_duplicates_are_dropped():
    assert comma_splitter("OpenAI, openai, OpenAI") == ["OpenAI", "openai"]


def test_quoted_name_keeps_its_comma():
    assert comma_splitter('"Acme, Inc.", x') == ["Acme, Inc.", "x"]


def test_doubled_quotes_inside_quotes_are_one_quote():
    assert comma_splitter('"Say ""hi"", then"') == ['Say "hi", then']


def test_quotes_inside_a_plain_name_are_ordinary():
    assert comma_splitter('The "Best" Show, x') == ['The "Best" Show', "x"]


def test_an_unterminated_quote_is_an_ordinary_character():
    assert comma_splitter('"abc, d') == ['"abc', "d"]


def test_joiner_keeps_order_and_quotes_only_where_needed():
    joined = comma_joiner(tags("Sam Altman", "Acme, Inc.", '"Quoted"', 'The "Best" Show'))
    assert joined == 'Sam Altman, "Acme, Inc.", """Quoted""", The "Best" Show'


def test_joiner_of_nothing_is_empty():
    assert comma_joiner([]) == ""


names = st.lists(
    st.text(min_size=1).map(str.strip).filter(bool), unique=True, max_size=8
)


@given(names)
def test_splitter_reads_back_what_joiner_wrote(names):
    assert comma_splitter(comma_joiner(tags(*names))) == names
