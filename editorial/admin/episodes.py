"""The editors' admin: episodes with their workflow, transcript editor, revisions and
entity suggestions; plain views of speakers, turns, headings and entity tags.

Turns, headings and tags are read-only here: they change through the episode's
transcript editor and form, which lock the episode, raise its version and keep a
revision (``editorial.edits.editing``).
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.forms.models import model_to_dict
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.codec import parse
from archive.content import entity_lists, fields
from archive.site import params
from archive.site.taxonomy import column_value_key, unquoted
from archive.models import (
    Episode,
    Maturity,
    Turn,
)
from editorial.edits import front_matter as episode_edits
from editorial.edits.editing import EditConflict
from editorial.edits.tagparsing import comma_joiner, comma_splitter
from editorial.models import ReviewState
from editorial.review import held, workflow
from editorial.review.state import review_state_q
from editorial.revisions import history as revisions

from . import views
from .review import review_urls
from .review_queue import DraftQueueFilter, ProgressChangeList, queue_urls, review_progress
from .safeurls import is_safe_link

admin.site.site_header = gettext_lazy("Archive CMS")
admin.site.site_title = gettext_lazy("Archive CMS")
admin.site.index_title = gettext_lazy("Editorial")


# Filters -----------------------------------------------------------------------------

class ReviewStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("review state")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return ReviewState.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewState.values:
            return queryset.filter(review_state_q(self.value()))
        return queryset


class MaturityFilter(admin.SimpleListFilter):
    title = gettext_lazy("maturity")
    parameter_name = "maturity"

    def lookups(self, request, model_admin):
        return [*workflow.MATURITY_LABELS.items(), ("other", gettext_lazy("Other or missing"))]

    def queryset(self, request, queryset):
        if self.value() in Maturity.values:
            return queryset.filter(status=self.value())
        if self.value() == "other":
            return queryset.exclude(status__in=Maturity.values)
        return queryset


class ListedFilter(admin.SimpleListFilter):
    title = gettext_lazy("listing")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("Listed")), ("no", _("Unlisted (exclude: true)"))]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(exclude=self.value() == "no")
        return queryset


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Episode.objects.dates("date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(date__year=params.number(self.value(), name="year", high=9999))
        return queryset


class ShowFilter(admin.SimpleListFilter):
    title = gettext_lazy("speaker (show)")
    parameter_name = "show"

    def lookups(self, request, model_admin):
        names = (
            Episode.objects.exclude(speaker="").order_by("speaker")
            .values_list("speaker", flat=True).distinct()
        )
        return [(name, name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(speaker=self.value()) if self.value() else queryset


class ColumnValueFilter(admin.SimpleListFilter):
    """One choice per value as the public site pages it: ``"AI"`` and ``ai`` are one."""

    column: str

    def _groups(self) -> dict[str, list[str]]:
        values = (
            Episode.objects.exclude(**{self.column: ""}).order_by(self.column)
            .values_list(self.column, flat=True).distinct()
        )
        groups: dict[str, list[str]] = {}
        for value in values:
            groups.setdefault(column_value_key(value), []).append(value)
        return groups

    def lookups(self, request, model_admin):
        self.groups = self._groups()  # lookups() runs first; queryset() uses them too
        return [
            (key, unquoted(min(values, key=lambda value: (value != key, len(value), value))))
            for key, values in sorted(self.groups.items())
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(**{f"{self.column}__in": self.groups.get(self.value(), [])})


class CategoryFilter(ColumnValueFilter):
    title = gettext_lazy("category")
    parameter_name = "category"
    column = "category"


class AreaFilter(ColumnValueFilter):
    title = gettext_lazy("area")
    parameter_name = "area"
    column = "area"


class MissingEnglishFilter(admin.SimpleListFilter):
    title = gettext_lazy("turns without English")
    parameter_name = "no_english"

    def lookups(self, request, model_admin):
        return [("yes", _("Has turns without English")), ("no", _("Every turn has English"))]

    def queryset(self, request, queryset):
        missing = Turn.objects.filter(
            episode=OuterRef("pk"), kind=Turn.Kind.TURN, english__isnull=True,
            translation__isnull=False,
        )
        if self.value() == "yes":
            return queryset.filter(Exists(missing))
        if self.value() == "no":
            return queryset.exclude(Exists(missing))
        return queryset


class FrontMatterFilter(admin.SimpleListFilter):
    """Files written without a ``---`` header (imported as they are): editors repair them
    by giving the episode a title, which opens a header."""

    title = gettext_lazy("front matter")
    parameter_name = "front_matter"

    def lookups(self, request, model_admin):
        return [("missing", _("Missing: needs repair")), ("present", _("Present"))]

    def queryset(self, request, queryset):
        missing = Q(file_style__opening="")
        if self.value() == "missing":
            return queryset.filter(missing)
        if self.value() == "present":
            return queryset.exclude(missing)
        return queryset


# The episode form --------------------------------------------------------------------

class EntityListField(forms.CharField):
    """A comma-separated entity list; ``"Acme, Inc."`` quotes a name with a comma."""

    def __init__(self, key, **kwargs):
        super().__init__(
            required=False, label=episode_edits.ENTITY_LABELS[key],
            help_text=gettext_lazy("Comma-separated, in order; names autocomplete as you type."),
            widget=forms.TextInput(attrs={
                "class": "vLargeTextField entity-list", "data-entity": key,
                "autocomplete": "off",
            }),
            **kwargs,
        )

    def clean(self, value):
        names = comma_splitter(super().clean(value) or "")
        too_long = [name for name in names if len(name) > fields.ENTITY_NAME_LIMIT]
        if too_long:
            raise forms.ValidationError(episode_edits.name_too_long(too_long[0]), code="max_length")
        return names


class EpisodeForm(forms.ModelForm):
    """Front matter as a form; carries the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    tags = EntityListField("tags")
    people = EntityListField("people")
    companies_orgs = EntityListField("companies_orgs")
    products_models = EntityListField("products_models")
    media_books = EntityListField("media_books")
    project = EntityListField("project")

    class Meta:
        model = Episode
        fields = episode_edits.FRONT_MATTER_FIELDS
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "source": forms.URLInput(attrs={"class": "vLargeTextField"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "insight": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
            columns, lists = _working_values(self.instance)
            self.initial.update({name: columns[name] for name in episode_edits.FRONT_MATTER_FIELDS})
            for key, names in lists.items():
                self.initial[key] = comma_joiner(names)

    def clean_source(self):
        source = self.cleaned_data.get("source", "")
        # Only a changed value: an imported one is never a link here, and refusing it
        # would block every other edit of the episode.
        if "source" in self.changed_data and source and not is_safe_link(source):
            raise forms.ValidationError(
                _("The source must be a web address starting with http:// or https://."),
                code="unsafe_url",
            )
        return source

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("version")
        current = Episode.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if loaded is not None and current is not None and loaded != current:
            self.conflict = EditConflict(self.instance, loaded)
            self.conflict.current = current
            both = self._rebase(cleaned, loaded)
            message = _(
                "Another editor saved this episode while you were editing (version "
                "%(loaded)s → %(current)s); their changes are listed below. Fields you did "
                "not change now hold their values; yours are kept in the others."
            ) % {"loaded": loaded, "current": current}
            if both:
                message += " " + _("You both changed: %(fields)s.") % {"fields": ", ".join(both)}
            raise forms.ValidationError(message + " " + _("Check and save again."), code="stale")
        return cleaned

    def _rebase(self, cleaned, loaded: int) -> list[str]:
        """Lay this form's edits over the episode as saved now; return the fields
        both editors changed. A second save then keeps both editors' work."""
        base_text = revisions.text_at(self.instance, loaded)
        current, lists = _working_values(Episode.objects.get(pk=self.instance.pk))
        self.data = self.data.copy()
        self.data["version"] = str(
            Episode.objects.filter(pk=self.instance.pk).values_list("version", flat=True).get()
        )
        if base_text is None:
            return []
        values = parse(base_text).front_matter.values
        base = {**fields.column_values(values), **fields.entity_names(values)}
        both = []
        for name in (*episode_edits.FRONT_MATTER_FIELDS, *fields.ENTITY_KEYS):
            theirs = lists[name] if name in fields.ENTITY_KEYS else current[name]
            mine = cleaned.get(name)
            if mine == base.get(name) and theirs != mine:
                self.data[name] = _as_field_text(theirs)
            elif mine != base.get(name) and theirs != base.get(name) and theirs != mine:
                both.append(str(self.fields[name].label or name))
        return both


def _working_values(episode: Episode) -> tuple[dict, dict[str, list[str]]]:
    """The front-matter columns and entity lists of what editors see of ``episode``
    (its changes held for review, where it has some)."""
    pending = held.pending_of(episode)
    if pending is None:
        lists = entity_lists.lists_of([episode.pk])[episode.pk]
        return model_to_dict(episode, fields=episode_edits.FRONT_MATTER_FIELDS), lists
    values = held.pending_document(pending).front_matter.values
    return fields.column_values(values), fields.entity_names(values)


def _as_field_text(value) -> str:
    if isinstance(value, list):
        return comma_joiner(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


# The episode admin -------------------------------------------------------------------

@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    form = EpisodeForm
    # The change form links the public page itself ("Public page"); the admin's own
    # "View on site" would go through django.contrib.sites' domain instead.
    view_on_site = False
    list_display = (
        "title_or_slug", "date", "review_state", review_progress, "file_status", "listed",
        "category", "area",
    )
    list_display_links = ("title_or_slug",)
    list_filter = (
        ReviewStateFilter, MaturityFilter, ListedFilter, CategoryFilter, AreaFilter, YearFilter,
        ShowFilter, MissingEnglishFilter, FrontMatterFilter, DraftQueueFilter,
    )
    search_fields = ("title", "slug", "source", "source_path", "speaker", "guest", "summary")
    list_select_related = ("review",)
    list_per_page = 50
    actions = (
        "submit_selected", "mark_reviewed_selected", "reopen_selected",
        "set_seedling", "set_budding", "set_evergreen", "unlist_selected", "relist_selected",
    )
    # The file's workflow keys and bookkeeping, shown (not edited) under the admin's
    # own names: the model's are English whatever the admin's language.
    readonly_fields = (
        "review_state", "file_draft", "file_status", "file_exclude", "file_slug",
        "file_path", "file_updated_at", "file_synced_at",
    )
    fieldsets = (
        (None, {"fields": ("version", "title", "date", ("source", "layout"))}),
        (gettext_lazy("People"), {"fields": ("author", "speaker", "guest")}),
        (gettext_lazy("Text"), {"fields": ("summary", "insight")}),
        (gettext_lazy("Taxonomy"), {"fields": ("series", "category", "area")}),
        (gettext_lazy("Entities"), {"fields": (
            "people", "companies_orgs", "products_models", "media_books", "tags", "project",
        )}),
        (gettext_lazy("Workflow (changed with the buttons below)"), {
            "fields": (("review_state", "file_draft"), ("file_status", "file_exclude")),
        }),
        (gettext_lazy("File"), {
            "classes": ("collapse",),
            "fields": (("file_slug", "file_path"), ("file_updated_at", "file_synced_at")),
        }),
    )

    class Media:
        css = {"all": ("editorial/editorial.css",)}
        js = ("editorial/entities.js",)

    # Columns

    @admin.display(description=gettext_lazy("episode"), ordering="title")
    def title_or_slug(self, episode):
        return episode.title or episode.slug

    @admin.display(description=gettext_lazy("review"))
    def review_state(self, episode):
        state = workflow.review_state(episode)
        return format_html(
            '<span class="review-state review-{}">{}</span>', state.value, state.label
        )

    @admin.display(description=gettext_lazy("draft (unreviewed machine translation)"), boolean=True)
    def file_draft(self, episode):
        return episode.draft

    @admin.display(description=gettext_lazy("maturity (status)"), ordering="status")
    def file_status(self, episode):
        return workflow.MATURITY_LABELS.get(episode.status, episode.status or "—")

    @admin.display(description=gettext_lazy("unlisted (exclude)"))
    def file_exclude(self, episode):
        # Words, not the admin's ✓/✗: listed is the normal state, not a failure.
        return _("yes: unlisted") if episode.exclude else _("no: listed")

    @admin.display(description=gettext_lazy("address (slug)"))
    def file_slug(self, episode):
        return episode.slug

    @admin.display(description=gettext_lazy("file"))
    def file_path(self, episode):
        return episode.source_path

    @admin.display(description=gettext_lazy("last changed"))
    def file_updated_at(self, episode):
        return episode.updated_at

    @admin.display(description=gettext_lazy("last imported or exported"))
    def file_synced_at(self, episode):
        return episode.synced_at or "—"

    @admin.display(description=gettext_lazy("listed"), boolean=True, ordering="exclude")
    def listed(self, episode):
        return not episode.exclude

    def get_changelist(self, request, **kwargs):
        return ProgressChangeList

    # Permissions

    def has_add_permission(self, request):
        return False  # episodes come from files (import_markdown)

    def has_delete_permission(self, request, obj=None):
        return False  # an episode is its file: the next import would bring it back

    def has_submit_permission(self, request):
        return request.user.has_perm("editorial.submit_episode")

    def has_review_permission(self, request):
        return request.user.has_perm("editorial.review_episode")

    def has_maturity_permission(self, request):
        return request.user.has_perm("editorial.set_maturity")

    def has_unlist_permission(self, request):
        return request.user.has_perm("editorial.unlist_episode")

    # Saving: through editorial.edits.front_matter, under the version lock

    def save_model(self, request, obj, form, change):
        # Only what the editor touched: an untouched value is never rewritten, so the
        # form cannot normalise a field (strip, requote) behind the editor's back.
        changed = set(form.changed_data)
        columns = {
            name: form.cleaned_data[name]
            for name in episode_edits.FRONT_MATTER_FIELDS if name in changed
        }
        entities = {key: form.cleaned_data[key] for key in fields.ENTITY_KEYS if key in changed}
        episode_edits.episode_update(
            episode=obj, by=request.user, version=form.cleaned_data["version"],
            columns=columns, entities=entities,
        )

    def save_related(self, request, form, formsets, change):
        pass  # entity lists were saved in order by save_model

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Saved by someone else between the form's check and the save itself.
            self.message_user(request, str(conflict), messages.ERROR)
            return views.redirect_to_change(conflict.episode)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(views.episode_panel_context(request, obj, context.get("adminform")))
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Extra pages

    def get_urls(self):
        wrap = self.admin_site.admin_view
        page = views.EpisodePages(self)
        return [
            path("review-queue/", wrap(page.review_queue), name="editorial_review_queue"),
            path("duplicate-sources/", wrap(page.duplicate_sources),
                 name="editorial_duplicate_sources"),
            path("entity-autocomplete/", wrap(page.entity_autocomplete),
                 name="editorial_entity_autocomplete"),
            path("<int:episode_id>/transcript/", wrap(page.transcript),
                 name="editorial_transcript"),
            path("<int:episode_id>/transcript/rename-speaker/", wrap(page.rename_speaker),
                 name="editorial_rename_speaker"),
            path("<int:episode_id>/workflow/", wrap(page.transition),
                 name="editorial_transition"),
            path("<int:episode_id>/entities/add/", wrap(page.add_entity),
                 name="editorial_add_entity"),
            path("<int:episode_id>/preview/", wrap(page.preview), name="editorial_preview"),
            path("<int:episode_id>/revisions/", wrap(page.revisions), name="editorial_revisions"),
            path("<int:episode_id>/revisions/compare/", wrap(page.compare),
                 name="editorial_compare"),
            path("<int:episode_id>/revisions/<int:revision_id>/revert/", wrap(page.revert),
                 name="editorial_revert"),
            *review_urls(self),
            *queue_urls(self),
            *super().get_urls(),
        ]

    # Bulk actions: each episode through the workflow

    def _bulk(self, request, queryset, transition, **arguments):
        done, refused = 0, []
        for episode in queryset.select_related("review"):
            try:
                transition(episode=episode, by=request.user, **arguments)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"{episode}: {error}")
        if done:
            self.message_user(request, _("%(count)s episode(s) done.") % {"count": done}, messages.SUCCESS)
        for message in refused[:20]:
            self.message_user(request, message, messages.WARNING)
        if len(refused) > 20:
            self.message_user(
                request, _("…and %(count)s more refused.") % {"count": len(refused) - 20},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Submit selected for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_submit)

    @admin.action(description=gettext_lazy("Mark selected reviewed (draft: false)"), permissions=["review"])
    def mark_reviewed_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_mark_reviewed)

    @admin.action(description=gettext_lazy("Reopen selected (draft: true)"), permissions=["review"])
    def reopen_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_reopen)

    @admin.action(description=gettext_lazy("Set maturity: seedling"), permissions=["maturity"])
    def set_seedling(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_set_maturity, status=Maturity.SEEDLING)

    @admin.action(description=gettext_lazy("Set maturity: budding"), permissions=["maturity"])
    def set_budding(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_set_maturity, status=Maturity.BUDDING)

    @admin.action(description=gettext_lazy("Set maturity: evergreen"), permissions=["maturity"])
    def set_evergreen(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_set_maturity, status=Maturity.EVERGREEN)

    @admin.action(description=gettext_lazy("Unlist selected (exclude: true)"), permissions=["unlist"])
    def unlist_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_unlist)

    @admin.action(description=gettext_lazy("Relist selected (exclude: false)"), permissions=["unlist"])
    def relist_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.episode_relist)
