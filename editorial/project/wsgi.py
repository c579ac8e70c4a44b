import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.project.settings")

from editorial.project.settings import require_secret_key  # noqa: E402

require_secret_key()  # never served without its key; commands may run without one
application = get_wsgi_application()
