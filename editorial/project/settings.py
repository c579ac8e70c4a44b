"""Settings for the archive CMS, read from the environment.

Every variable is listed in README.md. DEBUG is off unless ``DEBUG=1`` is set. With
DEBUG off and no SECRET_KEY, the site refuses to be served (``editorial.project.wsgi``
and ``.asgi``) and Django refuses whatever would sign with the key, while commands
that sign nothing (migrate, import_markdown, export_markdown) still run: a forgotten
variable never serves production with debug pages or a known key. ``DEBUG=1`` alone
gives a development setup: a development-only key, the local host names, and (as
without DEBUG) SQLite in the repository and an in-process cache unless DATABASE_URL or
REDIS_URL say otherwise.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from editorial.project.proxies import trusted_networks

BASE_DIR = Path(__file__).resolve().parents[2]


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if value.strip().lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1 or 0.")


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"


def require_secret_key() -> None:
    """Refuse to serve the site without SECRET_KEY (the WSGI and ASGI entry points)."""
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (the default). "
            "For a development server, set DEBUG=1 instead."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "taggit",
    "axes",
    "archive",
    "editorial",
    "editorial.jobs",
    "editorial.sync",
    "django_tasks",
    "django_tasks_db",
    *(["django_rq"] if os.environ.get("JOBS_BACKEND") == "rq" else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ from the app itself, compressed and (with DEBUG off) hashed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The public site: NUL in an address is a 404; a strict CSP on every page;
    # /about/-like pages edited in the admin (django.contrib.flatpages).
    "archive.site.middleware.RejectNulMiddleware",
    "archive.site.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last, as django-axes asks: answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "editorial.project.urls"
WSGI_APPLICATION = "editorial.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "archive.site.context_processors.site",
                "editorial.review.context_processors.review_progress",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for a concurrent writer (an import running beside the admin) instead of
    # failing at once with "database is locked"; IMMEDIATE takes the write lock at
    # BEGIN, so a waiting transaction cannot deadlock halfway through.
    options.setdefault("timeout", 20)
    options.setdefault("transaction_mode", "IMMEDIATE")
    # WAL lets readers go on during an import; NORMAL syncs at checkpoints rather
    # than at every commit, which an import of thousands of files needs.
    options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# The admin speaks LANGUAGE_CODE alone (no LocaleMiddleware): one language per site,
# Django's own strings and the project's from locale/.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans").strip().lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE={LANGUAGE_CODE!r} is not one of {', '.join(dict(LANGUAGES))}."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# With DEBUG off, run `manage.py collectstatic` before starting: file names get a hash of
# their content and are served with a far-future expiry.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

TAGGIT_CASE_INSENSITIVE = False
TAGGIT_TAGS_FROM_STRING = "editorial.edits.tagparsing.comma_splitter"
TAGGIT_STRING_FROM_TAGS = "editorial.edits.tagparsing.comma_joiner"

# The static site shows drafts to everyone; turn this off to make them staff-only.
ARCHIVE_PUBLIC_DRAFTS = env_bool("ARCHIVE_PUBLIC_DRAFTS", True)
# Off: an edit of a reviewed episode waits for a publisher's review while readers,
# search and export keep the reviewed version (editorial.review.held). On: edits are
# published at once.
ARCHIVE_PUBLISH_EDITS_AT_ONCE = env_bool("ARCHIVE_PUBLISH_EDITS_AT_ONCE", False)

# The public site's name and look: the static site's by default. Extra stylesheets
# (static paths) come after the site's own and can redefine its colours and fonts.
ARCHIVE_SITE_NAME = os.environ.get("ARCHIVE_SITE_NAME", "The Learning Grove 林间拾穗")
ARCHIVE_SITE_DESCRIPTION = os.environ.get(
    "ARCHIVE_SITE_DESCRIPTION", "嘿，欢迎来到我的个人网站，这里记录了一些我的想法，笔记和视频转文字的集合。"
)
ARCHIVE_EXTRA_STYLESHEETS = env_list("ARCHIVE_EXTRA_STYLESHEETS", [])
# Pages each process also keeps in memory besides the page cache (0: none).
ARCHIVE_PAGE_MEMORY_ENTRIES = int(os.environ.get("ARCHIVE_PAGE_MEMORY_ENTRIES", "256"))
# Seconds between two writes of the page views a process counted (archive.site.readership).
ARCHIVE_READS_FLUSH_SECONDS = int(os.environ.get("ARCHIVE_READS_FLUSH_SECONDS", "30"))
SITE_ID = 1
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# The content folder: episodes are named by their paths relative to it, and the
# import and export commands use it when given no path.
ARCHIVE_ROOT = os.environ.get("ARCHIVE_ROOT", "")

# Search (archive.search.backends): "scan" keeps every episode's text in each process;
# "postings" reads an inverted index kept on disk in SEARCH_INDEX_DIR (README, Search).
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "scan")
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR") or BASE_DIR / "var" / "search")

# Jobs (editorial.jobs) run on django-tasks: by default its database backend, whose
# workers are `manage.py db_worker`; JOBS_BACKEND=rq puts them on RQ over Redis
# (JOBS_REDIS_URL), whose workers are `manage.py rqworker` on any machine.
JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "database")
if JOBS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif JOBS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {
        "URL": os.environ.get("JOBS_REDIS_URL", "redis://127.0.0.1:6379/0"),
        # A merge of the whole archive runs for minutes; a sync may wait on git.
        "DEFAULT_TIMEOUT": int(os.environ.get("JOBS_TIMEOUT", "3600")),
    }}
    # Plain `manage.py rqworker default` then runs the tasks' own job class.
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}
else:
    raise ImproperlyConfigured(f"JOBS_BACKEND={JOBS_BACKEND!r}: use database or rq.")
# A running job without a sign of life for this long lost its worker: `resume_jobs`
# queues it again.
JOBS_STALLED_AFTER = int(os.environ.get("JOBS_STALLED_AFTER", "300"))
# On SQLite, a job pauses this long (seconds) after each item, so that an editor's
# save waiting for the one write lock gets it between two items.
JOBS_SQLITE_PAUSE = float(os.environ.get("JOBS_SQLITE_PAUSE", "0.12"))
# sync_content: the content folder's git remote and branch, how often a refused push
# goes round again, and the time limit of each git command (seconds).
SYNC_REMOTE = os.environ.get("SYNC_REMOTE", "origin")
SYNC_BRANCH = os.environ.get("SYNC_BRANCH", "main")
SYNC_ROUNDS = int(os.environ.get("SYNC_ROUNDS", "3"))
SYNC_GIT_TIMEOUT = int(os.environ.get("SYNC_GIT_TIMEOUT", "120"))

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        # Behind a proxy that terminates TLS, trust its X-Forwarded-Proto header;
        # without this, SECURE_SSL_REDIRECT would redirect forever.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's default "django" logger, which would print a second copy.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Admin logins are throttled by django-axes: after AXES_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair is refused for AXES_COOLOFF_TIME hours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address a login is counted against: REMOTE_ADDR, or behind the reverse proxies
# TRUSTED_PROXIES names, the client they forwarded (editorial/project/proxies.py).
ARCHIVE_TRUSTED_PROXIES = trusted_networks(os.environ.get("TRUSTED_PROXIES", ""))
AXES_CLIENT_IP_CALLABLE = "editorial.project.proxies.client_address"

# export_markdown --commit: seconds git commit (and the checkout's hooks) may take.
ARCHIVE_GIT_TIME_LIMIT = float(os.environ.get("ARCHIVE_GIT_TIME_LIMIT", "300"))

# The transcript editor posts every row of an episode at once: about five fields per
# turn, and the largest files hold over 1,000 turns and 1 MB of text (3 MB encoded).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 32 * 1024 * 1024
