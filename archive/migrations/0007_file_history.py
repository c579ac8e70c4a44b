from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0006_search_grams_only"),
    ]

    operations = [
        migrations.AlterField(
            model_name="episode",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text="The content version: raised by every edit and every "
                "import that changes the episode."
            ),
        ),
        migrations.AddField(
            model_name="episode",
            name="synced_version",
            field=models.PositiveIntegerField(
                default=1, help_text="The version last imported from or exported to its file."
            ),
        ),
        migrations.CreateModel(
            name="FileVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sha256", models.CharField(max_length=64)),
                ("action", models.CharField(choices=[("imported", "imported"), ("exported", "exported")], max_length=8)),
                ("at", models.DateTimeField()),
                ("episode", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="file_versions", to="archive.episode")),
            ],
            options={
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["episode", "sha256"], name="archive_fil_episode_b78ed5_idx")],
            },
        ),
        migrations.CreateModel(
            name="ContentFolder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("path", models.CharField(help_text="Absolute path.", max_length=1000, unique=True)),
            ],
        ),
    ]
