"""Reviewed episodes can be "changed since review" (with the version last approved);
revisions keep their file compressed (zstandard); "As imported" can be dated at the
import."""
import zstandard

import django.utils.timezone
from django.db import migrations, models

STATES = ["draft", "in_review", "reviewed", "changed"]
ACTIONS = [
    "submit", "send_back", "mark_reviewed", "reopen", "set_maturity", "unlist", "relist",
    "changed",
]


def compress_texts(apps, schema_editor):
    Revision = apps.get_model("editorial", "Revision")
    for revision in Revision.objects.only("pk", "text").iterator(chunk_size=200):
        Revision.objects.filter(pk=revision.pk).update(
            compressed=zstandard.ZstdCompressor(level=9).compress(revision.text.encode("utf-8"))
        )


def decompress_texts(apps, schema_editor):
    Revision = apps.get_model("editorial", "Revision")
    for revision in Revision.objects.only("pk", "compressed").iterator(chunk_size=200):
        Revision.objects.filter(pk=revision.pk).update(
            text=zstandard.ZstdDecompressor().decompress(bytes(revision.compressed)).decode("utf-8")
        )


class Migration(migrations.Migration):
    dependencies = [("editorial", "0002_editor_and_publisher_groups")]

    operations = [
        migrations.RemoveConstraint(model_name="episodereview", name="review_state_known"),
        migrations.RemoveConstraint(model_name="transition", name="transition_action_known"),
        migrations.AddField(
            model_name="episodereview",
            name="reviewed_version",
            field=models.PositiveIntegerField(
                blank=True, null=True,
                help_text="The version (and revision) a publisher last approved.",
            ),
        ),
        migrations.AlterField(
            model_name="episodereview",
            name="state",
            field=models.CharField(
                choices=[
                    ("draft", "Draft (unreviewed)"), ("in_review", "In review"),
                    ("reviewed", "Reviewed"), ("changed", "Changed since review"),
                ],
                default="draft", max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="transition",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "Submitted for review"), ("send_back", "Sent back"),
                    ("mark_reviewed", "Marked reviewed"), ("reopen", "Reopened"),
                    ("set_maturity", "Set maturity"), ("unlist", "Unlisted"),
                    ("relist", "Relisted"), ("changed", "Changed since review"),
                ],
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="episodereview",
            constraint=models.CheckConstraint(
                condition=models.Q(state__in=STATES), name="review_state_known"
            ),
        ),
        migrations.AddConstraint(
            model_name="transition",
            constraint=models.CheckConstraint(
                condition=models.Q(action__in=ACTIONS), name="transition_action_known"
            ),
        ),
        migrations.AddField(
            model_name="revision",
            name="compressed",
            field=models.BinaryField(
                default=b"",
                help_text="The whole file as export_markdown would write it: a zstandard frame.",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(compress_texts, decompress_texts),
        migrations.RemoveField(model_name="revision", name="text"),
        migrations.AlterField(
            model_name="revision",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
