"""The page a signed-in user gets where their role does not reach: in the admin's look
and language inside the admin, the public site's outside it."""
from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse


def permission_denied(request, exception=None):
    if request.path.startswith(reverse("admin:index")):
        from django.contrib import admin

        context = {**admin.site.each_context(request), "title": None}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)
