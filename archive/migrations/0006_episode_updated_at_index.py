"""The index of ``Episode.updated_at`` that every public request reads (the page cache's
content state, ``MAX(updated_at)``), now named in the model.

0001 created it in SQL alone, so the migrations' state did not know it, and on SQLite
the next migration that rebuilt the episode table (0002's ``AlterField``) dropped it:
each request then scanned the table. This creates it where it is missing and adds it to
the state, so a table rebuilt later keeps it; where it exists (PostgreSQL) the SQL does
nothing.
"""

from django.db import migrations, models

UPDATED_AT_INDEX = "archive_episode_updated_at_idx"


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0005_episode_bolded_untagged'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX IF NOT EXISTS {UPDATED_AT_INDEX} ON archive_episode (updated_at)",
                    reverse_sql=f"DROP INDEX IF EXISTS {UPDATED_AT_INDEX}",
                ),
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name='episode',
                    index=models.Index(fields=['updated_at'], name=UPDATED_AT_INDEX),
                ),
            ],
        ),
    ]
