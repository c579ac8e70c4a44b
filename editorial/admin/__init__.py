"""The editors' admin: what is registered, and the pages the episode admin adds.

- ``episodes``: the episode list and change form, with workflow actions and the links to
  the transcript editor, revisions and preview (``views``);
- ``names``: speakers and entity tags, with the names tools (merge, rename, duplicates);
- ``records``: read-only lists of turns, headings, transitions, revisions and reviews.

Nothing in ``editorial`` imports this package: it sits on top of the other rooms.
"""
from django.apps import apps
from django.contrib import admin

from . import episodes, names, records  # noqa: F401  (each registers its models)

# Other apps' admins that are not the editors' concern, and speak English only:
# django-taggit's untyped tags (the archive's are the typed entity models), the sites
# framework's one site (SITE_ID), django-axes' login records (lifted with
# ``axes_reset_username``) and the task backend's raw results (the jobs page shows them).
# The app list lives on the admin's home page and behind the breadcrumbs: beside a
# list its sidebar would take a quarter of a 1280 px window from the columns.
admin.site.enable_nav_sidebar = False

OTHER_APPS = ("taggit", "sites", "axes", "django_tasks_database")


def hide_other_apps(site=admin.site) -> None:
    """Unregister ``OTHER_APPS``' models; called once every app has registered its own."""
    for label in OTHER_APPS:
        if label in apps.app_configs:
            for model in apps.get_app_config(label).get_models():
                if site.is_registered(model):
                    site.unregister(model)
