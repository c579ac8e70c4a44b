"""After an edit in the admin, export_markdown writes only the edited episode, and
its file differs from the imported one only in the edited lines."""
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from archive.models import Episode
from editorial.review import workflow
from tests.editorial.helpers import TranscriptForm, changed_lines, read_form
from tests.factories import BILINGUAL

pytestmark = pytest.mark.django_db

OTHER = BILINGUAL.replace("编辑测试", "另一集").replace("EDITORIAL01", "EDITORIAL02")


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "edited.md").write_text(BILINGUAL, encoding="utf-8")
    (folder / "other.md").write_text(OTHER, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open("/dev/null", "w"))
    return folder


def export(folder) -> str:
    mtime = (folder / "other.md").stat().st_mtime_ns
    call_command("export_markdown", str(folder), stdout=open("/dev/null", "w"))
    assert (folder / "other.md").stat().st_mtime_ns == mtime  # not rewritten
    assert (folder / "other.md").read_text(encoding="utf-8") == OTHER
    return (folder / "edited.md").read_text(encoding="utf-8")


def logged_in(role):
    from tests.factories import user_in

    client = Client()
    client.force_login(user_in(role))
    return client


def edited():
    return Episode.objects.get(slug="edited")


def test_a_turn_edit(archive):
    form = TranscriptForm(logged_in("Editor"), edited())
    form.set(f"{form.key(3)}-en", "**Speaker A**: The third sentence, corrected.")
    form.post()
    assert changed_lines(BILINGUAL, export(archive)) == [
        "-**Speaker A**: The third sentence.",
        "+**Speaker A**: The third sentence, corrected.",
    ]


def test_a_speaker_rename(archive):
    logged_in("Editor").post(
        reverse("admin:editorial_rename_speaker", args=[edited().pk]),
        {"version": "1", "old_label": "Ada Park", "new_label": "Ada Lovelace", "in_originals": "1"},
    )
    lines = changed_lines(BILINGUAL, export(archive))
    assert lines == [
        "-**Ada Park**: 第二句话，还有**Nvidia**。",
        "+**Ada Lovelace**: 第二句话，还有**Nvidia**。",
        "-**Ada Park**: The second sentence, and **Nvidia**.",
        "+**Ada Lovelace**: The second sentence, and **Nvidia**.",
        "-**Ada Park**: 第四句话。",
        "+**Ada Lovelace**: 第四句话。",
        "-**Ada Park**: The fourth sentence.",
        "+**Ada Lovelace**: The fourth sentence.",
    ]


def test_a_tag_change(archive):
    client = logged_in("Editor")
    url = reverse("admin:archive_episode_change", args=[edited().pk])
    data = dict(read_form(client.get(url).content.decode(), "episode_form"))
    data["companies_orgs"] = "Nvidia, Google DeepMind"
    data["tags"] = "databases, tpu"
    assert client.post(url, {**data, "_save": "Save"}).status_code == 302
    assert changed_lines(BILINGUAL, export(archive)) == [
        "+  - tpu", "+  - Google DeepMind",
    ]


def test_a_suggested_entity_is_appended(archive):
    client = logged_in("Editor")
    client.post(
        reverse("admin:editorial_add_entity", args=[edited().pk]),
        {"key": "products_models", "name": "TPU"},
    )
    assert changed_lines(BILINGUAL, export(archive)) == [
        "-products_models: []", "+products_models:", "+  - TPU",
    ]


def test_marking_reviewed_and_setting_maturity(archive):
    episode = edited()
    workflow.episode_submit(episode=episode, by=_user("Editor"))
    publisher = _user("Publisher")
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    workflow.episode_set_maturity(episode=episode, by=publisher, status="budding")
    assert changed_lines(BILINGUAL, export(archive)) == [
        "-draft: true", "+draft: false", "-status: evergreen", "+status: budding",
    ]


def test_unlisting(archive):
    workflow.episode_unlist(episode=edited(), by=_user("Publisher"))
    assert changed_lines(BILINGUAL, export(archive)) == ["+exclude: true"]


def test_a_revert_brings_back_the_imported_file(archive):
    form = TranscriptForm(logged_in("Editor"), edited())
    form.set(f"{form.key(1)}-tr", "改掉。")
    form.post()
    assert export(archive) != BILINGUAL
    client = logged_in("Editor")
    original = edited().revisions.get(version=1)
    client.post(reverse("admin:editorial_revert", args=[edited().pk, original.pk]), {"version": "2"})
    assert export(archive) == BILINGUAL
    assert edited().version == 3


def _user(role):
    from tests.factories import user_in

    return user_in(role)
