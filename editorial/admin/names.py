"""Speakers and entity tags in the admin with the names tools: each list links to
"Merge or rename…" and "Likely duplicates", pages served by the Speaker admin.

The pages themselves are ``editorial.names.views``; this module only registers the models,
read-only: a name saved here would change published pages with no review, no
revision and no change to any file.
"""
from __future__ import annotations

from django.contrib import admin
from django.urls import path

from archive.content import fields
from archive.models import Speaker
from editorial.names import merging as names
from editorial.names.views import PERMISSION, NamePages

from .records import ReadOnlyAdmin


class NameAdmin(ReadOnlyAdmin):
    """A speaker's or entity's name shows on every episode that names it, so it is
    never saved here: "Merge or rename…" changes it in each episode's file, through
    the episode's edit (version, revision, review), for Publishers."""

    list_display = ("name", "slug")
    search_fields = ("name", "slug")


class NamesToolsMixin:
    change_list_template = "editorial/names/change_list.html"
    names_kind = names.SPEAKER

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}), "names_kind": self.names_kind,
            "can_merge_names": request.user.has_perm(PERMISSION),
        }
        return super().changelist_view(request, extra_context)


class SpeakerNamesAdmin(NamesToolsMixin, NameAdmin):
    def get_urls(self):
        wrap = self.admin_site.admin_view
        pages = NamePages(self)
        return [
            path("names/", wrap(pages.merge), name="editorial_names_merge"),
            path("names/duplicates/", wrap(pages.duplicates), name="editorial_name_duplicates"),
            *super().get_urls(),
        ]


def _tag_admin(kind: str):
    return type(f"{kind.title()}NamesAdmin", (NamesToolsMixin, NameAdmin), {"names_kind": kind})


admin.site.register(Speaker, SpeakerNamesAdmin)
for key, (tag_model, _) in fields.ENTITY_KEYS.items():
    admin.site.register(tag_model, _tag_admin(key))
