from django.contrib import admin
from django.urls import include, path

from editorial.admin import hide_other_apps

hide_other_apps()  # after every app's admin module has registered its models

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("archive.site.urls")),
]

handler403 = "editorial.admin.denied.permission_denied"
