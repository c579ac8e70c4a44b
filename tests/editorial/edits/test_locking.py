"""Two editors on one episode: the second save is refused, shows what the first
changed, keeps the second editor's text, and a second try keeps both."""
import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Episode, Turn
from editorial.edits.editing import render_episode
from tests.editorial.helpers import TranscriptForm, read_form
from tests.factories import user_in

pytestmark = pytest.mark.django_db


def clients():
    first, second = Client(), Client()
    first.force_login(user_in("Editor", "first"))
    second.force_login(user_in("Editor", "second"))
    return first, second


def translation(episode, index):
    return Turn.objects.filter(episode=episode).order_by("position")[index].translation


@pytest.mark.parametrize("order", ["first saves first", "second saves first"])
def test_two_editors_of_different_turns_lose_nothing(episode, order):
    one, two = clients()
    form_one, form_two = TranscriptForm(one, episode), TranscriptForm(two, episode)
    form_one.set(f"{form_one.key(1)}-tr", "甲的修改。")
    form_two.set(f"{form_two.key(2)}-tr", "乙的修改。")
    early, late = (form_one, form_two) if order == "first saves first" else (form_two, form_one)
    assert early.post().status_code == 302

    refused = late.post()
    html = refused.content.decode()
    assert refused.status_code == 409
    assert "saved by someone else" in html and "What the other editor changed" in html
    assert Episode.objects.get(pk=episode.pk).version == 2
    # The page keeps the late editor's text and shows the early editor's edit in place.
    assert "甲的修改。" in html and "乙的修改。" in html
    retry = TranscriptForm.__new__(TranscriptForm)
    retry.client, retry.episode, retry.url = late.client, episode, late.url
    retry.fields = read_form(html, "transcript-form")
    assert retry.post().status_code == 302
    assert translation(episode, 0) == "甲的修改。"
    assert translation(episode, 1) == "乙的修改。"
    assert Episode.objects.get(pk=episode.pk).version == 3


def test_when_both_change_one_turn_the_second_sees_both_texts(episode):
    one, two = clients()
    form_one, form_two = TranscriptForm(one, episode), TranscriptForm(two, episode)
    form_one.set(f"{form_one.key(1)}-tr", "甲的版本。")
    form_two.set(f"{form_two.key(1)}-tr", "乙的版本。")
    form_one.post()
    html = form_two.post().content.decode()
    assert "Both of you changed this row" in html
    fields = dict(read_form(html, "transcript-form"))
    assert fields[f"{form_two.key(1)}-tr"] == "乙的版本。"
    assert "甲的版本。" in html.split("Theirs:", 1)[1]
    assert translation(episode, 0) == "甲的版本。"  # nothing was overwritten


def test_a_turn_added_by_the_other_editor_is_kept_on_retry(episode):
    one, two = clients()
    form_one, form_two = TranscriptForm(one, episode), TranscriptForm(two, episode)
    form_one.insert_after(1, "n1", label="", tr="甲插入的旁白。")
    form_one.post()
    form_two.set(f"{form_two.key(3)}-tr", "乙的修改。")
    html = form_two.post().content.decode()
    assert "Added by the other editor" in html
    retry = TranscriptForm.__new__(TranscriptForm)
    retry.client, retry.episode, retry.url = two, episode, form_two.url
    retry.fields = read_form(html, "transcript-form")
    assert retry.post().status_code == 302
    text = render_episode(episode.pk)
    assert "甲插入的旁白。" in text and "乙的修改。" in text


def change_form(client, episode):
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    fields = read_form(client.get(url).content.decode(), "episode_form")
    return url, {name: value for name, value in fields}


@pytest.mark.parametrize("order", ["first saves first", "second saves first"])
def test_two_editors_of_the_front_matter_lose_nothing(episode, order):
    one, two = clients()
    url, data_one = change_form(one, episode)
    _, data_two = change_form(two, episode)
    data_one["title"] = "甲的标题"
    data_two["summary"] = "乙的摘要。"
    data_two["people"] = "Ada Park, Grace Hopper"
    (early, early_data), (late, late_data) = (
        ((one, data_one), (two, data_two)) if order == "first saves first"
        else ((two, data_two), (one, data_one))
    )
    assert early.post(url, {**early_data, "_save": "Save"}).status_code == 302
    refused = late.post(url, {**late_data, "_save": "Save"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "Another editor saved this episode" in html
    retry = {name: value for name, value in read_form(html, "episode_form")}
    assert late.post(url, {**retry, "_save": "Save"}).status_code == 302
    episode = Episode.objects.get(pk=episode.pk)
    assert episode.title == "甲的标题" and episode.summary == "乙的摘要。"
    assert list(episode.people.names()) == ["Ada Park", "Grace Hopper"]
    assert episode.version == 3


def test_a_workflow_step_in_between_also_refuses_a_stale_transcript(episode):
    from editorial.review import workflow

    one, _ = clients()
    form = TranscriptForm(one, episode)
    workflow.episode_unlist(episode=episode, by=user_in("Publisher"))
    form.set(f"{form.key(1)}-tr", "修改。")
    html = form.post().content.decode()
    assert "exclude: true" in html  # the other change, shown
    assert "修改。" in html
