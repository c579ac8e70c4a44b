"""A revision can be stored as a delta against an earlier one (``base_version``).

Rows an earlier form of migration 0003 wrote with zlib (a frame starting with 0x78)
are rewritten as zstandard frames, the one format the model reads."""
import zlib

import zstandard
from django.db import migrations, models


def zlib_to_zstandard(apps, schema_editor):
    Revision = apps.get_model("editorial", "Revision")
    compressor = zstandard.ZstdCompressor(level=9)
    for revision in Revision.objects.only("pk", "compressed").iterator(chunk_size=200):
        data = bytes(revision.compressed)
        if data[:1] == b"\x78":
            Revision.objects.filter(pk=revision.pk).update(
                compressed=compressor.compress(zlib.decompress(data))
            )


class Migration(migrations.Migration):
    dependencies = [("editorial", "0005_model_names")]

    operations = [
        migrations.AddField(
            model_name="revision",
            name="base_version",
            field=models.PositiveIntegerField(
                blank=True, null=True,
                help_text="The revision (stored whole) this one's frame is a delta against.",
            ),
        ),
        migrations.RunPython(zlib_to_zstandard, migrations.RunPython.noop),
    ]
