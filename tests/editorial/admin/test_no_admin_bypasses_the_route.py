"""No admin page changes what an episode shows except through the episode's own edit
(version, revision, review, the file): the rows an episode shows are read-only in
the admin, and names are renamed by the names tools, which edit each file."""
from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse

from archive.models import Episode, Speaker
from editorial.models import Revision
from tests.editorial.jobs.worker import empty_queue, run_queued_jobs
from tests.factories import BILINGUAL, user_in

pytestmark = pytest.mark.django_db

PUBLIC = BILINGUAL.replace("draft: true", "draft: false").replace(
    "speaker: Test Cast", "speaker: Public Host"
)


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "public.md").write_text(PUBLIC, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open("/dev/null", "w"))
    return folder


def logged_in(role: str) -> Client:
    client = Client()
    client.force_login(user_in(role))
    return client


def exported(folder) -> str:
    call_command("export_markdown", str(folder), stdout=open("/dev/null", "w"))
    return (folder / "public.md").read_text(encoding="utf-8")


def test_an_editor_cannot_rename_a_speaker_in_its_admin_page(archive):
    speaker = Speaker.objects.get(name="Public Host")
    editor = logged_in("Editor")
    url = reverse("admin:archive_speaker_change", args=[speaker.pk])
    page = editor.get(url)
    assert page.status_code == 200  # shown, read-only
    assert 'name="name"' not in page.content.decode()
    answer = editor.post(url, {"name": "Renamed Host", "slug": speaker.slug, "_save": "Save"})
    assert answer.status_code == 403
    episode = Episode.objects.get(slug="public")
    assert episode.version == 1 and not Revision.objects.filter(episode=episode).exists()
    reader = Client()
    assert "Public Host" in reader.get(episode.get_absolute_url()).content.decode()
    assert "Renamed Host" not in reader.get(reverse("archive:speaker-index")).content.decode()
    assert "speaker: Public Host\n" in exported(archive)


@pytest.mark.jobs
def test_a_publishers_rename_with_the_names_tools_reaches_the_file_with_a_revision(
    archive, django_capture_on_commit_callbacks,
):
    empty_queue()
    publisher = logged_in("Publisher")
    url = reverse("admin:editorial_names_merge")
    form = {"kind": "speaker", "sources": "Public Host", "target": "Renamed Host"}
    preview = publisher.post(url, {**form, "_action": "preview"})
    with django_capture_on_commit_callbacks(execute=True):
        done = publisher.post(url, {**form, "_action": "apply", "token": preview.context["plan"].token})
    assert done.status_code == 302
    run_queued_jobs()  # the rename is a job (editorial.jobs)
    episode = Episode.objects.get(slug="public")
    assert episode.version == 2
    assert Revision.objects.filter(episode=episode, version=2).exists()
    assert "speaker: Renamed Host\n" in exported(archive)
    reader = Client()
    assert "Renamed Host" in reader.get(episode.get_absolute_url()).content.decode()
    assert "Renamed Host" in reader.get(reverse("archive:search"), {"q": "Renamed Host"}).content.decode()


def test_no_admin_of_a_model_an_episode_shows_saves_around_the_route():
    """Every model of the content (``archive``) registered in the admin: its rows are
    what episodes show, so none may be added, changed or deleted one by one, even by a
    superuser, except the episode itself, whose form saves through its edit."""
    from editorial.admin.episodes import EpisodeAdmin

    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("root", "root@example.org", "x")
    content = [
        (model, model_admin) for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "archive"
    ]
    assert {model.__name__ for model, _ in content} >= {
        "Episode", "Speaker", "Turn", "Heading", "Topic", "Person", "Organization",
        "Product", "Media", "Project",
    }
    for model, model_admin in content:
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.get_inline_instances(request), model
        if model is Episode:
            assert type(model_admin).save_model is EpisodeAdmin.save_model
            assert type(model_admin).save_related is EpisodeAdmin.save_related
            assert "delete_selected" not in model_admin.get_actions(request)
        else:
            assert not model_admin.has_change_permission(request), model


def test_the_episode_form_saves_through_the_edit(archive):
    """The one admin page that saves an episode: version, revision, file."""
    client = logged_in("Publisher")
    episode = Episode.objects.get(slug="public")
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    from tests.editorial.helpers import read_form

    data = dict(read_form(client.get(url).content.decode(), "episode_form"))
    data["speaker"] = "Other Host"
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    # A reviewed episode: the edit waits for review; readers and the file keep theirs.
    assert Revision.objects.filter(episode=episode, summary="Edited speaker").exists()
    assert "speaker: Public Host\n" in exported(archive)
