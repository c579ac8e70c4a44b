"""Indexes of the episode table for what every public page reads.

- ``updated_at``: every request reads ``MAX(updated_at)`` (the page cache's content
  state). 0001 created this index in SQL alone, so the migrations' state did not know
  it, and on SQLite the next migration that rebuilt the episode table (0002's
  ``AlterField``) dropped it: each request then scanned the table. It is created here
  where it is missing and added to the state, so a table rebuilt later keeps it; where
  it exists (PostgreSQL) the SQL does nothing.
- ``date, area, category, exclude, draft``: the episode lists count their episodes and
  the episode index groups them by date, area and category; this index holds every
  column they read, so neither reads the rows, which carry every front-matter line;
  leading with ``date``, it also finds a year's episodes.
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
        migrations.AddIndex(
            model_name='episode',
            index=models.Index(
                fields=['date', 'area', 'category', 'exclude', 'draft'], name='episode_listing_idx',
            ),
        ),
    ]
