"""The search rows' ``text`` and ``layout`` become zstandard frames (they were zlib
streams): see ``archive.search.packed``.

Each row is recompressed in place, keeping its id and stamp: its folded text is the
same, so a process holding the row, and a postings index written from it, stay valid.
"""
import zlib

import zstandard
from django.db import migrations

BATCH = 200
LEVEL = 6


def recompressing(decompress, compress):
    def run(apps, schema_editor):
        SearchText = apps.get_model("archive", "SearchText")
        ids = list(SearchText.objects.order_by("id").values_list("id", flat=True))
        for low in range(0, len(ids), BATCH):
            rows = list(SearchText.objects.filter(id__in=ids[low:low + BATCH]).only("text", "layout"))
            for row in rows:
                row.text = compress(decompress(bytes(row.text)))
                row.layout = compress(decompress(bytes(row.layout)))
            SearchText.objects.bulk_update(rows, ["text", "layout"])
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0006_episode_list_indexes"),
    ]

    operations = [
        migrations.RunPython(
            recompressing(zlib.decompress, lambda data: zstandard.compress(data, LEVEL)),
            recompressing(zstandard.decompress, lambda data: zlib.compress(data, 1)),
        ),
    ]
