"""The migrations: one per app, made from the models, and self-contained."""
import ast
import importlib
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = {"archive", "editorial", "tests"}


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run")


def migration_files():
    return sorted(
        path for package in ("archive", "editorial")
        for path in (REPO / package / "migrations").glob("[0-9]*.py")
    )


def project_imports(path: Path) -> list[str]:
    """``line: module`` of every import of the project's own code in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:  # relative: the app's own
            found.append(f"{node.lineno}: {'.' * node.level}{node.module or ''}")
            continue
        if isinstance(node, ast.ImportFrom):
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found += [f"{node.lineno}: {m}" for m in modules if m.split(".")[0] in PROJECT_PACKAGES]
    return found


def test_migrations_import_no_application_code():
    """A migration is the schema and data of its time: importing application code
    would change what an old migration does whenever that code changes."""
    assert migration_files()
    offenders = [f"{path.relative_to(REPO)}:{found}" for path in migration_files()
                 for found in project_imports(path)]
    assert offenders == []


def test_the_import_check_sees_absolute_and_relative_imports(tmp_path):
    path = tmp_path / "0001_x.py"
    path.write_text(
        "import taggit.managers\nfrom django.db import migrations\n"
        "from archive.codec.frontmatter import load_values\nimport editorial.models\n"
        "from ..models import Episode\n"
    )
    assert project_imports(path) == [
        "3: archive.codec.frontmatter", "4: editorial.models", "5: ..models",
    ]


@pytest.mark.django_db
def test_the_roles_are_groups_with_their_permissions_and_can_be_made_again():
    from django.apps import apps
    from django.contrib.auth.models import Group

    roles = importlib.import_module("editorial.migrations.0001_initial")

    def held():
        return {
            group.name: {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
            for group in Group.objects.filter(name__in=["Editor", "Publisher"])
        }

    wanted = {"Editor": set(roles.EDITOR), "Publisher": set(roles.PUBLISHER)}
    assert held() == wanted
    # A transactional test empties every table; the browser tests make the roles again.
    Group.objects.all().delete()
    roles.create_groups(apps, None)
    assert held() == wanted
