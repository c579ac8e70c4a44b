"""The migration that stores each distinct turn style once (``TurnStyle``), run with
Django's migration executor back to the schema before it, where every turn held its
style as JSON, and forward again: the episodes render to the same bytes."""
import json

import pytest

from archive.content.store import load_texts
from archive.models import Episode, TurnStyle
from tests.factories import BILINGUAL, episode_from_text
from tests.migrating import latest, migrate

from ..episode_texts import INSERTION_ERA, ODD_ENGLISH

BEFORE = [("archive", "0007_search_text_zstandard")]


@pytest.mark.django_db(transaction=True)
def test_turn_styles_survive_the_migration_back_and_forward():
    try:
        for text in (BILINGUAL, ODD_ENGLISH, INSERTION_ERA):
            episode_from_text(text)
        episodes = list(Episode.objects.all())
        rendered = load_texts(episodes)
        assert set(rendered.values()) == {BILINGUAL, ODD_ENGLISH, INSERTION_ERA}

        old_turns = migrate(BEFORE).get_model("archive", "Turn").objects
        styles = [turn.style for turn in old_turns.all()]
        assert all(isinstance(style, dict) for style in styles)
        # Written with its keys in another order, a style is still the same style.
        framed = next(turn for turn in old_turns.all() if len(turn.style) > 1)
        old_turns.filter(pk=framed.pk).update(style=dict(reversed(list(framed.style.items()))))

        migrate(latest())
        for episode in episodes:
            episode.refresh_from_db()
        assert load_texts(episodes) == rendered
        distinct = {json.dumps(style, ensure_ascii=False, sort_keys=True) for style in styles}
        assert set(TurnStyle.objects.values_list("text", flat=True)) == distinct
    finally:
        migrate(latest())
