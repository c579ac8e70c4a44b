"""What every public page's template knows of the site: its name and look."""
from django.conf import settings


def site(request):
    return {
        "site_name": settings.ARCHIVE_SITE_NAME,
        "site_description": settings.ARCHIVE_SITE_DESCRIPTION,
        "site_stylesheets": settings.ARCHIVE_EXTRA_STYLESHEETS,
    }
