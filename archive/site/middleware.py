"""Two guards around every request of the public site.

``RejectNulMiddleware``: a NUL character (``%00``) in the path or a query value is a
404 before any view sees it. PostgreSQL cannot hold NUL in text, so a lookup with one
would fail with a 500; no address or query of this site means one.

``ContentSecurityPolicyMiddleware``: a strict Content-Security-Policy on every page,
the admin's too: scripts, styles, fonts and forms from this site only, no inline
script or style, no framing, no plugins. The pages' scripts are files
(``static/archive/*.js``, ``editorial/static/editorial/*.js`` and the admin's own);
the admin's preview frame (``srcdoc``) inherits the policy, and runs no script anyway.
"""
from __future__ import annotations

from django.conf import settings
from django.http import Http404

DEFAULT_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise Http404("NUL in the address")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            getattr(settings, "ARCHIVE_CONTENT_SECURITY_POLICY", DEFAULT_POLICY),
        )
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
