"""The two roles as groups: Editor (edits, submits for review) and Publisher (also
marks reviewed, sends back, reopens, sets maturity, unlists)."""
from django.db import migrations

EDITOR = [
    ("archive", "view_episode"), ("archive", "change_episode"),
    ("archive", "view_turn"), ("archive", "add_turn"), ("archive", "change_turn"),
    ("archive", "delete_turn"),
    ("archive", "view_heading"), ("archive", "add_heading"), ("archive", "change_heading"),
    ("archive", "delete_heading"),
    ("archive", "view_speaker"), ("archive", "add_speaker"), ("archive", "change_speaker"),
    *[("archive", f"{verb}_{model}") for model in (
        "topic", "person", "organization", "product", "media", "project",
    ) for verb in ("view", "add")],
    ("editorial", "view_revision"), ("editorial", "view_transition"),
    ("editorial", "view_episodereview"), ("editorial", "submit_episode"),
]
PUBLISHER = EDITOR + [
    ("editorial", "review_episode"), ("editorial", "set_maturity"),
    ("editorial", "unlist_episode"),
]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; these groups need them now.
    for label in ("archive", "editorial"):
        config = apps.get_app_config(label)
        kept, config.models_module = getattr(config, "models_module", None), True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = kept
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in (("Editor", EDITOR), ("Publisher", PUBLISHER)):
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            ))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("archive", "0002_link_position_appends"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
