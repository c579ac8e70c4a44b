"""Settings are checked in subprocesses, since they are read once at import."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management.utils import get_random_secret_key

REPO = Path(__file__).resolve().parents[2]
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
)


def run(args, **env):
    """Run python with args in the repository, with only the given settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "editorial.settings"
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


def test_production_without_secret_key_fails_loudly():
    env = production_env()
    del env["SECRET_KEY"]
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql():
    code = (
        "from django.conf import settings; db = settings.DATABASES['default'];"
        "print(db['ENGINE'], db['NAME'], db['HOST'], db['PORT'])"
    )
    result = run(["-c", code], DATABASE_URL="postgres://editor:pw@db.example:5433/archive")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "archive", "db.example", "5433"]


def test_sqlite_is_the_default_and_waits_for_locks():
    code = "from django.conf import settings; db = settings.DATABASES['default']; print(db['ENGINE'], db['OPTIONS']['timeout'])"
    result = run(["-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "20"]
