"""The admin pages for names across the archive: merge or rename with a preview, and
the report of likely duplicates. Publishers only: one action rewrites many episodes.

The views parse the request, call ``editorial.names.merging`` / ``editorial.names.duplicates``
and render; they catch only the typed errors those raise.
"""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.jobs.running import JobBusy

from . import merging as names
from .duplicates import duplicates_report

PERMISSION = "editorial.review_episode"


class NameChangeForm(forms.Form):
    kind = forms.ChoiceField(choices=names.KIND_CHOICES, label=_("Kind of name"))
    sources = forms.CharField(
        label=_("Names to rename or merge"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("One name per line, exactly as the archive spells it."),
    )
    target = forms.CharField(
        label=_("New name"), max_length=255,
        widget=forms.TextInput(attrs={"class": "vTextField", "autocomplete": "off"}),
        help_text=_("An existing name merges the others into it; a new one renames them."),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_sources(self):
        return [line.strip() for line in self.cleaned_data["sources"].splitlines() if line.strip()]


class NamePages:
    """Views bound to one ModelAdmin, for its admin site's context."""

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def _check(self, request) -> None:
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied(gettext("Only a Publisher merges or renames names across the archive."))

    def _context(self, request, **extra) -> dict:
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.model_admin.model._meta, **extra,
        }

    def merge(self, request):
        """GET: the form, filled from the query; POST ``_action=preview`` shows what would
        change; POST ``_action=apply`` with the preview's token makes the change."""
        self._check(request)
        plan = None
        if request.method == "POST":
            form = NameChangeForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                arguments = {"kind": data["kind"], "sources": data["sources"], "target": data["target"]}
                try:
                    if request.POST.get("_action") == "apply":
                        # Applied by a worker, one episode per transaction: the
                        # request returns at once, with the job's page.
                        job = names.start_rename_job(**arguments, by=request.user, token=data["token"])
                        self.model_admin.message_user(request, gettext(
                            "The change is being applied; this page shows how far it got."
                        ), messages.SUCCESS)
                        return redirect(job.get_absolute_url())
                except JobBusy as busy:
                    self.model_admin.message_user(request, str(busy), messages.WARNING)
                except names.NameRefused as refused:
                    self.model_admin.message_user(request, str(refused), messages.ERROR)
                try:
                    plan = names.plan_rename(**arguments)
                    form = NameChangeForm(initial={
                        **arguments, "sources": "\n".join(data["sources"]), "token": plan.token,
                    })
                except names.NameRefused as refused:
                    form.add_error(None, str(refused))
        else:
            form = NameChangeForm(initial={
                "kind": request.GET.get("kind", names.SPEAKER),
                "sources": "\n".join(request.GET.getlist("source")),
                "target": request.GET.get("target", ""),
            })
        return TemplateResponse(request, "editorial/names/merge.html", self._context(
            request, title=gettext("Merge or rename a name across the archive"), form=form,
            plan=plan,
        ))

    def duplicates(self, request):
        self._check(request)
        kind = request.GET.get("kind", names.SPEAKER)
        if kind not in names.KIND_LABELS:
            kind = names.SPEAKER
        return TemplateResponse(request, "editorial/names/duplicates.html", self._context(
            request, title=gettext("Likely duplicate names: %(kind)s") % {
                "kind": dict(names.KIND_CHOICES)[kind]
            },
            report=duplicates_report(kind), kinds=names.KIND_CHOICES,
            merge_url=reverse("admin:editorial_names_merge"),
        ))

