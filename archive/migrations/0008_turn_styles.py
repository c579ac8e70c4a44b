"""A turn's style becomes a reference to a ``TurnStyle`` row: the archive's 300,000
turns share about 260 styles, which as JSON on every turn took 17 MB of the shared
half's database.

Each distinct style is stored once, as its JSON with sorted keys, and every turn is
pointed at its row in one UPDATE. On PostgreSQL that UPDATE leaves the table's old
row versions behind: ``VACUUM FULL archive_turn`` afterwards gives their space back.
"""
import json

import django.db.models.deletion
from django.db import migrations, models

STYLE_IDS = "archive_turn_style_ids"


def canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def to_style_rows(apps, schema_editor):
    Turn = apps.get_model("archive", "Turn")
    TurnStyle = apps.get_model("archive", "TurnStyle")
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    turns = connection.ops.quote_name(Turn._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT style{'::text' if postgresql else ''} FROM {turns}")
        stored = [text for (text,) in cursor.fetchall()]
        texts = {text: canonical(json.loads(text)) for text in stored}
        TurnStyle.objects.bulk_create(
            [TurnStyle(text=text) for text in sorted(set(texts.values()))], ignore_conflicts=True
        )
        ids = dict(TurnStyle.objects.values_list("text", "pk"))
        kind = "jsonb" if postgresql else "TEXT"
        cursor.execute(f"CREATE TEMPORARY TABLE {STYLE_IDS} (old {kind} PRIMARY KEY, id bigint NOT NULL)")
        cursor.executemany(
            f"INSERT INTO {STYLE_IDS} (old, id) VALUES ({'%s::jsonb' if postgresql else '%s'}, %s)",
            [(text, ids[texts[text]]) for text in stored],
        )
        if postgresql:
            cursor.execute(
                f"UPDATE {turns} AS turn SET style_row_id = ids.id FROM {STYLE_IDS} AS ids "
                "WHERE turn.style = ids.old"
            )
        else:
            cursor.execute(
                f"UPDATE {turns} SET style_row_id = "
                f"(SELECT id FROM {STYLE_IDS} WHERE old = {turns}.style)"
            )
        cursor.execute(f"DROP TABLE {STYLE_IDS}")


def to_json(apps, schema_editor):
    Turn = apps.get_model("archive", "Turn")
    TurnStyle = apps.get_model("archive", "TurnStyle")
    connection = schema_editor.connection
    turns = connection.ops.quote_name(Turn._meta.db_table)
    styles = connection.ops.quote_name(TurnStyle._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {turns} AS turn SET style = styles.text::jsonb FROM {styles} AS styles "
                "WHERE styles.id = turn.style_row_id"
            )
        else:
            cursor.execute(
                f"UPDATE {turns} SET style = (SELECT text FROM {styles} WHERE id = {turns}.style_row_id)"
            )


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0007_search_text_zstandard"),
    ]

    operations = [
        migrations.CreateModel(
            name="TurnStyle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.TextField(unique=True)),
            ],
            options={
                "verbose_name": "turn style",
                "verbose_name_plural": "turn styles",
            },
        ),
        migrations.AddField(
            model_name="turn",
            name="style_row",
            field=models.ForeignKey(
                db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="archive.turnstyle",
            ),
        ),
        migrations.RunPython(to_style_rows, to_json),
        migrations.RemoveField(model_name="turn", name="style"),
        migrations.RenameField(model_name="turn", old_name="style_row", new_name="style"),
        migrations.AlterField(
            model_name="turn",
            name="style",
            field=models.ForeignKey(
                db_index=False, help_text="Label and <details> frame as written.",
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="archive.turnstyle",
            ),
        ),
    ]
