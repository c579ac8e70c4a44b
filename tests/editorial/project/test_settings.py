"""Settings are checked in subprocesses, since they are read once at import."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.utils import get_random_secret_key

REPO = Path(__file__).resolve().parents[3]
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CONN_MAX_AGE",
    "REDIS_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "ARCHIVE_PUBLIC_DRAFTS",
    "LOG_LEVEL",
    "LANGUAGE_CODE",
)


def run(args, **env):
    """Run python with args in the repository, with only the given settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "editorial.project.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env():
    return {"DEBUG": "0", "SECRET_KEY": get_random_secret_key(), "ALLOWED_HOSTS": "example.org"}


def test_deploy_check_passes_in_production():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr


SERVE = ["-c", "import editorial.project.wsgi, editorial.project.asgi"]


def test_production_without_secret_key_is_never_served():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(SERVE, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr
    assert run(SERVE, **production_env()).returncode == 0


SHOW_DEBUG_AND_KEY = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def test_debug_is_off_without_the_variable_and_then_a_secret_key_is_required():
    result = run(SERVE)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr
    signing = run(["-c", SHOW_DEBUG_AND_KEY])  # and Django refuses to sign without one
    assert signing.returncode != 0 and "SECRET_KEY setting must not be empty" in signing.stderr


def test_commands_that_sign_nothing_run_without_any_variable(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    text = "---\ntitle: 无变量\ndate: '2026-01-02'\n---\n**主持人**: 你好。\n"
    (folder / "plain.md").write_text(text, encoding="utf-8")
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for command in (["migrate", "-v0"], ["import_markdown", str(folder)], ["export_markdown", str(folder)]):
        result = run(["manage.py", *command], **database)
        assert result.returncode == 0, result.stdout + result.stderr
    assert (folder / "plain.md").read_text(encoding="utf-8") == text


def test_debug_is_off_without_the_variable_and_the_given_key_is_used():
    key = get_random_secret_key()
    result = run(["-c", SHOW_DEBUG_AND_KEY], SECRET_KEY=key)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", key]


def test_debug_set_explicitly_gives_the_development_key():
    result = run(["-c", SHOW_DEBUG_AND_KEY], DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django-insecure-development-only-never-use-in-production"]


SHOW_LANGUAGE = "from django.conf import settings; print(settings.LANGUAGE_CODE)"


def test_the_language_comes_from_the_environment():
    assert run(["-c", SHOW_LANGUAGE], DEBUG="1").stdout.split() == ["zh-hans"]
    assert run(["-c", SHOW_LANGUAGE], DEBUG="1", LANGUAGE_CODE="en").stdout.split() == ["en"]
    refused = run(["-c", SHOW_LANGUAGE], DEBUG="1", LANGUAGE_CODE="klingon")
    assert refused.returncode != 0 and "LANGUAGE_CODE='klingon' is not one of" in refused.stderr


def test_an_empty_debug_is_off():
    result = run(SERVE, DEBUG="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_tests_run_with_debug_set_unless_the_environment_says_otherwise():
    code = "import tests.settings as s; print(s.DEBUG, s.SECRET_KEY.startswith('django-insecure-'))"
    result = run(["-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_database_url_selects_postgresql():
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['ENGINE'], db['NAME'], db['HOST'], db['PORT'])"
    )
    result = run(["-c", code], DEBUG="1", DATABASE_URL="postgres://editor:pw@db.example:5433/archive")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "archive", "db.example", "5433"]


def test_sqlite_is_the_default_and_waits_for_locks():
    code = "from django.conf import settings; db = settings.DATABASES['default']; print(db['ENGINE'], db['OPTIONS']['timeout'])"
    result = run(["-c", code], DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "20"]
