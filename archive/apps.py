from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the receivers that keep the search index and the page cache in step
        # with every edit and import.
        from . import search  # noqa: F401
        from .site import cache  # noqa: F401
