"""Turn styles stored once each: one text for one style, one row for one text."""
import json

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from archive.content.turn_styles import style_ids, style_text, style_texts
from archive.models import TurnStyle

_STYLES = st.dictionaries(st.text(max_size=12), st.text(max_size=12) | st.booleans(), max_size=8)


@given(_STYLES, st.randoms())
def test_a_style_has_one_text_whatever_the_order_of_its_keys(style, random):
    keys = list(style)
    random.shuffle(keys)
    shuffled = {key: style[key] for key in keys}
    assert style_text(shuffled) == style_text(style)
    assert json.loads(style_text(style)) == style


@pytest.mark.django_db
def test_each_text_gets_one_row_and_reads_back():
    known = {}
    texts = [style_text({}), style_text({"label_open": "**", "label_close": "**: "}), style_text({})]
    ids = style_ids(texts, known)
    assert len(set(ids.values())) == 2 == TurnStyle.objects.count()
    assert style_ids(texts, {}) == ids            # found, not made again
    assert style_texts(ids.values()) == {pk: text for text, pk in ids.items()}


@pytest.mark.django_db
def test_a_style_made_in_a_rolled_back_transaction_is_made_again():
    text = style_text({"label_close": "："})
    with transaction.atomic():
        style_ids([text], {})
        transaction.set_rollback(True)
    assert not TurnStyle.objects.filter(text=text).exists()
    [pk] = style_ids([text], {}).values()
    assert TurnStyle.objects.get(pk=pk).text == text
