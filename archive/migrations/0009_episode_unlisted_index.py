"""An index of the unlisted episodes (``exclude: true``), a few among tens of thousands.

A term's page counts its episodes from its links, leaving out the unlisted ones: this
index finds those without reading the episode table, whose rows carry every
front-matter line.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0008_turn_styles'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='episode',
            index=models.Index(
                condition=models.Q(exclude=True), fields=['id'], name='episode_unlisted_idx',
            ),
        ),
    ]
