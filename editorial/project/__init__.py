"""The Django project: settings (everything from the environment), the root URLs,
and the WSGI and ASGI entry points. The editors' code is the rest of ``editorial``."""
