"""Members of the Editor and Publisher groups are staff (the admin's door): from now
on ``editorial.receivers`` keeps it so; this gives it to those already in a group."""
from django.db import migrations

ROLE_GROUPS = ("Editor", "Publisher")


def make_staff(apps, schema_editor):
    User = apps.get_model("auth", "User")
    User.objects.filter(groups__name__in=ROLE_GROUPS, is_staff=False).update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0003_review_changed_and_compressed_revisions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(make_staff, migrations.RunPython.noop)]
