from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Connect the listeners of episodes_changed (the search index, the page
        # cache) and what announces rows saved one at a time.
        from . import search  # noqa: F401
        from .content import announcing  # noqa: F401
        from .site import cache  # noqa: F401
