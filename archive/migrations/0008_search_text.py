"""Search: one packed text per episode (SearchText) replaces a row per text with
the databases' gram indexes (SearchDocument, the FTS5 table, the GIN indexes).

The new table starts empty; ``archive.search.repair()`` fills it (the next import,
or the first search).
"""
import django.db.models.deletion
from django.db import migrations, models


def drop_gram_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS archive_search_grams")


def make_gram_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE archive_search_grams USING fts5("
            "grams, content='', tokenize='ascii', detail='none')"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0007_file_history"),
    ]

    operations = [
        migrations.RunPython(drop_gram_table, make_gram_table),
        migrations.DeleteModel(name="SearchDocument"),
        migrations.CreateModel(
            name="SearchText",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField()),
                ("stamp", models.BigIntegerField(db_index=True)),
                ("text", models.BinaryField()),
                ("layout", models.BinaryField()),
                ("signature", models.BinaryField()),
                ("episode", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="archive.episode")),
            ],
        ),
    ]
