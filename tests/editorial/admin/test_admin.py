"""The episode admin: list, filters, search, bulk actions, review queue, duplicate
sources, entity suggestions, autocomplete, preview and the read-only registrations."""
import pytest
from django.urls import reverse

from archive.content.store import load_document
from archive.models import Episode, Organization
from editorial.edits import front_matter as episode_edits
from editorial.models import Transition
from editorial.review import workflow
from tests.editorial.helpers import framed_page
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:archive_episode_changelist"


def variant(title, **changes):
    text = BILINGUAL.replace("title: 编辑测试", f"title: {title}")
    for old, new in changes.items():
        text = text.replace(old, new)
    return episode_from_text(text)


@pytest.fixture
def shelf(publisher):
    drafts = variant("草稿甲")
    queued = variant("待审乙", **{"2026-03-01": "2025-05-01"})
    reviewed = variant("已审丙", **{"EDITORIAL01": "OTHER00003", "Test Cast": "Other Show"})
    english_missing = variant(
        "缺英文丁",
        **{"**Ada Park**: 第四句话。\n\n<details>\n<summary>Original English</summary>\n\n"
           "**Ada Park**: The fourth sentence.\n\n</details>\n": "**Ada Park**: 第四句话。\n",
           "EDITORIAL01": "OTHER00004"},
    )
    workflow.episode_submit(episode=queued, by=publisher)
    workflow.episode_submit(episode=reviewed, by=publisher)
    workflow.episode_mark_reviewed(episode=reviewed, by=publisher)
    workflow.episode_unlist(episode=english_missing, by=publisher)
    workflow.episode_set_maturity(episode=english_missing, by=publisher, status="seedling")
    return {"draft": drafts, "queued": queued, "reviewed": reviewed, "missing": english_missing}


def titles(response):
    return sorted(str(e) for e in response.context["cl"].result_list)


@pytest.mark.parametrize("query, expected", [
    ({"review": "draft"}, ["缺英文丁", "草稿甲"]),
    ({"review": "in_review"}, ["待审乙"]),
    ({"review": "reviewed"}, ["已审丙"]),
    ({"maturity": "seedling"}, ["缺英文丁"]),
    ({"listed": "no"}, ["缺英文丁"]),
    ({"year": "2025"}, ["待审乙"]),
    ({"show": "Other Show"}, ["已审丙"]),
    ({"no_english": "yes"}, ["缺英文丁"]),
    ({"category": "ai-ml", "review": "reviewed"}, ["已审丙"]),
    ({"q": "待审"}, ["待审乙"]),
])
def test_the_list_filters_and_searches(client, editor, shelf, query, expected):
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    assert titles(response) == expected


def test_bulk_actions_go_through_the_workflow(client, shelf, editor, publisher):
    ids = [shelf["draft"].pk, shelf["reviewed"].pk]
    client.force_login(editor)
    response = client.post(reverse(CHANGELIST), {"action": "submit_selected", "_selected_action": ids}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert "1 episode(s) done." in messages
    assert any("not possible" in m for m in messages)  # the reviewed one is refused
    assert Transition.objects.filter(episode=shelf["draft"], action="submit", by=editor).exists()
    # An Editor is not offered publisher actions, and cannot post them.
    response = client.post(reverse(CHANGELIST), {"action": "mark_reviewed_selected", "_selected_action": ids})
    assert Episode.objects.get(pk=shelf["draft"].pk).draft is True
    client.force_login(publisher)
    client.post(reverse(CHANGELIST), {"action": "mark_reviewed_selected", "_selected_action": [shelf["draft"].pk]})
    assert Episode.objects.get(pk=shelf["draft"].pk).draft is False


def test_the_actions_offered_follow_the_role(client, editor, publisher, shelf):
    client.force_login(editor)
    actions = dict(client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices)
    assert "submit_selected" in actions and "mark_reviewed_selected" not in actions
    client.force_login(publisher)
    actions = dict(client.get(reverse(CHANGELIST)).context["action_form"].fields["action"].choices)
    assert {"mark_reviewed_selected", "set_budding", "unlist_selected"} <= set(actions)


def test_the_review_queue_lists_episodes_in_review_oldest_first(client, publisher, shelf):
    later = variant("后提交", **{"EDITORIAL01": "OTHER00009"})
    workflow.episode_submit(episode=later, by=publisher)
    client.force_login(publisher)
    response = client.get(reverse("admin:editorial_review_queue"))
    assert [str(e) for e in response.context["queue"]] == ["待审乙", "后提交"]
    assert "Mark reviewed" in response.content.decode()


def test_publishers_act_from_the_queue_and_the_episode_page(client, publisher, shelf):
    client.force_login(publisher)
    url = reverse("admin:editorial_transition", args=[shelf["queued"].pk])
    queue = reverse("admin:editorial_review_queue")
    response = client.post(url, {"action": "send_back", "comment": "", "next": queue}, follow=True)
    assert "comment is required" in response.content.decode()
    response = client.post(url, {"action": "send_back", "comment": "Turn 2 is wrong", "next": queue})
    assert response.status_code == 302 and response.url == queue
    assert workflow.review_state(Episode.objects.get(pk=shelf["queued"].pk)) == "draft"
    client.post(url + "?value=budding", {"action": "set_maturity"})
    assert Episode.objects.get(pk=shelf["queued"].pk).status == "budding"


def test_an_editor_cannot_publish_through_the_page(client, editor, shelf):
    client.force_login(editor)
    url = reverse("admin:editorial_transition", args=[shelf["queued"].pk])
    response = client.post(url, {"action": "mark_reviewed"}, follow=True)
    assert "needs the Publisher role" in response.content.decode()
    assert Episode.objects.get(pk=shelf["queued"].pk).draft is True


def test_the_change_page_shows_state_history_and_suggestions(client, publisher, shelf):
    client.force_login(publisher)
    html = client.get(reverse("admin:archive_episode_change", args=[shelf["reviewed"].pk])).content.decode()
    assert "Marked reviewed" in html and "Submitted for review" in html
    assert "Reopen" in html
    assert "TPU" in html  # bold, untagged: suggested
    assert 'name="name" value="Nvidia"' not in html  # already tagged


def test_a_suggestion_goes_to_the_list_the_archive_already_uses(client, editor):
    Organization.objects.create(name="TPU")
    episode = episode_from_text()
    client.force_login(editor)
    html = client.get(reverse("admin:archive_episode_change", args=[episode.pk])).content.decode()
    form = html.split('value="TPU"', 1)[1].split("</form>", 1)[0]
    assert 'value="companies_orgs" class="default button small"' in form
    client.post(reverse("admin:editorial_add_entity", args=[episode.pk]), {"key": "companies_orgs", "name": "TPU"})
    assert list(Episode.objects.get(pk=episode.pk).companies_orgs.names()) == ["Nvidia", "TPU"]


def test_the_duplicate_source_report(client, editor):
    episode_from_text()
    episode_from_text(BILINGUAL.replace(
        "https://www.youtube.com/watch?v=EDITORIAL01", "https://youtu.be/EDITORIAL01"
    ))
    episode_from_text(BILINGUAL.replace("EDITORIAL01", "SINGLEVIDEO"))
    client.force_login(editor)
    response = client.get(reverse("admin:editorial_duplicate_sources"))
    groups = response.context["duplicates"]
    assert [(key, len(members)) for key, members in groups] == [("youtube:EDITORIAL01", 2)]


def test_entity_autocomplete(client, editor):
    for name in ("Nvidia", "Anvil Labs", "Google"):
        Organization.objects.create(name=name)
    client.force_login(editor)
    url = reverse("admin:editorial_entity_autocomplete")
    assert client.get(url, {"type": "companies_orgs", "q": "nv"}).json() == {"results": ["Nvidia", "Anvil Labs"]}
    assert client.get(url, {"type": "nope", "q": "n"}).status_code == 404


def test_the_form_keeps_entity_order_and_names_with_spaces(client, editor, episode):
    client.force_login(editor)
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    from tests.editorial.helpers import read_form

    data = dict(read_form(client.get(url).content.decode(), "episode_form"))
    assert data["companies_orgs"] == "Nvidia"
    data["people"] = "Sam Altman, Ada Park, \"Acme, Inc.\""
    client.post(url, {**data, "_save": "Save"})
    assert list(Episode.objects.get(pk=episode.pk).people.names()) == ["Sam Altman", "Ada Park", "Acme, Inc."]
    data = dict(read_form(client.get(url).content.decode(), "episode_form"))
    assert data["people"] == 'Sam Altman, Ada Park, "Acme, Inc."'


def test_workflow_fields_are_not_editable_in_the_form(client, editor, episode):
    client.force_login(editor)
    url = reverse("admin:archive_episode_change", args=[episode.pk])
    from tests.editorial.helpers import read_form

    data = dict(read_form(client.get(url).content.decode(), "episode_form"))
    assert "draft" not in data and "status" not in data and "exclude" not in data
    client.post(url, {**data, "draft": "", "status": "seedling", "_save": "Save"})
    fresh = Episode.objects.get(pk=episode.pk)
    assert (fresh.draft, fresh.status, fresh.version) == (True, "evergreen", 1)


def test_staff_preview_shows_drafts_and_unlisted_episodes(client, publisher):
    episode = episode_from_text()
    workflow.episode_unlist(episode=episode, by=publisher)
    client.force_login(publisher)
    html = client.get(reverse("admin:editorial_preview", args=[episode.pk])).content.decode()
    page = framed_page(html)
    assert 'class="banner draft"' in page and 'class="banner unlisted"' in page
    assert "<strong>TPU</strong>" in page


def test_readers_cannot_reach_the_editorial_pages(client, episode):
    for url in (
        reverse("admin:editorial_transcript", args=[episode.pk]),
        reverse("admin:editorial_preview", args=[episode.pk]),
        reverse("admin:editorial_review_queue"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_turns_headings_and_tags_are_read_only_in_the_admin(client, editor, episode):
    client.force_login(editor)
    for name in ("turn", "heading", "organization", "person", "topic", "product", "media", "project", "speaker"):
        assert client.get(reverse(f"admin:archive_{name}_changelist")).status_code == 200, name
    turn = episode.turns.first()
    response = client.post(reverse("admin:archive_turn_change", args=[turn.pk]), {"translation": "x"})
    assert response.status_code == 403
    assert not client.get(reverse("admin:archive_episode_changelist")).context["has_add_permission"]


def test_an_outsider_sees_no_episodes(client, outsider, episode):
    client.force_login(outsider)
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_staff_open_the_public_page_of_staff_only_drafts_and_unlisted_episodes(client, publisher, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    episode = episode_from_text()
    workflow.episode_unlist(episode=episode, by=publisher)
    client.force_login(publisher)
    html = client.get(reverse("admin:archive_episode_change", args=[episode.pk])).content.decode()
    public = reverse("archive:episode", kwargs={"slug": episode.slug})
    assert f'href="{public}"' in html
    assert client.get(public).status_code == 200


def test_suggestions_are_bold_mentions_not_the_originals_speaker_labels(db):
    """``**Speaker A**: … the **TPU**``: the label's closing ** does not pair with
    the mention's opening one."""
    names = [suggestion.name for suggestion in episode_edits.suggestions(load_document(episode_from_text()))]
    assert names == ["TPU"]


def test_the_change_form_links_the_public_page_once_and_not_through_the_sites_domain(client, publisher):
    episode = episode_from_text()
    client.force_login(publisher)
    html = client.get(reverse("admin:archive_episode_change", args=[episode.pk])).content.decode()
    assert html.count(f'href="{episode.get_absolute_url()}"') == 1
    assert "viewsitelink" not in html


def test_the_area_filter_offers_a_quoted_value_once_and_finds_every_spelling(client, editor):
    for title, area in (("甲", "AI"), ("乙", "'\"ai\"'"), ("丙", "'\"geopolitics\"'")):
        variant(title, **{"area: tech-engineering": f"area: {area}"})
    client.force_login(editor)
    response = client.get(reverse(CHANGELIST))
    [areas] = [spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "area"]
    assert areas.lookup_choices == [("ai", "AI"), ("geopolitics", "geopolitics")]
    assert titles(client.get(reverse(CHANGELIST), {"area": "ai"})) == ["乙", "甲"]
    assert titles(client.get(reverse(CHANGELIST), {"area": "nothing"})) == []
