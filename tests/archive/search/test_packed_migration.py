"""The migration that recompresses the search rows from zlib into zstandard, run with
Django's migration executor from the schema before it, and back."""
import zlib

import pytest

from archive.search import packed
from tests.migrating import latest, migrate

BEFORE = [("archive", "0006_episode_list_indexes")]
TEXT = "第一节\n泡沫 bubble 2024年\n".encode() * 50
LAYOUT = bytes(range(40))


@pytest.mark.django_db(transaction=True)
def test_search_rows_are_recompressed_in_place_and_back():
    try:
        old = migrate(BEFORE)
        episode = old.get_model("archive", "Episode").objects.create(slug="m", source_path="m.md", title="m")
        row = old.get_model("archive", "SearchText").objects.create(
            episode=episode, version=1, stamp=77, text=zlib.compress(TEXT, 1),
            layout=zlib.compress(LAYOUT, 1), signature=b"\0" * 8,
        )
        migrate(latest())

        from archive.models import SearchText
        migrated = SearchText.objects.get()
        assert (migrated.pk, migrated.stamp) == (row.pk, 77)
        assert packed.decompress(bytes(migrated.text)) == TEXT
        assert packed.decompress(bytes(migrated.layout)) == LAYOUT
        assert bytes(migrated.text).startswith(b"\x28\xb5\x2f\xfd")  # a zstandard frame

        back = migrate(BEFORE).get_model("archive", "SearchText").objects.get()
        assert zlib.decompress(bytes(back.text)) == TEXT
        assert zlib.decompress(bytes(back.layout)) == LAYOUT
    finally:
        migrate(latest())
