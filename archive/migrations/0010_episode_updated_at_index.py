"""An index on Episode.updated_at, for the page cache's content state.

Every public request reads ``MAX(updated_at)`` of the episodes
(``archive.cache.content_state``); without an index that is a scan of the episode
table, whose rows hold every front-matter line (milliseconds with the archive, on
every request, cached pages included). The index lives in the database only: no model field changes.
"""
from django.db import migrations

INDEX = "archive_episode_updated_at_idx"


class Migration(migrations.Migration):
    dependencies = [("archive", "0009_turn_and_heading_episode_index")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON archive_episode (updated_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
