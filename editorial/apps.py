from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial")

    def ready(self):
        from .review import receivers  # noqa: F401  (connects the receivers)
        from .review import turns  # noqa: F401  (a re-import's changed turns lose their state)
        from .revisions import credit  # noqa: F401  (answers archive.content.publishing.collect_notes)
